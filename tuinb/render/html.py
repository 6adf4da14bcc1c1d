"""`text/html` outputs as blocks a terminal draws well: markdown text and real tables.

Two libraries were tried on real pandas output (DataFrame, Styler,
MultiIndex) and on an ordinary HTML document (headings, paragraphs, nested
lists, a link, ``<pre>``):

- inscriptis (Apache-2.0) lays text out well but returns one pre-wrapped
  string: a table cannot then scroll sideways, its header row was shifted one
  column left (pandas' empty corner cell), MultiIndex rows lost their
  alignment, and links are dropped unless annotated.
- markdownify (MIT) returns markdown: headings, emphasis, lists, code and
  links (with their targets, which become terminal hyperlinks) render as a
  markdown cell does. Its tables are markdown tables, and both libraries got
  pandas' ``rowspan`` (MultiIndex) wrong.

So markdownify converts everything but tables, and tables are parsed here
(stdlib `html.parser`) into a `Table`: header rows, body rows, ``rowspan`` and
``colspan`` placed as pandas lays them out, the index columns (leading
``<th>`` of each body row) apart so a view can keep them while the rest
scrolls sideways, and numeric columns right-aligned. ``<style>`` and
``<script>`` are dropped (a Styler's colours are not kept).

Every string comes out through `tuinb.sanitize.plain_text`. markdownify
(and BeautifulSoup under it) is imported on first use: ~80 ms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

from tuinb.render.widths import pad, text_width
from tuinb.sanitize import plain_text

__all__ = ["HtmlBlock", "MarkdownBlock", "Table", "TableCell", "html_blocks", "html_to_markdown"]

Align = Literal["l", "r"]


@dataclass(frozen=True)
class TableCell:
    """One cell as shown: its text (one line) and whether it was a ``<th>``."""

    text: str
    header: bool = False


@dataclass(frozen=True)
class Table:
    """A table as data: the UI draws it (and scrolls it sideways); nothing is pre-wrapped.

    Every row has `len(align)` cells (spans are filled with empty cells).
    """

    header_rows: tuple[tuple[TableCell, ...], ...]
    body_rows: tuple[tuple[TableCell, ...], ...]
    align: tuple[Align, ...]
    """Per column: ``r`` for numbers, ``l`` otherwise."""
    index_columns: int = 0
    """Leading columns that label the rows (pandas' index): kept when scrolling sideways."""
    caption: str = ""

    @property
    def column_count(self) -> int:
        return len(self.align)

    def column_widths(self) -> list[int]:
        """Terminal columns each table column needs (its widest cell)."""
        widths = [0] * self.column_count
        for row in (*self.header_rows, *self.body_rows):
            for index, cell in enumerate(row):
                widths[index] = max(widths[index], text_width(cell.text))
        return widths

    def lines(self, *, first_column: int | None = None, gap: int = 2) -> list[str]:
        """Aligned rows of text: the index columns, then columns from `first_column` on.

        `first_column` (default: the first after the index) is how a view
        scrolls sideways; a rule (``─``) separates the header rows from the body.
        """
        start = self.index_columns if first_column is None else max(first_column, 0)
        shown = [
            *range(self.index_columns),
            *range(max(start, self.index_columns), self.column_count),
        ]
        widths = self.column_widths()
        spacer = " " * gap

        def render(row: Sequence[TableCell]) -> str:
            return spacer.join(pad(row[c].text, widths[c], self.align[c]) for c in shown).rstrip()

        out = [render(row) for row in self.header_rows]
        if self.header_rows:
            out.append("─" * (sum(widths[c] for c in shown) + gap * max(len(shown) - 1, 0)))
        out.extend(render(row) for row in self.body_rows)
        return out


@dataclass(frozen=True)
class MarkdownBlock:
    """HTML that is not a table, as markdown: draw it as a markdown cell is drawn."""

    text: str


HtmlBlock = MarkdownBlock | Table


# ---- splitting a document into tables and the rest --------------------------------------

_DROP = re.compile(r"<(style|script)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


class _TableFinder(HTMLParser):
    """Offsets of the top-level ``<table>…</table>`` spans of a document."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0]
        for match in re.finditer("\n", source):
            self._line_starts.append(match.end())
        self._source = source
        self.spans: list[tuple[int, int]] = []
        self._depth = 0
        self._start = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            if self._depth == 0:
                self._start = self._offset()
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._depth:
            self._depth -= 1
            if self._depth == 0:
                end = self._source.find(">", self._offset())
                self.spans.append((self._start, len(self._source) if end < 0 else end + 1))


@dataclass
class _RawCell:
    text: list[str] = field(default_factory=list)
    header: bool = False
    rowspan: int = 1
    colspan: int = 1


class _TableParser(HTMLParser):
    """Rows of raw cells of one table (nested tables flattened into their cell's text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.head: list[list[_RawCell]] = []
        self.body: list[list[_RawCell]] = []
        self.caption: list[str] = []
        self._section = "body"
        self._row: list[_RawCell] | None = None
        self._cell: _RawCell | None = None
        self._in_caption = False
        self._depth = 0

    @staticmethod
    def _span(attrs: list[tuple[str, str | None]], name: str) -> int:
        for key, value in attrs:
            if key == name and value and value.strip().isdigit():
                return max(1, min(int(value), 1000))
        return 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
        if self._depth > 1:
            return
        if tag == "thead":
            self._section = "head"
        elif tag in ("tbody", "tfoot"):
            self._section = "body"
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._row = []
            (self.head if self._section == "head" else self.body).append(self._row)
        elif tag in ("td", "th"):
            if self._row is None:
                self._row = []
                self.body.append(self._row)
            self._cell = _RawCell(
                header=tag == "th",
                rowspan=self._span(attrs, "rowspan"),
                colspan=self._span(attrs, "colspan"),
            )
            self._row.append(self._cell)
        elif tag == "br":
            self.handle_data(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._depth -= 1
        elif tag in ("td", "th") and self._depth <= 1:
            self._cell = None
        elif tag == "caption":
            self._in_caption = False
        elif tag == "thead":
            self._section = "body"

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text.append(data)
        elif self._in_caption:
            self.caption.append(data)


def _one_line(parts: list[str]) -> str:
    return " ".join(plain_text("".join(parts)).split())


def _grid(rows: list[list[_RawCell]], width: int | None = None) -> list[list[TableCell]]:
    """Rows with spans placed: a spanned place holds an empty cell (as pandas prints)."""
    grid: list[list[TableCell | None]] = []
    for row_index, row in enumerate(rows):
        while len(grid) <= row_index:
            grid.append([])
        column = 0
        for raw in row:
            line = grid[row_index]
            while column < len(line) and line[column] is not None:
                column += 1
            text = _one_line(raw.text)
            for down in range(raw.rowspan):
                while len(grid) <= row_index + down:
                    grid.append([])
                target = grid[row_index + down]
                for across in range(raw.colspan):
                    place = column + across
                    while len(target) <= place:
                        target.append(None)
                    first = down == 0 and across == 0
                    target[place] = TableCell(text if first else "", raw.header)
            column += raw.colspan
    count = width if width is not None else max((len(row) for row in grid), default=0)
    return [
        [cell if cell is not None else TableCell("") for cell in row]
        + [TableCell("")] * (count - len(row))
        for row in grid
    ]


_NUMBER = re.compile(
    r"[-+]?(?:\d[\d,_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?%?|nan|NaN|-?inf|<NA>|None|…|\.\.\."
)


def _numeric(cells: list[str]) -> bool:
    filled = [text for text in cells if text]
    return bool(filled) and all(_NUMBER.fullmatch(text) for text in filled)


def _table(fragment: str) -> Table | None:
    parser = _TableParser()
    parser.feed(fragment)
    parser.close()
    head_raw = parser.head
    body_raw = parser.body
    if not head_raw:  # no <thead>: leading rows made only of <th> are the header
        while body_raw and body_raw[0] and all(cell.header for cell in body_raw[0]):
            head_raw.append(body_raw.pop(0))
    width = max((sum(c.colspan for c in row) for row in (*head_raw, *body_raw)), default=0)
    if width == 0:
        return None
    everything = _grid([*head_raw, *body_raw])
    width = max(len(row) for row in everything)
    everything = [row + [TableCell("")] * (width - len(row)) for row in everything]
    head = everything[: len(head_raw)]
    body = everything[len(head_raw) :]
    index = 0
    if body:
        index = min(
            next((i for i, cell in enumerate(row) if not cell.header), len(row)) for row in body
        )
        index = min(index, width - 1) if width > 1 else 0
    align: list[Align] = [
        "l" if column < index or not _numeric([row[column].text for row in body]) else "r"
        for column in range(width)
    ]
    return Table(
        header_rows=tuple(tuple(row) for row in head),
        body_rows=tuple(tuple(row) for row in body),
        align=tuple(align),
        index_columns=index,
        caption=_one_line(parser.caption),
    )


_TAG = re.compile(r"<[^>]*>")


def html_to_markdown(html: str) -> str:
    """HTML (no tables expected) as markdown, ATX headings, controls dropped.

    Markup around nothing (the ``<div>`` around a DataFrame's table) is nothing,
    without importing markdownify (~70 ms, on the UI thread the first time).
    """
    if not _TAG.sub("", html).strip():
        return ""
    from markdownify import markdownify

    text = markdownify(html, heading_style="ATX", bullets="-", strip=["style", "script"])
    return plain_text(re.sub(r"\n{3,}", "\n\n", text)).strip()


def html_blocks(html: str) -> list[HtmlBlock]:
    """`html` as markdown blocks and tables, in document order (empty parts left out)."""
    source = _DROP.sub("", html)
    finder = _TableFinder(source)
    try:
        finder.feed(source)
        finder.close()
    except Exception:  # HTMLParser is lenient; anything odd is read as one block of text
        finder.spans = []
    blocks: list[HtmlBlock] = []
    last = 0
    for start, end in finder.spans:
        before = html_to_markdown(source[last:start]) if start > last else ""
        if before:
            blocks.append(MarkdownBlock(before))
        table = _table(source[start:end])
        if table is not None:
            blocks.append(table)
        last = end
    rest = html_to_markdown(source[last:]) if last < len(source) else ""
    if rest:
        blocks.append(MarkdownBlock(rest))
    return blocks
