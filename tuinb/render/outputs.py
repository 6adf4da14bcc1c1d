"""What a stored output shows, decided once without Rich: a plan the view and the first frame draw.

`plan_output(output, folded=...)` picks the representation of an output
(`tuinb.render.mimes.choose_mime`: JupyterLab's order adjusted for a
terminal), cuts a long text to its first and last lines (`fold_lines`, on
the string, before anything is laid out: a 200,000-line output costs a count
of its newlines) and names what stands for the rest:

- `ShownText`: streams, errors, ``text/plain``, ``text/latex`` as Unicode
  (`latex_output_text`), ``application/json`` as pretty lines
  (`tuinb.render.jsonview`, deep levels collapsed when long);
- `ShownMarkdown`: ``text/markdown``, math as Unicode (`markdown_output_text`);
- `ShownHtml`: ``text/html``, which the view reads into markdown blocks and
  real tables (`tuinb.render.html.html_blocks`) when it draws it;
- `ShownImage`: an image with its pixel size read from its header (no
  decoding), so a placeholder of the right height (`image_rows`) shows until
  the view has drawn it;
- `ShownWidget`: an ipywidgets view drawn from the widget store
  (`tuinb.render.widgets`); a widget that cannot be drawn is its
  ``text/plain`` with a note;
- `Placeholder`: one line naming what is not drawn.

The notebook view (`tuinb.ui.view.rich_outputs`) turns a plan into Rich
renderables; the first frame (`tuinb.ui.firstframe.frame`) into rows of
terminal text, or gives up on the plans it does not reproduce exactly
(Markdown, HTML, widgets, which Rich lays out). Text in a plan is as the
notebook holds it: each drawing sanitises it (`tuinb.sanitize`), keeping
SGR colours only where `ShownText.ansi` says so.

Importing this module costs the first frame ~1 ms: the plans are named
tuples (a frozen dataclass costs ~0.4 ms to define); the LaTeX, HTML, JSON
and widget modules are imported when an output needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from tuinb.render.imagefit import DEFAULT_LAYOUT, image_rows
from tuinb.render.media import IMAGE_MIME_TYPES, as_str, image_pixel_size, image_summary
from tuinb.render.mimes import WIDGET_VIEW, bare_repr, choose_mime, widget_model_id
from tuinb.sanitize import plain_text

if TYPE_CHECKING:
    from tuinb.engine.widgetstate import WidgetStore

__all__ = [
    "MAX_LINES",
    "Fold",
    "OutputPlan",
    "Placeholder",
    "ShownHtml",
    "ShownImage",
    "ShownMarkdown",
    "ShownText",
    "ShownWidget",
    "bare_repr",
    "fold_lines",
    "fold_note",
    "output_height_estimate",
    "output_text",
    "plan_output",
]

MAX_LINES = 20
"""Lines a folded output shows (half before the fold line, half after)."""

ESTIMATE_COLUMNS = 100
"""Text width assumed for an image's rows in a height estimate (the view measures the real one)."""


class Fold(NamedTuple):
    """A text cut for display: `head`, then `hidden` lines left out, then `tail`."""

    head: str
    hidden: int
    tail: str


