"""Issue 9, item 3 (saving keeps links, owner and permissions) and item 5's stale temporaries."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.support import TUINB, tuinb, write_notebook
from tuinb.model import (
    Notebook,
    NotebookSaveError,
    ReadOnlyError,
    TargetExistsError,
    load,
    save,
    save_as,
    write_access,
)

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE = DATA / "jupyter__nbclient__tests__files__HelloWorld.ipynb"
NOBODY = 65534
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give files other owners")


def sample(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(SAMPLE.read_bytes())
    return path


def edit_and_save(path: Path, text: str = "edited") -> Notebook:
    notebook = load(path)
    notebook.insert_cell(0, "markdown", text)
    save(notebook)
    return notebook


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tuinb-tmp"))


# -- links -----------------------------------------------------------------------------


def test_a_symlinked_notebook_is_saved_to_its_target_and_stays_a_link(tmp_path: Path) -> None:
    real = sample(tmp_path / "real" / "a.ipynb")
    link = tmp_path / "a.ipynb"
    link.symlink_to(Path("real") / "a.ipynb")
    edit_and_save(link)
    assert link.is_symlink()
    assert link.readlink() == Path("real") / "a.ipynb"
    assert load(real).cells[0].source == "edited"
    assert temporaries(tmp_path) == temporaries(real.parent) == []


def test_a_chain_of_links_is_followed_to_the_file(tmp_path: Path) -> None:
    real = sample(tmp_path / "real.ipynb")
    (tmp_path / "one.ipynb").symlink_to(real)
    (tmp_path / "two.ipynb").symlink_to(tmp_path / "one.ipynb")
    edit_and_save(tmp_path / "two.ipynb")
    assert (tmp_path / "one.ipynb").is_symlink()
    assert (tmp_path / "two.ipynb").is_symlink()
    assert load(real).cells[0].source == "edited"


def test_a_file_with_other_hard_links_keeps_its_inode_and_links(tmp_path: Path) -> None:
    path = sample(tmp_path / "a.ipynb")
    other = tmp_path / "b.ipynb"
    os.link(path, other)
    inode = path.stat().st_ino
    edit_and_save(path)
    assert path.stat().st_ino == other.stat().st_ino == inode
    assert path.stat().st_nlink == 2
    assert load(other).cells[0].source == "edited"
    assert temporaries(tmp_path) == []


def test_a_plain_file_of_ours_is_still_replaced_atomically(tmp_path: Path) -> None:
    path = sample(tmp_path / "a.ipynb")
    path.chmod(0o640)
    inode = path.stat().st_ino
    edit_and_save(path)
    assert path.stat().st_ino != inode, "rename: a reader never sees a half-written file"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


# -- owner and group -------------------------------------------------------------------


@root_only
def test_a_file_of_another_owner_keeps_inode_owner_group_and_mode(tmp_path: Path) -> None:
    path = sample(tmp_path / "a.ipynb")
    os.chown(path, NOBODY, NOBODY)
    path.chmod(0o664)
    inode = path.stat().st_ino
    edit_and_save(path)
    info = path.stat()
    assert (info.st_ino, info.st_uid, info.st_gid) == (inode, NOBODY, NOBODY)
    assert stat.S_IMODE(info.st_mode) == 0o664
    assert load(path).cells[0].source == "edited"
    assert temporaries(tmp_path) == []


@root_only
def test_a_file_of_ours_with_another_group_keeps_it(tmp_path: Path) -> None:
    path = sample(tmp_path / "a.ipynb")
    os.chown(path, -1, NOBODY)
    edit_and_save(path)
    assert path.stat().st_gid == NOBODY
    assert path.stat().st_uid == os.geteuid()


# -- read-only ---------------------------------------------------------------------------


def test_a_read_only_notebook_is_not_written_over_unless_allowed(tmp_path: Path) -> None:
    path = sample(tmp_path / "a.ipynb")
    path.chmod(0o444)
    before = path.read_bytes()
    assert write_access(path) == "read-only"
    notebook = load(path)
    notebook.insert_cell(0, "markdown", "edited")
    with pytest.raises(ReadOnlyError) as info:
        save(notebook)
    assert str(info.value) == (
        f"Could not save {path}: it is marked read-only; make it writable (chmod u+w)"
        " or save under another name."
    )
    assert path.read_bytes() == before
    assert notebook.dirty
    save(notebook, allow_read_only=True)  # the user said yes
    assert load(path).cells[0].source == "edited"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444, "it stays read-only"
    assert write_access(tmp_path / "missing.ipynb") == "missing"
    assert write_access(tmp_path / "missing.ipynb") != "read-only"


AS_NOBODY = """
import sys
from pathlib import Path
from tuinb.model import NotebookSaveError, load, save, write_access
path = Path(sys.argv[1])
print(write_access(path))
notebook = load(path)
notebook.insert_cell(0, "markdown", "edited")
try:
    save(notebook, allow_read_only=True)
except NotebookSaveError as err:
    print(err)
