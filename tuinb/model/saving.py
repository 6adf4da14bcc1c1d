"""Saving a notebook: what is written, where, and when a save must ask or refuse.

The bytes are what `tuinb.model.nbio.dumps` gives (what nbformat writes);
how they reach the disk (rename or in place, links and owner kept) is
`tuinb.model.writing.write_file`.
"""

from __future__ import annotations

import errno
from pathlib import Path

from tuinb.model.diskstate import stamp
from tuinb.model.document import Notebook
from tuinb.model.errors import NotebookSaveError
from tuinb.model.files import TargetExistsError, check_writable
from tuinb.model.nbio import dumps, is_readable_notebook, sign_if_trusted
from tuinb.model.writing import sweep_stale_temps, write_file


def write_atomic(path: Path, text: str, *, allow_read_only: bool = False) -> None:
    """Write ``text`` to ``path`` (`tuinb.model.writing.write_file`: atomic where it can be,
    keeping links, owner, group and mode).

    On any failure the old file is untouched (for an in-place write, up to the
    copy itself), no temporary file is left, and NotebookSaveError says why.
    """
    try:
        write_file(Path(path), text.encode("utf-8"), allow_read_only=allow_read_only)
    except RecursionError:
        raise NotebookSaveError(f"Could not save {path}: it is nested too deeply.", path) from None
    except OSError as err:
        raise NotebookSaveError(_save_message(Path(path), err), Path(path)) from None


def _save_message(path: Path, err: OSError) -> str:
    reasons = {
        errno.ENOSPC: "the disk is full; free some space and save again",
        errno.EDQUOT: "the disk quota is exceeded; free some space and save again",
        errno.EACCES: "permission denied; save under another name or fix the permissions",
        errno.EPERM: "permission denied; save under another name or fix the permissions",
        errno.EROFS: "the file system is read-only; save under another name elsewhere",
        errno.ENOENT: "its folder does not exist; save under another name",
    }
    reason = reasons.get(err.errno or 0, f"{err.strerror or err}; the old file is unchanged")
    return f"Could not save {path}: {reason}."


def _refuse_to_clobber(target: Path) -> None:
    """Refuse to write over an existing file that is not a notebook tuinb can read.

    A notebook that was loaded from ``target`` proved it readable; any other
    save onto an existing file (save as, a new notebook given that name)
    first checks, so a file that failed to load is never overwritten.
    """
    if target.exists() and not is_readable_notebook(target):
        message = (
            f"Could not save {target}: a file that tuinb cannot read as a notebook is there"
            " and was left untouched; save under another name."
        )
        raise NotebookSaveError(message, target)


def save(
    notebook: Notebook, path: Path | str | None = None, *, allow_read_only: bool = False
) -> None:
    """Write the notebook to ``path`` (default: ``notebook.path``); see `write_atomic`.

    On success ``notebook.path`` is set and the notebook is marked saved.
    Raises NotebookSaveError, leaving any existing file untouched:
    `tuinb.model.files.ReadOnlyError` for a file marked read-only that we
    could write over (save again with ``allow_read_only=True`` once the user
    agreed), a plain NotebookSaveError when we cannot write it at all. A
    symbolic link is saved to its target and stays a link.
    """
    target = Path(path) if path is not None else notebook.path
    if target is None:
        raise NotebookSaveError(
            "Could not save the notebook: it has no file name yet; use save as."
        )
    if notebook.disk_stamp is None or target != notebook.path:
        _refuse_to_clobber(target)
    check_writable(target, allow_read_only=allow_read_only)
    try:
        data = notebook.to_dict()
        text = dumps(data)
    except RecursionError:
        raise NotebookSaveError(
            f"Could not save {target}: it is nested too deeply.", target
        ) from None
    write_atomic(target, text, allow_read_only=allow_read_only)
    sweep_stale_temps(target)
    notebook.path = target
    notebook.disk_stamp = stamp(target)
    notebook.mark_saved()
    sign_if_trusted(notebook, data)  # as JupyterLab does, so it trusts what was run here


def save_as(
    notebook: Notebook,
    path: Path | str,
    *,
    overwrite: bool = False,
    allow_read_only: bool = False,
) -> None:
    """Save the notebook under a new name; from then on it is that file.

    Refuses (NotebookSaveError) to write over an existing file that is not a
    notebook tuinb can read; for an existing notebook, raises
    `tuinb.model.files.TargetExistsError` unless ``overwrite`` (the UI asks
    "overwrite?" and calls again). Saving as the notebook's own file is a
    plain `save`. The recovery copy kept under the old name is the caller's
    to drop (`tuinb.model.recovery.note_saved`).
    """
    target = Path(path)
    if notebook.path is not None and _same_file(target, notebook.path):
        save(notebook, target, allow_read_only=allow_read_only)
        return
    if target.exists() or target.is_symlink():
        _refuse_to_clobber(target)
        if not overwrite:
            raise TargetExistsError(
                f"{target} already exists; overwrite it or choose another name.", target
            )
    save(notebook, target, allow_read_only=allow_read_only)


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.samefile(second)
    except OSError:
        return first.absolute() == second.absolute()
