"""Stored nbformat outputs as Rich renderables: one MIME registry for the whole UI.

Public API (the notebook view calls these; both are pure and cheap to cache):

- `render_outputs(outputs, *, width, folded=True, max_lines=MAX_LINES)` -> a
  `Group` of every output of a cell, in order.
- `render_output(output, *, width, folded=True, max_lines=MAX_LINES)` -> one.
- `pick_mime(data)` -> the MIME type of a bundle that would be shown.
- `fold_lines(text, max_lines)` -> `Fold` (head, hidden line count, tail).

What is shown, for `display_data` / `execute_result` (first match wins):
``text/markdown`` (Rich Markdown), ``application/json`` (pretty JSON),
``text/html`` (simple tables as a Rich Table, otherwise ``text/plain`` or the
text without tags), ``text/latex`` (``text/plain`` or a unicode
approximation), images (one line: type, pixel size, bytes), ``text/plain``
(ANSI colours), and a one-line placeholder naming any other type. Streams go
through the ANSI parser (stderr in red), errors show their coloured traceback.

Every string from a notebook goes through `tuinb.sanitize` and into a
`Text` (never Rich markup, so ``[/INST]`` is just text). When `folded`, an
output of more than `max_lines` lines shows its first and last lines around a
"… N more lines (o to expand) …" line; the fold is cut from the string before
any `Text` is built, so a 200,000-line output costs a few milliseconds. Folded
text does not wrap (long lines end in "…"); unfolded text wraps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from html.parser import HTMLParser
from typing import Any

from rich.console import Group, RenderableType
from rich.highlighter import JSONHighlighter
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from tuinb.render.media import as_str as _as_str
from tuinb.render.media import image_summary, latex_to_unicode
from tuinb.render.outputs import (
    IMAGE_TYPES,
    MAX_LINES,
    MIME_PRIORITY,
    Fold,
    fold_lines,
    output_text,
    pick_mime,
)
from tuinb.sanitize import plain_text
from tuinb.ui.sanitize import ansi_text

__all__ = [
    "MAX_LINES",
    "MIME_PRIORITY",
    "Fold",
    "fold_lines",
    "image_summary",
    "latex_to_unicode",
    "pick_mime",
    "render_output",
    "render_outputs",
]

_FOLD_STYLE = "dim italic"
_PLACEHOLDER_STYLE = "dim"


def _fold_line(hidden: int, unit: str = "lines") -> Text:
    return Text(f"… {hidden:,} more {unit} (o to expand) …", style=_FOLD_STYLE)


def _text_block(
    raw: str, *, folded: bool, max_lines: int, style: str = "", ansi: bool = True
) -> RenderableType:
    """Untrusted text as Text, cut before parsing when folded."""

    def make(part: str) -> Text:
        text = ansi_text(part, style=style) if ansi else Text(plain_text(part), style=style)
        text.end = "\n"
        if folded:
            text.no_wrap = True
            text.overflow = "ellipsis"
        return text

    if not folded:
        return make(raw.removesuffix("\n"))
    fold = fold_lines(raw, max_lines)
    if not fold.hidden:
        return make(fold.head)
    parts: list[RenderableType] = [make(fold.head), _fold_line(fold.hidden)]
    if fold.tail:
        parts.append(make(fold.tail))
    return Group(*parts)


def _placeholder(message: str) -> Text:
    return Text(message, style=_PLACEHOLDER_STYLE, no_wrap=True, overflow="ellipsis")


# ---- HTML ----------------------------------------------------------------------------


class _TableParser(HTMLParser):
    """Collects the tables of an HTML snippet and the text outside them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, bool]]]] = []
        self.outside: list[str] = []
        self._depth = 0
        self._row: list[tuple[str, bool]] | None = None
        self._cell: list[str] | None = None
        self._header = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append([])
        elif self._depth == 1 and tag == "tr":
            self._row = []
        elif self._depth == 1 and tag in ("td", "th") and self._row is not None:
            self._cell, self._header = [], tag == "th"
        elif tag == "br":
            self.handle_data("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        elif tag == "table":
            self._depth = max(0, self._depth - 1)
        elif self._depth == 1 and tag in ("td", "th") and self._cell is not None:
            if self._row is not None:
                self._row.append((" ".join("".join(self._cell).split()), self._header))
            self._cell = None
        elif self._depth == 1 and tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None
        elif tag in ("p", "div", "li", "h1", "h2", "h3", "h4", "tr"):
            self.handle_data("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif not self._depth:
            self.outside.append(data)


def _html_table(rows: list[list[tuple[str, bool]]], *, folded: bool, max_lines: int) -> Table:
    table = Table(show_edge=False, pad_edge=False, expand=False, header_style="bold")
    head_rows = 0
    while head_rows < len(rows) and all(is_th for _, is_th in rows[head_rows]):
        head_rows += 1
    columns = max(len(row) for row in rows)
    header = rows[0] if head_rows else []
    for index in range(columns):
        title = plain_text(header[index][0]) if index < len(header) else ""
        table.add_column(Text(title), overflow="ellipsis", no_wrap=folded)
    if head_rows == 0:
        table.show_header = False
    body = rows[head_rows:] if head_rows else rows
    extra_headers = rows[1:head_rows]
    body = extra_headers + body
    hidden = 0
    if folded and len(body) > max_lines + 1:
        keep = max_lines - max_lines // 2
        hidden = len(body) - keep - max_lines // 2
        shown = [*body[:keep], [], *body[len(body) - max_lines // 2 :]]
    else:
        shown = body
    for row in shown:
        if not row:
            table.add_row(_fold_line(hidden, "rows"))
            continue
        cells = [Text(plain_text(text), style="bold" if is_th else "") for text, is_th in row]
        table.add_row(*cells)
    return table


_BARE_REPR = re.compile(r"<[\w.]+ (?:object(?: at 0x[0-9a-fA-F]+)?|at 0x[0-9a-fA-F]+)>")
"""A default ``repr`` such as ``<IPython.core.display.HTML object>``: says nothing."""


def _render_html(data: Mapping[str, Any], *, folded: bool, max_lines: int) -> RenderableType:
    parser = _TableParser()
    try:
        parser.feed(_as_str(data["text/html"]))
        parser.close()
    except Exception:  # HTMLParser is lenient; anything odd falls back to text
        parser.tables = []
    tables = [rows for rows in parser.tables if rows and any(rows)]
    outside = "".join(parser.outside).strip()
    if tables:
        parts: list[RenderableType] = []
        if outside:
            parts.append(_text_block(outside, folded=folded, max_lines=max_lines, ansi=False))
        parts.extend(_html_table(rows, folded=folded, max_lines=max_lines) for rows in tables)
        return Group(*parts)
    plain = _as_str(data.get("text/plain", ""))
    if plain and not _BARE_REPR.fullmatch(plain.strip()):
        return _text_block(plain, folded=folded, max_lines=max_lines)
    text = re.sub(r"\n\s*\n+", "\n", outside)
    return _text_block(text or plain, folded=folded, max_lines=max_lines, ansi=False)


# ---- the registry --------------------------------------------------------------------

_Renderer = Callable[[Mapping[str, Any], bool, int], RenderableType]


def _markdown(data: Mapping[str, Any], folded: bool, max_lines: int) -> RenderableType:
    source = plain_text(_as_str(data["text/markdown"]))
    if folded and fold_lines(source, max_lines).hidden:
        return _text_block(source, folded=folded, max_lines=max_lines, ansi=False)
    return Markdown(source, hyperlinks=False)


def _json(data: Mapping[str, Any], folded: bool, max_lines: int) -> RenderableType:
    try:
        dumped = json.dumps(data["application/json"], indent=2, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        dumped = repr(data["application/json"])
    block = _text_block(dumped, folded=folded, max_lines=max_lines, ansi=False)
    highlighter = JSONHighlighter()
    for part in block.renderables if isinstance(block, Group) else [block]:
        if isinstance(part, Text) and part.style != _FOLD_STYLE:
            highlighter.highlight(part)
    return block


def _html(data: Mapping[str, Any], folded: bool, max_lines: int) -> RenderableType:
    return _render_html(data, folded=folded, max_lines=max_lines)


def _latex(data: Mapping[str, Any], folded: bool, max_lines: int) -> RenderableType:
    plain = _as_str(data.get("text/plain", ""))
    text = plain or latex_to_unicode(_as_str(data["text/latex"]))
    return _text_block(text, folded=folded, max_lines=max_lines, ansi=bool(plain))


def _image(mime: str) -> _Renderer:
    def render(data: Mapping[str, Any], folded: bool, max_lines: int) -> RenderableType:
        return _placeholder(image_summary(mime, data[mime]))

    return render


def _plain(data: Mapping[str, Any], folded: bool, max_lines: int) -> RenderableType:
    return _text_block(_as_str(data["text/plain"]), folded=folded, max_lines=max_lines)


MIME_RENDERERS: dict[str, _Renderer] = {
    "text/markdown": _markdown,
    "application/json": _json,
    "text/html": _html,
    "text/latex": _latex,
    **{mime: _image(mime) for mime in IMAGE_TYPES},
    "text/plain": _plain,
}
"""MIME type -> renderer (one for each type of `MIME_PRIORITY`)."""


def _render_bundle(data: Mapping[str, Any], *, folded: bool, max_lines: int) -> RenderableType:
    mime = pick_mime(data)
    if mime is None:
        kinds = ", ".join(plain_text(str(kind)) for kind in data) or "empty output"
        return _placeholder(f"[{kinds}]")
    return MIME_RENDERERS[mime](data, folded, max_lines)


def render_output(
    output: Mapping[str, Any], *, width: int, folded: bool = True, max_lines: int = MAX_LINES
) -> RenderableType:
    """One stored output (an nbformat v4 dict) as a renderable at most `width` wide."""
    kind = output.get("output_type")
    shown = output_text(output) if kind in ("stream", "error") else None
    if shown is not None:
        return _text_block(shown[0], folded=folded, max_lines=max_lines, style=shown[1])
    if kind in ("display_data", "execute_result", "update_display_data"):
        data = output.get("data")
        if not isinstance(data, Mapping):
            return _placeholder("[empty output]")
        return _render_bundle(data, folded=folded, max_lines=max_lines)
    return _placeholder(f"[{plain_text(str(kind))} output]")


def render_outputs(
    outputs: Iterable[Mapping[str, Any]],
    *,
    width: int,
    folded: bool = True,
    max_lines: int = MAX_LINES,
) -> Group:
    """Every output of a cell, one after the other."""
    return Group(
        *(render_output(out, width=width, folded=folded, max_lines=max_lines) for out in outputs)
    )
