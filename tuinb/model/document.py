"""The notebook document (`Notebook`): construction, conversion, execution results.

Cell operations with undo live in `tuinb.model.editing`, the state and dirty
tracking in `tuinb.model.core`; `Notebook` is the one class other layers use.
"""

from __future__ import annotations

import copy
from typing import Any

from tuinb.model import outputs as out
from tuinb.model import trust
from tuinb.model.cell import Cell, CellType, new_cell_id
from tuinb.model.editing import CellOperations

__all__ = ["Cell", "CellType", "Notebook"]


class Notebook(CellOperations):
    """A notebook in memory; `tuinb.model.load` and `Notebook.new` make one."""

    # -- construction and conversion ---------------------------------------

    @classmethod
    def new(cls, kernelspec: dict[str, Any] | None = None) -> Notebook:
        """A new nbformat 4.5 notebook with one empty code cell."""
        metadata: dict[str, Any] = {}
        if kernelspec:
            metadata["kernelspec"] = dict(kernelspec)
            if kernelspec.get("language"):
                metadata["language_info"] = {"name": kernelspec["language"]}
        cell = Cell(id=new_cell_id(), cell_type="code", source="", id_in_file=False)
        return cls([cell], metadata)

    @classmethod
    def from_dict(cls, data: dict[str, Any], **kwargs: Any) -> Notebook:
        """Build from an nbformat v4 dict (as nbformat reads it: sources joined)."""
        known = {"cells", "metadata", "nbformat", "nbformat_minor"}
        notebook = cls(
            [Cell.from_dict(dict(cell)) for cell in data.get("cells", [])],
            copy.deepcopy(dict(data.get("metadata", {}))),
            nbformat=int(data.get("nbformat", 4)),
            nbformat_minor=int(data.get("nbformat_minor", 0)),
            extra={k: copy.deepcopy(v) for k, v in data.items() if k not in known},
            **kwargs,
        )
        notebook.absent = frozenset(k for k in ("metadata", "nbformat_minor") if k not in data)
        return notebook

    def to_dict(self) -> dict[str, Any]:
        """The nbformat v4 JSON structure (a deep copy; sources as strings)."""
        with_id = (self.nbformat, self.nbformat_minor) >= (4, 5)
        result = copy.deepcopy(self.extra)
        result["cells"] = [cell.to_dict(with_id=with_id) for cell in self.cells]
        if self.metadata or "metadata" not in self.absent:
            result["metadata"] = copy.deepcopy(self.metadata)
        result["nbformat"] = self.nbformat
        if "nbformat_minor" not in self.absent:
            result["nbformat_minor"] = self.nbformat_minor
        return result

    @property
    def language(self) -> str:
        """The kernel's language from the metadata, ``"python"`` if it says none."""
        for section in ("kernelspec", "language_info"):
            entry = self.metadata.get(section)
            key = "language" if section == "kernelspec" else "name"
            if isinstance(entry, dict) and isinstance(entry.get(key), str) and entry[key]:
                return str(entry[key])
        return "python"

    # -- execution results (not undo steps; they mark the notebook dirty) ----

    def _result_changed(self, cell: Cell) -> None:
        cell.revision += 1
        self.revision += 1
        self._untracked = True

    def set_execution_count(self, cell_id: str, count: int | None) -> None:
        """Set a code cell's execution count (from execute_input / execute_reply)."""
        cell = self.cell(cell_id)
        if cell.execution_count != count:
            cell.execution_count = count
            self._result_changed(cell)

    def append_output(self, cell_id: str, output: dict[str, Any]) -> None:
        """Add one output message's content (an nbformat v4 output dict) to a cell.

        A pending ``clear_output(wait=True)`` empties the cell first; a stream
        merges with a previous same-name stream (see `tuinb.model.outputs`);
        a display with a ``transient.display_id`` also updates every earlier
        output with that id, as nbclient and the classic notebook do.
        """
        cell = self.cell(cell_id)
        clean, display_id = out.split_transient(output)
        if cell_id in self._pending_clear:
            self._pending_clear.discard(cell_id)
            cell.outputs = []
        if display_id is not None:
            self.update_display(display_id, clean.get("data", {}), clean.get("metadata", {}))
        cell.outputs = out.appended(cell.outputs, clean)
        trust.note_produced(self, clean)
        if display_id is not None:
            self._displays[id(clean)] = (display_id, clean)
        self._result_changed(cell)

    def replace_results(
        self,
        cell_id: str,
        outputs: list[dict[str, Any]],
        execution_count: int | None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """Take a cell's results as another copy of this notebook holds them.

        A session's editor copy receives what the session host's engine wrote
        (outputs already merged, counts, `metadata.execution` timings): like
        the engine's own writes, no undo step, and the notebook turns dirty.
        """
        cell = self.cell(cell_id)
        cell.outputs = outputs
        cell.execution_count = execution_count
        if metadata is not None:
            cell.metadata = metadata
        self._result_changed(cell)

    def clear_cell_output(self, cell_id: str, *, wait: bool) -> None:
        """Apply a clear_output message: now, or (``wait``) when the next output arrives."""
        cell = self.cell(cell_id)
        if wait:
            self._pending_clear.add(cell_id)
            return
        self._pending_clear.discard(cell_id)
        if cell.outputs:
            cell.outputs = []
            self._result_changed(cell)

    def update_display(
        self, display_id: str, data: dict[str, Any], metadata: dict[str, Any]
    ) -> list[str]:
        """Show new data in every output displayed with ``display_id``; the changed cell ids."""
        changed: list[str] = []
        live: dict[int, tuple[str, dict[str, Any]]] = {}
        for cell in self.cells:
            replaced = False
            new_outputs = list(cell.outputs)
            for index, output in enumerate(new_outputs):
                entry = self._displays.get(id(output))
                if entry is None or entry[1] is not output:
                    continue
                if entry[0] == display_id:
                    output = out.with_display(output, data, metadata)
                    new_outputs[index] = output
                    replaced = True
                live[id(output)] = (entry[0], output)
            if replaced:
                cell.outputs = new_outputs
                self._result_changed(cell)
                changed.append(cell.id)
        self._displays = live  # forget displays no longer in any cell
        return changed
