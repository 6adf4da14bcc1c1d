"""Painting the notebook view's rows: each row finished once, kept by what it shows.

A row of the view is a gutter (label, mark, cursor or selection bar) and a
row of a cell's rendered block. Both parts are finished (Textual's styles
applied) apart and kept: the content by cell, block and row, the gutter by
its state, and the joined row by both. A scroll re-renders only the rows
that came into sight (the cells just off screen are finished after each
frame, one cell a step), a cursor move only the gutters whose bar changed.
`NotebookView` supplies the layout (heights, blocks) this paints from.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from tuinb.render.cells import GUTTER, GutterHead, GutterMarks, gutter_head, label_cells
from tuinb.ui.sanitize import ansi_text
from tuinb.ui.textual_compat import finish_rows, install_vertical_scrollbar
from tuinb.ui.view.cell_rows import Row
from tuinb.ui.view.row_cache import RowCache, RowScrollBar

if TYPE_CHECKING:
    from tuinb.model import Cell, Notebook

PREFETCH_DELAY = 0.004
"""Seconds after a frame before cells just off screen are rendered: the frame
is written to the terminal first (the writer thread needs the interpreter)."""

CONTENT_ROWS_KEPT = 1500
"""Finished content rows kept (the screen, and the cells around it as it moves)."""

PREFETCH_STEP_DELAY = 0.001
"""Pause between prefetch steps, in which a key that came in is handled."""

_BLANK_ROW = ("blank",)
"""Content key of the rows below the last cell."""

_ContentKey = tuple[Any, ...]
"""(index, row, cache key) of a row's content, or `_BLANK_ROW`."""

_GutterKey = tuple[GutterHead | None, str] | None
"""(label and mark on a cell's first row, bar) of a row's gutter."""

_RowKey = tuple[Any, ...]
"""(content's cache key, gutter key), plus the row's marks when it has any."""


@dataclass
class Block:
    """A cell rendered for one width: its rows and how many of them are source."""

    key: tuple[Any, ...]
    lines: list[Row]
    """Rendered rows, or raw lines of a long unfolded output rendered when painted."""
    source_rows: int


