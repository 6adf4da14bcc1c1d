"""Cell operations of the notebook screen (a mixin of `NotebookScreen`).

Each action changes the model through one of its undoable operations, then
lets the screen re-read it (`_changed`) and put the cursor on a cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from tuinb.model import Cell, CellType, Notebook
    from tuinb.ui.app import TuinbApp
    from tuinb.ui.view.notebook_view import NotebookView


class CellActions:
    """Insert, delete, undo, clipboard, cell types, merge, move, fold."""

    if TYPE_CHECKING:
        notebook: Notebook

        @property
        def tuinb(self) -> TuinbApp: ...
        @property
        def view(self) -> NotebookView: ...
        @property
        def current(self) -> Cell: ...
        def selected_ids(self) -> list[str]: ...
        def _select(self, index: int, *, extend: bool = False, repaint: bool = True) -> None: ...
        def _changed(self, cursor_id: str | None = None, *, index: int | None = None) -> None: ...
        def notify(
            self,
            message: str,
            *,
            title: str = "",
            severity: SeverityLevel = "information",
            timeout: float | None = None,
            markup: bool = True,
        ) -> None: ...

    def action_insert_above(self) -> None:
        """New code cell above the cursor."""
        cell = self.notebook.insert_cell(self.view.cursor, "code")
        self._changed(cell.id)

    def action_insert_below(self) -> None:
        """New code cell below the cursor."""
        below = min(self.view.cursor + 1, len(self.notebook.cells))  # 0 in an empty notebook
        cell = self.notebook.insert_cell(below, "code")
        self._changed(cell.id)

    def action_delete_cells(self) -> None:
        """Delete the selected cells."""
        ids = self.selected_ids()
        if not ids:
            return
        first = min(self.view.selection)
        self.notebook.delete_cells(ids)
        self._changed(index=first)

    def action_undo(self) -> None:
        """Undo the last cell action."""
        if self.notebook.undo():
            self._changed()
        else:
            self.notify("Nothing to undo.", timeout=2)

    def action_redo(self) -> None:
        """Redo the last undone cell action."""
        if self.notebook.redo():
            self._changed()
        else:
            self.notify("Nothing to redo.", timeout=2)

    def action_copy_cells(self) -> None:
        """Copy the selected cells to tuinb's cell clipboard."""
        self.tuinb.cell_clipboard = self.notebook.copy_cells(self.selected_ids())
        self.notify(f"Copied {len(self.tuinb.cell_clipboard)} cell(s).", timeout=2)

    def action_cut_cells(self) -> None:
        """Copy, then delete, the selected cells."""
        if not self.selected_ids():
            return
        self.tuinb.cell_clipboard = self.notebook.copy_cells(self.selected_ids())
        self.action_delete_cells()

    def _paste(self, index: int) -> None:
        if not self.tuinb.cell_clipboard:
            self.notify("No cells to paste: copy (c) or cut (x) some first.", timeout=3)
            return
        pasted = self.notebook.paste_cells(index, self.tuinb.cell_clipboard)
        self._changed(pasted[-1].id)

    def action_paste_below(self) -> None:
        """Paste below the selection."""
        self._paste(max(self.view.selection, default=-1) + 1)

    def action_paste_above(self) -> None:
        """Paste above the selection."""
        self._paste(min(self.view.selection, default=0))

    def _change_type(self, cell_type: CellType) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        self.notebook.change_cell_type(ids, cell_type)
        self._changed()

    def action_to_markdown(self) -> None:
        """Selected cells to markdown."""
        self._change_type("markdown")

    def action_to_code(self) -> None:
        """Selected cells to code."""
        self._change_type("code")

    def action_to_raw(self) -> None:
        """Selected cells to raw."""
        self._change_type("raw")

    def action_merge_cells(self) -> None:
        """Merge the selected cells, or the cursor cell with the one below."""
        ids = self.selected_ids()
        if not ids:
            return
        if len(ids) == 1:
            below = self.view.cursor + 1
            if below >= len(self.notebook.cells):
                self.notify("No cell below to merge with.", timeout=2)
                return
            ids.append(self.notebook.cells[below].id)
        merged = self.notebook.merge_cells(ids)
        self._changed(merged.id)

    def _move(self, delta: int) -> None:
        view = self.view
        ids = self.selected_ids()
        if not ids:
            return
        cursor_id = self.current.id
        anchor_id = self.notebook.cells[view.selection_anchor].id
        self.notebook.move_cells(ids, delta)
        view.sync()
        view.selection_anchor = self.notebook.index_of(anchor_id)
        self._select(self.notebook.index_of(cursor_id), extend=True)

    def action_move_up(self) -> None:
        """Move the selected cells up one."""
        self._move(-1)

    def action_move_down(self) -> None:
        """Move the selected cells down one."""
        self._move(1)

    def action_toggle_fold(self) -> None:
        """Fold or unfold the outputs of the selected cells."""
        view = self.view
        ids = self.selected_ids()
        if all(cell_id in view.unfolded for cell_id in ids):
            view.unfolded.difference_update(ids)
        else:
            view.unfolded.update(ids)
        self._changed()
