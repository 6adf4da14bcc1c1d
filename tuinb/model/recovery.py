"""Recovery copies of unsaved work, kept outside the notebook's folder.

A copy for ``analysis.ipynb`` lives at `tuinb.paths.recovery_file` (under the
user data dir, ``TUINB_DATA_DIR`` in tests), named after the notebook and a
hash of its absolute path. It is written atomically with mode 0600 (it may
hold private data) and never marks the notebook clean. It is offered on
the next start only when it is newer than the notebook file.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from tuinb import paths
from tuinb.model.diskstate import stamp
from tuinb.model.document import Notebook
from tuinb.model.errors import NotebookReadError
from tuinb.model.files import write_file
from tuinb.model.nbio import dumps, is_readable_notebook, load


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


def find_recovery(path: Path) -> Path | None:
    """The recovery copy for ``path`` if there is one newer than the file (or the file is gone)."""
    copy = paths.recovery_file(Path(path))
    try:
        copy_mtime = copy.stat().st_mtime_ns
    except OSError:
        return None
    try:
        file_mtime = Path(path).stat().st_mtime_ns
    except FileNotFoundError:
        return copy
    except OSError:
        return None
    return copy if copy_mtime > file_mtime else None


def load_recovery(path: Path) -> Notebook:
    """Load the recovery copy for ``path``: dirty, with ``.path`` the original file.

    Raises NotebookReadError (naming the recovery file) if there is none or it
    is broken.
    """
    original = Path(path)
    copy = paths.recovery_file(original)
    try:
        notebook = load(copy)
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


def discard_recovery(path: Path) -> None:
    """Delete the recovery copy for ``path`` if there is one."""
    with contextlib.suppress(FileNotFoundError):
        paths.recovery_file(Path(path)).unlink()
