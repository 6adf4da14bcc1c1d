"""Recovery copies and external-change detection."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tuinb import paths
from tuinb.model import (
    Notebook,
    NotebookReadError,
    NotebookSaveError,
    changed_on_disk,
    discard_recovery,
    find_recovery,
    load,
    load_recovery,
    save,
    write_recovery,
)

DATA = Path(__file__).resolve().parent.parent / "data"


def _saved(tmp_path: Path) -> tuple[Notebook, Path]:
    path = tmp_path / "work.ipynb"
    path.write_bytes((DATA / "jupyter__nbclient__tests__files__HelloWorld.ipynb").read_bytes())
    return load(path), path


def _age(path: Path, seconds: int) -> None:
    """Move a file's mtime into the past (instead of waiting for time to pass)."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - seconds * 1_000_000_000))


def test_recovery_round_trip(tmp_path: Path, isolated_dirs: Path) -> None:
    notebook, path = _saved(tmp_path)
    notebook.insert_cell(0, "markdown", "unsaved work")
    before = path.read_bytes()
    copy = write_recovery(notebook, path)
    assert copy == paths.recovery_file(path)
    assert copy.is_relative_to(isolated_dirs)  # TUINB_DATA_DIR, not next to the notebook
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert path.read_bytes() == before  # the notebook file is not touched
    assert notebook.dirty  # writing a recovery copy does not mark clean
    _age(path, 10)
    found = find_recovery(path)
    assert found is not None
    assert found.copy == copy
    restored = load_recovery(path)
    assert restored.path == path
    assert restored.dirty
    assert restored.cells[0].source == "unsaved work"
    assert not changed_on_disk(restored)
    discard_recovery(path)
    assert find_recovery(path) is None
    discard_recovery(path)  # twice is fine


def test_a_copy_with_the_files_content_is_not_offered(tmp_path: Path) -> None:
    notebook, path = _saved(tmp_path)
    copy = write_recovery(notebook, path)
    _age(path, 10)  # newer than the file, but nothing in it the file lacks
    assert find_recovery(path) is None
    assert copy.exists()


def test_recovery_offered_when_file_is_gone(tmp_path: Path) -> None:
    notebook, path = _saved(tmp_path)
    write_recovery(notebook, path)
    path.unlink()
    assert find_recovery(path) is not None
    assert load_recovery(path).path == path


def test_no_recovery(tmp_path: Path) -> None:
    _, path = _saved(tmp_path)
    assert find_recovery(path) is None
    with pytest.raises(NotebookReadError, match="recovery copy of"):
        load_recovery(path)


def test_broken_recovery_copy_is_reported(tmp_path: Path) -> None:
    notebook, path = _saved(tmp_path)
    copy = write_recovery(notebook, path)
    copy.write_text("{broken", "utf-8")
    with pytest.raises(NotebookReadError) as info:
        load_recovery(path)
    assert "\n" not in str(info.value)
    assert "not valid JSON" in str(info.value)


def test_changed_on_disk(tmp_path: Path) -> None:
    notebook, path = _saved(tmp_path)
    assert not changed_on_disk(notebook)
    os.utime(path)  # touched, same bytes
    assert not changed_on_disk(notebook)
    path.write_text(path.read_text("utf-8").replace("Hello", "Howdy"), "utf-8")
    assert changed_on_disk(notebook)
    save(notebook)  # saving re-stamps
    assert not changed_on_disk(notebook)
    path.unlink()
    assert changed_on_disk(notebook)
    assert not changed_on_disk(Notebook.new())


def test_same_size_rewrite_within_the_same_mtime_is_noticed(tmp_path: Path) -> None:
    notebook, path = _saved(tmp_path)  # just written: its stamp is "racy"
    assert notebook.disk_stamp is not None
    assert notebook.disk_stamp.racy
    mtime = path.stat().st_mtime_ns
    path.write_text(path.read_text("utf-8").replace("Hello", "Howdy"), "utf-8")
    os.utime(path, ns=(mtime, mtime))  # same mtime, same size, other bytes
    assert changed_on_disk(notebook)


def test_restored_copy_does_not_overwrite_an_unreadable_file(tmp_path: Path) -> None:
    notebook, path = _saved(tmp_path)
    notebook.insert_cell(0, "markdown", "work")
    write_recovery(notebook, path)
    path.write_bytes(b"\x00garbage")
    _age(path, 10)
    restored = load_recovery(path)
    with pytest.raises(NotebookSaveError, match="cannot read as a notebook"):
        save(restored)
    assert path.read_bytes() == b"\x00garbage"
    save(restored, tmp_path / "elsewhere.ipynb")
    assert load(tmp_path / "elsewhere.ipynb").cells[0].source == "work"


def test_a_snapshot_writes_the_same_copy_as_the_notebook(tmp_path: Path) -> None:
    notebook, path = _saved(tmp_path)
    notebook.set_source(notebook.cells[0].id, "edited = True")
    from_notebook = write_recovery(notebook, path).read_bytes()
    snapshot = notebook.to_dict()
    notebook.set_source(notebook.cells[0].id, "changed after the snapshot")
    from_snapshot = write_recovery(snapshot, path).read_bytes()
    assert from_snapshot == from_notebook
    assert load_recovery(path).cells[0].source == "edited = True"
