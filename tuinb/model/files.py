"""The notebook's file on disk: reading it safely, and whether we may write it.

Reading (`read_bytes`): the path is opened without blocking and refused
unless it is a regular file (a FIFO, a device such as /dev/zero, a socket or
a folder is refused at once), and refused when it is over `max_file_bytes()`
before anything is read.

Read-only files (`write_access`): a file we could write over but that is
marked read-only (no write bit for us: 0444, even for root) is written only
when the caller says so (`allow_read_only`); the save refuses with
`ReadOnlyError`, which a UI turns into a question. How a save reaches the
disk is `tuinb.model.writing`.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import Literal

from tuinb.model.errors import NotebookReadError, NotebookSaveError

DEFAULT_MAX_MB = 256
"""Largest notebook file read, in MiB (`TUINB_MAX_NOTEBOOK_MB` changes it)."""

WriteAccess = Literal["writable", "read-only", "forbidden", "missing"]
"""`writable`; `read-only`: marked read-only (no write bit for us) but we may write over
it (we own it, or are root); `forbidden`: we cannot write it; `missing`: no such file."""


class ReadOnlyError(NotebookSaveError):
    """The file is marked read-only: save again with `allow_read_only=True` to write over it."""


class TargetExistsError(NotebookSaveError):
    """Save as: a notebook is already at the target; save again with `overwrite=True`."""


def max_file_bytes() -> int:
    """The size limit for reading a notebook, in bytes."""
    try:
        megabytes = float(os.environ.get("TUINB_MAX_NOTEBOOK_MB", DEFAULT_MAX_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _too_big(path: Path, size: int | None, limit: int) -> NotebookReadError:
    what = f"it is {size / 1048576:.0f} MiB" if size is not None else "it is too large"
    return NotebookReadError(
        f"Cannot open {path}: {what}, over tuinb's limit of {limit / 1048576:.0f} MiB"
        " (set TUINB_MAX_NOTEBOOK_MB to raise it).",
        path,
    )


def read_bytes(path: Path) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its status, from one open; raises NotebookReadError.

    Opened with O_NONBLOCK, so a FIFO is refused instead of waiting for a
    writer; the size limit is checked before reading, and again while reading
    (a file under /proc says it is empty).
    """
    limit = max_file_bytes()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise NotebookReadError(
            f"Cannot open {path}: no such file; check the path.", path
        ) from None
    except IsADirectoryError:  # Windows; elsewhere a folder opens and fstat says so
        raise NotebookReadError(
            f"Cannot open {path}: it is a folder; give the path of a notebook file.", path
        ) from None
    except PermissionError:
        raise NotebookReadError(
            f"Cannot open {path}: permission denied; check the file's permissions.", path
        ) from None
    except OSError as err:
        raise NotebookReadError(f"Cannot open {path}: {err.strerror or err}.", path) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise NotebookReadError(
                f"Cannot open {path}: it is a folder; give the path of a notebook file.", path
            )
        if not stat.S_ISREG(info.st_mode):
            raise NotebookReadError(
                f"Cannot open {path}: it is {_kind(info.st_mode)}, not a notebook file;"
                " give the path of a notebook file.",
                path,
            )
        if info.st_size > limit:
            raise _too_big(path, info.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise _too_big(path, None, limit)
        return b"".join(chunks), info
    except OSError as err:
        raise NotebookReadError(f"Cannot open {path}: {err.strerror or err}.", path) from None
    finally:
        os.close(fd)


# ---------------------------------------------------------------- access


def write_access(path: Path) -> WriteAccess:
    """Whether we may write `path` (following a symbolic link): see `WriteAccess`."""
    try:
        info = Path(path).stat()
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "forbidden"
    if not stat.S_ISREG(info.st_mode) or _on_read_only_filesystem(path):
        return "forbidden"
    writable = os.access(path, os.W_OK)
    # root may write anything: for root only the bits say "read-only"
    root = os.geteuid() == 0
    marked = stat.S_IMODE(info.st_mode) & 0o222 == 0 if root else not writable
    if not marked:
        return "writable" if writable else "forbidden"
    owner = info.st_uid == os.geteuid() or os.geteuid() == 0  # may make it writable again
    return "read-only" if owner else "forbidden"


def _on_read_only_filesystem(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & getattr(os, "ST_RDONLY", 1))
    except (OSError, AttributeError):
        return False


def check_writable(target: Path, *, allow_read_only: bool = False) -> None:
    """Raise NotebookSaveError (or ReadOnlyError) if saving to `target` would fail or is unwanted.

    For a missing file, its folder must exist and let us create files.
    """
    access = write_access(target)
    if access == "missing":
        folder = Path(os.path.realpath(target)).parent
        if not folder.is_dir():
            raise NotebookSaveError(
                f"Could not save {target}: its folder does not exist; save under another name.",
                target,
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            raise NotebookSaveError(
                f"Could not save {target}: you may not create files in {folder};"
                " save under another name elsewhere.",
                target,
            )
    elif access == "forbidden":
        with contextlib.suppress(OSError):
            mode = target.stat().st_mode
            if not stat.S_ISREG(mode):
                kind = "a folder" if stat.S_ISDIR(mode) else _kind(mode)
                raise NotebookSaveError(
                    f"Could not save {target}: it is {kind}, not a notebook file;"
                    " save under another name.",
                    target,
                )
        raise NotebookSaveError(
            f"Could not save {target}: you do not have permission to write it;"
            " save under another name or ask its owner.",
            target,
        )
    elif access == "read-only" and not allow_read_only:
        raise ReadOnlyError(
            f"Could not save {target}: it is marked read-only; make it writable"
            " (chmod u+w) or save under another name.",
            target,
        )
