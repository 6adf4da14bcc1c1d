"""The notebook view: every cell painted through Textual's Line API.

One `ScrollView` shows the whole notebook. Each cell becomes a block of
`Strip`s (source highlighted, markdown rendered, outputs below) that is cached
by the cell's revision and the width, so only cells that scroll into sight
are ever rendered. Heights of cells not rendered yet are estimated from their
line counts and corrected when they are painted. The cell being edited keeps
blank rows of the editor's height, over which the screen lays the one live
`TextArea`. Rows are painted from finished, cached parts by
`tuinb.ui.view.painter.RowPainter`, the view's base class.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from bisect import bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from tuinb.render.cells import GUTTER, GutterMarks, estimate_rows, source_kind
from tuinb.render.options import ViewOptions, line_number, line_number_width
from tuinb.render.sections import NO_SECTIONS, Sections
from tuinb.sanitize import printable
from tuinb.ui.keys import COMMAND_BINDINGS, run_own_binding
from tuinb.ui.view.cell_rows import Row, output_rows
from tuinb.ui.view.find_marks import Marks, RowMarks, paint
from tuinb.ui.view.markdown_cell import markdown_cell_rows
from tuinb.ui.view.output_look import OutputLook
from tuinb.ui.view.painter import Block, RowPainter
from tuinb.ui.view.rich_outputs import safe_links

__all__ = ["GUTTER", "GutterMarks", "NotebookView"]

if TYPE_CHECKING:
    from tuinb.model import Cell, Notebook


class NotebookView(RowPainter, can_focus=True):
    """All cells of a notebook; the focused widget in command mode."""

    BINDINGS: ClassVar[list[BindingType]] = [*COMMAND_BINDINGS]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "notebook-view--gutter",
        "notebook-view--cursor",
        "notebook-view--selected",
        "notebook-view--editing",
        "notebook-view--editor-area",
        "notebook-view--find-match",
        "notebook-view--find-current",
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
        self._blocks: dict[str, Block] = {}
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
        self.take_key: Callable[[events.Key], bool] | None = None
        """Called with each key before the view's bindings: True if it took the key (the
        screen passes on keys that came after edit mode began, and notes chords)."""
        self.relayouts_skipped = 0
        """Height corrections applied without a screen layout (for tests)."""
        self.options = ViewOptions()
        """Line numbers and the fold length (the config's; `shift+l` toggles the numbers)."""
        self.sections: Callable[[], Sections] | None = None
        """Supplies the sections collapsed headings hide (plugged in by the screen)."""
        self.collapsed = NO_SECTIONS
        """The collapsed sections as of the last `sync`: hidden cells take no rows."""
        self.find_marks: RowMarks | None = None
        """The find bar's matches to mark on the rows (None: the bar is closed)."""
        self.outputs = OutputLook()
        """How outputs look besides the model: images, widgets, sideways scroll, focus."""
        self.on_sideways: Callable[[int, int], bool] | None = None
        """Called with (delta, cell index) when the mouse scrolls sideways over a cell: True
        if it scrolled something (a table)."""

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

    def selected_ids(self) -> list[str]:
        """Ids of the selected cells, top to bottom."""
        cells = self.notebook.cells
        return [cells[i].id for i in self.selection]

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
        self.collapsed = self.sections() if self.sections is not None else NO_SECTIONS
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
        if cell.id in self.collapsed.hidden:
            return 0
        editing = cell.id == self.editing_id
        folded = cell.id not in self.unfolded
        source_rows = self.editor_rows if editing else None
        max_lines = self.options.fold_lines
        return estimate_rows(cell, folded=folded, source_rows=source_rows, max_lines=max_lines)

    def is_hidden(self, index: int) -> bool:
        """Whether cell `index` is hidden under a collapsed heading."""
        return self.notebook.cells[index].id in self.collapsed.hidden

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
            self.options,
            cell.id in self.collapsed.hidden,
            self.outputs.epoch(cell.id),
        )

    def _block(self, index: int) -> Block:
        cell = self.notebook.cells[index]
        width = self.content_width
        key = self._key(cell, width)
        block = self._blocks.get(cell.id)
        if block is not None and block.key == key:
            return block
        block = self._render_block(cell, width, key)
        self._blocks[cell.id] = block
        return block

    def _render_block(self, cell: Cell, width: int, key: tuple[Any, ...]) -> Block:
        if cell.id in self.collapsed.hidden:
            return Block(key, [], 0)
        kind = source_kind(cell)
        if self.is_attached:  # under transparent pixels of images
            background = self.background_colors[1]
            self.outputs.background = (background.r, background.g, background.b)
        if cell.id == self.editing_id:
            source = [Strip.blank(width)] * self.editor_rows
        elif kind == "markdown":
            source = markdown_cell_rows(
                cell,
                folder=self.notebook.path.parent if self.notebook.path is not None else None,
                width=width,
                look=self.outputs,
                to_strips=lambda renderable: self._strips(renderable, width),
            )
        elif kind == "code":
            source = self._code_rows(cell.source, width)
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
                    max_lines=self.options.fold_lines,
                    look=self.outputs,
                    cell_id=cell.id,
                )
            )
        lines.append(Strip.blank(width))
        return Block(key, lines, len(source))

    def _code_rows(self, source: str, width: int) -> list[Strip]:
        """A code cell's rows: highlighted once the lexer is ready, numbered if asked."""
        numbers = line_number_width(source.count("\n") + 1) if self.options.line_numbers else 0
        text_width = max(1, width - numbers)
        if self.highlighting:
            rows = self._strips(self._syntax(source), text_width)
        else:
            plain = Text(printable(source), no_wrap=True, overflow="crop")
            rows = self._strips(plain, text_width)
        if not numbers:
            return rows
        style = Style(dim=True)  # as the first frame draws them
        return [
            Strip.join([Strip([Segment(line_number(row, numbers), style)], numbers), strip])
            for row, strip in enumerate(rows, start=1)
        ]

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
        lines = safe_links(console.render_lines(renderable, options, pad=False))
        return [Strip(line).crop_extend(0, width, None) for line in lines]

    def is_rendered(self, index: int) -> bool:
        """Whether a cell's rows are rendered and cached for the current width."""
        cell = self.notebook.cells[index]
        block = self._blocks.get(cell.id)
        return block is not None and block.key == self._key(cell, self.content_width)

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

    async def on_key(self, event: events.Key) -> None:
        """Command keys run here, in order (`run_own_binding`), after `take_key`."""
        if self.take_key is not None and self.take_key(event):
            event.stop()
            event.prevent_default()
            return
        await run_own_binding(self, event)

    def on_resize(self, event: events.Resize) -> None:
        """Widths changed: heights change with them."""
        self.sync()

    def _sideways(
        self, event: events.MouseScrollLeft | events.MouseScrollRight, delta: int
    ) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._heights or self.on_sideways is None:
            return
        y_abs = int(self.scroll_y) + offset.y
        if y_abs < self._total and self.on_sideways(delta, self.index_at(y_abs)):
            event.stop()
            event.prevent_default()

    def on_mouse_scroll_right(self, event: events.MouseScrollRight) -> None:
        """The sideways wheel (or shift+wheel) over a cell scrolls its tables."""
        self._sideways(event, 1)

    def on_mouse_scroll_left(self, event: events.MouseScrollLeft) -> None:
        """The sideways wheel (or shift+wheel) over a cell scrolls its tables back."""
        self._sideways(event, -1)

    def on_click(self, event: events.Click) -> None:
        """Select the clicked cell."""
        offset = event.get_content_offset(self)
        if offset is None or not self._heights:
            return
        y_abs = int(self.scroll_y) + offset.y
        if y_abs < self._total:
            self.post_message(self.CellClicked(self.index_at(y_abs)))

    # ---- the find bar's marks ------------------------------------------------------------

    def show_marks(self, marks: RowMarks | None) -> None:
        """Mark the find bar's matches on the rows (None: no marks), and repaint."""
        self.find_marks = marks
        self.marking = marks is not None
        self.refresh()

    def row_marks(self, cell: Cell, block: Block, row: int) -> Marks | None:
        """The find bar's matches on one row of a cell (None: none, or not searched)."""
        marks = self.find_marks
        if marks is None:
            return None
        return marks.block_row(cell, block.lines, block.key, row, block.source_rows, self.options)

    def paint_marks(self, content: Strip, marks: Any) -> Strip:
        """Draw the find bar's marks over a row's finished content."""
        match = self.get_component_rich_style("notebook-view--find-match")
        current = self.get_component_rich_style("notebook-view--find-current")
        return paint(content, marks, match, current)

    def cursor_style(self) -> Style:
        """Style of the cursor bar (for tests)."""
        return self.get_component_rich_style("notebook-view--cursor")