class RowPainter(ScrollView):
    """A `ScrollView` whose rows come from cached, finished parts (see the module)."""

    notebook: Notebook
    cursor: int
    editing_id: str | None
    marks: GutterMarks | None
    cell_note: Callable[[Cell], str | None] | None
    _heights: list[int]
    _tops: list[int]
    _total: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._prefetch_pending = False
        self._prefetch_steps: list[tuple[int, bool]] = []
        self._prefetch_generation = 0
        self.rows = RowCache()
        """Finished rows (gutter and content) by what they show."""
        self.contents = RowCache(limit=CONTENT_ROWS_KEPT)
        """Finished content parts of rows, by cell, block and row."""
        self._gutters: dict[_GutterKey, Strip] = {}
        self._gutters_signature: Hashable = None

    # ---- supplied by the view -----------------------------------------------------

    @property
    def content_width(self) -> int:
        """Columns available to a cell's content (right of the gutter)."""
        raise NotImplementedError

    @property
    def selection(self) -> range:
        """Indices of the selected cells."""
        raise NotImplementedError

    def index_at(self, y: int) -> int:
        """Index of the cell at virtual row ``y``."""
        raise NotImplementedError

    def is_rendered(self, index: int) -> bool:
        """Whether a cell's block is cached for the current width."""
        raise NotImplementedError

    def _block(self, index: int) -> Block:
        raise NotImplementedError

    def _measure_visible(self) -> None:
        raise NotImplementedError

    def _strips(self, renderable: RenderableType, width: int) -> list[Strip]:
        raise NotImplementedError

    marking = False
    """Whether rows carry marks (the find bar is open): `row_marks` is asked only then."""

    def row_marks(self, cell: Cell, block: Block, row: int) -> tuple[Hashable, ...] | None:
        """Marks drawn over one row of a cell (the find bar's matches), or None."""
        return None

    def paint_marks(self, content: Strip, marks: Hashable) -> Strip:
        """A row's finished content with its marks drawn over it."""
        return content

    # ---- painting -------------------------------------------------------------------

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's vertical scrollbar, as a `RowScrollBar` (cheaper to repaint)."""
        return install_vertical_scrollbar(
            self,
            lambda: RowScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            ),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        """Measure the cells in sight first, then paint the rows not painted before.

        A row is a gutter and a cell's content, each finished (Textual's
        styles applied) once and kept under a key of what it shows: a scroll
        re-renders only the rows that came into sight (and the ones just off
        screen are finished after each frame), a cursor move only the gutters
        whose bar changed.
        """
        self._measure_visible()
        signature = self._row_signature()
        self.rows.use((signature, crop.x, crop.width))
        self.contents.use(signature)
        if signature != self._gutters_signature:
            self._gutters.clear()
            self._gutters_signature = signature
        scroll = int(self.scroll_y)
        plan = self._row_plan(scroll + crop.y, scroll + crop.bottom)
        strips: list[Strip | None] = [self.rows.get(key) for key, _, _ in plan]
        missing = [n for n, strip in enumerate(strips) if strip is None]
        if missing:
            contents = self._finished_contents([plan[n][1] for n in missing])
            gutters = self._finished_gutters([plan[n][2] for n in missing])
            full = crop.x == 0 and crop.width == self.size.width
            for n, content, gutter in zip(missing, contents, gutters, strict=True):
                row_key = plan[n][0]
                if len(row_key) == 3:  # marks of the find bar's matches
                    content = self.paint_marks(content, row_key[2])
                strip = content if gutter is None else Strip.join([gutter, content])
                if not full:
                    strip = strip.crop(crop.x, crop.right)
                self.rows.put(plan[n][0], strip)
                strips[n] = strip
        if not self._prefetch_pending and self._heights:
            self._prefetch_pending = True
            self.set_timer(PREFETCH_DELAY, self._prefetch)
        return [strip for strip in strips if strip is not None]

    def _row_signature(self) -> Hashable:
        """What a finished row depends on besides its key (size, colours, filters)."""
        return (
            self.size,
            self.background_colors,
            self.app.theme,
            id(self.app.ansi_theme),
            tuple(id(line_filter) for line_filter in self.get_line_filters()),
        )

    def _row_plan(self, y_abs: int, end: int) -> list[tuple[_RowKey, _ContentKey, _GutterKey]]:
        """For each virtual row from ``y_abs`` to ``end``: (row key, content key, gutter key)."""
        if not self._heights:
            return [((_BLANK_ROW, None), _BLANK_ROW, None)] * (end - y_abs)
        plan: list[tuple[_RowKey, _ContentKey, _GutterKey]] = []
        cells = self.notebook.cells
        selection = self.selection
        index = self.index_at(y_abs)
        while y_abs < end:
            if y_abs >= self._total:
                plan.extend([((_BLANK_ROW, None), _BLANK_ROW, None)] * (end - y_abs))
                break
            if not self._heights[index]:  # hidden under a collapsed heading
                index += 1
                continue
            cell = cells[index]
            block = self._block(index)
            top = self._tops[index]
            stop = max(y_abs + 1, min(end, top + self._heights[index]))
            last = len(block.lines) - 1
            if index == self.cursor:
                bar = "editing" if cell.id == self.editing_id else "cursor"
            else:
                bar = "selected" if index in selection else ""
            note = self.cell_note(cell) if self.cell_note is not None else None
            head = gutter_head(cell, self.marks)
            for row in range(y_abs - top, stop - top):
                content: _ContentKey = (
                    index,
                    row,
                    (cell.id, block.key, row, note if row == last else None),
                )
                gutter: _GutterKey = (head if row == 0 else None, "" if row == last else bar)
                marks = self.row_marks(cell, block, row) if self.marking else None
                row_key = (content[2], gutter, marks) if marks else (content[2], gutter)
                plan.append((row_key, content, gutter))
            y_abs = stop
            index += 1
        return plan

    def _finished_contents(self, keys: list[_ContentKey]) -> list[Strip]:
        """The finished content part of rows (from the cache, or rendered and finished now)."""
        width = self.content_width
        full = self.size.width  # the scrollbar's columns are padding, as in Textual's rows
        contents = self.contents
        found: list[Strip | None] = [contents.get(self._content_cache_key(key)) for key in keys]
        missing = [n for n, strip in enumerate(found) if strip is None]
        for blank in (False, True):  # below the last cell a row has no gutter
            batch = [n for n in missing if (keys[n] == _BLANK_ROW) == blank]
            raw = [self._content_line(keys[n], width) for n in batch]
            finished = finish_rows(self, raw, full if blank else full - GUTTER)
            for n, strip in zip(batch, finished, strict=True):
                contents.put(self._content_cache_key(keys[n]), strip)
                found[n] = strip
        return [strip for strip in found if strip is not None]

    @staticmethod
    def _content_cache_key(key: _ContentKey) -> Hashable:
        return key if key == _BLANK_ROW else key[2]

    def _content_line(self, key: _ContentKey, width: int) -> Strip:
        """A row of a cell's block (or a note on its last row), not yet styled."""
        if key == _BLANK_ROW:
            return Strip.blank(width + GUTTER)
        index, row, (_, _, _, note) = key
        block = self._block(index)
        line = block.lines[row] if row < len(block.lines) else Strip.blank(width)
        if note:
            return Strip([Segment(note[:width], Style(dim=True))]).crop_extend(0, width, None)
        if not isinstance(line, Strip):
            text = ansi_text(line[0], style=line[1])
            text.no_wrap = True
            text.overflow = "ellipsis"
            strips = self._strips(text, width)
            line = strips[0] if strips else Strip.blank(width)
            block.lines[row] = line
        return line

    def _finished_gutters(self, keys: list[_GutterKey]) -> list[Strip | None]:
        """Finished gutters (None for the rows below the last cell, which have none)."""
        gutters = self._gutters
        todo = [key for key in dict.fromkeys(keys) if key is not None and key not in gutters]
        if todo:
            finished = finish_rows(self, [self._gutter_line(key) for key in todo], GUTTER)
            gutters.update(zip(todo, finished, strict=True))
        return [None if key is None else gutters[key] for key in keys]

    def _gutter_line(self, key: _GutterKey) -> Strip:
        """The gutter of a row, not yet styled: the label and mark on a cell's
        first row, then the cursor, editing or selection bar."""
        assert key is not None
        head, bar = key
        label, mark_text, mark_style = (
            (head.label, head.mark, head.style) if head else ("", " ", "")
        )
        mark = (
            Segment(mark_text, Style.parse(mark_style or "none"))
            if mark_style
            else Segment(mark_text)
        )
        gutter_style = self.get_component_rich_style("notebook-view--gutter")
        if bar:
            bar_segment = Segment("▌", self.get_component_rich_style(f"notebook-view--{bar}"))
        else:
            bar_segment = Segment(" ")
        label_segment = Segment(label_cells(label), gutter_style)
        return Strip([label_segment, mark, bar_segment], GUTTER)

    def _clear_rows(self) -> None:
        self.rows.clear()
        self.contents.clear()
        self._gutters.clear()

    def notify_style_update(self) -> None:
        """CSS or theme changed: finished rows are stale."""
        self._clear_rows()
        super().notify_style_update()

    def _prefetch(self) -> None:
        """After a frame: render the cells just off screen and finish their rows,
        so a cursor move that scrolls one of them in finds it ready (rendering
        a highlighted cell costs a few milliseconds, finishing a row ~0.1 ms).

        One cell's work at a time, with a pause between, so a key that
        arrives meanwhile waits for one step, not for all of them.
        """
        self._prefetch_pending = False
        if not self._heights or not self.is_attached:
            return
        top = int(self.scroll_y)
        first = self.index_at(top)
        last = self.index_at(top + self.scrollable_content_region.height)
        # first the rows a `j` scrolls in next: the rest of the cell cut off at the
        # bottom (its block is rendered already), then the cell below it
        steps = [(last, True), (last + 1, False), (last + 1, True)]
        steps += [(first - 1, False), (first - 1, True), (last + 2, False)]
        self._prefetch_steps = [(index, rows) for index, rows in steps if index >= 0]
        self._prefetch_generation += 1
        self._prefetch_step(self._prefetch_generation)

    def _prefetch_step(self, generation: int) -> None:
        """Do the next prefetch step that has work in it; schedule the rest."""
        if generation != self._prefetch_generation or not self.is_attached:
            return
        view = self.scrollable_content_region.height
        while self._prefetch_steps:
            index, rows = self._prefetch_steps.pop(0)
            if index >= len(self._heights):
                continue
            if not rows:
                if self.is_rendered(index):
                    continue
                self._block(index)
                break
            self.contents.use(self._row_signature())
            keys = self._content_keys(index, self._block(index), view)
            if all(self._content_cache_key(key) in self.contents for key in keys):
                continue
            self._finished_contents(keys)
            break
        if self._prefetch_steps:
            self.set_timer(PREFETCH_STEP_DELAY, partial(self._prefetch_step, generation))

    def _content_keys(self, index: int, block: Block, rows: int) -> list[_ContentKey]:
        """Content keys of a cell's first ``rows`` rows."""
        cell = self.notebook.cells[index]
        note = self.cell_note(cell) if self.cell_note is not None else None
        last = len(block.lines) - 1
        return [
            (index, row, (cell.id, block.key, row, note if row == last else None))
            for row in range(min(rows, self._heights[index]))
        ]

    def render_line(self, y: int) -> Strip:
        """One row of the view as the screen shows it (for tests and diagnostics)."""
        y_abs = int(self.scroll_y) + y
        row_key, content, gutter = self._row_plan(y_abs, y_abs + 1)[0]
        width = self.content_width
        line = self._content_line(content, width)
        if len(row_key) == 3:
            line = self.paint_marks(line, row_key[2])
        return line if gutter is None else Strip.join([self._gutter_line(gutter), line])

    def rendered_text(self) -> list[str]:
        """The rows now on screen as plain text, as painted (cached rows included)."""
        width = self.scrollable_content_region.width
        crop = Region(0, 0, self.size.width, self.scrollable_content_region.height)
        return [strip.text[:width] for strip in self.render_lines(crop)]
