"""One notebook cell and its conversion to and from the nbformat v4 dict."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal, cast

CellType = Literal["code", "markdown", "raw"]
CELL_TYPES: tuple[CellType, ...] = ("code", "markdown", "raw")

# Keys the model holds in named fields; every other key of a cell is kept in
# ``Cell.extra`` and written back untouched.
_COMMON_KEYS = frozenset({"id", "cell_type", "metadata", "source", "attachments"})
_CODE_KEYS = _COMMON_KEYS | {"outputs", "execution_count"}
# Standard keys that a (broken) file may lack; the model does not add them back
# on save while they still hold their default value.
_OPTIONAL_ON_SAVE = ("metadata", "source", "outputs", "execution_count")


def new_cell_id() -> str:
    """A fresh cell id in nbformat's own style (8 hex digits)."""
    return uuid.uuid4().hex[:8]


@dataclass(eq=False)
class Cell:
    """A cell as the model holds it; ``source`` is always one string."""

    id: str
    """Stable id (nbformat 4.5 ``id``; invented for older files, never saved there)."""
    cell_type: CellType
    """``"code"``, ``"markdown"`` or ``"raw"``."""
    source: str
    """The cell's text (a list in the file is joined)."""
    metadata: dict[str, Any] = field(default_factory=dict)
    """Cell metadata, kept whole."""
    outputs: list[dict[str, Any]] = field(default_factory=list)
    """nbformat v4 output dicts (code cells only). Treat each dict as immutable."""
    execution_count: int | None = None
    """The execution count (code cells only)."""
    attachments: dict[str, Any] | None = None
    """Markdown/raw attachments, ``None`` when the cell has none."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Keys of the cell the model does not know, written back on save."""
    revision: int = 0
    """Bumps on every change to this cell (a cache key for the UI)."""
    id_in_file: bool = True
    """Whether ``id`` is written on save in a notebook older than 4.5."""
    absent: frozenset[str] = frozenset()
    """Standard keys the file lacked; not added on save while still at their default."""

    def to_dict(self, *, with_id: bool) -> dict[str, Any]:
        """The nbformat v4 cell dict (a deep copy)."""
        out: dict[str, Any] = copy.deepcopy(self.extra)
        out["cell_type"] = self.cell_type
        if with_id or self.id_in_file:
            out["id"] = self.id
        values: dict[str, Any] = {
            "metadata": copy.deepcopy(self.metadata),
            "source": self.source,
        }
        if self.cell_type == "code":
            values["outputs"] = copy.deepcopy(self.outputs)
            values["execution_count"] = self.execution_count
        for key, value in values.items():
            if key in self.absent and value in ({}, "", [], None):
                continue
            out[key] = value
        if self.attachments is not None:
            out["attachments"] = copy.deepcopy(self.attachments)
        return out

    def clone(self, *, new_id: str | None = None) -> Cell:
        """A deep copy, optionally under another id."""
        twin = copy.deepcopy(self)
        twin.revision = 0
        if new_id is not None:
            twin.id = new_id
            twin.id_in_file = False
        return twin

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cell:
        """Build a cell from an nbformat v4 cell dict (``source`` already joined)."""
        cell_type = str(data.get("cell_type", "code"))
        known = _CODE_KEYS if cell_type == "code" else _COMMON_KEYS
        source = data.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        raw_id = data.get("id")
        absent = frozenset(key for key in _OPTIONAL_ON_SAVE if key in known and key not in data)
        extra = {k: copy.deepcopy(v) for k, v in data.items() if k not in known}
        good_id = isinstance(raw_id, str) and bool(raw_id)
        if "id" in data and not good_id:
            extra["id"] = raw_id  # kept as found (written back unless the notebook is 4.5+)
        return cls(
            id=str(raw_id) if good_id else new_cell_id(),
            cell_type=cast(CellType, cell_type),
            source=str(source),
            metadata=copy.deepcopy(dict(data.get("metadata") or {})),
            outputs=copy.deepcopy(list(data.get("outputs") or [])) if cell_type == "code" else [],
            execution_count=data.get("execution_count") if cell_type == "code" else None,
            attachments=copy.deepcopy(data["attachments"]) if "attachments" in data else None,
            extra=extra,
            id_in_file=good_id,
            absent=absent,
        )
