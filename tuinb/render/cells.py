"""What a cell shows, decided once without Rich: its gutter, its source's kind, its rows.

A row of the notebook is a gutter of `GUTTER` columns (a label right-aligned
in `LABEL_WIDTH`, a one-character execution mark, the cursor or selection
bar) and a row of the cell's content: its source, its outputs
(`tuinb.render.outputs`), then one blank row; the timing note of a cell that
ran (`tuinb.render.marks`) is drawn on that blank row. The bar is drawn on
every row of a cell but that last one. The view and the first frame both lay
cells out by these rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

from tuinb.render.outputs import MAX_LINES, output_height_estimate
from tuinb.sanitize import plain_text

if TYPE_CHECKING:
    from tuinb.model import Cell

__all__ = [
    "GUTTER",
    "LABEL_WIDTH",
    "GutterHead",
    "GutterMarks",
    "SourceKind",
    "estimate_rows",
    "gutter_head",
    "gutter_label",
    "label_cells",
    "source_kind",
]

GUTTER = 8
"""Columns left of a cell's content: the label, the mark, the bar."""
LABEL_WIDTH = GUTTER - 2
"""Columns of the label (``[12]:``, ``md``), right-aligned."""

SourceKind = Literal["markdown", "code", "text"]
"""How a source is laid out: Markdown rendered; code unwrapped (cropped); text wrapped."""


class GutterMarks(Protocol):
    """Supplies per-cell execution marks (`tuinb.render.marks.RunMarks`)."""

    def gutter(self, cell: Any) -> tuple[str | None, str, str]:
        """(label instead of ``[n]:`` or None, one-character mark, Rich style of the mark)."""
        ...


class GutterHead(NamedTuple):
    """A cell's first gutter row: the label, the mark and the mark's style (a Rich style).

    A tuple: it is part of the key of every cached gutter row."""

    label: str
    mark: str
    style: str


def gutter_label(cell: Cell) -> str:
    """``[n]:`` (``[ ]:`` never run) for code, ``md``, ``raw``; sanitised.

    A count from a crafted or not yet validated file may be any JSON value,
    escape sequences included.
    """
    if cell.cell_type == "code":
        count = cell.execution_count
        return plain_text(f"[{count if count is not None else ' '}]:")
    return "md" if cell.cell_type == "markdown" else "raw"


def gutter_head(cell: Cell, marks: GutterMarks | None) -> GutterHead:
    """The first gutter row of a cell: its label (or the marks' override) and its mark."""
    override, mark, style = marks.gutter(cell) if marks is not None else (None, " ", "")
    label = plain_text(override) if override is not None else gutter_label(cell)
    return GutterHead(label, plain_text(mark[:1]) or " ", style or "")


def label_cells(label: str) -> str:
    """The label as drawn: cut to `LABEL_WIDTH` and right-aligned in it."""
    return label[:LABEL_WIDTH].rjust(LABEL_WIDTH)


def source_kind(cell: Cell) -> SourceKind:
    """Markdown (a markdown cell with some text), code, or plain text (raw, empty markdown)."""
    if cell.cell_type == "markdown" and cell.source.strip():
        return "markdown"
    return "code" if cell.cell_type == "code" else "text"


def estimate_rows(
    cell: Cell, *, folded: bool = True, source_rows: int | None = None, max_lines: int = MAX_LINES
) -> int:
    """Rows a cell will likely take before it is laid out: source, outputs, the blank row.

    `source_rows`: the source's rows when known (the live editor's height);
    `max_lines`: the lines of a folded output (`ViewOptions.fold_lines`).
    """
    source = cell.source.count("\n") + 1 if source_rows is None else source_rows
    return source + output_height_estimate(cell.outputs, folded=folded, max_lines=max_lines) + 1
