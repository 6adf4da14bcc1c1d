"""Saving is atomic: a failed save leaves the old bytes and no temporary file."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tuinb.model import Notebook, NotebookSaveError, dumps, load, save

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE = DATA / "jupyter__nbclient__tests__files__HelloWorld.ipynb"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "nb.ipynb"
    target.write_bytes(SAMPLE.read_bytes())
    return target


def test_save_keeps_permission_bits(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    path.chmod(0o640)
    notebook = load(path)
    notebook.insert_cell(0, "markdown", "hi")
    save(notebook)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert load(path).cells[0].source == "hi"
    assert not notebook.dirty
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb.ipynb"]


def test_failed_rename_leaves_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(tmp_path)
    before = path.read_bytes()
    notebook = load(path)
    notebook.insert_cell(0, "markdown", "lost?")

    def broken_replace(self: Path, target: str | os.PathLike[str]) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "replace", broken_replace)
    with pytest.raises(NotebookSaveError) as info:
        save(notebook)
    assert (
        str(info.value)
        == f"Could not save {path}: the disk is full; free some space and save again."
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb.ipynb"]
    assert notebook.dirty


def test_failed_write_leaves_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(tmp_path)
    before = path.read_bytes()
    notebook = load(path)

    def broken_fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(NotebookSaveError, match="Input/output error; the old file is unchanged"):
        save(notebook)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb.ipynb"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    before = path.read_bytes()
    notebook = load(path)
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(NotebookSaveError, match="permission denied"):
            save(notebook)
    finally:
        tmp_path.chmod(0o700)
    assert path.read_bytes() == before


def test_missing_folder(tmp_path: Path) -> None:
    notebook = Notebook.new()
    target = tmp_path / "nowhere" / "nb.ipynb"
    with pytest.raises(NotebookSaveError, match="folder does not exist"):
        save(notebook, target)
    assert not target.parent.exists()
    assert notebook.path is None


FILL_UP = """
import resource, signal, sys
from pathlib import Path
from tuinb.model import NotebookSaveError, load, save
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
notebook = load(Path(sys.argv[1]))
notebook.insert_cell(0, "markdown", "x" * 20000)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    save(notebook)
except NotebookSaveError as err:
    print(err)
"""


def test_write_that_runs_out_of_space_half_way(tmp_path: Path) -> None:
    """A real short write: the file size limit stops the temp file at 4 KiB."""
    path = _copy(tmp_path)
    before = path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-c", FILL_UP, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.startswith(f"Could not save {path}: ")
    assert "the old file is unchanged" in result.stdout
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb.ipynb"]


def test_a_folder_that_refuses_temporary_files_gets_the_file_written_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shared folder where the file may be written but no file created: written in place."""
    path = _copy(tmp_path)
    inode = path.stat().st_ino
    notebook = load(path)
    notebook.insert_cell(0, "markdown", "in place")

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    save(notebook)
    assert path.stat().st_ino == inode
    assert load(path).cells[0].source == "in place"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb.ipynb"]


def test_save_without_path_is_refused() -> None:
    with pytest.raises(NotebookSaveError, match="no file name yet"):
        save(Notebook.new())


def test_new_file_mode_follows_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        save(Notebook.new(), tmp_path / "fresh.ipynb")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "fresh.ipynb").stat().st_mode) == 0o640


def test_save_sets_path_and_stamp(tmp_path: Path) -> None:
    notebook = Notebook.new()
    target = tmp_path / "a.ipynb"
    save(notebook, target)
    assert notebook.path == target
    assert notebook.disk_stamp is not None
    assert target.read_text("utf-8") == dumps(notebook)
