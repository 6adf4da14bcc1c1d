"""Find and replace across a notebook: every cell's source, optionally its outputs' text.

`Finder` is what the find bar holds. Each keystroke calls `search()`; it
scans only what it must: a literal query first skips, by a plain substring
test on cached lower-cased text, the cells that cannot match, and a refresh
after an edit re-scans only the cells whose revision changed. Matches are
kept per cell as (start, end) offsets; `line_spans()` gives the highlight
spans of one cell (row, start column, end column) for the cells on screen.

- Toggles: case, whole word, regular expression, outputs (as JupyterLab's).
  An invalid expression is one sentence in `error`, never an exception.
- Empty matches (`^`, `a*` on "b") are skipped: they cannot be shown or
  stepped through. The search stops at `MAX_MATCHES` ("10000+ matches").
- Navigation: `next()`/`previous()` from the current match or from a cell
  and offset, wrapping around the notebook; `label` is "3 of 17".
- Scanning one cell (and the fast path for literal queries) is
  `tuinb.model.matching`; replacing is `tuinb.model.replace` (sources only).

Output text is searched as it is shown: sanitised, without colours.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from tuinb.model.cell import Cell
from tuinb.model.document import Notebook
from tuinb.model.matching import CellHits, CellTexts, FindOptions, Span, compile_query, scan_cell

__all__ = ["Finder", "Hit"]

MAX_MATCHES = 10_000
"""Matches found before the search stops ("10000+ matches"), as editors cap theirs: a
query like `e` over 1,000 cells of outputs would otherwise cost a keystroke ~1 s."""


@dataclass(frozen=True)
class Hit:
    """One match: in a cell's source (`output` None) or in the text of its output `output`."""

    cell_id: str
    start: int
    end: int
    output: int | None = None


