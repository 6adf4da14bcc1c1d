"""Rows of terminal text without Rich, for the first frame (`tuinb.ui.firstframe.frame`).

Each function returns rows as strings holding only printable characters and
SGR sequences, each at most `width` cells wide, laid out the way Rich lays out
the same content in the notebook view: no-wrap text cropped (code) or cut with
"…" (outputs), text wrapped at word boundaries (raw cells, markdown), and a
small subset of Markdown (ATX headings, paragraphs, ``-`` lists, ``*em*``,
``**strong**``, `` `code` ``). Whatever falls outside what is reproduced
exactly raises `Unsupported`: the first frame then stops there and Textual
draws the rest a moment later, so nothing on the first frame has to move.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator

__all__ = [
    "Unsupported",
    "ansi_rows",
    "cell_len",
    "expand_tabs",
    "fit",
    "markdown_rows",
    "wrap_rows",
]

RESET = "\x1b[0m"
TAB_SIZE = 8
_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_WORD = re.compile(r"\s*\S+\s*")

# Rich styles of Markdown elements (rich.default_styles) as SGR parameters.
_HEADING = {1: "1;4", 2: "35;4", 3: "1;35", 4: "3;35", 5: "3", 6: "2"}
_STRONG, _EM, _CODE, _BULLET = "1", "3", "1;36;40", "1"
_LINK_URL = "4;34"


class Unsupported(Exception):
    """Content the first frame does not reproduce exactly (Textual will draw it)."""


def char_len(char: str) -> int:
    """Terminal cells of one character (2 for wide East Asian, 0 for combining marks)."""
    if char < "\u0300":
        return 1
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_len(text: str) -> int:
    """Terminal cells `text` (no escape sequences) takes."""
    if text.isascii():
        return len(text)
    return sum(char_len(char) for char in text)


def _units(line: str) -> Iterator[tuple[str, int]]:
    """Each character with its cells, and each SGR sequence whole with 0 cells."""
    position = 0
    for match in _SGR.finditer(line):
        for char in line[position : match.start()]:
            yield char, char_len(char)
        yield match.group(0), 0
        position = match.end()
    for char in line[position:]:
        yield char, char_len(char)


def expand_tabs(line: str) -> str:
    """Tabs as spaces to the next multiple of 8 cells (SGR sequences take none)."""
    if "\t" not in line:
        return line
    out: list[str] = []
    column = 0
    for piece, size in _units(line):
        if piece == "\t":
            piece = " " * (TAB_SIZE - column % TAB_SIZE)
            size = len(piece)
        out.append(piece)
        column += size
    return "".join(out)


def fit(line: str, width: int, *, ellipsis: bool) -> str:
    """`line` (text and SGR) cut to `width` cells: cropped, or ending in "…"."""
    plain = _SGR.sub("", line) if "\x1b" in line else line
    if cell_len(plain) <= width:
        return line
    limit = width - 1 if ellipsis else width
    out: list[str] = []
    used = 0
    for piece, size in _units(line):
        if used + size > limit:
            if used < limit:  # half a wide character: a space, as Rich pads
                out.append(" ")
            out.append("…" if ellipsis else "")
            return "".join(out)
        out.append(piece)
        used += size
    return "".join(out)


def _is_reset(params: str) -> bool:
    fields = params.replace(":", ";").split(";")
    return "" in fields or "0" in fields


def ansi_rows(text: str, width: int, *, style: str = "", ellipsis: bool = True) -> list[str]:
    """Sanitised text with SGR colours as no-wrap rows; colours carry across lines.

    `style` is SGR parameters of the base style (``"31"``), kept after a reset.
    """
    base = f"\x1b[{style}m" if style else ""
    rows: list[str] = []
    carried = ""
    for raw in text.split("\n"):
        line = expand_tabs(raw)
        if base and "\x1b" in line:
            line = _SGR.sub(
                lambda m: m.group(0) + base if _is_reset(m.group(1)) else m.group(0), line
            )
        row = fit(base + carried + line, width, ellipsis=ellipsis)
        for params in _SGR.findall(line):
            carried = ("" if _is_reset(params) else carried) + f"\x1b[{params}m"
        rows.append(row + RESET if "\x1b" in row else row)
    return rows


# ---- wrapping -------------------------------------------------------------------------


def _chop(word: str, width: int) -> list[str]:
    """A word longer than the width, cut into pieces of at most `width` cells."""
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for char in word:
        size = char_len(char)
        if used + size > width and current:
            pieces.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += size
    pieces.append("".join(current))
    return pieces


def _break_positions(text: str, width: int) -> list[int]:
    """Where Rich's word wrap breaks `text` (rich._wrap.divide_line, fold=True)."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        length = cell_len(word.rstrip())
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width:
            pieces = _chop(word, width)
            for index, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if index == len(pieces) - 1:
                    offset = cell_len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


