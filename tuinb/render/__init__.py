"""Rendering decisions without Rich or Textual: model data in, a plan of what shows out.

What a cell shows is decided here once; the Textual view (`tuinb.ui.view`)
and the first frame drawn before Textual is imported (`tuinb.ui.firstframe`)
both draw from these plans, so a visual change is one edit:

- `cells` — the gutter (width, label, execution mark), how a source is laid
  out, a cell's estimated height;
- `outputs` — which representation of an output shows (JupyterLab's MIME
  order), the fold of long text, placeholders; `html` — tables of an HTML
  output; `media` — image summaries and LaTeX as text;
- `marks` — the execution marks and timing notes a frontend shows;
- `status` — the status bar's text, the kernel's label.

Nothing here imports Textual or Rich (import-linter contract).
"""
