"""Recovery copies of unsaved work, kept outside the notebook's folder.

A copy for ``analysis.ipynb`` lives at `tuinb.paths.recovery_file` (under the
user data dir, ``TUINB_DATA_DIR`` in tests), named after the notebook and a
hash of its absolute path. It is written atomically with mode 0600 (it may
hold private data) and never marks the notebook clean.

A copy is never dropped while it holds work the file lacks:

- it is offered (`find_recovery`) whenever its content differs from the
  file's, whatever the timestamps: a `git checkout` or `touch` after a crash
  makes the file newer without giving it the work. The offer says which was
  written last, and when each was;
- it is deleted only when the user discards it (`discard_recovery`) or a
  save holds its content (`note_saved`: after a save of the session that
  wrote it, or of a notebook restored from it);
- an offer the user puts off (`set_aside`) moves the copy to a name of its
  own, ``<name>-<hash>.<time>.ipynb``, so the session's own copies do not
  overwrite it; it is offered again at the next start.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tuinb import paths
from tuinb.model.diskstate import stamp
from tuinb.model.document import Notebook
from tuinb.model.errors import NotebookError, NotebookReadError
from tuinb.model.nbio import dumps, is_readable_notebook, load
from tuinb.model.writing import write_file


@dataclass(frozen=True)
class RecoveryCopy:
    """A recovery copy whose content differs from the notebook's file."""

    notebook: Path
    """The notebook file it is a copy of."""
    copy: Path
    """Where the copy is."""
    copy_written: dt.datetime
    """When the copy was written (local time)."""
    file_written: dt.datetime | None
    """When the notebook file was last written (local time); None if it is missing."""

    @property
    def copy_is_newer(self) -> bool:
        """The copy was written after the file (or the file is gone)."""
        return self.file_written is None or self.copy_written > self.file_written

    def question(self) -> str:
        """The offer, in one sentence, for a dialog with restore / discard / later."""
        copy = _when(self.copy_written)
        if self.file_written is None:
            timing = f"the copy was written {copy}, and the file is gone"
        else:
            newer = "the copy is newer" if self.copy_is_newer else "the file is newer"
            timing = f"the copy was written {copy} and the file {_when(self.file_written)}: {newer}"
        return (
            f"A recovery copy of {self.notebook.name} holds unsaved work that differs from"
            f" the file ({timing}). Restore it, discard it, or decide later?"
        )


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _mtime(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime)


def write_recovery(notebook: Notebook | dict[str, Any], path: Path) -> Path:
    """Write a recovery copy of ``notebook`` for the file ``path``; return where it went.

    ``notebook`` may be a `Notebook.to_dict()` snapshot (the editor takes one
    on its event loop and writes it from a thread).

    Raises OSError when the copy cannot be written (the caller warns and
    carries on; the notebook itself is untouched).
    """
    target = paths.recovery_file(Path(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    write_file(target, dumps(notebook).encode("utf-8"), mode=0o600)
    return target


def _copies(path: Path) -> list[Path]:
    """The recovery copies of ``path``: the session's own and any set aside, newest first."""
    main = paths.recovery_file(Path(path))
    try:
        names = [entry.name for entry in main.parent.iterdir()]
    except OSError:
        return []
    prefix = main.stem + "."
    found = [
        main.parent / name
        for name in names
        if name == main.name or (name.startswith(prefix) and name.endswith(".ipynb"))
    ]
    with_times: list[tuple[int, Path]] = []
    for copy in found:
        with contextlib.suppress(OSError):
            with_times.append((copy.stat().st_mtime_ns, copy))
    return [copy for _time, copy in sorted(with_times, reverse=True)]


def has_recovery(path: Path) -> bool:
    """Whether any recovery copy of ``path`` exists (cheap: no file is read)."""
    return bool(_copies(Path(path)))


def _content(path: Path) -> dict[str, Any] | None:
    try:
        return load(path, defer_validation=True).to_dict()
    except NotebookError:
        return None


def find_recovery(path: Path) -> RecoveryCopy | None:
    """The newest recovery copy of ``path`` whose content differs from the file, if any.

    A file that is missing or cannot be read differs from any copy, and so
    does a copy that cannot be read (restoring it then says why). Reads
    both files: call it off the UI's event loop for large notebooks.
    """
    original = Path(path)
    copies = _copies(original)
    if not copies:
        return None
    current = _content(original)
    for copy in copies:
        if current is not None and _content(copy) == current:
            continue
        try:
            file_written: dt.datetime | None = _mtime(original)
        except OSError:
            file_written = None
        try:
            return RecoveryCopy(original, copy, _mtime(copy), file_written)
        except OSError:  # removed meanwhile
            continue
    return None


def load_recovery(path: Path, copy: Path | None = None) -> Notebook:
    """Load a recovery copy for ``path`` (default: the session's own): dirty, with
    ``.path`` the original file.

    A copy that was set aside becomes the session's own copy again first
    (any other copy in that place is set aside), so that the save which
    keeps the restored work also drops it. Raises NotebookReadError (naming
    the recovery file) if there is none or it is broken.
    """
    original = Path(path)
    main = paths.recovery_file(original)
    if copy is not None and copy != main and copy.exists():
        if main.exists():
            set_aside(original)
        copy.replace(main)
    try:
        notebook = load(main)
    except NotebookReadError as err:
        raise NotebookReadError(
            f"The recovery copy of {original} cannot be used: {err}", original
        ) from None
    notebook.path = original
    # Only a readable original counts as "the file we edit": an unreadable one
    # keeps no stamp, so saving refuses to overwrite it.
    notebook.disk_stamp = stamp(original) if is_readable_notebook(original) else None
    notebook.mark_unsaved()
    return notebook


def set_aside(path: Path, copy: Path | None = None) -> Path | None:
    """Keep the session's copy of ``path`` for a later offer under a name of its own.

    For an offer the user put off: the session's own copies go to the usual
    place from now on without overwriting it. ``copy`` is the offered copy:
    one already set aside stays where it is. Returns where the copy is now
    (None if there was none).
    """
    main = paths.recovery_file(Path(path))
    if copy is not None and copy != main:
        return copy if copy.exists() else None
    try:
        written = main.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    number = 0
    while (aside := main.with_name(f"{main.stem}.{written + number}.ipynb")).exists():
        number += 1
    main.replace(aside)
    return aside


def discard_recovery(path: Path, copy: Path | None = None) -> None:
    """Delete a recovery copy of ``path`` (default: the session's own), as the user asked."""
    with contextlib.suppress(FileNotFoundError):
        (copy or paths.recovery_file(Path(path))).unlink()


def note_saved(path: Path) -> None:
    """``path`` was just saved from the session that owns its recovery copy: drop that copy.

    The save holds the session's work (the copy is an earlier state of the
    same document). A copy set aside is dropped only if the file now holds
    exactly its content.
    """
    original = Path(path)
    main = paths.recovery_file(original)
    with contextlib.suppress(FileNotFoundError):
        main.unlink()
    aside = [copy for copy in _copies(original) if copy != main]
    if not aside:
        return
    current = _content(original)
    for copy in aside:
        if current is not None and _content(copy) == current:
            with contextlib.suppress(FileNotFoundError):
                copy.unlink()
