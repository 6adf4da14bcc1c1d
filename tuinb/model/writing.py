"""Writing a notebook's file without breaking what it is (links, owner, group, mode).

`write_file` keeps what makes the file the user's:

- a symbolic link is followed: its target is written and the link stays;
- **rename** (atomic): the bytes go to a temporary file beside the target,
  which is fsynced, given the old file's mode and group, and renamed over
  it. Used for a new file, and for a file with one link that we own, whose
  group the temporary file can take, and that has no extended attributes
  (ACLs, labels), since a rename gives the path a new inode;
- **in place** otherwise (another owner, other hard links, a group or an
  ACL a new file would not get): the temporary copy is still written and
  fsynced first (so a full disk fails before the file is touched, and the
  space the new text needs is reserved), then the bytes are copied into the
  existing inode, which keeps its inode, links, owner, group, mode and ACLs.
  A crash during that copy can leave the file half written; the complete
  copy then stays beside it as `.NAME.*.tuinb-tmp`, and is not swept while
  the file lacks its content. Where no temporary file can be created (a
  folder we may not write in), the file is written in place directly.

Each temporary file is noted in tuinb's own data folder (`temps/`) while it
exists: `sweep_stale_temps` removes a notebook's temporaries left by a
tuinb that was killed (its process gone), only those it finds noted there,
with the same inode and our owner. Nothing is deleted by its name alone.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tuinb import paths
from tuinb.pids import pid_alive


def write_file(
    path: Path, data: bytes, *, mode: int | None = None, allow_read_only: bool = False
) -> None:
    """Write `data` to `path` as the module docstring says; raises OSError, `path` intact.

    `mode` (for a new file; default: the umask's) replaces the old file's
    permission bits only for a file written by rename.
    """
    real = Path(os.path.realpath(path))  # a symlink's target, however many links deep
    try:
        info: os.stat_result | None = real.stat()
    except FileNotFoundError:
        info = None
    if mode is None:
        mode = stat.S_IMODE(info.st_mode) if info is not None else _umask_mode()
    temp = _Temp.create(real, in_place=False)
    if temp is None:  # no temporary file possible here (folder not writable)
        if info is None:
            raise PermissionError(errno.EACCES, "Permission denied", str(real))
        _copy_into(real, data, info, allow_read_only=allow_read_only)
        return
    try:
        temp.write(data)
        if info is None or _may_rename(real, info, temp):
            temp.path.chmod(mode)
            temp.path.replace(real)
            temp.forget()
            _fsync_folder(real.parent)
            return
        temp.mark_in_place()
        _copy_into(real, data, info, allow_read_only=allow_read_only)
    finally:
        temp.remove()


def _umask_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _may_rename(real: Path, info: os.stat_result, temp: _Temp) -> bool:
    """A rename keeps everything that matters: one link, our file, our group, no xattrs."""
    if info.st_nlink != 1 or info.st_uid != os.geteuid():
        return False
    if temp.gid != info.st_gid:
        try:
            os.chown(temp.path, -1, info.st_gid)
        except OSError:
            return False
    try:
        if os.listxattr(real):
            return False
    except (OSError, AttributeError):
        pass
    return True


def _copy_into(real: Path, data: bytes, info: os.stat_result, *, allow_read_only: bool) -> None:
    """Overwrite the file's bytes in its own inode (space reserved first, then fsynced)."""
    restore: int | None = None
    bits = stat.S_IMODE(info.st_mode)
    if allow_read_only and not os.access(real, os.W_OK):  # a read-only file we own
        real.chmod(bits | stat.S_IWUSR)
        restore = bits
    try:
        fd = os.open(real, os.O_WRONLY)
        try:
            if len(data) > info.st_size and hasattr(os, "posix_fallocate"):
                try:
                    os.posix_fallocate(fd, 0, len(data))
                except OSError as err:
                    if err.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
                        os.ftruncate(fd, info.st_size)  # nothing of the old text was touched
                        raise
            view = memoryview(data)
            written = 0
            while written < len(data):
                written += os.pwrite(fd, view[written:], written)
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        finally:
            os.close(fd)
    finally:
        if restore is not None:
            real.chmod(restore)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# ---------------------------------------------------------------- temporaries


def _journal() -> Path:
    return paths.data_dir() / "temps"


@dataclass
class _Temp:
    """A temporary file beside `target`, noted in tuinb's journal while it exists."""

    path: Path
    target: Path
    gid: int
    note: Path | None

    @classmethod
    def create(cls, target: Path, *, in_place: bool) -> _Temp | None:
        """A new empty temporary file; None if the folder does not let us create one."""
        try:
            fd, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tuinb-tmp", dir=target.parent
            )
        except PermissionError:
            if target.exists():
                return None
            raise
        os.close(fd)
        path = Path(name)
        info = path.stat()
        temp = cls(path, target, info.st_gid, None)
        temp.note = _note(path, target, info, in_place=in_place)
        return temp

    def write(self, data: bytes) -> None:
        """Write, flush and fsync `data`."""
        with self.path.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    def mark_in_place(self) -> None:
        """From now on it may be the only complete copy: the sweep keeps it unless the file
        holds the same bytes."""
        if self.note is not None:
            info = self.path.stat()
            self.note = _note(self.path, self.target, info, in_place=True, replacing=self.note)

    def forget(self) -> None:
        """It was renamed into place: nothing to remove."""
        self.path = Path()
        self._drop_note()

    def remove(self) -> None:
        """Delete the file (if still there) and its note."""
        if self.path != Path():
            with contextlib.suppress(OSError):
                self.path.unlink()
            self.path = Path()
        self._drop_note()

    def _drop_note(self) -> None:
        if self.note is not None:
            with contextlib.suppress(OSError):
                self.note.unlink()
            self.note = None


