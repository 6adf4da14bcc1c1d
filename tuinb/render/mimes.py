"""Which representation of an output bundle is shown: one decision for every renderer.

JupyterLab picks the lowest-ranked renderer that can draw a bundle
(``@jupyterlab/rendermime``: JSON 0, HTML 50, Markdown 60, LaTeX 70, SVG 80,
PNG/JPEG/GIF/WebP 90, JavaScript 110, plain text 120; widget views ahead of
all). tuinb keeps that order and adjusts it for a terminal
(`MIME_ORDER`, listed in the README):

1. ``application/vnd.jupyter.widget-view+json`` when the widget's model is
   known (the kernel's comm is open or its state was saved), as JupyterLab;
2. ``application/json``: pretty and foldable, as JupyterLab's JSON viewer;
3. ``text/html``, unless it is script-driven (Plotly, Bokeh, Altair, a
   widget's HTML fallback: ``<script>`` or ``<iframe>`` and no table), which
   a terminal cannot run, and the bundle has something better (an image,
   markdown, LaTeX, or a ``text/plain`` that is more than a default repr):
   then that is shown instead;
4. ``text/markdown``, 5. ``text/latex`` (as Unicode; its source if that fails);
6. raster images before SVG (``image/png``, ``image/jpeg``, ``image/gif``,
   ``image/webp``, then ``image/svg+xml``): the same pixels, and no SVG to
   rasterise when a kernel sends both; images only when the terminal can
   draw them (``images = "none"`` or no colour: the text, below);
7. ``text/plain``.

JavaScript (``application/javascript``) is never chosen: nothing runs it here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from tuinb.render.media import IMAGE_MIME_TYPES, as_str
from tuinb.sanitize import plain_text

__all__ = [
    "MIME_ORDER",
    "WIDGET_VIEW",
    "bare_repr",
    "choose_mime",
    "latex_output_text",
    "markdown_cell_text",
    "markdown_output_text",
    "widget_model_id",
]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

MIME_ORDER: tuple[str, ...] = (
    WIDGET_VIEW,
    "application/json",
    "text/html",
    "text/markdown",
    "text/latex",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/svg+xml",
    "text/plain",
)
"""Most preferred first (see the module's docstring for why it differs from JupyterLab's)."""

_SCRIPTED = r"<(?:script|iframe)\b"
_TABLE = r"<table\b"
_BARE_REPR = r"<[\w.]+ (?:object(?: at 0x[0-9a-fA-F]+)?|at 0x[0-9a-fA-F]+)>"
"""A default ``repr`` such as ``<IPython.core.display.HTML object>``: says nothing.
(Patterns are compiled on first use, by `re`'s cache: compiling them at import
cost the first frame ~1 ms.)"""


def bare_repr(text: str) -> bool:
    """Whether ``text/plain`` is only a default repr (``<IPython.core.display.HTML object>``)."""
    return re.fullmatch(_BARE_REPR, text.strip()) is not None


def _html_drawable(html: str) -> bool:
    scripted = re.search(_SCRIPTED, html, re.IGNORECASE) is not None
    return not scripted or re.search(_TABLE, html, re.IGNORECASE) is not None


def _something_else(data: Mapping[str, Any], images: bool) -> bool:
    """Whether a bundle has a representation worth showing instead of script-driven HTML:
    an image, markdown, LaTeX, or a ``text/plain`` that says more than a default repr."""
    if any(mime in data for mime in ("text/markdown", "text/latex")):
        return True
    if images and any(mime in data for mime in IMAGE_MIME_TYPES):
        return True
    plain = as_str(data.get("text/plain", ""))
    return bool(plain.strip()) and not bare_repr(plain)


def widget_model_id(data: Mapping[str, Any]) -> str | None:
    """The model id of a bundle's widget view, if it has one."""
    view = data.get(WIDGET_VIEW)
    model_id = view.get("model_id") if isinstance(view, Mapping) else None
    return model_id if isinstance(model_id, str) and model_id else None


def choose_mime(
    data: Mapping[str, Any],
    *,
    images: bool = True,
    widget_known: Callable[[str], bool] | None = None,
) -> str | None:
    """The MIME type of `data` to show, or None when none can be shown.

    `images`: the terminal can draw images (a protocol other than ``none``).
    `widget_known(model_id)`: whether a widget view can be drawn (the widget
    store has its model); without it widget views are never chosen.
    """
    for mime in MIME_ORDER:
        if mime not in data:
            continue
        if mime == WIDGET_VIEW:
            model_id = widget_model_id(data)
            if widget_known is not None and model_id is not None and widget_known(model_id):
                return mime
            continue
        scripted = mime == "text/html" and not _html_drawable(as_str(data[mime]))
        if scripted and _something_else(data, images):
            continue
        if mime in IMAGE_MIME_TYPES and not images:
            continue
        return mime
    return None


def latex_output_text(data: Mapping[str, Any]) -> tuple[str, bool]:
    """The text of a ``text/latex`` output and whether it is the converted formula.

    Unicode when the formula converts; else ``text/plain`` when it says more
    than a default repr (sympy's pretty print does); else the LaTeX source.
    Sanitised. (pylatexenc is imported on the first formula: not on the first frame.)
    """
    from tuinb.render.latex import latex_to_unicode

    source = as_str(data.get("text/latex"))
    text = latex_to_unicode(source)
    if text is not None:
        return plain_text(text), True
    plain = as_str(data.get("text/plain"))
    if plain.strip() and not bare_repr(plain):
        return plain_text(plain), False
    return plain_text(source.strip()), False


def markdown_output_text(source: str) -> str:
    """A ``text/markdown`` output (or markdown cell) ready for the markdown renderer.

    Controls dropped and ``$…$`` math turned into Unicode; links and images
    stay markdown (the renderer makes links hyperlinks through
    `tuinb.sanitize.link_target` and images through `tuinb.render.mdimages`).
    """
    from tuinb.render.mathspans import markdown_math

    return markdown_math(plain_text(source))


def markdown_cell_text(source: str) -> str:
    """A markdown cell's source ready for the markdown renderer: math as Unicode, control
    characters shown as visible marks (it is typed text, as code is)."""
    from tuinb.render.mathspans import markdown_math
    from tuinb.sanitize import printable

    return markdown_math(printable(source))
