"""What a stored output shows, decided once without Rich: a plan the view and the first frame draw.

`plan_output(output, folded=...)` picks the representation of an output
(JupyterLab's MIME order), cuts a long text to its first and last lines
(`fold_lines`, on the string, before anything is laid out: a 200,000-line
output costs a count of its newlines) and names what cannot be drawn
(placeholders). The notebook view (`tuinb.ui.view.rich_outputs`) turns a plan
into Rich renderables; the first frame (`tuinb.ui.firstframe.frame`) into rows
of terminal text, or gives up on the plans it does not reproduce exactly
(Markdown and tables, which Rich lays out). Text in a plan is as the notebook
holds it: each drawing sanitises it (`tuinb.sanitize`), keeping SGR colours
only where `ShownText.ansi` says so.

Importing this module costs the first frame ~1 ms: the plans are named
tuples (a frozen dataclass costs ~0.4 ms to define), and the HTML parser is
imported when an HTML output is planned.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from tuinb.render.media import as_str, image_summary, latex_to_unicode
from tuinb.sanitize import plain_text

if TYPE_CHECKING:
    from tuinb.render.html_tables import TablePlan

__all__ = [
    "IMAGE_TYPES",
    "MAX_LINES",
    "MIME_PRIORITY",
    "MIME_RENDERERS",
    "Fold",
    "OutputPlan",
    "Placeholder",
    "ShownMarkdown",
    "ShownTables",
    "ShownText",
    "bare_repr",
    "fold_lines",
    "fold_note",
    "output_height_estimate",
    "output_text",
    "pick_mime",
    "plan_output",
]

MAX_LINES = 20
"""Lines a folded output shows (half before the fold line, half after)."""

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
"""Image MIME types shown as a one-line summary."""

MIME_PRIORITY: tuple[str, ...] = (
    "text/markdown",
    "application/json",
    "text/html",
    "text/latex",
    *IMAGE_TYPES,
    "text/plain",
)
"""The MIME types rendered, most preferred first (as JupyterLab's)."""


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


def pick_mime(data: Mapping[str, Any]) -> str | None:
    """The MIME type of `data` that is shown, or None when none is supported."""
    return next((mime for mime in MIME_PRIORITY if mime in data), None)


def fold_note(hidden: int, unit: str = "lines") -> str:
    """The line standing for the `hidden` lines (or table rows) a fold leaves out."""
    return f"… {hidden:,} more {unit} (o to expand) …"


def output_text(output: Mapping[str, Any]) -> tuple[str, bool] | None:
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
    if isinstance(data, Mapping) and pick_mime(data) == "text/plain":
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


def output_height_estimate(
    outputs: list[dict[str, Any]], *, folded: bool, max_lines: int = MAX_LINES
) -> int:
    """Rows the outputs will likely take (exact for unwrapped text); `max_lines` as folded."""
    total = 0
    for output in outputs:
        text = output_text(output)
        if text is None:
            total += 3
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


class ShownMarkdown(NamedTuple):
    """Markdown laid out by Rich (sanitised source)."""

    source: str


class ShownTables(NamedTuple):
    """HTML tables, after the text outside them (if any)."""

    outside: ShownText | None
    tables: list[TablePlan]


class Placeholder(NamedTuple):
    """One dim line naming what is not drawn (an image, an unknown type); sanitised."""

    message: str


OutputPlan = ShownText | ShownMarkdown | ShownTables | Placeholder
"""What one output shows."""


def _text(raw: str, folded: bool, max_lines: int, *, error: bool = False, ansi: bool = True,
          json_text: bool = False) -> ShownText:  # fmt: skip
    fold = fold_lines(raw, max_lines) if folded else Fold(raw.removesuffix("\n"), 0, "")
    return ShownText(fold, error=error, ansi=ansi, wrap=not folded, json=json_text)


_Planner = Callable[[Mapping[str, Any], bool, int], OutputPlan]


def _markdown(data: Mapping[str, Any], folded: bool, max_lines: int) -> OutputPlan:
    source = plain_text(as_str(data["text/markdown"]))
    if folded and fold_lines(source, max_lines).hidden:
        return _text(source, folded, max_lines, ansi=False)
    return ShownMarkdown(source)


def _json(data: Mapping[str, Any], folded: bool, max_lines: int) -> OutputPlan:
    try:
        dumped = json.dumps(data["application/json"], indent=2, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        dumped = repr(data["application/json"])
    return _text(dumped, folded, max_lines, ansi=False, json_text=True)


_BARE_REPR = r"<[\w.]+ (?:object(?: at 0x[0-9a-fA-F]+)?|at 0x[0-9a-fA-F]+)>"
"""A default ``repr`` such as ``<IPython.core.display.HTML object>``: says nothing.
(A pattern, compiled on first use: compiling it costs the first frame ~1 ms.)"""


def bare_repr(text: str) -> bool:
    """Whether ``text/plain`` is only a default repr (``<IPython.core.display.HTML object>``)."""
    return re.fullmatch(_BARE_REPR, text.strip()) is not None


def _html(data: Mapping[str, Any], folded: bool, max_lines: int) -> OutputPlan:
    from tuinb.render.html_tables import plan_table, read_html  # only for HTML outputs

    html = read_html(as_str(data["text/html"]))
    outside = html.outside.strip()
    if html.tables:
        tables = [plan_table(rows, folded=folded, max_lines=max_lines) for rows in html.tables]
        before = _text(outside, folded, max_lines, ansi=False) if outside else None
        return ShownTables(before, tables)
    plain = as_str(data.get("text/plain", ""))
    if plain and not bare_repr(plain):
        return _text(plain, folded, max_lines)
    text = re.sub(r"\n\s*\n+", "\n", outside)
    return _text(text or plain, folded, max_lines, ansi=False)


def _latex(data: Mapping[str, Any], folded: bool, max_lines: int) -> OutputPlan:
    plain = as_str(data.get("text/plain", ""))
    text = plain or latex_to_unicode(as_str(data["text/latex"]))
    return _text(text, folded, max_lines, ansi=bool(plain))


def _image(mime: str) -> _Planner:
    def plan(data: Mapping[str, Any], folded: bool, max_lines: int) -> OutputPlan:
        return Placeholder(image_summary(mime, data[mime]))

    return plan


def _plain(data: Mapping[str, Any], folded: bool, max_lines: int) -> OutputPlan:
    return _text(as_str(data["text/plain"]), folded, max_lines)


MIME_RENDERERS: dict[str, _Planner] = {
    "text/markdown": _markdown,
    "application/json": _json,
    "text/html": _html,
    "text/latex": _latex,
    **{mime: _image(mime) for mime in IMAGE_TYPES},
    "text/plain": _plain,
}
"""MIME type -> how its data is shown (one for each type of `MIME_PRIORITY`)."""


def plan_output(
    output: Mapping[str, Any], *, folded: bool = True, max_lines: int = MAX_LINES
) -> OutputPlan:
    """What one stored output (an nbformat v4 dict) shows."""
    kind = output.get("output_type")
    shown = output_text(output) if kind in ("stream", "error") else None
    if shown is not None:
        return _text(shown[0], folded, max_lines, error=shown[1])
    if kind in ("display_data", "execute_result", "update_display_data"):
        data = output.get("data")
        if not isinstance(data, Mapping):
            return Placeholder("[empty output]")
        mime = pick_mime(data)
        if mime is None:
            kinds = ", ".join(plain_text(str(kind)) for kind in data) or "empty output"
            return Placeholder(f"[{kinds}]")
        return MIME_RENDERERS[mime](data, folded, max_lines)
    return Placeholder(f"[{plain_text(str(kind))} output]")
