"""The find bar's matches as marks on the view's rows, painted over finished rows.

While the find bar is open, each row of a cell's source (and of its outputs,
with the outputs toggle) is searched with the finder's expression as it is
drawn, so a mark falls where the text shows, whatever the layout (wrapped
markdown, tabs, wide characters, line numbers). The current match is the
n-th match of its source line, counted the same way in the drawn row.

The marks of a row are part of its key in the view's row cache, and are
painted on the row's finished content (`paint`), so a keystroke in the find
bar re-finishes nothing: it recomputes the marks of the rows on screen
(kept per row until the query or the current match changes) and repaints
those rows from cached parts.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from textual.strip import Strip

from tuinb.render.cells import source_kind
from tuinb.render.options import ViewOptions, line_number_width

if TYPE_CHECKING:
    from rich.style import Style

    from tuinb.model import Cell
    from tuinb.model.find import Finder

__all__ = ["Marks", "RowMarks", "paint"]

Marks = tuple[tuple[int, int, bool], ...]
"""(first cell, end cell, is the current match) of each match in a row's content."""


class RowMarks:
    """The marks of the rows of the view, for one finder (see the module)."""

    def __init__(self, finder: Finder) -> None:
        self.finder = finder
        self._cache: dict[Hashable, Marks] = {}
        self.generation = 0
        """Bumped by `changed()`: the query, its options or the current match changed."""

    def changed(self) -> None:
        """Forget the marks computed so far."""
        self._cache.clear()
        self.generation += 1

    def block_row(
        self,
        cell: Cell,
        lines: Sequence[object],
        block_key: Hashable,
        row: int,
        source_rows: int,
        options: ViewOptions,
    ) -> Marks | None:
        """The marks of row `row` of a cell's rendered block (`lines`, the first
        `source_rows` of them its source), laid out with `options`; None without any."""
        if row >= len(lines):
            return None
        line = lines[row]
        if not isinstance(line, Strip):  # a row of a long output, not drawn yet
            return None
        source = row < source_rows
        skip = 0
        if source and options.line_numbers and source_kind(cell) == "code":
            skip = line_number_width(cell.source.count("\n") + 1)
        return self.row(cell, block_key, row, line.text, source=source, skip=skip) or None

    def row(
        self, cell: Cell, block_key: Hashable, row: int, text: str, *, source: bool, skip: int
    ) -> Marks:
        """The marks of one drawn row of `cell` (`text`, its first `skip` columns not content:
        line numbers); `source`: the row shows the cell's source, else its outputs."""
        key = (cell.id, block_key, row)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._marks(cell, row, text, source=source, skip=skip)
        return found

    def _marks(self, cell: Cell, row: int, text: str, *, source: bool, skip: int) -> Marks:
        finder = self.finder
        pattern = finder.pattern
        if pattern is None or not (source or finder.options.in_outputs):
            return ()
        content = text[skip:]
        spans = [m.span() for m in pattern.finditer(content) if m.end() > m.start()]
        if not spans:
            return ()
        current = self._current_nth(cell, row) if source else None
        ascii_text = content.isascii()
        marks: list[tuple[int, int, bool]] = []
        for number, (start, end) in enumerate(spans):
            if ascii_text:
                first, last = start, end
            else:
                first, last = cell_len(content[:start]), cell_len(content[:end])
            marks.append((first + skip, last + skip, number == current))
        return tuple(marks)

    def _current_nth(self, cell: Cell, row: int) -> int | None:
        """Which match of source row `row` is the current one (code cells: a row is a line)."""
        hit = self.finder.current
        if hit is None or hit.cell_id != cell.id or hit.output is not None:
            return None
        if cell.cell_type != "code":
            return None
        source = cell.source
        line = source.count("\n", 0, hit.start)
        if line != row:
            return None
        line_start = source.rfind("\n", 0, hit.start) + 1
        starts = [start for start, _ in self.finder.line_spans(cell.id).get(row, [])]
        return bisect.bisect_left(starts, hit.start - line_start)


def paint(strip: Strip, marks: Marks, match: Style, current: Style) -> Strip:
    """`strip` with each marked range drawn over in `match` (`current` for the current one)."""
    cuts: list[int] = []
    for start, end, _ in marks:
        cuts += [start, end]
    width = strip.cell_length
    pieces = strip.divide([*cuts, width])
    segments: list[Segment] = []
    styles = {
        index * 2 + 1: current if is_current else match
        for index, (_, _, is_current) in enumerate(marks)
    }
    for number, piece in enumerate(pieces):
        style = styles.get(number)
        if style is None:
            segments.extend(piece)
        else:
            segments.extend(
                Segment(text, (old + style) if old is not None else style, control)
                for text, old, control in piece
            )
    return Strip(segments, width)
