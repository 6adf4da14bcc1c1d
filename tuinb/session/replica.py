"""Keeping the editor's copy of a notebook and the host's copy the same.

The host's copy is the truth: it is what is saved and what recovery copies
hold. The editor edits its own copy so that typing never waits for a round
trip; each of the three primitive edits every cell operation, undo and redo
is made of (`NotebookCore.observer`) is shipped to the host as it happens and
applied there in the same order. The host never changes cells itself; its
engine writes results (outputs, counts, `metadata.execution`), which travel
the other way as *state*, not as kernel messages: a cell's outputs as they
now are, as a difference from what that client was last sent. A client that
falls behind (a flood of output) is sent one difference per cell, not every
stream chunk.

One race needs care: the editor can change a cell's results itself (clear
outputs, split, merge, change type) while the host is sending results
computed before it saw that edit. Each message from the host carries how
many of the client's edits it had applied (`ack`); the client ignores
results for a cell it has changed since then, and the host, on applying such
an edit, takes the edited results as what that client now has.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tuinb.model import Cell, DiskStamp, Notebook

RESULT_FIELDS = frozenset({"outputs", "execution_count", "metadata"})
"""Cell fields the host's engine writes too."""


class ReplicaError(Exception):
    """An edit that does not fit the notebook it is applied to (the copies diverged)."""


# -- cells and notebooks on the wire --------------------------------------------------


def cell_to_wire(cell: Cell) -> dict[str, Any]:
    """Every field of a cell (references: encode it before anything changes it)."""
    data: dict[str, Any] = {
        "id": cell.id,
        "cell_type": cell.cell_type,
        "source": cell.source,
        "metadata": cell.metadata,
        "outputs": cell.outputs,
        "execution_count": cell.execution_count,
        "attachments": cell.attachments,
        "extra": cell.extra,
        "id_in_file": cell.id_in_file,
    }
    if cell.absent:
        data["absent"] = sorted(cell.absent)
    return data


def cell_from_wire(data: dict[str, Any]) -> Cell:
    """The cell `cell_to_wire` described (KeyError/TypeError if it is not one)."""
    return Cell(
        id=str(data["id"]),
        cell_type=data["cell_type"],
        source=str(data["source"]),
        metadata=dict(data["metadata"]),
        outputs=list(data["outputs"]),
        execution_count=data["execution_count"],
        attachments=data["attachments"],
        extra=dict(data["extra"]),
        id_in_file=bool(data["id_in_file"]),
        absent=frozenset(data.get("absent", ())),
    )


def notebook_to_wire(notebook: Notebook) -> dict[str, Any]:
    """Everything about a notebook a copy needs, including its file stamp and dirty state."""
    stamp = notebook.disk_stamp
    return {
        "cells": [cell_to_wire(cell) for cell in notebook.cells],
        "metadata": notebook.metadata,
        "nbformat": notebook.nbformat,
        "nbformat_minor": notebook.nbformat_minor,
        "path": str(notebook.path) if notebook.path is not None else None,
        "extra": notebook.extra,
        "absent": sorted(notebook.absent),
        "warnings": notebook.warnings,
        "dirty": notebook.dirty,
        "stamp": stamp_to_wire(stamp),
    }


def notebook_from_wire(data: dict[str, Any]) -> Notebook:
    """The notebook `notebook_to_wire` described (ReplicaError if it is not one)."""
    try:
        notebook = Notebook(
            [cell_from_wire(cell) for cell in data["cells"]],
            dict(data["metadata"]),
            nbformat=int(data["nbformat"]),
            nbformat_minor=int(data["nbformat_minor"]),
            path=Path(data["path"]) if data["path"] is not None else None,
            warnings=list(data["warnings"]),
            extra=dict(data["extra"]),
        )
        notebook.absent = frozenset(data["absent"])
        notebook.disk_stamp = stamp_from_wire(data["stamp"])
    except (KeyError, TypeError, ValueError) as err:
        raise ReplicaError(f"not a notebook: {err!r}") from None
    if data.get("dirty"):
        notebook.mark_unsaved()
    return notebook


def stamp_to_wire(stamp: DiskStamp | None) -> list[Any] | None:
    """A file stamp as a list (None stays None)."""
    if stamp is None:
        return None
    return [stamp.mtime_ns, stamp.size, stamp.sha256, stamp.taken_ns]


