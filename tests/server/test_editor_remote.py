"""The editor on a notebook of a real Jupyter Server: run, save, conflicts, checkpoints, save as.

Each test builds what `tuinb URL` builds (`tuinb.ui.launch_remote`): the
notebook fetched through the contents API, its stand-in path, an engine on the
notebook's session kernel, and the app with the server's store.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.server.support import RunningServer
from tests.server.test_store import write_notebook
from tests.ui.editor_helpers import SIZE, notices, screen_text, status
from tuinb.engine.sources import (
    OpenedNotebook,
    make_engine_for,
    open_remote_notebook,
    source_from_args,
)
from tuinb.render.status import UNTRUSTED_MARK
from tuinb.server.address import stand_in_path
from tuinb.ui.app import TuinbApp
from tuinb.ui.dialogs.choice import ChoiceModal
from tuinb.ui.dialogs.save_as import SaveAsPrompt
from tuinb.ui.flows.remote import RemoteSaving

pytestmark = [pytest.mark.timeout(180), pytest.mark.usefixtures("python3_kernelspec")]

WAIT = 60.0


async def wait(pilot: Pilot[Any], predicate: Any, what: str, seconds: float = WAIT) -> None:
    try:
        async with asyncio.timeout(seconds):
            while not predicate():
                await pilot.pause(0.02)
    except TimeoutError:
        raise AssertionError(f"timed out after {seconds:g} s waiting for {what}") from None


def sessions(server: RunningServer) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = server.api("GET", "api/sessions").json()
    return found


@asynccontextmanager
async def editor(
    server: RunningServer, path: str, *, kernel: bool = True
) -> AsyncIterator[tuple[TuinbApp, Pilot[Any]]]:
    """The editor on `path` of `server`, as `tuinb URL` opens it."""
    source = source_from_args(server.address(path).page_url(), token=server.token)
    assert source.server is not None
    opened = await open_remote_notebook(source)
    assert isinstance(opened, OpenedNotebook)
    notebook = opened.notebook
    notebook.path = stand_in_path(source.server.base_url, path)
    engine = make_engine_for(source, notebook) if kernel else None
    app = TuinbApp(notebook, engine=engine, check_recovery=False, store=opened.store)
    async with app.run_test(size=SIZE) as pilot:
        if kernel:
            await wait(pilot, lambda: "(idle)" in status(app), "the server's kernel")
        yield app, pilot


def on_server(server: RunningServer, path: str) -> dict[str, Any]:
    """The notebook file on the server (each cell's source joined into one string)."""
    data: dict[str, Any] = json.loads((server.root / path).read_text())
    for cell in data["cells"]:
        if isinstance(cell["source"], list):
            cell["source"] = "".join(cell["source"])
    return data


async def test_a_server_notebook_runs_on_its_session_and_saves_through_the_contents_api(
    server: RunningServer,
) -> None:
    write_notebook(server.root / "e1" / "nb.ipynb", "print(6 * 7)")
    async with editor(server, "e1/nb.ipynb") as (app, pilot):
        assert status(app).startswith(" nb.ipynb")
        shared = [s for s in sessions(server) if s["path"] == "e1/nb.ipynb"]
        assert len(shared) == 1, "the kernel is the notebook's session (JupyterLab shares it)"
        await pilot.press("ctrl+j")
        await wait(pilot, lambda: "42" in screen_text(app), "the output")
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: not app.notebook.dirty, "the save")
        saved = on_server(server, "e1/nb.ipynb")
        assert "".join(saved["cells"][0]["outputs"][0]["text"]) == "42\n"
        points = server.api("GET", "api/contents/e1/nb.ipynb/checkpoints").json()
        assert len(points) == 1, "a save makes a checkpoint, as JupyterLab's does"
    assert [s for s in sessions(server) if s["path"] == "e1/nb.ipynb"], (
        "quitting leaves the session's kernel running, as closing a JupyterLab tab does"
    )
    assert not (server.root / "e1" / "nb.ipynb").with_suffix(".ipynb.tmp").exists()


