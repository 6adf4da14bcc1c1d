"""Rendering decisions without Rich or Textual: model data in, a plan of what shows out.

What a cell shows is decided here once; the Textual view (`tuinb.ui.view`)
and the first frame drawn before Textual is imported (`tuinb.ui.firstframe`)
both draw from these plans, so a visual change is one edit:

- `cells` — the gutter (width, label, execution mark), how a source is laid
  out, a cell's estimated height;
- `outputs` — what an output shows: the representation (`mimes`, JupyterLab's
  order adjusted for a terminal), the fold of long text, images with their
  placeholders' height (`imagefit`, `media`), widgets, the rest's one-line
  stand-ins;
- `html` (markdown text and real tables), `latex`/`latex_layout`/`mathspans`
  (math as Unicode), `jsonview` (pretty, foldable JSON), `widgets` (widgets
  as rows of text), `images`/`mdimages` (pixels, images in markdown),
  `kitty`/`sixel` (the terminal encodings), `termgraphics` (which protocol
  the terminal speaks); `widths` measures text in terminal columns;
- `marks` — the execution marks and timing notes a frontend shows;
- `status` — the status bar's text, the kernel's label.

Nothing here imports Textual or Rich (import-linter contract).
"""
