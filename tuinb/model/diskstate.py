"""Noticing that a notebook's file changed on disk since tuinb loaded or saved it."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

_RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class DiskStamp:
    """What a file looked like at one moment."""

    mtime_ns: int
    """Modification time in nanoseconds."""
    size: int
    """Size in bytes."""
    sha256: str
    """Hex digest of the content (mtime alone misses fast or clock-skewed writes)."""
    taken_ns: int = 0
    """When the stamp was taken (wall clock, ns)."""

    @property
    def racy(self) -> bool:
        """The file was modified so shortly before the stamp that a later write
        could carry the same mtime; such a stamp is always checked by content."""
        return self.taken_ns - self.mtime_ns < _RACY_NS


def stamp(path: Path) -> DiskStamp | None:
    """The file's current stamp; None if it is missing or cannot be read."""
    try:
        with path.open("rb") as handle:
            return stamp_of(os.fstat(handle.fileno()), handle.read())
    except OSError:
        return None


def stamp_of(info: os.stat_result, content: bytes) -> DiskStamp:
    """The stamp of a file whose status and bytes were read from one open handle
    (so a loader that has just read the file need not read it again)."""
    return DiskStamp(
        mtime_ns=info.st_mtime_ns,
        size=info.st_size,
        sha256=hashlib.sha256(content).hexdigest(),
        taken_ns=time.time_ns(),
    )


class OnDisk(Protocol):
    """Something saved in a file: where, and what the file was (a `Notebook`)."""

    @property
    def path(self) -> Path | None:
        """The file, or None before the first save."""
        ...

    @property
    def disk_stamp(self) -> DiskStamp | None:
        """The file as it was at the last load or save, or None."""
        ...


def changed_on_disk(notebook: OnDisk) -> bool:
    """True if the notebook's file differs from what was loaded or last saved.

    A file that was deleted counts as changed; a notebook never saved
    (no path or no stamp) has nothing to compare and is not changed. A file
    whose mtime moved but whose bytes are the same is not changed; an
    unchanged mtime and size is trusted without reading the file unless the
    stamp was racy (taken within 2 s of the file's mtime).
    """
    if notebook.path is None or notebook.disk_stamp is None:
        return False
    before = notebook.disk_stamp
    try:
        info = notebook.path.stat()
    except OSError:
        return True
    if (info.st_mtime_ns, info.st_size) == (before.mtime_ns, before.size) and not before.racy:
        return False  # cheap path: nothing touched it
    now = stamp(notebook.path)
    return now is None or now.sha256 != before.sha256