def stamp_from_wire(data: Any) -> DiskStamp | None:
    """The stamp `stamp_to_wire` made."""
    if data is None:
        return None
    mtime_ns, size, sha256, taken_ns = data
    return DiskStamp(int(mtime_ns), int(size), str(sha256), int(taken_ns))


def _fields_to_wire(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: sorted(value) if isinstance(value, frozenset) else value
        for name, value in values.items()
    }


# -- the editor's side: ship each primitive edit ---------------------------------------


class EditShipper:
    """The editor copy's `EditObserver`: turns each primitive edit into a message.

    `send` gets each message at once (the client frames and writes it, or
    keeps it until it is connected). `seq` counts them; `touched` notes, per
    cell, the last edit that changed results the host also writes.
    """

    def __init__(self, send: Any) -> None:
        self.send = send
        self.seq = 0
        """Edits shipped so far (the host acknowledges by this count)."""
        self.touched: dict[str, int] = {}
        """Cell id -> number of the last shipped edit that changed its results."""
        self.everything_since = 0
        """The number of the last edit that replaced the whole notebook."""

    def _ship(self, message: dict[str, Any], touched: str | None = None) -> None:
        self.seq += 1
        if touched is not None:
            self.touched[touched] = self.seq
        self.send(message)

    def cell_inserted(self, index: int, cell: Cell) -> None:
        """A cell was inserted at `index`."""
        self._ship({"t": "ins", "i": index, "c": cell_to_wire(cell)}, cell.id)

    def cell_removed(self, index: int, cell: Cell) -> None:
        """The cell at `index` was removed."""
        self._ship({"t": "rm", "i": index, "id": cell.id})

    def fields_set(self, cell: Cell, values: dict[str, Any]) -> None:
        """Fields of a cell changed."""
        touched = cell.id if RESULT_FIELDS.intersection(values) else None
        self._ship({"t": "set", "id": cell.id, "v": _fields_to_wire(values)}, touched)

    def metadata_set(self, metadata: dict[str, Any]) -> None:
        """The notebook's own metadata changed (the UI writes that dict directly)."""
        self._ship({"t": "meta", "m": metadata})

    def replaced(self, notebook: Notebook) -> None:
        """The editor took another notebook (reloaded from disk, or a recovery copy)."""
        self._ship({"t": "replace", "nb": notebook_to_wire(notebook)})
        self.everything_since = self.seq
        self.touched.clear()

    def stale(self, cell_id: str, ack: int) -> bool:
        """Whether results the host sent after applying `ack` edits are older than ours."""
        if ack < self.everything_since:
            return True
        return self.touched.get(cell_id, 0) > ack


def apply_results(notebook: Notebook, message: dict[str, Any]) -> bool:
    """Apply a host's ``res`` message to the editor's copy; False if the cell is gone."""
    cell_id = str(message["id"])
    try:
        cell = notebook.cell(cell_id)
    except KeyError:
        return False
    outputs = cell.outputs
    try:
        extend = message.get("x")
        if extend is not None:
            index, suffix = int(extend[0]), str(extend[1])
            grown = outputs[index]
            if len(outputs) != index + 1 or not isinstance(grown.get("text"), str):
                raise ReplicaError(f"cell {cell_id} has no stream output {index} to extend")
            outputs = [*outputs[:index], {**grown, "text": grown["text"] + suffix}]
        tail = message.get("o")
        if tail is not None:
            start = int(tail[0])
            if start > len(outputs):
                raise ReplicaError(f"cell {cell_id} has fewer than {start} outputs")
            outputs = [*outputs[:start], *tail[1]]
    except (IndexError, KeyError, TypeError, ValueError) as err:
        raise ReplicaError(f"results for cell {cell_id} do not fit: {err!r}") from None
    metadata = message.get("m")
    count = message.get("n", cell.execution_count)
    fresh = metadata if isinstance(metadata, dict) else None
    notebook.replace_results(cell_id, outputs, count, fresh)
    return True


# -- the host's side: apply the editor's edits -----------------------------------------