def wrap_rows(text: str, width: int, *, rstrip: bool = False) -> list[str]:
    """Plain text (no SGR) wrapped at word boundaries as Rich wraps a `Text`."""
    rows: list[str] = []
    for raw in text.split("\n"):
        line = expand_tabs(raw)
        cuts = [0, *_break_positions(line, width), len(line)]
        for start, end in itertools.pairwise(cuts):
            piece = line[start:end]
            piece = piece.rstrip() if rstrip else piece
            rows.append(piece if cell_len(piece) <= width else fit(piece, width, ellipsis=False))
    return rows


# ---- Markdown (a subset) ------------------------------------------------------------------

_HEADING_LINE = re.compile(r"(#{1,6}) (\S.*)")
_BULLET_LINE = re.compile(r"([-*+]) (\S.*)")
_INLINE = re.compile(
    r"`(?P<code>[^`\s](?:[^`]*[^`\s])?)`"
    r"|\*\*(?P<strong>[^*\s](?:[^*]*[^*\s])?)\*\*"
    r"|\*(?P<em>[^*\s](?:[^*]*[^*\s])?)\*"
    r"|(?<!!)\[(?P<link>[^\[\]`*]+)\]\((?P<url>[\w./:#?=+%~&-]+)\)",
    re.ASCII,
)
_UNSURE = re.compile(
    r"[\\<>&|~!\t\[\]*`]|``|  $"
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"  # `_` emphasis; snake_case is plain text
)
_BLOCK_START = re.compile(r"[ #>=\d]|[-*+](?: |$)|---|\*\*\*|```")


def _spans(text: str) -> list[tuple[str, str]]:
    """(text, SGR params) runs of one paragraph or heading (Rich's Markdown styles)."""
    spans: list[tuple[str, str]] = []
    position = 0
    for match in _INLINE.finditer(text):
        spans.append((text[position : match.start()], ""))
        kind = match.lastgroup or ""
        if kind == "url":
            spans.append((match["link"], _LINK_URL))  # the view's Markdown keeps hyperlinks
        else:
            spans.append((match[kind], {"code": _CODE, "strong": _STRONG, "em": _EM}[kind]))
        position = match.end()
    spans.append((text[position:], ""))
    for part, style in spans:
        if style not in (_CODE, _LINK_URL) and _UNSURE.search(part):
            raise Unsupported("markup the first frame does not reproduce")
    return [(part, style) for part, style in spans if part]


def _styled_rows(
    spans: list[tuple[str, str]], width: int, *, base: str = "", centre: bool = False
) -> list[str]:
    """Wrap styled runs as Rich wraps a left-justified (or centred) Text."""
    plain = "".join(part for part, _ in spans)
    styles: list[str] = []
    for part, style in spans:
        styles.extend([style] * len(part))
    rows: list[str] = []
    position = 0
    cuts = [*_break_positions(plain, width), len(plain)]
    for end in cuts:
        piece = plain[position:end].rstrip()
        if cell_len(piece) > width:
            raise Unsupported("a word wider than the screen")
        out: list[str] = []
        if centre:
            out.append(" " * ((width - cell_len(piece)) // 2))
        current = None
        for index, char in enumerate(piece):
            style = ";".join(s for s in (base, styles[position + index]) if s)
            if style != current:
                out.append(RESET if current else "")
                out.append(f"\x1b[{style}m" if style else "")
                current = style
            out.append(char)
        if current:
            out.append(RESET)
        rows.append("".join(out))
        position = end
    return rows


def _blocks(source: str) -> list[list[str]]:
    """Lines of the blocks between blank lines (a hard line break is not reproduced)."""
    blocks: list[list[str]] = [[]]
    for line in source.split("\n"):
        if line.strip():
            if line.endswith("  "):
                raise Unsupported("a hard line break")
            blocks[-1].append(line.rstrip(" "))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def markdown_rows(source: str, width: int) -> list[str]:
    """A markdown cell as Rich's `Markdown` draws it, or `Unsupported`."""
    rows: list[str] = []
    previous = ""
    for block in _blocks(source):
        heading = _HEADING_LINE.fullmatch(block[0])
        kind = "heading" if heading else "list" if _BULLET_LINE.fullmatch(block[0]) else "para"
        if rows:
            rows.append("")
        if heading:
            text = heading.group(2).strip()
            if len(block) > 1 or text.endswith("#"):
                raise Unsupported("a heading with more lines")
            level = len(heading.group(1))
            rows.extend(_styled_rows(_spans(text), width, base=_HEADING[level], centre=level == 1))
        elif kind == "list":
            if previous == "list":
                raise Unsupported("a loose list")
            marker = block[0][0]
            for line in block:
                item = _BULLET_LINE.fullmatch(line)
                if item is None or item.group(1) != marker or width < 4:
                    raise Unsupported("a list the first frame does not reproduce")
                lines = _styled_rows(_spans(item.group(2)), width - 3)
                rows.append(f"\x1b[{_BULLET}m • {RESET}{lines[0]}")
                rows.extend(f"   {line}" for line in lines[1:])
        else:
            if any(_BLOCK_START.match(line) for line in block):
                raise Unsupported("a block the first frame does not reproduce")
            rows.extend(_styled_rows(_spans(" ".join(block)), width))
        previous = kind
    return rows