"""


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder in the temp dir that another user can reach (pytest's tmp_path is 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="tuinb-faults-"))
    folder.chmod(0o777)  # anyone may create files here: a rename would succeed
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@root_only
def test_a_notebook_the_user_cannot_write_fails_in_one_sentence(shared_folder: Path) -> None:
    folder = shared_folder
    path = sample(folder / "a.ipynb")
    path.chmod(0o644)
    before = path.read_bytes()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv is not installed")
    done = subprocess.run(
        [
            *(setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"),
            *(sys.executable, "-c", AS_NOBODY, str(path)),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "TUINB_DATA_DIR": str(folder / "data")},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "forbidden",
        f"Could not save {path}: you do not have permission to write it;"
        " save under another name or ask its owner.",
    ]
    assert path.read_bytes() == before
    assert path.stat().st_uid == 0
    assert temporaries(folder) == []


@pytest.mark.kernel
@pytest.mark.usefixtures("python3_kernelspec")
def test_run_in_place_on_a_read_only_notebook_fails_before_running_anything(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "ran"
    path = write_notebook(tmp_path / "nb.ipynb", f"open({str(marker)!r}, 'w').close()")
    path.chmod(0o444)
    before = path.read_bytes()
    done = tuinb("run", path)
    assert done.returncode == 2
    lines = done.stderr.decode().strip().splitlines()
    assert lines == [
        f"tuinb run: Could not save {path}: it is marked read-only; make it writable"
        " (chmod u+w) or save under another name; nothing was run."
    ]
    assert not marker.exists()
    assert path.read_bytes() == before
    assert tuinb("run", path, "-o", tmp_path / "out.ipynb").returncode == 0
    assert marker.exists()


@pytest.mark.kernel
@pytest.mark.usefixtures("python3_kernelspec")
def test_run_in_place_on_a_symlink_writes_the_target(tmp_path: Path) -> None:
    real = write_notebook(tmp_path / "real" / "nb.ipynb", "print('hi')")
    link = tmp_path / "nb.ipynb"
    link.symlink_to(real)
    done = tuinb("run", link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    saved = json.loads(real.read_text(encoding="utf-8"))
    assert saved["cells"][0]["outputs"][0]["text"] == ["hi\n"]


# -- save as (the model side; the keys come with the UI) ---------------------------------


def test_save_as_asks_before_writing_over_a_notebook(tmp_path: Path) -> None:
    existing = sample(tmp_path / "other.ipynb")
    before = existing.read_bytes()
    notebook = load(sample(tmp_path / "mine.ipynb"))
    notebook.insert_cell(0, "markdown", "mine")
    with pytest.raises(TargetExistsError) as info:
        save_as(notebook, existing)
    assert str(info.value) == f"{existing} already exists; overwrite it or choose another name."
    assert existing.read_bytes() == before
    assert notebook.path == tmp_path / "mine.ipynb"
    save_as(notebook, existing, overwrite=True)
    assert notebook.path == existing
    assert not notebook.dirty
    assert load(existing).cells[0].source == "mine"


def test_save_as_never_writes_over_a_file_that_is_not_a_notebook(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("my notes")
    notebook = Notebook.new()
    for overwrite in (False, True):
        with pytest.raises(NotebookSaveError, match="cannot read as a notebook"):
            save_as(notebook, other, overwrite=overwrite)
    assert other.read_text() == "my notes"
    fifo = tmp_path / "pipe.ipynb"
    os.mkfifo(fifo)
    with pytest.raises(NotebookSaveError, match="cannot read as a notebook"):
        save_as(notebook, fifo, overwrite=True)
    save_as(notebook, tmp_path / "new.ipynb")
    assert notebook.path == tmp_path / "new.ipynb"


def test_save_as_the_same_file_is_a_plain_save(tmp_path: Path) -> None:
    path = sample(tmp_path / "a.ipynb")
    notebook = load(path)
    notebook.insert_cell(0, "markdown", "same")
    save_as(notebook, tmp_path / "." / "a.ipynb")
    assert load(path).cells[0].source == "same"


# -- stale temporaries (issue 9, item 5) -------------------------------------------------

KILLED_WHILE_SAVING = """
import os, signal, sys
from pathlib import Path
from tuinb.model import load, save
notebook = load(Path(sys.argv[1]))
notebook.insert_cell(0, "markdown", "never saved")
os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # kill -9 in the middle of a save
save(notebook)
"""


def killed_while_saving(path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WHILE_SAVING, str(path)], timeout=60, check=False
    )
    assert done.returncode == -9


def test_a_save_killed_half_way_leaves_a_temporary_that_the_next_open_removes(
    tmp_path: Path,
) -> None:
    path = sample(tmp_path / "a.ipynb")
    before = path.read_bytes()
    killed_while_saving(path)
    assert path.read_bytes() == before
    (left,) = temporaries(tmp_path)
    assert left.startswith(".a.ipynb.")
    theirs = tmp_path / ".a.ipynb.mine.tuinb-tmp"  # same name pattern, not made by tuinb
    theirs.write_text("a user's file")
    other = sample(tmp_path / "b.ipynb")
    killed_while_saving(other)
    load(path)
    assert temporaries(tmp_path) == [".a.ipynb.mine.tuinb-tmp", *temporaries(tmp_path)[1:]]
    assert [name for name in temporaries(tmp_path) if name.startswith(".a.")] == [theirs.name]
    assert len([n for n in temporaries(tmp_path) if n.startswith(".b.")]) == 1, "not b's turn"
    edit_and_save(other)  # the next save of b removes b's
    assert temporaries(tmp_path) == [theirs.name]


def test_the_sweep_leaves_a_temporary_of_a_live_tuinb(tmp_path: Path) -> None:
    path = sample(tmp_path / "a.ipynb")
    code = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from tuinb.model.writing import _Temp\n"
        "temp = _Temp.create(Path(sys.argv[1]), in_place=False)\n"
        "print(temp.path, flush=True)\n"
        "sys.stdin.read()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        busy = Path(proc.stdout.readline().strip())
        load(path)
        assert busy.exists(), "a save in progress in another tuinb must not lose its file"
    finally:
        proc.communicate("", timeout=30)
    assert TUINB.exists()
