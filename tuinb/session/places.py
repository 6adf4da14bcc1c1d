"""Where sessions live, who may connect, and proving a session's files are stale.

One session per notebook, keyed by a hash of the notebook's absolute path, in
tuinb's runtime folder (`tuinb.paths.runtime_dir`, mode 0700, ours):

- ``<key>.lock``: a regular 0600 file the host holds an exclusive `flock` on
  for its whole life. The kernel releases it when the host dies, even by
  ``kill -9``, so "the lock can be taken" proves that no host is there.
- ``<key>.sock``: the host's Unix socket (0600).
- ``<key>.json``: what the host serves (pid, notebook, version), for listing.
- ``<key>.log``: the host's log.

Nothing is deleted by name alone: a stale session's files are removed only
while holding its lock, and each only if it is ours (owner) and of the kind
we create (a socket, a regular file; never a symbolic link).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuinb import paths

if TYPE_CHECKING:
    import socket


class SessionError(Exception):
    """A session cannot be used as asked; str() is one sentence for the user."""


def session_key(notebook: Path) -> str:
    """The key of a notebook's session: a hash of its absolute path."""
    absolute = str(notebook.expanduser().resolve())
    return hashlib.sha256(absolute.encode("utf-8")).hexdigest()[:16]


def private_folder() -> Path:
    """tuinb's runtime folder, created 0700 if missing; SessionError unless it is ours alone."""
    folder = paths.runtime_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError as err:
        raise SessionError(
            f"tuinb cannot use {folder} for its sessions ({err.strerror}); "
            "set TUINB_RUNTIME_DIR to a private folder."
        ) from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise SessionError(
            f"{folder} is not a folder of yours, so tuinb will not keep sessions there; "
            "remove it or set TUINB_RUNTIME_DIR to a private folder."
        )
    if stat.S_IMODE(info.st_mode) & 0o077:
        folder.chmod(0o700)  # ours: close it to others
    return folder


@dataclass(frozen=True)
class SessionFiles:
    """The files of one notebook's session."""

    folder: Path
    key: str

    @classmethod
    def for_notebook(cls, notebook: Path) -> SessionFiles:
        """The files of `notebook`'s session (the folder is created and checked)."""
        return cls(private_folder(), session_key(notebook))

    @property
    def socket(self) -> Path:
        """The host's Unix socket."""
        return self.folder / f"{self.key}.sock"

    @property
    def lock(self) -> Path:
        """The lock the host holds while it lives."""
        return self.folder / f"{self.key}.lock"

    @property
    def info(self) -> Path:
        """What the host serves, for `tuinb sessions`."""
        return self.folder / f"{self.key}.json"

    @property
    def log(self) -> Path:
        """The host's log."""
        return self.folder / f"{self.key}.log"


@dataclass(frozen=True)
class SessionInfo:
    """A live session as its info file describes it."""

    files: SessionFiles
    pid: int
    notebook: Path
    version: str
    started: float

    @classmethod
    def read(cls, files: SessionFiles) -> SessionInfo | None:
        """The info of a session (None if the file is missing, broken, or not ours)."""
        data = _read_own_json(files.info)
        if data is None:
            return None
        try:
            return cls(
                files,
                int(data["pid"]),
                Path(str(data["notebook"])),
                str(data["version"]),
                float(data["started"]),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def to_json(self) -> dict[str, Any]:
        """The info file's content."""
        return {
            "pid": self.pid,
            "notebook": str(self.notebook),
            "version": self.version,
            "started": self.started,
        }


def write_info(info: SessionInfo) -> None:
    """Write a session's info file (0600, replaced atomically)."""
    path = info.files.info
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.write(fd, json.dumps(info.to_json()).encode("utf-8"))
    finally:
        os.close(fd)
    temporary.replace(path)


@dataclass
class Place:
    """Where a host serves: its session's files and the lock it holds (it moves on save as)."""

    files: SessionFiles
    lock: int
    """The fd holding the session's `flock`."""


def _read_own_json(path: Path) -> dict[str, Any] | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = json.loads(handle.read())
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    return data if isinstance(data, dict) else None


# -- the lock: proof of a live host ---------------------------------------------------


def _open_lock(path: Path, *, create: bool) -> int | None:
    """An fd of our own lock file at `path` (None if it is missing, or not a file of ours)."""
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_CREAT if create else 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError:
        return None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        os.close(fd)
        return None
    return fd


def _same_file(path: Path, fd: int) -> bool:
    try:
        on_disk = path.lstat()
    except OSError:
        return False
    held = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)


