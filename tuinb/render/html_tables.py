"""An HTML output as the notebook view shows it today: top-level tables as rows, the rest as text.

`read_html(html)` finds the top-level tables of an HTML snippet (a pandas
DataFrame's ``_repr_html_``, say) and the text outside them; `plan_table`
decides what a table shows (header, rows, the fold of a long one). Drawing
the table (column widths, borders) is Rich's, in the view.

`tuinb.render.html` reads HTML better (markdown text, row and column spans,
index columns) but is not drawn by the view yet; when it is, it replaces this
module and `plan_output` uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from tuinb.sanitize import plain_text

__all__ = ["HtmlText", "TablePlan", "plan_table", "read_html"]

TableRows = list[list[tuple[str, bool]]]
"""Rows of cells: (text, whether the cell is a header cell)."""


class _TableParser(HTMLParser):
    """Collects the tables of an HTML snippet and the text outside them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[TableRows] = []
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


@dataclass(frozen=True, slots=True)
class HtmlText:
    """What an HTML snippet holds: its non-empty tables, and the text outside them."""

    tables: list[TableRows]
    outside: str


def read_html(html: str) -> HtmlText:
    """The tables and outside text of `html` (no tables if it cannot be parsed)."""
    parser = _TableParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; anything odd falls back to text
        parser.tables = []
    tables = [rows for rows in parser.tables if rows and any(rows)]
    return HtmlText(tables, "".join(parser.outside))


@dataclass(frozen=True, slots=True)
class TablePlan:
    """A table as shown: column titles, then rows; a `None` row is the fold line."""

    titles: list[str]
    """One title per column (sanitised; empty strings when the table has no header)."""
    show_header: bool
    rows: list[list[tuple[str, bool]] | None]
    """Sanitised cells (text, bold), or None where `hidden` rows are left out."""
    hidden: int


def plan_table(rows: TableRows, *, folded: bool, max_lines: int) -> TablePlan:
    """What a table shows: leading all-header rows are its header; long bodies fold."""
    head_rows = 0
    while head_rows < len(rows) and all(is_th for _, is_th in rows[head_rows]):
        head_rows += 1
    columns = max(len(row) for row in rows)
    header = rows[0] if head_rows else []
    titles = [plain_text(header[i][0]) if i < len(header) else "" for i in range(columns)]
    body = rows[1:head_rows] + rows[head_rows:] if head_rows else rows
    hidden = 0
    shown: list[list[tuple[str, bool]] | None]
    if folded and len(body) > max_lines + 1:
        keep = max_lines - max_lines // 2
        hidden = len(body) - keep - max_lines // 2
        shown = [*body[:keep], None, *body[len(body) - max_lines // 2 :]]
    else:
        shown = list(body)
    cells = [
        None if row is None else [(plain_text(text), is_th) for text, is_th in row] for row in shown
    ]
    return TablePlan(titles, head_rows > 0, cells, hidden)
