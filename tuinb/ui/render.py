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

Every string from a notebook goes through `tuinb.ui.sanitize` and into a
`Text` (never Rich markup, so ``[/INST]`` is just text). When `folded`, an
output of more than `max_lines` lines shows its first and last lines around a
"… N more lines (o to expand) …" line; the fold is cut from the string before
any `Text` is built, so a 200,000-line output costs a few milliseconds. Folded
text does not wrap (long lines end in "…"); unfolded text wraps.
"""

from __future__ import annotations

import binascii
import json
import re
import struct
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from rich.console import Group, RenderableType
from rich.highlighter import JSONHighlighter
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from tuinb.ui.sanitize import ansi_text, plain_text

__all__ = [
    "MAX_LINES",
    "MIME_PRIORITY",
    "Fold",
    "fold_lines",
    "image_summary",
    "pick_mime",
    "render_output",
    "render_outputs",
]

MAX_LINES = 20
"""Lines a folded output shows (half before the fold line, half after)."""

_FOLD_STYLE = "dim italic"
_STDERR_STYLE = "red"
_PLACEHOLDER_STYLE = "dim"
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")


@dataclass(frozen=True)
class Fold:
    """A text cut for display: `head`, then `hidden` lines left out, then `tail`."""

    head: str
    hidden: int
    tail: str


def _as_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return "" if value is None else str(value)


def fold_lines(text: str, max_lines: int) -> Fold:
    """Keep the first and last `max_lines // 2` lines of `text` (no cut if it fits)."""
    text = text.removesuffix("\n")
    total = text.count("\n") + 1
    if total <= max_lines + 1:
        return Fold(text, 0, "")
    keep_head = max(1, max_lines - max_lines // 2)
    keep_tail = max(0, max_lines // 2)
    end = -1
    for _ in range(keep_head):
        end = text.find("\n", end + 1)
    start = len(text)
    for _ in range(keep_tail):
        start = text.rfind("\n", 0, start)
    tail = text[start + 1 :] if keep_tail else ""
    return Fold(text[:end], total - keep_head - keep_tail, tail)


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


# ---- images ---------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return None


def _gif_size(data: bytes) -> tuple[int, int] | None:
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    return None


_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    if data[:2] != b"\xff\xd8":
        return None
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _JPEG_SOF and pos + 9 <= len(data):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    return None


_SVG_ATTR = re.compile(r"""\b(width|height|viewBox)\s*=\s*["']([^"']*)["']""")


def _svg_size(svg: str) -> tuple[int, int] | None:
    head = svg[: svg.find(">", svg.find("<svg")) + 1] if "<svg" in svg else ""
    attrs = dict(_SVG_ATTR.findall(head))
    try:
        if "width" in attrs and "height" in attrs:
            width = float(re.sub(r"[a-z%]+$", "", attrs["width"].strip()))
            height = float(re.sub(r"[a-z%]+$", "", attrs["height"].strip()))
            return round(width), round(height)
        if "viewBox" in attrs:
            parts = [float(p) for p in re.split(r"[\s,]+", attrs["viewBox"].strip())]
            if len(parts) == 4:
                return round(parts[2]), round(parts[3])
    except ValueError:
        return None
    return None


def _human_bytes(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def image_summary(mime: str, value: Any) -> str:
    """One line for an image: ``[image/png 640x480, 23 KB]`` (pixel size left out if unknown)."""
    raw = _as_str(value)
    dims: tuple[int, int] | None
    if mime == "image/svg+xml":
        size = len(raw.encode("utf-8", "replace"))
        dims = _svg_size(raw)
    else:
        try:
            data = binascii.a2b_base64(raw)
        except (binascii.Error, ValueError):
            data = b""
        size = len(data)
        dims = _png_size(data) or _jpeg_size(data) or _gif_size(data)
    mime = plain_text(mime)
    if dims:
        return f"[{mime} {dims[0]}{_TIMES}{dims[1]}, {_human_bytes(size)}]"
    return f"[{mime}, {_human_bytes(size)}]"


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


# ---- LaTeX ---------------------------------------------------------------------------

_TIMES = "\N{MULTIPLICATION SIGN}"
_LATEX_SYMBOLS = {
    **{f"\\{name}": chr(0x3B1 + i) for i, name in enumerate(("alpha", "beta", "gamma", "delta"))},
    "\\epsilon": "ε", "\\theta": "θ", "\\lambda": "λ", "\\mu": "μ", "\\pi": "π",
    "\\sigma": "\N{GREEK SMALL LETTER SIGMA}", "\\tau": "τ", "\\phi": "φ",
    "\\omega": "ω", "\\Delta": "Δ",
    "\\Sigma": "Σ", "\\Omega": "Ω", "\\infty": "∞", "\\sum": "∑", "\\prod": "∏",
    "\\int": "∫", "\\partial": "∂", "\\cdot": "·", "\\times": _TIMES, "\\pm": "±",
    "\\leq": "≤", "\\geq": "≥", "\\neq": "≠", "\\approx": "≈", "\\to": "→",
    "\\rightarrow": "→", "\\left": "", "\\right": "",
}  # fmt: skip
"""A few LaTeX commands and the characters that stand for them."""
_LATEX_WORD = re.compile(r"\\[A-Za-z]+")
_LATEX_FRAC = re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}")
_LATEX_SQRT = re.compile(r"\\sqrt\{([^{}]*)\}")


def latex_to_unicode(latex: str) -> str:
    """A rough unicode reading of simple LaTeX (fractions, roots, Greek, operators)."""
    text = latex.strip().strip("$").strip()
    text = text.removeprefix(r"\displaystyle").strip()
    for _ in range(4):
        text = _LATEX_FRAC.sub(r"(\1)/(\2)", text)
        text = _LATEX_SQRT.sub(r"√(\1)", text)
    text = _LATEX_WORD.sub(lambda m: _LATEX_SYMBOLS.get(m.group(0), m.group(0)), text)
    return text.replace("{", "").replace("}", "")


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
    **{mime: _image(mime) for mime in _IMAGE_TYPES},
    "text/plain": _plain,
}
"""MIME type -> renderer, in the order they are preferred (as JupyterLab's)."""

MIME_PRIORITY: tuple[str, ...] = tuple(MIME_RENDERERS)
"""The MIME types rendered, most preferred first."""


def pick_mime(data: Mapping[str, Any]) -> str | None:
    """The MIME type of `data` that is shown, or None when none is supported."""
    return next((mime for mime in MIME_PRIORITY if mime in data), None)


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
    if kind == "stream":
        style = _STDERR_STYLE if output.get("name") == "stderr" else ""
        return _text_block(
            _as_str(output.get("text")), folded=folded, max_lines=max_lines, style=style
        )
    if kind == "error":
        traceback = output.get("traceback") or []
        text = "\n".join(_as_str(line) for line in traceback) if isinstance(traceback, list) else ""
        if not text.strip():
            text = f"{_as_str(output.get('ename'))}: {_as_str(output.get('evalue'))}"
            return _text_block(text, folded=folded, max_lines=max_lines, style=_STDERR_STYLE)
        return _text_block(text, folded=folded, max_lines=max_lines)
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