def fold_lines(text: str, max_lines: int) -> Fold:
    """Keep the first and last `max_lines // 2` lines of `text` (no cut if it fits).

    A last newline ends the last line. Only the kept lines are copied, so a
    200,000-line output costs one count of its newlines.
    """
    end = len(text) - 1 if text.endswith("\n") else len(text)
    total = text.count("\n", 0, end) + 1
    if total <= max_lines + 1:
        return Fold(text[:end], 0, "")
    keep_head = max(1, max_lines - max_lines // 2)
    keep_tail = max(0, max_lines // 2)
    head_end = -1
    for _ in range(keep_head):
        head_end = text.find("\n", head_end + 1, end)
    start = end
    for _ in range(keep_tail):
        start = text.rfind("\n", 0, start)
    tail = text[start + 1 : end] if keep_tail else ""
    return Fold(text[:head_end], total - keep_head - keep_tail, tail)


def fold_note(hidden: int, unit: str = "lines") -> str:
    """The line standing for the `hidden` lines (or table rows) a fold leaves out."""
    return f"… {hidden:,} more {unit} (o to expand) …"


def output_text(output: Mapping[str, Any], *, images: bool = True) -> tuple[str, bool] | None:
    """(text, whether it is error text) of an output shown as ANSI text, else None.

    Streams, errors and bundles whose shown MIME type is ``text/plain``;
    stderr and an error without a traceback are error text (drawn in red).
    """
    kind = output.get("output_type")
    if kind == "stream":
        return as_str(output.get("text")), output.get("name") == "stderr"
    if kind == "error":
        traceback = output.get("traceback")
        text = "\n".join(as_str(line) for line in traceback) if isinstance(traceback, list) else ""
        if text.strip():
            return text, False
        return f"{as_str(output.get('ename'))}: {as_str(output.get('evalue'))}", True
    data = output.get("data")
    if isinstance(data, Mapping) and choose_mime(data, images=images) == "text/plain":
        return as_str(data.get("text/plain")), False
    return None


def _line_count(text: str, limit: int) -> int:
    """Lines of `text` (a last newline ends the last line), counted up to `limit`."""
    end = len(text) - 1 if text.endswith("\n") else len(text)
    if end < 65536:
        return min(limit, text.count("\n", 0, end) + 1)
    count, position = 1, text.find("\n", 0, end)
    while position >= 0 and count < limit:
        count += 1
        position = text.find("\n", position + 1, end)
    return count


def _image_estimate(data: Mapping[str, Any], images: bool) -> int | None:
    mime = choose_mime(data, images=images)
    if mime not in IMAGE_MIME_TYPES:
        return None
    return image_rows(image_pixel_size(mime, data[mime]), ESTIMATE_COLUMNS, DEFAULT_LAYOUT)


def output_height_estimate(
    outputs: list[dict[str, Any]],
    *,
    folded: bool,
    max_lines: int = MAX_LINES,
    images: bool = True,
) -> int:
    """Rows the outputs will likely take (exact for unwrapped text); `max_lines` as folded."""
    total = 0
    for output in outputs:
        text = output_text(output, images=images)
        if text is None:
            data = output.get("data")
            rows = _image_estimate(data, images) if isinstance(data, Mapping) else None
            total += 3 if rows is None else rows
        elif folded:
            total += _line_count(text[0], max_lines + 1)
        else:
            total += text[0].removesuffix("\n").count("\n") + 1
    return total


# ---- the plan of one output ---------------------------------------------------------


class ShownText(NamedTuple):
    """Text shown as it is: `fold.head`, then (if `fold.hidden`) the fold note and `fold.tail`."""

    fold: Fold
    error: bool = False
    """Error text (stderr, an error without a traceback): drawn in red."""
    ansi: bool = True
    """SGR colours in the text are kept (sanitised); else it is plain text."""
    wrap: bool = False
    """Long lines wrap (an unfolded output); else they end in "…"."""
    json: bool = False
    """The text is JSON: the view colours it."""
    note: str = ""
    """A dim line after the text (a widget that is not drawn says so); sanitised."""


class ShownMarkdown(NamedTuple):
    """Markdown laid out by Rich (sanitised, math as Unicode)."""

    source: str


class ShownHtml(NamedTuple):
    """HTML, read into markdown blocks and tables (`tuinb.render.html.html_blocks`) when drawn."""

    html: str
    folded: bool
    """Long tables fold to their first and last rows."""
    max_lines: int


class ShownImage(NamedTuple):
    """An image, drawn by the view once decoded; until then (and in the first frame) a
    placeholder of `image_rows` rows: the `summary` line, then blank rows."""

    mime: str
    data: Any
    """The output's field (base64 text, or SVG text)."""
    size: tuple[int, int] | None
    """Pixel size from the image's header (None: unknown until decoded)."""
    summary: str
    """``[image/png 640x480, 23 KB]`` (sanitised; the x is a multiplication sign)."""


class ShownWidget(NamedTuple):
    """An ipywidgets view, drawn from the widget store (`tuinb.render.widgets.widget_rows`)."""

    model_id: str


class Placeholder(NamedTuple):
    """One dim line naming what is not drawn (an unknown type); sanitised."""

    message: str


OutputPlan = ShownText | ShownMarkdown | ShownHtml | ShownImage | ShownWidget | Placeholder
"""What one output shows."""


def _text(raw: str, folded: bool, max_lines: int, *, error: bool = False, ansi: bool = True,
          json_text: bool = False, note: str = "") -> ShownText:  # fmt: skip
    fold = fold_lines(raw, max_lines) if folded else Fold(raw.removesuffix("\n"), 0, "")
    return ShownText(fold, error=error, ansi=ansi, wrap=not folded, json=json_text, note=note)


def _markdown(data: Mapping[str, Any], folded: bool, max_lines: int) -> OutputPlan:
    from tuinb.render.mimes import markdown_output_text

    source = markdown_output_text(as_str(data["text/markdown"]))
    if folded and fold_lines(source, max_lines).hidden:
        return _text(source, folded, max_lines, ansi=False)
    return ShownMarkdown(source)


def _json(data: Mapping[str, Any], folded: bool, max_lines: int) -> OutputPlan:
    from tuinb.render.jsonview import default_folds, json_plan, visible_lines

    plan = json_plan(data["application/json"])
    shown = visible_lines(plan, default_folds(plan) if folded else ())
    text = "\n".join(line.text for _, line in shown)
    return _text(text, folded, max_lines, ansi=False, json_text=True)


def _latex(data: Mapping[str, Any], folded: bool, max_lines: int) -> OutputPlan:
    from tuinb.render.mimes import latex_output_text

    text, _ = latex_output_text(data)
    return _text(text, folded, max_lines, ansi=False)


def _image(mime: str, data: Mapping[str, Any]) -> OutputPlan:
    value = data[mime]
    return ShownImage(mime, value, image_pixel_size(mime, value), image_summary(mime, value))


def _unsupported_widget(data: Mapping[str, Any], widgets: WidgetStore | None) -> str:
    """The note of a widget view that is not drawn (its model is known but not drawable)."""
    model_id = widget_model_id(data)
    if widgets is None or model_id is None or model_id not in widgets:
        return ""
    from tuinb.render.widgets import UNSUPPORTED_NOTE

    return UNSUPPORTED_NOTE


def plan_output(
    output: Mapping[str, Any],
    *,
    folded: bool = True,
    max_lines: int = MAX_LINES,
    images: bool = True,
    widgets: WidgetStore | None = None,
) -> OutputPlan:
    """What one stored output (an nbformat v4 dict) shows.

    `images`: the terminal draws images (else their text form shows);
    `widgets`: the widget models known now (None: widget views show their text).
    """
    kind = output.get("output_type")
    shown = output_text(output) if kind in ("stream", "error") else None
    if shown is not None:
        return _text(shown[0], folded, max_lines, error=shown[1])
    if kind not in ("display_data", "execute_result", "update_display_data"):
        return Placeholder(f"[{plain_text(str(kind))} output]")
    data = output.get("data")
    if not isinstance(data, Mapping):
        return Placeholder("[empty output]")
    known: Callable[[str], bool] | None = None
    if widgets is not None and WIDGET_VIEW in data:
        from tuinb.render.widgets import widget_supported

        known = partial(widget_supported, widgets)
    mime = choose_mime(data, images=images, widget_known=known)
    if mime is None:
        kinds = ", ".join(plain_text(str(kind)) for kind in data) or "empty output"
        return Placeholder(f"[{kinds}]")
    if mime == WIDGET_VIEW:
        model_id = widget_model_id(data)
        assert model_id is not None
        return ShownWidget(model_id)
    if mime == "text/markdown":
        return _markdown(data, folded, max_lines)
    if mime == "application/json":
        return _json(data, folded, max_lines)
    if mime == "text/html":
        return ShownHtml(as_str(data[mime]), folded, max_lines)
    if mime == "text/latex":
        return _latex(data, folded, max_lines)
    if mime in IMAGE_MIME_TYPES:
        return _image(mime, data)
    note = _unsupported_widget(data, widgets) if WIDGET_VIEW in data else ""
    return _text(as_str(data["text/plain"]), folded, max_lines, note=note)