def take_lock(files: SessionFiles) -> int | None:
    """Take the session's lock for a new host: its fd (keep it open), or None if a host lives.

    The file may be unlinked by whoever cleans a stale session while we open
    it; locking a file no longer at the path would let two hosts run, so the
    lock counts only once it is taken on the file the path names.
    """
    for _attempt in range(10):
        fd = _open_lock(files.lock, create=True)
        if fd is None:
            raise SessionError(
                f"{files.lock} is not a lock file of yours; remove it and try again."
            )
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        if _same_file(files.lock, fd):
            return fd
        os.close(fd)
    raise SessionError(f"tuinb could not take the lock {files.lock}; try again.")


def host_alive(files: SessionFiles) -> bool:
    """True while a host holds the session's lock."""
    fd = _open_lock(files.lock, create=False)
    if fd is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops a lock we took
    return False


def _remove_if_ours(path: Path, kind: int) -> None:
    try:
        info = path.lstat()
    except OSError:
        return
    if stat.S_IFMT(info.st_mode) == kind and info.st_uid == os.getuid():
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def remove_socket_file(files: SessionFiles) -> None:
    """Delete the session's socket path if it is a socket of ours (the caller holds the lock)."""
    _remove_if_ours(files.socket, stat.S_IFSOCK)


def release(files: SessionFiles, lock_fd: int) -> None:
    """A host's last act: remove its socket, info and lock file, then drop the lock."""
    remove_socket_file(files)
    _remove_if_ours(files.info, stat.S_IFREG)
    if _same_file(files.lock, lock_fd):
        _remove_if_ours(files.lock, stat.S_IFREG)
    os.close(lock_fd)


def clean_if_stale(files: SessionFiles) -> bool:
    """Remove a dead host's files; True if there were some. A live host's are left alone.

    Proof that they are a dead tuinb host's: the lock file is a 0600 regular
    file of ours and nobody holds its lock.
    """
    fd = _open_lock(files.lock, create=False)
    if fd is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False
    release(files, fd)
    return True


def find_live(path: Path) -> SessionFiles | None:
    """The files of `path`'s live session; None if none runs (stale files are removed).

    Light (the standard library and `tuinb.paths`): every editor start asks it
    before its first frame.
    """
    files = SessionFiles.for_notebook(path)
    if host_alive(files):
        return files
    clean_if_stale(files)
    return None


def all_sessions() -> Iterator[SessionFiles]:
    """Every session whose lock file is in the runtime folder (live or stale)."""
    folder = private_folder()
    for entry in sorted(folder.glob("*.lock")):
        yield SessionFiles(folder, entry.stem)


# -- peers ------------------------------------------------------------------------------


def peer_uid(sock: socket.socket) -> int | None:
    """The user id of the process at the other end of a Unix socket (None if unknown)."""
    import socket  # here, not at import: every editor start asks `find_live` first
    import struct

    if hasattr(socket, "SO_PEERCRED"):  # Linux: struct ucred {pid, uid, gid}
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _pid, uid, _gid = struct.unpack("3i", creds)
        return int(uid)
    if sys.platform == "darwin" and hasattr(socket, "LOCAL_PEERCRED"):
        creds = sock.getsockopt(0, socket.LOCAL_PEERCRED, struct.calcsize("IIh16I"))
        return int(struct.unpack_from("II", creds)[1])  # struct xucred {version, uid, ...}
    return None


def peer_allowed(sock: socket.socket, *, own_uid: int | None = None) -> bool:
    """Whether the peer runs as our user (`own_uid`: ours unless a test says otherwise)."""
    try:
        uid = peer_uid(sock)
    except OSError:
        return False
    return uid is not None and uid == (os.getuid() if own_uid is None else own_uid)


# -- a host's end ---------------------------------------------------------------------


async def process_exited(pid: int, timeout: float) -> bool:  # noqa: ASYNC109 (a bounded wait)
    """Wait (on a pidfd: no polling) until process `pid` has exited; False after `timeout`.

    Where pidfds are missing (macOS), False at once: the caller does not wait.
    """
    import asyncio

    if pid == os.getpid():  # a host in this process (tests): it does not exit
        return False
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    except (OSError, AttributeError):  # no pidfd on this system
        return False
    loop = asyncio.get_running_loop()
    exited = asyncio.Event()
    loop.add_reader(fd, exited.set)
    try:
        async with asyncio.timeout(timeout):
            await exited.wait()
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)
        os.close(fd)
    return True
