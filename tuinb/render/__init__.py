"""Rendering decisions without Rich or Textual: model data in, a plan of what shows out.

What a cell shows is decided here once; the Textual view (`tuinb.ui.view`)
and the first frame drawn before Textual is imported (`tuinb.ui.firstframe`)
both draw from these plans, so a visual change is one edit. Drawn today:

- `cells` — the gutter (width, label, execution mark), how a source is laid
  out, a cell's estimated height;
- `outputs` — which representation of an output shows, the fold of long
  text, placeholders; `html_tables` — an HTML output's tables; `media` —
  image summaries and LaTeX as text;
- `marks` — the execution marks and timing notes a frontend shows;
- `status` — the status bar's text, the kernel's label.

Planned for the view's next outputs, not drawn yet: `mimes` (the
representation order adjusted for a terminal), `html` (markdown text and
real tables), `latex`/`latex_layout`/`mathspans` (math as Unicode),
`images`/`mdimages`/`termgraphics` (pixels, terminal graphics detection),
`jsonview`, `widgets`; `widths` measures text in terminal columns. When the
view draws them, `outputs` takes its choices from them and the older
`html_tables`, `media.latex_to_unicode` and `MIME_PRIORITY` go.

Nothing here imports Textual or Rich (import-linter contract).
"""
