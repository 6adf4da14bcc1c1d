"""Notebooks on a real Jupyter Server: load, save, conflicts, checkpoints, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat as _nbformat
import pytest

from tests.server.support import RunningServer
from tuinb.model import Notebook
from tuinb.model.store import CheckpointStore, RenamingStore, SaveConflict
from tuinb.server.errors import NotANotebook, ServerAuthError, ServerNotFound, ServerUnreachable
from tuinb.server.http import ServerConnection
from tuinb.server.store import ServerNotebookStore

pytestmark = pytest.mark.timeout(120)

nbformat: Any = _nbformat  # untyped library, used as the oracle


def write_notebook(path: Path, *sources: str, html: str | None = None) -> None:
    """An nbformat-written notebook of code cells (the first with an HTML result if asked)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    if html is not None:
        nb.cells[0].outputs = [
            nbformat.v4.new_output(
                "execute_result", data={"text/html": html, "text/plain": "x"}, execution_count=1
            )
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def store(server: RunningServer, path: str, **kwargs: object) -> ServerNotebookStore:
    return ServerNotebookStore(ServerConnection(server.address(**kwargs)), path)  # type: ignore[arg-type]


async def test_a_notebook_loads_and_saves_through_the_contents_api(server: RunningServer) -> None:
    write_notebook(server.root / "dir" / "a.ipynb", "x = 1", "print(x)")
    notes = store(server, "dir/a.ipynb")
    notebook = await notes.load()
    assert [c.source for c in notebook.cells] == ["x = 1", "print(x)"]
    assert notebook.path is None  # nothing local to write to by mistake
    assert notes.name == "a.ipynb"
    assert notes.location == f"{server.url}lab/tree/dir/a.ipynb"
    assert notes.last_modified is not None
    notebook.set_source(notebook.cells[0].id, "x = 2")
    assert notebook.dirty
    await notes.save(notebook)
    assert not notebook.dirty
    on_disk = nbformat.read(server.root / "dir" / "a.ipynb", as_version=4)
    assert on_disk.cells[0].source == "x = 2"
    assert "trusted" not in on_disk.cells[0].metadata  # the marks are not saved
    assert not await notes.changed_elsewhere(notebook)


async def test_someone_else_s_save_is_a_conflict_and_overwrite_wins(server: RunningServer) -> None:
    write_notebook(server.root / "b.ipynb", "1")
    mine = store(server, "b.ipynb")
    notebook = await mine.load()
    theirs = store(server, "b.ipynb")  # JupyterLab on the same server
    other = await theirs.load()
    other.set_source(other.cells[0].id, "theirs")
    await theirs.save(other, overwrite=True)
    # the server's clock moved by its save; ours is still the load's
    mine.last_modified = "2000-01-01T00:00:00Z"
    assert await mine.changed_elsewhere(notebook)
    notebook.set_source(notebook.cells[0].id, "mine")
    with pytest.raises(SaveConflict) as conflict:
        await mine.save(notebook)
    assert "b.ipynb" in str(conflict.value)
    assert nbformat.read(server.root / "b.ipynb", 4).cells[0].source == "theirs"
    await mine.save(notebook, overwrite=True)
    assert nbformat.read(server.root / "b.ipynb", 4).cells[0].source == "mine"


async def test_saving_makes_a_checkpoint_that_can_be_restored(server: RunningServer) -> None:
    write_notebook(server.root / "c.ipynb", "first")
    notes = store(server, "c.ipynb")
    assert isinstance(notes, CheckpointStore)
    notebook = await notes.load()
    await notes.save(notebook)  # checkpoint of "first"
    points = await notes.checkpoints()
    assert len(points) == 1
    notebook.set_source(notebook.cells[0].id, "second")
    notes.checkpoint_on_save = False
    await notes.save(notebook)
    assert nbformat.read(server.root / "c.ipynb", 4).cells[0].source == "second"
    restored = await notes.restore_checkpoint(points[0])
    assert [c.source for c in restored.cells] == ["first"]
    assert nbformat.read(server.root / "c.ipynb", 4).cells[0].source == "first"


async def test_save_as_and_rename(server: RunningServer) -> None:
    write_notebook(server.root / "d.ipynb", "d")
    notes = store(server, "d.ipynb")
    assert isinstance(notes, RenamingStore)
    notebook = await notes.load()
    copy = await notes.save_as(notebook, "sub/../d-copy.ipynb")
    assert copy.location.endswith("d-copy.ipynb")
    assert (server.root / "d-copy.ipynb").exists()
    with pytest.raises(Exception, match="already"):
        await notes.save_as(notebook, "d-copy.ipynb")
    moved = await notes.rename("e.ipynb")
    assert (server.root / "e.ipynb").exists()
    assert not (server.root / "d.ipynb").exists()
    assert moved.name == "e.ipynb"


async def test_folders_are_listed_for_a_picker(server: RunningServer) -> None:
    write_notebook(server.root / "pick" / "n.ipynb", "1")
    (server.root / "pick" / "sub").mkdir(exist_ok=True)
    (server.root / "pick" / "notes.txt").write_text("hi")
    listing = await store(server, "x").contents.listing("pick")
    assert [(e.name, e.type) for e in listing] == [
        ("sub", "directory"),
        ("n.ipynb", "notebook"),
        ("notes.txt", "file"),
    ]


async def test_what_cannot_be_opened_is_one_sentence(server: RunningServer) -> None:
    (server.root / "folder").mkdir(exist_ok=True)
    (server.root / "plain.txt").write_text("hello")
    (server.root / "broken.ipynb").write_text("{not json")
    cases: list[tuple[str, type[Exception], str]] = [
        ("missing.ipynb", ServerNotFound, "There is no notebook 'missing.ipynb'"),
        ("folder", NotANotebook, "is a folder"),
        ("plain.txt", NotANotebook, "is a file but not a notebook"),
        ("broken.ipynb", NotANotebook, "is not a readable notebook"),
    ]
    for path, kind, words in cases:
        with pytest.raises(kind) as caught:
            await store(server, path).load()
        message = str(caught.value)
        assert words in message
        assert "\n" not in message
        assert server.token not in message


async def test_a_wrong_or_missing_token_is_refused_in_one_sentence(server: RunningServer) -> None:
    write_notebook(server.root / "t.ipynb", "1")
    with pytest.raises(ServerAuthError) as wrong:
        await store(server, "t.ipynb", token="not-the-token").load()
    assert "refused the token (403)" in str(wrong.value)
    assert "not-the-token" not in str(wrong.value)
    bare = ServerNotebookStore(ServerConnection(server.address().__class__(server.url)), "t.ipynb")
    with pytest.raises(ServerAuthError, match="wants a token"):
        await bare.load()


async def test_a_server_that_is_down_is_one_sentence(tmp_path: Path) -> None:
    from tests.server.support import free_port
    from tuinb.server.address import parse_server_url

    address = parse_server_url(f"http://127.0.0.1:{free_port()}/", token="t", environ={})
    with pytest.raises(ServerUnreachable) as caught:
        await ServerNotebookStore(ServerConnection(address), "x.ipynb").load()
    assert "Cannot reach the Jupyter server at http://127.0.0.1:" in str(caught.value)
    assert "connection refused" in str(caught.value)


async def test_a_server_notebook_is_built_like_a_local_one(server: RunningServer) -> None:
    path = server.root / "same.ipynb"
    write_notebook(path, "a = 1\nb = 2", "print(a)")
    from tuinb.model import load

    remote = await store(server, "same.ipynb").load()
    local = load(path)
    assert remote.to_dict() == local.to_dict()
    assert json.dumps(remote.to_dict(), sort_keys=True) == json.dumps(
        local.to_dict(), sort_keys=True
    )
    assert isinstance(remote, Notebook)
