"""From the command line to a notebook store and a kernel backend, for every kind of source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat as _nbformat
import pytest
from nbformat.sign import NotebookNotary as _NotebookNotary

from tests.engine.support import make_notebook
from tests.server.support import RunningServer
from tests.server.test_store import write_notebook
from tuinb.engine.kernels import SwitchableKernel
from tuinb.engine.sources import (
    OpenedNotebook,
    ServerFolder,
    Source,
    kernel_backend,
    make_engine_for,
    open_remote_notebook,
    source_from_args,
)
from tuinb.kernel.connection import new_connection_info, write_connection_file
from tuinb.kernel.existing import ExistingKernel
from tuinb.model import Notebook
from tuinb.model.nbio import is_trusted
from tuinb.model.store import FileStore, SaveConflict
from tuinb.server.kernels import KernelsAPI
from tuinb.server.remote import RemoteKernel

nbformat: Any = _nbformat
NotebookNotary: Any = _NotebookNotary

pytestmark = pytest.mark.timeout(120)


def test_each_source_gets_its_backend(tmp_path: Path) -> None:
    notebook = make_notebook("1")
    notebook.metadata["kernelspec"] = {"name": "python3"}
    local = kernel_backend(source_from_args("n.ipynb", environ={}), notebook, cwd=tmp_path)
    assert isinstance(local, SwitchableKernel)
    server = kernel_backend(source_from_args("http://h/lab/tree/d/n.ipynb", environ={}), notebook)
    assert isinstance(server, RemoteKernel)
    assert (server.session_path, server.cwd, server.kernel_name) == ("d/n.ipynb", "d", "python3")
    assert not server.owns_kernel
    gateway = kernel_backend(
        source_from_args("n.ipynb", gateway="http://g/", environ={}), notebook, cwd=tmp_path
    )
    assert isinstance(gateway, RemoteKernel)
    assert (gateway.gateway, gateway.owns_kernel, gateway.cwd) == (True, True, str(tmp_path))
    connection_file = tmp_path / "kernel-x.json"
    write_connection_file(new_connection_info("tcp"), connection_file)
    existing = make_engine_for(Source(existing=str(connection_file)), notebook).backend
    assert isinstance(existing, ExistingKernel)


async def test_a_server_url_opens_a_notebook_a_folder_or_a_new_notebook(
    server: RunningServer,
) -> None:
    write_notebook(server.root / "src" / "a.ipynb", "print(1)")
    opened = await open_remote_notebook(Source(server=server.address("src/a.ipynb")))
    assert isinstance(opened, OpenedNotebook)
    assert (opened.title, opened.new) == ("a.ipynb", False)
    assert [c.source for c in opened.notebook.cells] == ["print(1)"]
    folder = await open_remote_notebook(Source(server=server.address("src")))
    assert isinstance(folder, ServerFolder)
    assert [e.name for e in await folder.entries()] == ["a.ipynb"]
    chosen = folder.choose("src/a.ipynb")
    assert chosen.server is not None
    assert chosen.server.path == "src/a.ipynb"
    root = await open_remote_notebook(Source(server=server.address()))
    assert isinstance(root, ServerFolder)
    new = await open_remote_notebook(Source(server=server.address("src/new.ipynb")))
    assert isinstance(new, OpenedNotebook)
    assert new.new
    await new.store.save(new.notebook)  # the first save creates it
    assert (server.root / "src" / "new.ipynb").exists()


async def test_running_kernels_and_their_notebooks(server: RunningServer) -> None:
    session = server.api(
        "POST",
        "api/sessions",
        json={"path": "x.ipynb", "type": "notebook", "kernel": {"name": "python3"}},
    ).json()
    try:
        running = await KernelsAPI(server_connection(server)).running()
        mine = next(k for k in running if k.id == session["kernel"]["id"])
        assert (mine.path, mine.session_id, mine.name) == ("x.ipynb", session["id"], "python3")
    finally:
        server.api("DELETE", f"api/sessions/{session['id']}")


def server_connection(server: RunningServer) -> Any:
    from tuinb.server.http import ServerConnection

    return ServerConnection(server.address())


async def test_the_server_signs_what_was_made_here(server: RunningServer) -> None:
    write_notebook(server.root / "trust.ipynb", "show()", html="<script>x</script>")
    opened = await open_remote_notebook(Source(server=server.address("trust.ipynb")))
    assert isinstance(opened, OpenedNotebook)
    notebook = opened.notebook
    assert is_trusted(notebook) is False
    notary = NotebookNotary(data_dir=str(server.home / "data"))
    await opened.store.save(notebook)
    assert not notary.check_signature(nbformat.read(server.root / "trust.ipynb", 4))
    first = notebook.cells[0].id
    notebook.clear_cell_output(first, wait=False)
    notebook.append_output(
        first, {"output_type": "display_data", "data": {"text/html": "<b>ok</b>"}, "metadata": {}}
    )
    assert is_trusted(notebook) is True
    await opened.store.save(notebook)
    assert notary.check_signature(nbformat.read(server.root / "trust.ipynb", 4))
    again = await open_remote_notebook(Source(server=server.address("trust.ipynb")))
    assert isinstance(again, OpenedNotebook)
    assert is_trusted(again.notebook) is True  # the server marks it trusted now


async def test_a_local_file_store_refuses_a_changed_file(tmp_path: Path) -> None:
    path = tmp_path / "f.ipynb"
    write_notebook(path, "1")
    store = FileStore(path)
    notebook = await store.load()
    assert isinstance(notebook, Notebook)
    assert not await store.changed_elsewhere(notebook)
    write_notebook(path, "someone else")
    assert await store.changed_elsewhere(notebook)
    with pytest.raises(SaveConflict):
        await store.save(notebook)
    await store.save(notebook, overwrite=True)
    assert nbformat.read(path, 4).cells[0].source == "1"
