"""The notebook screen: the view, the one live editor over it, the status bar.

Every key action lives here (the view and the editor only carry the
bindings), so the command palette and remapped keys reach the same methods.
The model is changed only through its own operations; after each, the view
re-reads it (`NotebookView.sync`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container
from textual.screen import UPDATE_PERIOD, Screen
from textual.timer import Timer
from textual.widgets import TextArea

from tuinb.ui.editor.cell_editor import CellEditor
from tuinb.ui.keys import GLOBAL_BINDINGS
from tuinb.ui.screen.cell_actions import CellActions
from tuinb.ui.screen.pacing import FrameTimer
from tuinb.ui.screen.run_actions import RunActions
from tuinb.ui.screen.statusbar import StatusBar
from tuinb.ui.view.notebook_view import GUTTER, NotebookView

if TYPE_CHECKING:
    from tuinb.model import Cell, Notebook
    from tuinb.ui.app import TuinbApp


class NotebookScreen(CellActions, RunActions, Screen[None]):
    """Shows one notebook and runs every editing and running action on it."""

    BINDINGS: ClassVar[list[BindingType]] = [*GLOBAL_BINDINGS]

    def __init__(self, notebook: Notebook) -> None:
        super().__init__(id="notebook-screen")
        self.notebook = notebook
        """The document on screen (the app's)."""
        self.mode = "command"
        """"command" or "edit"."""
        self._pending: tuple[str, str] | None = None
        self._frame_timer: FrameTimer | None = None
        self._status_shown: tuple[str, bool, str, str, int, int] | None = None

    @property
    def _update_timer(self) -> Timer:
        """Textual's screen-update timer, replaced: a key after a quiet frame paints at once."""
        if self._frame_timer is None:
            timer = FrameTimer(
                self,
                UPDATE_PERIOD,
                name="screen_update",
                callback=self._on_timer_update,
                pause=True,
            )
            timer._start()
            self._timers.add(timer)
            self._frame_timer = timer
        return self._frame_timer

    @property
    def tuinb(self) -> TuinbApp:
        """The app, typed."""
        from tuinb.ui.app import TuinbApp

        assert isinstance(self.app, TuinbApp)
        return self.app

    @property
    def view(self) -> NotebookView:
        """The notebook view."""
        return self.query_one(NotebookView)

    @property
    def editor(self) -> CellEditor:
        """The live cell editor."""
        return self.query_one(CellEditor)

    @property
    def status(self) -> StatusBar:
        """The status bar."""
        return self.query_one(StatusBar)

    def compose(self) -> ComposeResult:
        """View with the editor laid over it, status bar below."""
        with Container(id="body"):
            yield NotebookView(self.notebook, id="view")
            editor = CellEditor(id="editor", soft_wrap=False, tab_behavior="indent")
            editor.display = False
            yield editor
        yield StatusBar(id="status")

    def on_mount(self) -> None:
        """Paint the cells and hand the keys to command mode."""
        self.view.on_scrolled = self.place_editor
        self.view.marks = self.run_marks
        self.view.cell_note = self.run_marks.note
        self.view.sync()
        self.view.focus()
        self.refresh_status()

    def on_resize(self, event: events.Resize) -> None:
        """The terminal changed size: lay the editor over its cell again."""
        self.call_after_refresh(self.place_editor)

    # ---- state helpers ----------------------------------------------------------

    @property
    def current(self) -> Cell:
        """The cell under the cursor."""
        return self.notebook.cells[self.view.cursor]

    def selected_ids(self) -> list[str]:
        """Ids of the selected cells, top to bottom."""
        cells = self.notebook.cells
        return [cells[i].id for i in self.view.selection]

    def refresh_status(self) -> None:
        """Repaint the status bar."""
        editor = self.editor
        typed = False
        if self.mode == "edit" and editor.cell_id is not None:
            try:
                typed = editor.text != self.notebook.cell(editor.cell_id).source
            except KeyError:
                typed = False
        shown = (
            self.tuinb.display_name,
            self.notebook.dirty or typed,
            self.mode,
            self.kernel_status_text(self.tuinb.kernel_display_name),
            min(self.view.cursor + 1, len(self.notebook.cells)),
            len(self.notebook.cells),
        )
        if shown == self._status_shown:
            return  # unchanged: no repaint (typing would paint the bar on every key)
        self._status_shown = shown
        name, dirty, mode, kernel, cell, cells = shown
        self.status.show(name=name, dirty=dirty, mode=mode, kernel=kernel, cell=cell, cells=cells)

    def _select(self, index: int, *, extend: bool = False, repaint: bool = True) -> None:
        view = self.view
        before = set(view.selection)
        scroll = view.scroll_y
        view.cursor = max(0, min(index, len(self.notebook.cells) - 1))
        if not extend:
            view.selection_anchor = view.cursor
        view.scroll_to_cell(view.cursor)
        if round(view.scroll_y) != round(scroll):
            pass  # scrolling repainted the whole view already
        elif repaint:
            view.refresh()
        else:
            view.refresh_cells(before | set(view.selection))
        self.refresh_status()

    def _changed(self, cursor_id: str | None = None, *, index: int | None = None) -> None:
        """After a model operation: re-read it, put the cursor on a cell."""
        view = self.view
        view.sync()
        if cursor_id is not None:
            try:
                index = self.notebook.index_of(cursor_id)
            except KeyError:
                index = None
        self._select(view.cursor if index is None else index)

    def replace_notebook(self, notebook: Notebook) -> None:
        """Show another document (after reload or restore)."""
        if self.mode == "edit":
            self._leave_edit(commit=False)
        self.notebook = notebook
        self.view.notebook = notebook
        self.view.invalidate()
        self._select(0)

    # ---- chords -----------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """Any other key breaks a pending two-key chord."""
        self.note_key(event.key)

    def note_key(self, key: str) -> None:
        """A key was pressed: break a pending chord unless it is the chord's key."""
        if self._pending is not None and key != self._pending[1]:
            self._pending = None

    async def action_chord(self, binding_id: str, action: str) -> None:
        """First press arms the chord, the second runs `action`."""
        key = self._binding_key(binding_id)
        if self._pending == (binding_id, key):
            self._pending = None
            await self.run_action(action)
        else:
            self._pending = (binding_id, key)

    async def action_chord_now(self, binding_id: str, action: str) -> None:
        """Run a chord's action at once (from the command palette)."""
        await self.run_action(action)

    def _binding_key(self, binding_id: str) -> str:
        for active in self.app.active_bindings.values():
            if active.binding.id == binding_id:
                return active.binding.key
        return ""

    # ---- moving -----------------------------------------------------------------

    def action_cursor_down(self) -> None:
        """Next cell."""
        self._select(self.view.cursor + 1, repaint=False)

    def action_cursor_up(self) -> None:
        """Previous cell."""
        self._select(self.view.cursor - 1, repaint=False)

    def action_first_cell(self) -> None:
        """First cell."""
        self._select(0)

    def action_last_cell(self) -> None:
        """Last cell."""
        self._select(len(self.notebook.cells) - 1)

    def action_extend_down(self) -> None:
        """Grow (or shrink) the selection downwards."""
        self._select(self.view.cursor + 1, extend=True, repaint=False)

    def action_extend_up(self) -> None:
        """Grow (or shrink) the selection upwards."""
        self._select(self.view.cursor - 1, extend=True, repaint=False)

    @on(NotebookView.CellClicked)
    def _clicked(self, event: NotebookView.CellClicked) -> None:
        if self.mode == "edit":
            self._leave_edit(commit=True)
        self._select(event.index)

    # ---- edit mode --------------------------------------------------------------

    def action_edit_cell(self) -> None:
        """Edit the cursor cell in the live editor."""
        view = self.view
        if not self.notebook.cells:  # an empty notebook: start its first cell
            self.notebook.insert_cell(0, "code")
            view.sync()
        cell = self.current
        view.selection_anchor = view.cursor
        editor = self.editor
        editor.cell_id = cell.id
        if cell.cell_type == "code":
            editor.highlight_language = self.notebook.language
        elif cell.cell_type == "markdown":
            editor.highlight_language = "markdown"
        else:
            editor.highlight_language = None
        editor.load_text(cell.source)
        self.mode = "edit"
        view.editing_id = cell.id
        view.editor_rows = self._editor_rows()
        view.sync()
        editor.display = True
        view.scroll_to_cell(view.cursor)
        self.place_editor()
        self.app.set_focus(editor)  # now, so the next key of a burst goes to it
        self.refresh_status()

    def _editor_rows(self) -> int:
        limit = max(3, self.view.scrollable_content_region.height - 2)
        return max(1, min(self.editor.document.line_count, limit))

    def place_editor(self) -> None:
        """Lay the editor over its cell's rows in the view."""
        view = self.view
        if self.mode != "edit" or view.editing_id is None:
            return
        try:
            index = self.notebook.index_of(view.editing_id)
        except KeyError:
            return
        top = view.cell_top(index) - int(view.scroll_y)
        editor = self.editor
        editor.styles.offset = (GUTTER, top)
        editor.styles.width = view.content_width
        editor.styles.height = view.editor_rows

    def commit_editor(self) -> None:
        """Put the editor's text into the model (one undo step if it changed)."""
        cell_id = self.editor.cell_id
        if self.mode == "edit" and cell_id is not None:
            try:
                self.notebook.set_source(cell_id, self.editor.text)
            except KeyError:
                return

    def _leave_edit(self, *, commit: bool) -> None:
        if commit:
            self.commit_editor()
        self.mode = "command"
        self.editor.display = False
        self.editor.cell_id = None
        self.view.editing_id = None
        self.app.set_focus(self.view)
        self._changed()

    def action_command_mode(self) -> None:
        """Leave the editor, keeping its text."""
        if self.mode == "edit":
            self._leave_edit(commit=True)

    def action_split_cell(self) -> None:
        """Split the edited cell at the cursor; keep editing the lower part."""
        editor = self.editor
        cell_id = editor.cell_id
        if self.mode != "edit" or cell_id is None:
            return
        row, column = editor.cursor_location
        lines = editor.text.split("\n")
        offset = sum(len(line) + 1 for line in lines[:row]) + column
        self.commit_editor()
        _upper, lower = self.notebook.split_cell(cell_id, offset)
        self._leave_edit(commit=False)
        self._select(self.notebook.index_of(lower.id))
        self.action_edit_cell()
        self.editor.cursor_location = (0, 0)

    @on(TextArea.Changed, "#editor")
    def _editor_changed(self, event: TextArea.Changed) -> None:
        if not self.notebook.dirty:
            self.refresh_status()  # the first typed key shows the dirty mark
        rows = self._editor_rows()
        if rows != self.view.editor_rows:
            self.view.editor_rows = rows
            self.view.sync()
            self.place_editor()

    @on(TextArea.SelectionChanged, "#editor")
    def _editor_moved(self, event: TextArea.SelectionChanged) -> None:
        view = self.view
        if view.editing_id is None:
            return
        on_screen = self.editor.cursor_location[0] - int(self.editor.scroll_y)
        row = max(0, min(on_screen, view.editor_rows - 1))
        before = view.scroll_y
        view.scroll_to_cell(view.cursor, row=row)
        if view.scroll_y != before:
            self.place_editor()

    # ---- app-level actions (bound here so both modes have them) -----------------

    def action_save(self) -> None:
        """Save (asks first if the file changed on disk)."""
        self.tuinb.start_save()

    def action_quit_editor(self) -> None:
        """Quit (asks first about unsaved changes)."""
        self.tuinb.start_quit()

    def action_help(self) -> None:
        """Show every key."""
        from tuinb.ui.dialogs.help import HelpScreen

        self.app.push_screen(HelpScreen())