def _note(
    temp: Path,
    target: Path,
    info: os.stat_result,
    *,
    in_place: bool,
    replacing: Path | None = None,
) -> Path | None:
    """Record `temp` in the journal (best effort: without it, it is simply never swept)."""
    entry = {
        "temp": str(temp),
        "target": str(target),
        "dev": info.st_dev,
        "ino": info.st_ino,
        "pid": os.getpid(),
        "in_place": in_place,
    }
    folder = _journal()
    note = replacing or folder / f"{os.getpid()}-{secrets.token_hex(6)}.json"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with note.open("w", encoding="utf-8") as handle:
            json.dump(entry, handle)
    except OSError:
        return None
    return note


def sweep_stale_temps(notebook: Path) -> list[Path]:
    """Remove the temporary files of `notebook` that a killed tuinb left; return them.

    Only files noted in the journal by a process that is gone, still with
    the noted inode and our owner. The complete copy of an interrupted
    in-place write is kept unless the notebook holds the same bytes.
    """
    folder = _journal()
    try:
        notes = list(folder.glob("*.json"))
    except OSError:
        return []
    target = str(Path(os.path.realpath(notebook)))
    removed: list[Path] = []
    for note in notes:
        try:
            entry = json.loads(note.read_text(encoding="utf-8"))
            pid, temp = int(entry["pid"]), Path(str(entry["temp"]))
            if str(entry["target"]) != target or pid == os.getpid() or pid_alive(pid):
                continue
            info = temp.lstat()
        except FileNotFoundError:
            with contextlib.suppress(OSError):
                note.unlink()
            continue
        except (OSError, ValueError, KeyError, TypeError):
            continue
        ours = (info.st_dev, info.st_ino, info.st_uid) == (entry["dev"], entry["ino"], os.geteuid())
        if not ours or not stat.S_ISREG(info.st_mode):
            with contextlib.suppress(OSError):
                note.unlink()  # the name now belongs to some other file: not ours to delete
            continue
        if entry.get("in_place") and not _same_bytes(temp, Path(target)):
            continue
        with contextlib.suppress(OSError):
            temp.unlink()
            removed.append(temp)
        with contextlib.suppress(OSError):
            note.unlink()
    return removed


def _same_bytes(first: Path, second: Path) -> bool:
    try:
        return first.read_bytes() == second.read_bytes()
    except OSError:
        return False
