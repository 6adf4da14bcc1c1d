"""The notebook document: cells, outputs, load/save, undo (no UI, no zmq).

Everything other layers need is importable from here. Importing this package
does not import nbformat: `load`, `save` and `dumps` import it on first use.
"""

from __future__ import annotations

from tuinb.model.cell import Cell, CellType
from tuinb.model.diskstate import DiskStamp, changed_on_disk, stamp
from tuinb.model.document import Notebook
from tuinb.model.errors import NotebookError, NotebookReadError, NotebookSaveError
from tuinb.model.files import (
    ReadOnlyError,
    TargetExistsError,
    WriteAccess,
    check_writable,
    max_file_bytes,
    write_access,
)
from tuinb.model.nbio import dumps, load, validate_later, wait_validated
from tuinb.model.recovery import (
    RecoveryCopy,
    discard_recovery,
    find_recovery,
    has_recovery,
    load_recovery,
    note_saved,
    set_aside,
    write_recovery,
)
from tuinb.model.saving import save, save_as

__all__ = [
    "Cell",
    "CellType",
    "DiskStamp",
    "Notebook",
    "NotebookError",
    "NotebookReadError",
    "NotebookSaveError",
    "ReadOnlyError",
    "RecoveryCopy",
    "TargetExistsError",
    "WriteAccess",
    "changed_on_disk",
    "check_writable",
    "discard_recovery",
    "dumps",
    "find_recovery",
    "has_recovery",
    "load",
    "load_recovery",
    "max_file_bytes",
    "note_saved",
    "save",
    "save_as",
    "set_aside",
    "stamp",
    "validate_later",
    "wait_validated",
    "write_access",
    "write_recovery",
]
