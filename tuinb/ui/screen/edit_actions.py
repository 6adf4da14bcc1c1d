"""Edit mode: the one live editor laid over the cell being edited (`enter`, `escape`, split).

The view keeps blank rows of the editor's height where the edited cell's
source would be; the editor (`tuinb.ui.editor.cell_editor.CellEditor`) is
placed over them and moved with every scroll. Its text goes into the model
when edit mode ends (one undo step), or earlier when something needs the
model to be current (a save, a recovery copy, a run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol

from tuinb.model.textedit import comment_prefix
from tuinb.render.cells import GUTTER
from tuinb.ui.screen.hosts import EditorPart, NotebookParts, StatusRefresh

if TYPE_CHECKING:
    from tuinb.ui.screen.cursor_actions import CursorActions

Mode = Literal["command", "edit"]
"""JupyterLab's two modes: keys act on cells, or type into one."""


class EditHost(NotebookParts, EditorPart, StatusRefresh, Protocol):
    """What edit mode needs from the notebook screen (the status bar shows the mode and
    the unsaved mark)."""


class EditActions:
    """Entering and leaving edit mode, placing the editor, splitting at its cursor."""

    def __init__(self, host: EditHost, cursor: CursorActions) -> None:
        self.host = host
        self.cursor = cursor
        self.mode: Mode = "command"
        """The mode the screen is in."""

    def start(self) -> None:
        """Edit the cursor cell in the live editor (an empty notebook gets its first cell)."""
        host = self.host
        view = host.view
        if not host.notebook.cells:
            host.notebook.insert_cell(0, "code")
            view.sync()
        cell = host.notebook.cells[view.cursor]
        view.selection_anchor = view.cursor
        editor = host.editor
        editor.cell_id = cell.id
        code = cell.cell_type == "code"
        editor.show_line_numbers = code and view.options.line_numbers
        editor.comment_marker = comment_prefix(host.notebook.language) if code else ""
        if code:
            editor.highlight_language = host.notebook.language
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
        host.focus_widget(editor)
        host.refresh_status()

    def _editor_rows(self) -> int:
        limit = max(3, self.host.view.scrollable_content_region.height - 2)
        editor = self.host.editor
        lines = editor.wrapped_document.height if editor.soft_wrap else editor.document.line_count
        return max(1, min(lines, limit))

    def place_editor(self) -> None:
        """Lay the editor over its cell's rows in the view."""
        view = self.host.view
        if self.mode != "edit" or view.editing_id is None:
            return
        try:
            index = self.host.notebook.index_of(view.editing_id)
        except KeyError:
            return
        top = view.cell_top(index) - int(view.scroll_y)
        editor = self.host.editor
        editor.styles.offset = (GUTTER, top)
        editor.styles.width = view.content_width
        editor.styles.height = view.editor_rows

    def commit(self) -> None:
        """Put the editor's text into the model (one undo step if it changed)."""
        cell_id = self.host.editor.cell_id
        if self.mode == "edit" and cell_id is not None:
            try:
                self.host.notebook.set_source(cell_id, self.host.editor.text)
            except KeyError:
                return

    def typed(self) -> bool:
        """Whether the editor holds text the model does not have yet."""
        editor = self.host.editor
        if self.mode != "edit" or editor.cell_id is None:
            return False
        try:
            return editor.text != self.host.notebook.cell(editor.cell_id).source
        except KeyError:
            return False

    def leave(self, *, commit: bool) -> None:
        """Back to command mode, the editor's text kept (`commit`) or dropped."""
        if commit:
            self.commit()
        self.mode = "command"
        editor = self.host.editor
        editor.display = False
        editor.cell_id = None
        self.host.view.editing_id = None
        self.host.focus_widget(self.host.view)
        self.cursor.show_changes()

    def to_command_mode(self) -> None:
        """Leave the editor, keeping its text."""
        if self.mode == "edit":
            self.leave(commit=True)

    def split(self) -> None:
        """Split the edited cell at the cursor; keep editing the lower part."""
        editor = self.host.editor
        cell_id = editor.cell_id
        if self.mode != "edit" or cell_id is None:
            return
        row, column = editor.cursor_location
        lines = editor.text.split("\n")
        offset = sum(len(line) + 1 for line in lines[:row]) + column
        self.commit()
        _upper, lower = self.host.notebook.split_cell(cell_id, offset)
        self.leave(commit=False)
        self.cursor.select(self.host.notebook.index_of(lower.id))
        self.start()
        editor.cursor_location = (0, 0)

    def text_changed(self) -> None:
        """The editor's text changed: grow or shrink its rows in the view."""
        if not self.host.notebook.dirty:
            self.host.refresh_status()  # the first typed key shows the unsaved mark
        rows = self._editor_rows()
        view = self.host.view
        if rows != view.editor_rows:
            view.editor_rows = rows
            view.sync()
            self.place_editor()

    def cursor_moved(self) -> None:
        """The editor's cursor moved: keep its row in sight."""
        view = self.host.view
        if view.editing_id is None:
            return
        editor = self.host.editor
        on_screen = editor.cursor_location[0] - int(editor.scroll_y)
        row = max(0, min(on_screen, view.editor_rows - 1))
        before = view.scroll_y
        view.scroll_to_cell(view.cursor, row=row)
        if view.scroll_y != before:
            self.place_editor()