def apply_edit(notebook: Notebook, message: dict[str, Any]) -> str | None:
    """Apply one shipped edit to the host's copy; returns the id of a cell whose results
    it set (the client now has them), else None. ReplicaError if it does not fit."""
    kind = message["t"]
    try:
        if kind == "ins":
            cell = cell_from_wire(message["c"])
            index = int(message["i"])
            if not 0 <= index <= len(notebook.cells) or _has(notebook, cell.id):
                raise ReplicaError(f"cannot insert cell {cell.id} at {index}")
            notebook.apply_insert(index, cell)
            return cell.id
        if kind == "rm":
            index = int(message["i"])
            if not 0 <= index < len(notebook.cells) or notebook.cells[index].id != message["id"]:
                raise ReplicaError(f"cell {message['id']} is not at {index}")
            notebook.apply_remove(index)
            return None
        if kind == "set":
            cell = notebook.cell(str(message["id"]))
            values = dict(message["v"])
            if "absent" in values:
                values["absent"] = frozenset(values["absent"])
            notebook.apply_fields(cell, values)
            return cell.id if RESULT_FIELDS.intersection(values) else None
    except (KeyError, TypeError, ValueError) as err:
        raise ReplicaError(f"a {kind} edit does not fit: {err!r}") from None
    raise ReplicaError(f"unknown edit {kind!r}")


def _has(notebook: Notebook, cell_id: str) -> bool:
    try:
        notebook.cell(cell_id)
    except KeyError:
        return False
    return True


@dataclass
class _Sent:
    outputs: list[dict[str, Any]]
    count: int | None
    metadata: dict[str, Any]


class ResultTracker:
    """What one client was last sent of each cell's results, and the difference since."""

    def __init__(self, notebook: Notebook) -> None:
        self.notebook = notebook
        self._sent: dict[str, _Sent] = {}
        self.reset_all()

    def reset_all(self) -> None:
        """The client has every cell as the notebook holds it now (a snapshot, a replace)."""
        self._sent = {cell.id: self._now(cell) for cell in self.notebook.cells}

    def reset(self, cell_id: str) -> None:
        """The client has this cell's results as they are now (it set them itself)."""
        try:
            self._sent[cell_id] = self._now(self.notebook.cell(cell_id))
        except KeyError:
            self._sent.pop(cell_id, None)

    @staticmethod
    def _now(cell: Cell) -> _Sent:
        return _Sent(list(cell.outputs), cell.execution_count, copy.deepcopy(cell.metadata))

    def difference(self, cell_id: str, ack: int) -> dict[str, Any] | None:
        """The ``res`` message bringing the client up to date on a cell (None: nothing new)."""
        try:
            cell = self.notebook.cell(cell_id)
        except KeyError:
            self._sent.pop(cell_id, None)
            return None
        sent = self._sent.get(cell_id)
        if sent is None:
            sent = self._sent[cell_id] = _Sent([], None, {})
        message: dict[str, Any] = {"t": "res", "id": cell_id, "a": ack}
        changed = False
        new, old = cell.outputs, sent.outputs
        if new is not old and new != old:
            message.update(_outputs_difference(old, new))
            sent.outputs = list(new)
            changed = True
        if cell.execution_count != sent.count:
            sent.count = cell.execution_count
            changed = True
        if cell.metadata != sent.metadata:
            message["m"] = cell.metadata
            sent.metadata = copy.deepcopy(cell.metadata)
            changed = True
        if not changed:
            return None
        message["n"] = cell.execution_count
        return message

    def forget(self, cell_id: str) -> None:
        """The client's copy of this cell is in doubt: the next difference sends it all."""
        self._sent[cell_id] = _Sent([], None, {})


def _outputs_difference(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, Any]:
    """``x`` (text appended to one stream output) and/or ``o`` (outputs from an index on)."""
    same = 0
    for before, after in zip(old, new, strict=False):
        if before is not after:
            break
        same += 1
    if same == len(old) and same == len(new):
        return {}
    if same == len(old) - 1 and same < len(new):
        before, after = old[same], new[same]
        grown = _grown_text(before, after)
        if grown is not None:
            return {"x": [same, grown], "o": [same + 1, new[same + 1 :]]}
    return {"o": [same, new[same:]]}


def _grown_text(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    """The text `after` adds to `before` when it is the same stream with text appended."""
    if before.get("output_type") != "stream" or after.get("output_type") != "stream":
        return None
    old_text, new_text = before.get("text"), after.get("text")
    if not isinstance(old_text, str) or not isinstance(new_text, str):
        return None
    if len(before) != len(after) or any(
        after.get(key) != value for key, value in before.items() if key != "text"
    ):
        return None
    if len(new_text) < len(old_text) or not new_text.startswith(old_text):
        return None
    return new_text[len(old_text) :]
