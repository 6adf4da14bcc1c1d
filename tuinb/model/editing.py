"""Undoable cell operations (each one undo step, each marking the notebook dirty)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from tuinb.model.cell import Cell, CellType
from tuinb.model.core import NotebookCore
from tuinb.model.history import InsertStep, MetadataStep, RemoveStep, Step

_MISSING = object()


class CellOperations(NotebookCore):
    """Insert, delete, move, copy/paste, split, merge, change type, clear, edit."""

    def insert_cell(self, index: int, cell_type: CellType = "code", source: str = "") -> Cell:
        """Insert a new cell at ``index`` (clamped to the notebook) and return it."""
        cell = self._new_cell(cell_type, source)
        index = max(0, min(index, len(self.cells)))
        steps: list[Step] = []
        self._do(steps, InsertStep(index, cell))
        self._commit("insert cell", steps)
        return cell

    def delete_cells(self, cell_ids: Sequence[str]) -> None:
        """Delete cells; deleting every cell leaves one empty code cell (as JupyterLab)."""
        steps: list[Step] = []
        for index in reversed(self._ordered(cell_ids)):
            self._do(steps, RemoveStep(index, self.cells[index]))
        if steps and not self.cells:
            self._do(steps, InsertStep(0, self._new_cell("code")))
        self._commit("delete cells", steps)

    def move_cells(self, cell_ids: Sequence[str], delta: int) -> None:
        """Move the cells (as one block, in their order) ``delta`` places, clamped."""
        indices = self._ordered(cell_ids)
        if not indices or delta == 0:
            return
        target = max(0, min(indices[0] + delta, len(self.cells) - len(indices)))
        contiguous = indices[-1] - indices[0] == len(indices) - 1
        if contiguous and target == indices[0]:
            return
        block = [self.cells[index] for index in indices]
        steps: list[Step] = []
        for index in reversed(indices):
            self._do(steps, RemoveStep(index, self.cells[index]))
        for offset, cell in enumerate(block):
            self._do(steps, InsertStep(target + offset, cell))
        self._commit("move cells", steps)

    def copy_cells(self, cell_ids: Sequence[str]) -> list[Cell]:
        """Deep copies of the cells in notebook order (not an undo step, not dirty)."""
        return [self.cells[index].clone() for index in self._ordered(cell_ids)]

    def paste_cells(self, index: int, cells: Sequence[Cell]) -> list[Cell]:
        """Insert copies of ``cells`` with fresh ids at ``index``; return the new cells."""
        index = max(0, min(index, len(self.cells)))
        steps: list[Step] = []
        pasted: list[Cell] = []
        for offset, cell in enumerate(cells):
            twin = cell.clone(new_id=self._fresh_id())
            self._do(steps, InsertStep(index + offset, twin))
            pasted.append(twin)
        self._commit("paste cells", steps)
        return pasted

    def split_cell(self, cell_id: str, offset: int) -> tuple[Cell, Cell]:
        """Split a cell at a character offset into its source.

        The original cell (same id, metadata) keeps the text before the cut; a
        new cell of the same type gets the text after it. Newlines at the cut
        are dropped, as JupyterLab does. A code cell's outputs and count go
        with the lower part, whose code produced them.
        """
        cell = self.cell(cell_id)
        offset = max(0, min(offset, len(cell.source)))
        head = cell.source[:offset].rstrip("\n")
        tail = cell.source[offset:].lstrip("\n")
        lower = self._new_cell(cell.cell_type, tail)
        lower.metadata = copy.deepcopy(cell.metadata)
        lower.outputs = list(cell.outputs)
        lower.execution_count = cell.execution_count
        steps: list[Step] = []
        self._do(steps, self._fields(cell, source=head, outputs=[], execution_count=None))
        self._do(steps, InsertStep(self.index_of(cell_id) + 1, lower))
        self._commit("split cell", steps)
        return cell, lower

    def merge_cells(self, cell_ids: Sequence[str]) -> Cell:
        """Merge cells into the first: sources joined with ``"\\n"``, outputs dropped.

        With a single id the cell merges with the one below it (JupyterLab's
        shift+m); the last cell alone is returned unchanged.
        """
        indices = self._ordered(cell_ids)
        if len(indices) == 1 and indices[0] + 1 < len(self.cells):
            indices.append(indices[0] + 1)
        first = self.cells[indices[0]]
        if len(indices) < 2:
            return first
        parts = [self.cells[index] for index in indices]
        attachments: dict[str, Any] = {}
        for part in parts:
            attachments.update(part.attachments or {})
        changes: dict[str, Any] = {"source": "\n".join(part.source for part in parts)}
        if first.cell_type == "code":
            changes.update(outputs=[], execution_count=None)
        elif attachments:
            changes["attachments"] = attachments
        steps: list[Step] = []
        for index in reversed(indices[1:]):
            self._do(steps, RemoveStep(index, self.cells[index]))
        self._do(steps, self._fields(first, **changes))
        self._commit("merge cells", steps)
        return first

    def change_cell_type(self, cell_ids: Sequence[str], cell_type: CellType) -> None:
        """Change cells' type; code to markdown/raw drops outputs and count."""
        steps: list[Step] = []
        for index in self._ordered(cell_ids):
            cell = self.cells[index]
            if cell.cell_type == cell_type:
                continue
            changes: dict[str, Any] = {"cell_type": cell_type, "absent": frozenset()}
            if cell_type == "code":
                changes["attachments"] = None
            else:
                changes.update(outputs=[], execution_count=None)
            self._do(steps, self._fields(cell, **changes))
            self._pending_clear.discard(cell.id)
        self._commit("change cell type", steps)

    def clear_outputs(self, cell_ids: Sequence[str]) -> None:
        """Clear code cells' outputs and execution counts (one undo step)."""
        steps: list[Step] = []
        for index in self._ordered(cell_ids):
            cell = self.cells[index]
            self._pending_clear.discard(cell.id)
            if cell.cell_type == "code":
                self._do(steps, self._fields(cell, outputs=[], execution_count=None))
        self._commit("clear outputs", steps)

    def set_source(self, cell_id: str, source: str) -> None:
        """Replace a cell's source (an undo step; nothing happens if it is unchanged)."""
        steps: list[Step] = []
        self._do(steps, self._fields(self.cell(cell_id), source=source))
        self._commit("edit cell", steps)

    def set_sources(self, sources: Mapping[str, str], label: str = "replace all") -> None:
        """Replace several cells' sources (cell id -> source) as ONE undo step."""
        steps: list[Step] = []
        for index in self._ordered(list(sources)):
            cell = self.cells[index]
            self._do(steps, self._fields(cell, source=sources[cell.id]))
        self._commit(label, steps)

    def set_cell_metadata(
        self, cell_id: str, key: str, value: Any, *, undoable: bool = True
    ) -> None:
        """Set one key of a cell's metadata (e.g. ``tags``, ``collapsed``).

        An undo step by default. ``undoable=False`` is for execution results
        (e.g. the engine's ``execution`` timings): the notebook turns dirty and
        the revisions bump, but nothing enters the undo history.
        """
        cell = self.cell(cell_id)
        if not undoable:
            if cell.metadata.get(key, _MISSING) != value:
                cell.metadata[key] = copy.deepcopy(value)
                cell.revision += 1
                self.revision += 1
                self._untracked = True
            return
        metadata = copy.deepcopy(cell.metadata)
        metadata[key] = copy.deepcopy(value)
        steps: list[Step] = []
        self._do(steps, self._fields(cell, metadata=metadata))
        self._commit("set cell metadata", steps)

    def replace_cell_metadata(self, cell_id: str, metadata: dict[str, Any]) -> None:
        """Replace a cell's whole metadata (one undo step; nothing if it is unchanged)."""
        steps: list[Step] = []
        self._do(steps, self._fields(self.cell(cell_id), metadata=copy.deepcopy(metadata)))
        self._commit("edit cell metadata", steps)

    def replace_notebook_metadata(self, metadata: dict[str, Any]) -> None:
        """Replace the notebook's own metadata (one undo step; nothing if it is unchanged)."""
        if metadata == self.metadata:
            return
        steps: list[Step] = []
        after = copy.deepcopy(metadata)
        self._do(steps, MetadataStep(copy.deepcopy(self.metadata), after))
        self._commit("edit notebook metadata", steps)

    def remove_cell_metadata(self, cell_id: str, key: str) -> None:
        """Remove one key of a cell's metadata if present; undoable."""
        cell = self.cell(cell_id)
        if key not in cell.metadata:
            return
        metadata = {k: v for k, v in cell.metadata.items() if k != key}
        steps: list[Step] = []
        self._do(steps, self._fields(cell, metadata=metadata))
        self._commit("remove cell metadata", steps)