class Finder:
    """The matches of one query over one notebook, kept current as the two change."""

    def __init__(self, notebook: Notebook) -> None:
        self.notebook = notebook
        self.query = ""
        self.options = FindOptions()
        self.error: str | None = None
        """Why the query is not usable (an invalid expression), else None."""
        self.current: Hit | None = None
        """The match the find bar is on."""
        self._pattern: re.Pattern[str] | None = None
        self.truncated = False
        """True when the notebook holds more than `MAX_MATCHES` matches (the rest are not shown)."""
        self._scanned: dict[str, CellHits] = {}  # every cell scanned, with or without matches
        self._hits: dict[str, CellHits] = {}  # those with matches
        self._seen_revision = -1
        self._texts: dict[str, CellTexts] = {}
        self._lines: dict[str, tuple[int, list[int]]] = {}  # id -> (rev, line start offsets)

    # ------------------------------------------------------------ searching

    def search(
        self,
        query: str,
        options: FindOptions | None = None,
        *,
        near: tuple[int, int] = (0, 0),
    ) -> None:
        """Find `query` with `options`; the current match becomes the first at or after `near`.

        `near` is (cell index, offset in its source), usually the cursor.
        """
        options = self.options if options is None else options
        if (query, options) != (self.query, self.options):
            self.query, self.options = query, options
            self._hits.clear()
            self._scanned.clear()
            self._seen_revision = -1
            compiled = compile_query(query, options) if query else None
            self.error = compiled if isinstance(compiled, str) else None
            self._pattern = compiled if isinstance(compiled, re.Pattern) else None
        self.refresh(keep=False)
        self.current = self.first_from(near[0], None, near[1], forward=True)

    def refresh(self, *, keep: bool = True) -> None:
        """Bring the matches up to date after cells changed (only changed cells are re-scanned).

        With `keep`, the current match stays, or moves to the next one if it went away.
        """
        if self.notebook.revision == self._seen_revision:
            return
        self._seen_revision = self.notebook.revision
        pattern = self._pattern
        if pattern is None:
            self._hits.clear()
            self._scanned.clear()
            self.truncated = False
            self.current = None
            return
        scanned: dict[str, CellHits] = {}
        needle = None if self.options.regex else self.query
        if needle is not None and not self.options.case_sensitive:
            needle = needle.lower()
        room = MAX_MATCHES
        self.truncated = False
        for cell in self.notebook.cells:
            known = self._scanned.get(cell.id)
            if known is None or known.revision != cell.revision or not known.complete:
                known = self._scan(cell, pattern, needle, room)
            scanned[cell.id] = known
            room -= known.count
            if room <= 0:  # enough to show: the rest is not scanned until the query narrows
                self.truncated = True
                break
        self._scanned = scanned
        self._hits = {cell_id: hits for cell_id, hits in scanned.items() if hits.count}
        if len(self._texts) > 2 * len(self.notebook.cells):  # forget deleted cells
            ids = {cell.id for cell in self.notebook.cells}
            self._texts = {i: text for i, text in self._texts.items() if i in ids}
        if keep and self.current is not None:
            hit = self.current
            if not self._exists(hit):
                index = self._index(hit.cell_id)
                self.current = (
                    None
                    if index is None
                    else self.first_from(index, hit.output, hit.start, forward=True)
                )

    def _scan(
        self, cell: Cell, pattern: re.Pattern[str], needle: str | None, room: int
    ) -> CellHits:
        """The matches in one cell, at most `room` of them (then marked incomplete)."""
        return scan_cell(cell, self._text(cell), pattern, needle, room, self.options)

    def _text(self, cell: Cell) -> CellTexts:
        cached = self._texts.get(cell.id)
        if cached is None or cached.revision != cell.revision:
            cached = self._texts[cell.id] = CellTexts(cell.revision)
        return cached

    # ------------------------------------------------------------ reading

    @property
    def count(self) -> int:
        """How many matches there are."""
        return sum(hits.count for hits in self._hits.values())

    @property
    def label(self) -> str:
        """The find bar's count: "3 of 17", "17 matches", "no matches" (or the error)."""
        if self.error is not None:
            return self.error
        total = self.count
        if total == 0:
            return "no matches" if self.query else ""
        shown = f"{total}+" if self.truncated else str(total)
        position = self.position
        if position is None:
            return f"{shown} match{'es' if total != 1 else ''}"
        return f"{position} of {shown}"

    @property
    def position(self) -> int | None:
        """1-based number of the current match in notebook order, None if there is none."""
        hit = self.current
        if hit is None or not self._exists(hit):
            return None
        before = 0
        for cell in self.notebook.cells:
            hits = self._hits.get(cell.id)
            if hits is None:
                continue
            if cell.id != hit.cell_id:
                before += hits.count
                continue
            for output, spans in self._groups(hits):
                if output == hit.output:
                    return before + spans.index((hit.start, hit.end)) + 1
                before += len(spans)
        return None

    def spans(self, cell_id: str, output: int | None = None) -> list[Span]:
        """(start, end) offsets of the matches in a cell's source (or in output `output`)."""
        hits = self._hits.get(cell_id)
        if hits is None:
            return []
        return list(hits.source if output is None else hits.outputs.get(output, []))

    def line_spans(self, cell_id: str) -> dict[int, list[tuple[int, int]]]:
        """Highlights of a cell's source by row: {row: [(start column, end column), ...]}.

        A match over several lines gives one span on each of its rows.
        """
        hits = self._hits.get(cell_id)
        if hits is None or not hits.source:
            return {}
        starts = self._line_starts(self.notebook.cell(cell_id))
        rows: dict[int, list[tuple[int, int]]] = {}
        for start, end in hits.source:
            row = bisect.bisect_right(starts, start) - 1
            while True:
                line_start = starts[row]
                line_end = starts[row + 1] - 1 if row + 1 < len(starts) else end
                rows.setdefault(row, []).append(
                    (start - line_start, min(end, line_end) - line_start)
                )
                if end <= line_end or row + 1 >= len(starts):
                    break
                row += 1
                start = starts[row]
        return rows

    def _line_starts(self, cell: Cell) -> list[int]:
        cached = self._lines.get(cell.id)
        if cached is not None and cached[0] == cell.revision:
            return cached[1]
        starts = [0]
        source = cell.source
        position = source.find("\n")
        while position >= 0:
            starts.append(position + 1)
            position = source.find("\n", position + 1)
        self._lines[cell.id] = (cell.revision, starts)
        return starts

    def is_current(self, cell_id: str, start: int, output: int | None = None) -> bool:
        """Whether the match at `start` is the current one (drawn differently)."""
        hit = self.current
        return hit is not None and (hit.cell_id, hit.start, hit.output) == (cell_id, start, output)

    # ------------------------------------------------------------ moving

    def next(self) -> Hit | None:
        """Move to the match after the current one (wrapping); returns it."""
        return self._step(forward=True)

    def previous(self) -> Hit | None:
        """Move to the match before the current one (wrapping); returns it."""
        return self._step(forward=False)

    def go_to(self, cell_index: int, offset: int = 0, *, forward: bool = True) -> Hit | None:
        """Make the first match at or after (before, with `forward` False) a position current."""
        self.current = self.first_from(cell_index, None, offset, forward=forward)
        return self.current

    def _step(self, *, forward: bool) -> Hit | None:
        self.refresh()
        hit = self.current
        if hit is None or self._index(hit.cell_id) is None:
            self.current = self.first_from(0, None, 0, forward=True) if forward else self._last()
            return self.current
        index = self._index(hit.cell_id)
        assert index is not None
        offset = hit.start + 1 if forward else hit.start - 1
        self.current = self.first_from(index, hit.output, offset, forward=forward)
        return self.current

    def first_from(
        self, cell_index: int, output: int | None, offset: int, *, forward: bool
    ) -> Hit | None:
        """The first match at or after (cell, output, offset) in notebook order, wrapping."""
        cells = self.notebook.cells
        if not self._hits or not cells:
            return None
        cell_index = max(0, min(cell_index, len(cells) - 1))
        place = (-1 if output is None else output, offset)
        if forward:  # to the end, then from the top round to the start cell again
            order = [*range(cell_index, len(cells)), *range(cell_index + 1)]
        else:
            order = [*range(cell_index, -1, -1), *range(len(cells) - 1, cell_index - 1, -1)]
        for step, index in enumerate(order):
            cell = cells[index]
            hits = self._hits.get(cell.id)
            if hits is None:
                continue
            candidates = [
                (-1 if group is None else group, start, end, group)
                for group, spans in self._groups(hits)
                for start, end in spans
            ]
            if not forward:
                candidates.reverse()
            for key_group, start, end, group in candidates:
                if step == 0:
                    key = (key_group, start)
                    if (forward and key < place) or (not forward and key > place):
                        continue
                return Hit(cell.id, start, end, group)
        return None

    def _last(self) -> Hit | None:
        for cell in reversed(self.notebook.cells):
            hits = self._hits.get(cell.id)
            if hits is not None:
                group, spans = list(self._groups(hits))[-1]
                return Hit(cell.id, spans[-1][0], spans[-1][1], group)
        return None

    @staticmethod
    def _groups(hits: CellHits) -> list[tuple[int | None, list[Span]]]:
        groups: list[tuple[int | None, list[Span]]] = []
        if hits.source:
            groups.append((None, hits.source))
        groups += [(index, hits.outputs[index]) for index in sorted(hits.outputs)]
        return groups

    def _index(self, cell_id: str) -> int | None:
        try:
            return self.notebook.index_of(cell_id)
        except KeyError:
            return None

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """The compiled query (None: no query, or an invalid one)."""
        return self._pattern

    def exists(self, hit: Hit) -> bool:
        """Whether `hit` is still a match (after edits, `refresh()` first)."""
        return self._exists(hit)

    def _exists(self, hit: Hit) -> bool:
        hits = self._hits.get(hit.cell_id)
        if hits is None:
            return False
        spans = hits.source if hit.output is None else hits.outputs.get(hit.output, [])
        return (hit.start, hit.end) in spans
