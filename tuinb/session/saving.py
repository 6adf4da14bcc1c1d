"""Saving a session's notebook: the host writes its copy; the editor asks and takes the answer.

The host's copy is the truth, so the host saves it (`host_save`,
`host_save_as`, as `SessionCore` calls them) and the editor's copy takes the
new file stamp (and path) and becomes clean, unless it was edited while the
host saved (`save_through_host`). With the host gone, the editor's copy is
saved by the editor itself (`save_here`), so no work is lost.

Every answer is a status (`SaveStatus`): the questions a save may need (the
file changed on disk, a notebook is already there, the file is marked
read-only) are asked by the editor, which then saves again saying yes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tuinb.engine import EngineError
from tuinb.model import (
    Notebook,
    NotebookError,
    ReadOnlyError,
    TargetExistsError,
    changed_on_disk,
    note_saved,
    save,
    save_as,
)
from tuinb.session.keeper import RecoveryKeeper
from tuinb.session.replica import stamp_from_wire, stamp_to_wire

__all__ = [
    "SaveResult",
    "SaveStatus",
    "host_save",
    "host_save_as",
    "save_here",
    "save_through_host",
]

SaveStatus = Literal["saved", "changed", "exists", "read-only", "failed"]
"""``saved``; ``changed``: the file changed on disk since it was read or saved (ask, then
again with `overwrite`); ``exists``: save as found a notebook there (ask, then again with
`overwrite`); ``read-only``: the file is marked read-only (ask, then again with
`allow_read_only`); ``failed``: `message` says why in one sentence."""

_STATUSES: tuple[SaveStatus, ...] = ("saved", "changed", "exists", "read-only", "failed")


@dataclass(frozen=True)
class SaveResult:
    """How a save went (`SaveStatus`)."""

    status: SaveStatus
    message: str = ""


Request = Callable[..., Awaitable[dict[str, Any]]]


async def save_through_host(
    request: Request,
    notebook: Notebook,
    edits: Callable[[], int],
    op: Literal["save", "save_as"],
    **fields: Any,
) -> SaveResult:
    """Ask the host to save (`op`); on success the editor's copy takes the new stamp (and
    path) and is clean, unless `edits()` (edits shipped) grew while the host saved."""
    before = edits()
    try:
        reply = await request(op, **fields)
    except EngineError as err:
        return SaveResult("failed", str(err))
    status: SaveStatus = next((s for s in _STATUSES if s == reply.get("status")), "failed")
    if status != "saved":
        return SaveResult(status, str(reply.get("message", "")))
    if isinstance(reply.get("path"), str):
        notebook.path = Path(reply["path"])
    notebook.disk_stamp = stamp_from_wire(reply.get("stamp"))
    notebook.mark_saved()
    if edits() != before:  # edited after the host saved: not clean
        notebook.mark_unsaved()
    return SaveResult("saved")


def save_here(
    notebook: Notebook,
    *,
    path: Path | None = None,
    overwrite: bool = False,
    allow_read_only: bool = False,
) -> SaveResult:
    """Save the editor's own copy (the host is gone); `path`: save as."""
    try:
        if path is not None:
            save_as(notebook, path, overwrite=overwrite, allow_read_only=allow_read_only)
            return SaveResult("saved")
        if not overwrite and changed_on_disk(notebook):
            return SaveResult("changed")
        save(notebook, allow_read_only=allow_read_only)
    except TargetExistsError as err:
        return SaveResult("exists", str(err))
    except ReadOnlyError as err:
        return SaveResult("read-only", str(err))
    except NotebookError as err:
        return SaveResult("failed", str(err))
    return SaveResult("saved")


# -- the host's side ---------------------------------------------------------------------


def _status_of(err: NotebookError) -> SaveStatus:
    if isinstance(err, TargetExistsError):
        return "exists"
    if isinstance(err, ReadOnlyError):
        return "read-only"
    return "failed"


def host_save(
    notebook: Notebook,
    keeper: RecoveryKeeper,
    *,
    overwrite: bool = False,
    allow_read_only: bool = False,
) -> dict[str, Any]:
    """Save the host's notebook; the reply (``saved`` carries the new file stamp)."""
    if not overwrite and changed_on_disk(notebook):
        return {"status": "changed"}
    try:
        save(notebook, allow_read_only=allow_read_only)
    except NotebookError as err:
        return {"status": _status_of(err), "message": str(err)}
    keeper.saved()
    return {"status": "saved", "stamp": stamp_to_wire(notebook.disk_stamp)}


async def host_save_as(
    notebook: Notebook,
    keeper: RecoveryKeeper,
    path: Path,
    move_to: Callable[[Path], Awaitable[None]] | None,
    *,
    overwrite: bool = False,
    allow_read_only: bool = False,
) -> dict[str, Any]:
    """Save the host's notebook under `path` and go on as that notebook.

    The session moves first (`move_to`: its socket and lock become the new
    path's, so `tuinb new.ipynb` finds it; a path another session holds is
    refused), and moves back if the save fails. The recovery copies of both
    names are dropped: the file holds the work.
    """
    old = notebook.path
    path, same = _target(path, old)
    back = old if not same and move_to is not None else None  # where to move back to
    if back is not None and move_to is not None:
        try:
            await move_to(path)
        except Exception as err:  # SessionError: one sentence
            return {"status": "failed", "message": str(err)}
    try:
        save_as(notebook, path, overwrite=overwrite, allow_read_only=allow_read_only)
    except NotebookError as err:
        if back is not None and move_to is not None:
            with contextlib.suppress(Exception):  # taken meanwhile: it stays under the new name
                await move_to(back)
        return {"status": _status_of(err), "message": str(err)}
    keeper.saved()
    if old is not None:
        note_saved(old)
    return {"status": "saved", "stamp": stamp_to_wire(notebook.disk_stamp), "path": str(path)}


def _target(path: Path, old: Path | None) -> tuple[Path, bool]:
    """Where a save as writes (absolute), and whether that is the notebook's own file."""
    path = path.expanduser().absolute()
    if old is None:
        return path, False
    try:
        return path, path.samefile(old)
    except OSError:
        return path, path == old.absolute()
