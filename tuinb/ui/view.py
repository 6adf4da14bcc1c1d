"""The notebook view: every cell painted through Textual's Line API.

One `ScrollView` shows the whole notebook. Each cell becomes a block of
`Strip`s (source highlighted, markdown rendered, outputs below) that is cached
by the cell's revision and the width, so only cells that scroll into sight
are ever rendered. Heights of cells not rendered yet are estimated from their
line counts and corrected when they are painted. The cell being edited keeps
blank rows of the editor's height, over which the screen lays the one live
`TextArea`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
from bisect import bisect_right
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from tuinb.ui.inorder import run_own_binding
from tuinb.ui.keys import COMMAND_BINDINGS
from tuinb.ui.outputs import Row, output_height_estimate, output_rows
from tuinb.ui.rows import RowCache, RowScrollBar, finish_rows
from tuinb.ui.sanitize import ansi_text

if TYPE_CHECKING:
    from tuinb.model import Cell, Notebook

GUTTER = 8
"""Columns left of the cell content: the label (7) and the selection bar (1)."""

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
_GutterKey = tuple[tuple[str, str, str] | None, str] | None
"""((label, mark, mark style) on a cell's first row, bar) of a row's gutter."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text with every control character (but newline and tab) shown as a visible mark."""
    return _CONTROL.sub(
        lambda m: chr(0x2400 + ord(m.group())) if m.group() < " " else "\ufffd", text
    )


class GutterMarks(Protocol):
    """Supplies per-cell execution marks (e.g. `tuinb.ui.run_marks.RunMarks`)."""

    def gutter(self, cell: Any) -> tuple[str | None, str, str]:
        """(label instead of ``[n]:`` or None, one-character mark, Rich style of the mark)."""
        ...


@dataclass
class _Block:
    key: tuple[Any, ...]
    lines: list[Row]
    """Rendered rows, or raw lines of a long unfolded output rendered when painted."""
    source_rows: int


class NotebookView(ScrollView, can_focus=True):
    """All cells of a notebook; the focused widget in command mode."""

    BINDINGS: ClassVar[list[BindingType]] = [*COMMAND_BINDINGS]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "notebook-view--gutter",
        "notebook-view--cursor",
        "notebook-view--selected",
        "notebook-view--editing",
        "notebook-view--editor-area",
    }

    DEFAULT_CSS = """
    NotebookView { scrollbar-gutter: stable; }
    """

    class CellClicked(Message):
        """A cell was clicked (the screen moves the cursor there)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, notebook: Notebook, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.notebook = notebook
        self.cursor = 0
        """Index of the active cell."""
        self.selection_anchor = 0
        """The other end of the selection (equal to ``cursor`` when one cell is selected)."""
        self.editing_id: str | None = None
        """Id of the cell under the live editor, if any."""
        self.editor_rows = 1
        """Rows reserved for the live editor."""
        self.unfolded: set[str] = set()
        """Ids of cells whose long outputs are shown whole."""
        self._blocks: dict[str, _Block] = {}
        self._heights: list[int] = []
        self._tops: list[int] = [0]
        self._total = 0
        self.cell_note: Callable[[Cell], str | None] | None = None
        """The timing line shown on a cell's last row (plugged in with execution)."""
        self.marks: GutterMarks | None = None
        """Execution marks for the gutter (plugged in with execution), or None."""
        self.highlighting = False
        """Code is highlighted once the lexer is ready (it compiles in a thread at start)."""
        self.on_scrolled: Callable[[], None] | None = None
        """Called after every vertical scroll (the screen moves the editor with it)."""
        self.relayouts_skipped = 0
        """Height corrections applied without a screen layout (for tests)."""
        self._prefetch_pending = False
        self._prefetch_steps: list[tuple[int, bool]] = []
        self._prefetch_generation = 0
        self.rows = RowCache()
        """Finished rows (gutter and content) by what they show."""
        self.contents = RowCache(limit=CONTENT_ROWS_KEPT)
        """Finished content parts of rows, by cell, block and row."""
        self._gutters: dict[_GutterKey, Strip] = {}
        self._gutters_signature: Hashable = None

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's vertical scrollbar, as a `RowScrollBar` (cheaper to repaint)."""
        if self._vertical_scrollbar is None:
            bar = RowScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    # ---- geometry -------------------------------------------------------------

    @property
    def content_width(self) -> int:
        """Columns available to a cell's content (right of the gutter)."""
        return max(10, self.scrollable_content_region.width - GUTTER)

    @property
    def selection(self) -> range:
        """Indices of the selected cells (contains the cursor; empty with no cells)."""
        if not self.notebook.cells:
            return range(0)
        return range(
            min(self.cursor, self.selection_anchor), max(self.cursor, self.selection_anchor) + 1
        )

    def cell_top(self, index: int) -> int:
        """Virtual y of the first row of a cell."""
        return self._tops[index]

    def source_rows(self, index: int) -> int:
        """Rows the source of a cell takes (rendering it if needed)."""
        return self._block(index).source_rows

    def index_at(self, y: int) -> int:
        """Index of the cell at virtual row ``y`` (clamped)."""
        index = bisect_right(self._tops, y) - 1
        return max(0, min(index, len(self.notebook.cells) - 1))

    def sync(self) -> None:
        """Re-read the model: clamp the cursor, re-estimate heights, repaint."""
        cells = self.notebook.cells
        count = len(cells)
        self.cursor = max(0, min(self.cursor, count - 1))
        self.selection_anchor = max(0, min(self.selection_anchor, count - 1))
        width = self.content_width
        heights = []
        for cell in cells:
            block = self._blocks.get(cell.id)
            if block is not None and block.key == self._key(cell, width):
                heights.append(len(block.lines))
            else:
                heights.append(self._estimate(cell))
        self._heights = heights
        self._relayout()

    def _relayout(self) -> None:
        self._tops = [0, *itertools.accumulate(self._heights)]
        self._total = self._tops[-1]
        size = Size(self.content_width + GUTTER, self._total)
        old = self.virtual_size
        view = self.scrollable_content_region.height
        if (
            self.is_attached
            and size != old
            and size.width == old.width
            and min(size.height, old.height) > view > 0
            and self.show_vertical_scrollbar
        ):
            # Only the height changed and the scrollbar stays: no screen layout
            # is needed (it costs ~10 ms on a cursor move), just the thumb.
            self.relayouts_skipped += 1
            self.set_reactive(NotebookView.virtual_size, size)
            self.vertical_scrollbar.window_virtual_size = size.height
        else:
            self.virtual_size = size
        self.refresh()

    def _estimate(self, cell: Cell) -> int:
        editing = cell.id == self.editing_id
        source = self.editor_rows if editing else cell.source.count("\n") + 1
        folded = cell.id not in self.unfolded
        return source + output_height_estimate(cell.outputs, folded=folded) + 1

    def _measure_visible(self) -> None:
        if not self._heights:
            return
        for _ in range(4):
            changed = False
            top = int(self.scroll_y)
            bottom = top + self.scrollable_content_region.height
            index = self.index_at(top)
            while index < len(self._heights) and self._tops[index] < bottom:
                height = len(self._block(index).lines)
                if height != self._heights[index]:
                    self._heights[index] = height
                    changed = True
                index += 1
            if not changed:
                return
            self._relayout()

    def ensure_measured(self, index: int) -> None:
        """Render one cell now so that its position and height are exact."""
        if not 0 <= index < len(self._heights):
            return
        height = len(self._block(index).lines)
        if height != self._heights[index]:
            self._heights[index] = height
            self._relayout()

    def scroll_to_cell(self, index: int, *, row: int = 0) -> None:
        """Scroll so the cell (its first rows, or ``row`` inside it) is in sight."""
        if not 0 <= index < len(self._heights):
            return
        self.ensure_measured(index)
        top = self._tops[index]
        height = self._heights[index]
        view = self.scrollable_content_region.height
        if view <= 0:
            return
        target = top + row
        scroll = int(self.scroll_y)
        if row == 0 and height <= view and top >= scroll and top + height <= scroll + view:
            return
        if target < scroll or (row == 0 and top < scroll):
            new = target
        elif target >= scroll + view or (row == 0 and top + min(height, view) > scroll + view):
            new = target + (min(height, view) if row == 0 else 1) - view
        else:
            return
        self.scroll_to(y=max(0, new), animate=False, immediate=True)

    # ---- rendering --------------------------------------------------------------

    def _key(self, cell: Cell, width: int) -> tuple[Any, ...]:
        editing = cell.id == self.editing_id
        return (
            cell.revision,
            cell.cell_type,
            cell.execution_count,
            len(cell.outputs),
            width,
            cell.id in self.unfolded,
            self.editor_rows if editing else -1,
            self.app.current_theme.dark if self.is_attached else True,
            self.highlighting,
        )

    def _block(self, index: int) -> _Block:
        cell = self.notebook.cells[index]
        width = self.content_width
        key = self._key(cell, width)
        block = self._blocks.get(cell.id)
        if block is not None and block.key == key:
            return block
        block = self._render_block(cell, width, key)
        self._blocks[cell.id] = block
        return block

    def _render_block(self, cell: Cell, width: int, key: tuple[Any, ...]) -> _Block:
        if cell.id == self.editing_id:
            source = [Strip.blank(width)] * self.editor_rows
        elif cell.cell_type == "markdown" and cell.source.strip():
            from rich.markdown import Markdown  # imported on first use: start-up time

            source = self._strips(Markdown(printable(cell.source)), width)
        elif cell.cell_type == "code" and self.highlighting:
            source = self._strips(self._syntax(cell.source), width)
        elif cell.cell_type == "code":
            plain = Text(printable(cell.source), no_wrap=True, overflow="crop")
            source = self._strips(plain, width)
        else:
            source = self._strips(Text(printable(cell.source)), width)
        source = source or [Strip.blank(width)]
        lines: list[Row] = list(source)
        if cell.outputs:
            lines.extend(
                output_rows(
                    cell.outputs,
                    folded=cell.id not in self.unfolded,
                    width=width,
                    to_strips=lambda renderable: self._strips(renderable, width),
                )
            )
        lines.append(Strip.blank(width))
        return _Block(key, lines, len(source))

    def _syntax(self, source: str) -> RenderableType:
        dark = self.app.current_theme.dark if self.is_attached else True
        return Syntax(
            printable(source),
            self.notebook.language,
            theme="ansi_dark" if dark else "ansi_light",
            background_color="default",
            word_wrap=False,
            code_width=None,
        )

    def _strips(self, renderable: RenderableType, width: int) -> list[Strip]:
        console = self.app.console
        options = console.options.update(width=width, highlight=False)
        lines = console.render_lines(renderable, options, pad=False)
        return [Strip(line).crop_extend(0, width, None) for line in lines]

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

    def _row_plan(self, y_abs: int, end: int) -> list[tuple[Hashable, _ContentKey, _GutterKey]]:
        """For each virtual row from ``y_abs`` to ``end``: (row key, content key, gutter key)."""
        if not self._heights:
            return [((_BLANK_ROW, None), _BLANK_ROW, None)] * (end - y_abs)
        plan: list[tuple[Hashable, _ContentKey, _GutterKey]] = []
        cells = self.notebook.cells
        selection = self.selection
        index = self.index_at(y_abs)
        while y_abs < end:
            if y_abs >= self._total:
                plan.extend([((_BLANK_ROW, None), _BLANK_ROW, None)] * (end - y_abs))
                break
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
            head = self._head(cell)
            for row in range(y_abs - top, stop - top):
                content: _ContentKey = (
                    index,
                    row,
                    (cell.id, block.key, row, note if row == last else None),
                )
                gutter: _GutterKey = (head if row == 0 else None, "" if row == last else bar)
                plan.append(((content[2], gutter), content, gutter))
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

    def _head(self, cell: Cell) -> tuple[str, str, str]:
        """A cell's first gutter row: (label, one-character mark, Rich style of the mark)."""
        override, mark, style = None, " ", ""
        if self.marks is not None:
            override, mark, style = self.marks.gutter(cell)
        if override is not None:
            label = override
        elif cell.cell_type == "code":
            count = cell.execution_count
            label = f"[{count if count is not None else ' '}]:"
        else:
            label = "md" if cell.cell_type == "markdown" else "raw"
        return label, mark[:1] or " ", style or ""

    def _gutter_line(self, key: _GutterKey) -> Strip:
        """The gutter of a row, not yet styled: the label and mark on a cell's
        first row, then the cursor, editing or selection bar."""
        assert key is not None
        head, bar = key
        label, mark_text, mark_style = head if head is not None else ("", " ", "")
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
        label_segment = Segment(label[: GUTTER - 2].rjust(GUTTER - 2), gutter_style)
        return Strip([label_segment, mark, bar_segment], GUTTER)

    def _clear_rows(self) -> None:
        self.rows.clear()
        self.contents.clear()
        self._gutters.clear()

    def notify_style_update(self) -> None:
        """CSS or theme changed: finished rows are stale."""
        self._clear_rows()
        super().notify_style_update()

    def is_rendered(self, index: int) -> bool:
        """Whether a cell's rows are rendered and cached for the current width."""
        cell = self.notebook.cells[index]
        block = self._blocks.get(cell.id)
        return block is not None and block.key == self._key(cell, self.content_width)

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
        steps = [(last + 1, False), (last, True), (last + 1, True)]
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

    def _content_keys(self, index: int, block: _Block, rows: int) -> list[_ContentKey]:
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
        _, content, gutter = self._row_plan(y_abs, y_abs + 1)[0]
        width = self.content_width
        line = self._content_line(content, width)
        return line if gutter is None else Strip.join([self._gutter_line(gutter), line])

    def refresh_cells(self, indices: set[int]) -> None:
        """Repaint only the rows of some cells (a cursor move that did not scroll)."""
        for index in indices:
            if 0 <= index < len(self._heights):
                self.refresh_lines(self._tops[index], self._heights[index])

    def invalidate(self) -> None:
        """Drop every cached block and row (theme, language or document changed)."""
        self._blocks.clear()
        self._clear_rows()
        self.sync()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scrolled: repaint, and let the screen move the live editor."""
        super().watch_scroll_y(old_value, new_value)
        if self.on_scrolled is not None:
            self.on_scrolled()

    # ---- events -----------------------------------------------------------------

    def on_mount(self) -> None:
        """Get the highlighter ready after the first frame."""
        self.call_after_refresh(self._start_highlighter)

    def _start_highlighter(self) -> None:
        self.run_worker(self._warm_highlighter(), group="highlighter")

    async def _warm_highlighter(self) -> None:
        """Compile the notebook language's lexer off the event loop (~120 ms), then repaint.

        Pygments compiles a lexer's regular expressions on first use; doing that
        before the first frame would delay it, so the first frame shows code
        uncoloured and the colours follow.
        """
        from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
        from pygments.util import ClassNotFound  # type: ignore[import-untyped]

        with contextlib.suppress(ClassNotFound):
            await asyncio.to_thread(get_lexer_by_name, self.notebook.language)
        self.highlighting = True
        self.refresh()

    async def _on_key(self, event: events.Key) -> None:
        """Command keys run here, in order; keys that arrive after edit mode began go on."""
        screen = self.screen
        editor = getattr(screen, "editor", None)
        if self.editing_id is not None and editor is not None and editor.display:
            # the key came in the same burst as the one that started edit mode
            event.stop()
            event.prevent_default()
            editor.post_message(events.Key(event.key, event.character))
            return
        note_key = getattr(screen, "note_key", None)
        if note_key is not None:
            note_key(event.key)
        await run_own_binding(self, event)

    def on_resize(self, event: events.Resize) -> None:
        """Widths changed: heights change with them."""
        self.sync()

    def on_click(self, event: events.Click) -> None:
        """Select the clicked cell."""
        offset = event.get_content_offset(self)
        if offset is None or not self._heights:
            return
        y_abs = int(self.scroll_y) + offset.y
        if y_abs < self._total:
            self.post_message(self.CellClicked(self.index_at(y_abs)))

    def rendered_text(self) -> list[str]:
        """The rows now on screen as plain text, as painted (cached rows included)."""
        width = self.scrollable_content_region.width
        crop = Region(0, 0, self.size.width, self.scrollable_content_region.height)
        return [strip.text[:width] for strip in self.render_lines(crop)]

    def cursor_style(self) -> Style:
        """Style of the cursor bar (for tests)."""
        return self.get_component_rich_style("notebook-view--cursor")
