"""The notebook's core state: cells, lookups, dirty tracking, primitive edits, undo.

Dirty tracking: ``dirty`` is true when the notebook differs from what was last
loaded or saved. Cell operations are compared by undo position, so undoing
back to the saved state reports *clean* again (redoing away from it, dirty).
Execution results (outputs, counts) are not undo steps; once one arrives the
notebook stays dirty until the next save.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tuinb.model.cell import CELL_TYPES, Cell, CellType, new_cell_id
from tuinb.model.history import Command, FieldsStep, History, Step

if TYPE_CHECKING:
    from tuinb.model.diskstate import DiskStamp


class EditObserver(Protocol):
    """Told of every primitive edit right after it is applied (see `NotebookCore.observer`).

    Every cell operation, undo and redo is made of these three, so an observer
    sees every change to the cells but execution results (outputs, counts,
    timings), which are not undo steps.
    """

    def cell_inserted(self, index: int, cell: Cell) -> None: ...
    def cell_removed(self, index: int, cell: Cell) -> None: ...
    def fields_set(self, cell: Cell, values: dict[str, Any]) -> None: ...


class NotebookCore:
    """State, lookups, dirty tracking and the primitive edits undo is built from."""

    def __init__(
        self,
        cells: Sequence[Cell] = (),
        metadata: dict[str, Any] | None = None,
        *,
        nbformat: int = 4,
        nbformat_minor: int = 5,
        path: Path | None = None,
        warnings: Sequence[str] = (),
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.cells: list[Cell] = list(cells)
        """The cells in order. Change them only through the methods below."""
        self.metadata: dict[str, Any] = metadata if metadata is not None else {}
        """Notebook metadata, kept whole (keys tuinb does not know included)."""
        self.nbformat = nbformat
        self.nbformat_minor = nbformat_minor
        self.path = path
        """Where the notebook was loaded from or last saved to."""
        self.warnings: list[str] = list(warnings)
        """Validation problems nbformat tolerated when the file was read."""
        self.extra: dict[str, Any] = extra if extra is not None else {}
        """Top-level keys of the file the model does not know, written back."""
        self.absent: frozenset[str] = frozenset()
        """Top-level keys a (broken) file lacked, not added back on save."""
        self.revision = 0
        """Bumps on every change (a cache key for the UI); cells have their own."""
        self.disk_stamp: DiskStamp | None = None
        """The file as it was at load/save, for `tuinb.model.changed_on_disk`."""
        self.observer: EditObserver | None = None
        """Told of each primitive edit: a session client ships them to the session host,
        whose copy of the notebook is the one that is saved."""
        self._by_id: dict[str, Cell] = {}
        self._positions: dict[str, int] | None = None  # index cache, reset on insert/remove
        for cell in self.cells:
            if cell.id in self._by_id:
                cell.id = self._fresh_id()
            self._by_id[cell.id] = cell
        self._history = History()
        self._saved_top: Command | None = None
        self._untracked = False
        self._pending_clear: set[str] = set()
        self._displays: dict[int, tuple[str, dict[str, Any]]] = {}

    # -- lookups -----------------------------------------------------------

    def cell(self, cell_id: str) -> Cell:
        """The cell with this id (KeyError if there is none)."""
        return self._by_id[cell_id]

    def index_of(self, cell_id: str) -> int:
        """Position of the cell with this id (KeyError if there is none)."""
        if self._positions is None:
            self._positions = {cell.id: index for index, cell in enumerate(self.cells)}
        return self._positions[cell_id]

    # -- dirty state and undo ----------------------------------------------

    @property
    def dirty(self) -> bool:
        """True when the notebook differs from the last load or save."""
        return self._untracked or self._history.top is not self._saved_top

    def mark_saved(self) -> None:
        """Record the current state as the saved one."""
        self._saved_top = self._history.top
        self._untracked = False
        self.revision += 1

    def mark_unsaved(self) -> None:
        """Mark the notebook dirty without an undo step (e.g. a recovered copy)."""
        self._untracked = True
        self.revision += 1

    @property
    def can_undo(self) -> bool:
        """Whether `undo` has a cell operation to revert."""
        return bool(self._history.undo_stack)

    @property
    def can_redo(self) -> bool:
        """Whether `redo` has an undone operation to re-apply."""
        return bool(self._history.redo_stack)

    def undo(self) -> bool:
        """Revert the last cell operation; False if there was none."""
        return self._history.undo(self, self._changed)

    def redo(self) -> bool:
        """Re-apply the last undone cell operation; False if there was none."""
        return self._history.redo(self, self._changed)

    def _changed(self) -> None:
        self.revision += 1

    # primitive edits, used by history steps -------------------------------

    def _insert_at(self, index: int, cell: Cell) -> None:
        self.cells.insert(index, cell)
        self._by_id[cell.id] = cell
        self._positions = None
        self.revision += 1
        if self.observer is not None:
            self.observer.cell_inserted(index, cell)

    def _remove_at(self, index: int) -> Cell:
        cell = self.cells.pop(index)
        del self._by_id[cell.id]
        self._positions = None
        self._pending_clear.discard(cell.id)
        self.revision += 1
        if self.observer is not None:
            self.observer.cell_removed(index, cell)
        return cell

    def _set_fields(self, cell: Cell, values: dict[str, Any]) -> None:
        for name, value in values.items():
            setattr(cell, name, copy.deepcopy(value) if name == "metadata" else value)
        cell.revision += 1
        self.revision += 1
        if self.observer is not None:
            self.observer.fields_set(cell, values)

    # replication: a session host applies the edits made in the editor's copy --

    def apply_insert(self, index: int, cell: Cell) -> None:
        """Insert ``cell`` as another copy of this notebook did (no undo step; dirty)."""
        self._insert_at(index, cell)
        self._untracked = True

    def apply_remove(self, index: int) -> Cell:
        """Remove the cell at ``index`` as another copy did (no undo step; dirty)."""
        cell = self._remove_at(index)
        self._untracked = True
        return cell

    def apply_fields(self, cell: Cell, values: dict[str, Any]) -> None:
        """Set fields of ``cell`` as another copy did (no undo step; dirty)."""
        self._set_fields(cell, values)
        self._untracked = True

    def _set_metadata(self, metadata: dict[str, Any]) -> None:
        self.metadata = copy.deepcopy(metadata)
        self.revision += 1

    def _do(self, steps: list[Step], step: Step | None) -> None:
        """Apply one primitive step now and add it to the operation being built."""
        if step is not None:
            step.apply(self)
            steps.append(step)

    def _commit(self, label: str, steps: list[Step]) -> None:
        """Record the applied steps of one operation as one undo step (none: no-op)."""
        if steps:
            self._history.push(Command(label, steps))

    def _fields(self, cell: Cell, **after: Any) -> FieldsStep | None:
        before = {name: getattr(cell, name) for name in after}
        if before == after:
            return None
        if "metadata" in before:
            before["metadata"] = copy.deepcopy(before["metadata"])
        return FieldsStep(cell, before, after)

    def _fresh_id(self) -> str:
        while True:
            candidate = new_cell_id()
            if candidate not in self._by_id:
                return candidate

    def _ordered(self, cell_ids: Sequence[str]) -> list[int]:
        return sorted({self.index_of(cell_id) for cell_id in cell_ids})

    def _new_cell(self, cell_type: CellType, source: str = "") -> Cell:
        if cell_type not in CELL_TYPES:
            raise ValueError(f"unknown cell type {cell_type!r}")
        return Cell(id=self._fresh_id(), cell_type=cell_type, source=source, id_in_file=False)