async def test_saving_over_a_change_made_on_the_server_asks_first(server: RunningServer) -> None:
    write_notebook(server.root / "e2" / "nb.ipynb", "a = 1")
    async with editor(server, "e2/nb.ipynb", kernel=False) as (app, pilot):
        theirs = on_server(server, "e2/nb.ipynb")
        theirs["cells"][0]["source"] = "a = 'theirs'"
        reply = server.api(
            "PUT",
            "api/contents/e2/nb.ipynb",
            json={"type": "notebook", "format": "json", "content": theirs},
        )
        assert reply.status_code == 200
        later = (server.root / "e2" / "nb.ipynb").stat().st_mtime + 10
        os.utime(server.root / "e2" / "nb.ipynb", (later, later))  # saved well after our load
        app.notebook.set_source(app.notebook.cells[0].id, "a = 'mine'")
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: isinstance(app.screen, ChoiceModal), "the question")
        question = app.screen
        assert isinstance(question, ChoiceModal)
        assert "changed on the Jupyter server" in question.question
        await pilot.press("c")  # cancel: nothing written
        await wait(pilot, lambda: not isinstance(app.screen, ChoiceModal), "the answer")
        assert on_server(server, "e2/nb.ipynb")["cells"][0]["source"] == "a = 'theirs'"
        assert app.notebook.dirty
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: isinstance(app.screen, ChoiceModal), "the question again")
        await pilot.press("r")  # reload: the server's version replaces ours
        await wait(pilot, lambda: app.notebook.cells[0].source == "a = 'theirs'", "the reload")
        assert not app.notebook.dirty
        app.notebook.set_source(app.notebook.cells[0].id, "a = 'mine again'")
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: not app.notebook.dirty, "a save with no change meanwhile")
        assert on_server(server, "e2/nb.ipynb")["cells"][0]["source"] == "a = 'mine again'"


async def test_revert_to_checkpoint_asks_then_puts_the_saved_version_back(
    server: RunningServer,
) -> None:
    write_notebook(server.root / "e3" / "nb.ipynb", "b = 1")
    async with editor(server, "e3/nb.ipynb", kernel=False) as (app, pilot):
        await pilot.press("ctrl+s")  # the checkpoint holds "b = 1"
        await wait(pilot, lambda: "Saved" in notices(app), "the save")
        app.notebook.set_source(app.notebook.cells[0].id, "b = 2")
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: not app.notebook.dirty, "the second save")
        saving = app.saving
        assert isinstance(saving, RemoteSaving)
        # the second save made a new checkpoint (of b = 2); put b = 1's file back there
        server.api("POST", "api/contents/e3/nb.ipynb/checkpoints")
        app.notebook.set_source(app.notebook.cells[0].id, "b = 3")
        app.start_work(saving.revert(), "save")
        await wait(pilot, lambda: isinstance(app.screen, ChoiceModal), "the revert question")
        await pilot.press("r")
        await wait(pilot, lambda: app.notebook.cells[0].source == "b = 2", "the checkpoint")
        assert not app.notebook.dirty
        assert "Reverted" in notices(app)


async def test_the_palette_offers_revert_for_a_server_notebook_only(
    server: RunningServer,
) -> None:
    from tuinb.ui.flows.remote import ServerCommands

    write_notebook(server.root / "e4" / "nb.ipynb", "c = 1")
    async with editor(server, "e4/nb.ipynb", kernel=False) as (app, _pilot):
        provider = ServerCommands(app.screen)
        labels = [label for label, _id, _run in provider._commands()]
        assert labels == ["Revert to checkpoint", "Reload from the server"]


async def test_save_as_writes_another_path_on_the_server_and_edits_it(
    server: RunningServer,
) -> None:
    write_notebook(server.root / "e5" / "nb.ipynb", "d = 1")
    async with editor(server, "e5/nb.ipynb", kernel=False) as (app, pilot):
        app.start_save_as()
        await wait(pilot, lambda: isinstance(app.screen, SaveAsPrompt), "the save-as prompt")
        prompt = app.screen
        assert isinstance(prompt, SaveAsPrompt)
        assert prompt.value == "e5/nb.ipynb"
        await pilot.press(*"e5/copy", "enter")  # (the path is selected: typing replaces it)
        await wait(pilot, lambda: (server.root / "e5" / "copy.ipynb").exists(), "the new file")
        await wait(pilot, lambda: status(app).startswith(" copy.ipynb"), "the new name")
        app.notebook.set_source(app.notebook.cells[0].id, "d = 2")
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: not app.notebook.dirty, "the save to the new path")
        assert on_server(server, "e5/copy.ipynb")["cells"][0]["source"] == "d = 2"
        assert on_server(server, "e5/nb.ipynb")["cells"][0]["source"] == "d = 1"


async def test_an_untrusted_server_notebook_is_marked_in_the_status_bar(
    server: RunningServer,
) -> None:
    write_notebook(server.root / "e6" / "nb.ipynb", "1", html="<b>unsigned</b>")
    async with editor(server, "e6/nb.ipynb", kernel=False) as (app, pilot):
        await wait(pilot, lambda: UNTRUSTED_MARK in status(app), "the untrusted mark")
    write_notebook(server.root / "e6" / "plain.ipynb", "1")
    async with editor(server, "e6/plain.ipynb", kernel=False) as (app, pilot):
        await pilot.pause()
        assert UNTRUSTED_MARK not in status(app)
