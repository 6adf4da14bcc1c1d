"""Cell operations: insert, delete, undo, clipboard, cell types, merge, move, fold.

Each action changes the model through one of its undoable operations, then
lets the view re-read it and puts the cursor on a cell
(`CursorActions.show_changes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tuinb.ui.screen.hosts import NotebookParts, Notifier

if TYPE_CHECKING:
    from tuinb.model import Cell, CellType
    from tuinb.ui.screen.cursor_actions import CursorActions


class CellsHost(NotebookParts, Notifier, Protocol):
    """What cell operations need from the notebook screen."""

    @property
    def clipboard(self) -> list[Cell]:
        """Cells copied or cut (the app's, shared by every screen)."""
        ...

    @clipboard.setter
    def clipboard(self, cells: list[Cell]) -> None: ...


class CellActions:
    """The cell operations of command mode, on the selected cells."""

    def __init__(self, host: CellsHost, cursor: CursorActions) -> None:
        self.host = host
        self.cursor = cursor

    def insert_above(self) -> None:
        """New code cell above the cursor."""
        cell = self.host.notebook.insert_cell(self.host.view.cursor, "code")
        self.cursor.show_changes(cell.id)

    def insert_below(self) -> None:
        """New code cell below the cursor."""
        notebook = self.host.notebook
        below = min(self.host.view.cursor + 1, len(notebook.cells))  # 0 in an empty notebook
        cell = notebook.insert_cell(below, "code")
        self.cursor.show_changes(cell.id)

    def delete(self) -> None:
        """Delete the selected cells."""
        ids = self.host.view.selected_ids()
        if not ids:
            return
        first = min(self.host.view.selection)
        self.host.notebook.delete_cells(ids)
        self.cursor.show_changes(index=first)

    def undo(self) -> None:
        """Undo the last cell action."""
        if self.host.notebook.undo():
            self.cursor.show_changes()
        else:
            self.host.tell("Nothing to undo.", timeout=2)

    def redo(self) -> None:
        """Redo the last undone cell action."""
        if self.host.notebook.redo():
            self.cursor.show_changes()
        else:
            self.host.tell("Nothing to redo.", timeout=2)

    def copy(self) -> None:
        """Copy the selected cells to tuinb's cell clipboard."""
        self.host.clipboard = self.host.notebook.copy_cells(self.host.view.selected_ids())
        self.host.tell(f"Copied {len(self.host.clipboard)} cell(s).", timeout=2)

    def cut(self) -> None:
        """Copy, then delete, the selected cells."""
        ids = self.host.view.selected_ids()
        if not ids:
            return
        self.host.clipboard = self.host.notebook.copy_cells(ids)
        self.delete()

    def _paste(self, index: int) -> None:
        if not self.host.clipboard:
            self.host.tell("No cells to paste: copy (c) or cut (x) some first.", timeout=3)
            return
        pasted = self.host.notebook.paste_cells(index, self.host.clipboard)
        self.cursor.show_changes(pasted[-1].id)

    def paste_below(self) -> None:
        """Paste below the selection."""
        self._paste(max(self.host.view.selection, default=-1) + 1)

    def paste_above(self) -> None:
        """Paste above the selection."""
        self._paste(min(self.host.view.selection, default=0))

    def change_type(self, cell_type: CellType) -> None:
        """Selected cells to markdown, code or raw."""
        ids = self.host.view.selected_ids()
        if not ids:
            return
        self.host.notebook.change_cell_type(ids, cell_type)
        self.cursor.show_changes()

    def merge(self) -> None:
        """Merge the selected cells, or the cursor cell with the one below."""
        ids = self.host.view.selected_ids()
        if not ids:
            return
        notebook = self.host.notebook
        if len(ids) == 1:
            below = self.host.view.cursor + 1
            if below >= len(notebook.cells):
                self.host.tell("No cell below to merge with.", timeout=2)
                return
            ids.append(notebook.cells[below].id)
        merged = notebook.merge_cells(ids)
        self.cursor.show_changes(merged.id)

    def move(self, delta: int) -> None:
        """Move the selected cells `delta` places (-1 up, 1 down)."""
        view = self.host.view
        notebook = self.host.notebook
        ids = self.host.view.selected_ids()
        if not ids:
            return
        cursor_id = notebook.cells[view.cursor].id
        anchor_id = notebook.cells[view.selection_anchor].id
        notebook.move_cells(ids, delta)
        view.sync()
        view.selection_anchor = notebook.index_of(anchor_id)
        self.cursor.select(notebook.index_of(cursor_id), extend=True)

    def toggle_fold(self) -> None:
        """Fold or unfold the outputs of the selected cells."""
        view = self.host.view
        ids = self.host.view.selected_ids()
        if all(cell_id in view.unfolded for cell_id in ids):
            view.unfolded.difference_update(ids)
        else:
            view.unfolded.update(ids)
        self.cursor.show_changes()
