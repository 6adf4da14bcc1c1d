"""Today's editor, unchanged, on a session client instead of an in-process engine.

The app gets a `SessionClient` where it used to get an `Engine`; the host runs
in this process on a real socket with a scripted kernel. What the user types
reaches the host before the run, outputs reach the screen, and an editor
attaching later shows every output and the running cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tests.engine.fakes import FakeMessage, begun, ended, message
from tests.session.support import served, until
from tests.ui.editor_helpers import SIZE, screen_text, settle, status, write_notebook
from tuinb.model import load
from tuinb.session.client import SessionClient
from tuinb.session.launch import attach_frame
from tuinb.ui.app import TuinbApp

if TYPE_CHECKING:
    from tuinb.engine.protocols import EngineLike


def _out(parent: str, text: str) -> FakeMessage:
    return message("stream", parent, name="stdout", text=text)


def engine_like(client: SessionClient) -> EngineLike:
    """mypy checks here that a session client has the surface the editor uses."""
    return client


async def test_typing_running_and_output_through_the_host(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "old")])
    notebook = load(path)
    async with served(path) as host:
        files = host.files
        client = SessionClient(notebook, connect=lambda frame: attach_frame(files, frame))
        app = TuinbApp(notebook, engine=engine_like(client), check_recovery=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the kernel to be idle")
            await pilot.press("enter", "ctrl+a", "ctrl+k", *"print(42)", "escape")
            await pilot.press("ctrl+j")
            fake = host.kernel.client
            request = await fake.next_request(1)
            assert request.code == "print(42)"
            await settle(pilot, lambda: "[*]:" in screen_text(app), "the running mark")
            fake.feed(*begun(request), _out(request.msg_id, "42\n"))
            fake.feed(*ended(request))
            await settle(pilot, lambda: "[1]:" in screen_text(app), "the execution count")
            assert "42" in screen_text(app)
            assert host.notebook.cells[0].outputs[0]["text"] == "42\n"
            await app.save_flow()  # today's save writes the editor's copy: the same content
            assert load(path).cells[0].outputs[0]["text"] == "42\n"


async def test_an_editor_attaching_later_shows_outputs_and_the_running_cell(
    tmp_path: Path,
) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "long()"), ("code", "after()")])
    async with served(path) as host:
        first = await host.client(load(path))
        first.run_cells([c.id for c in first.notebook.cells])
        fake = host.kernel.client
        request = await fake.next_request(1)
        fake.feed(*begun(request), _out(request.msg_id, "made while away\n"))
        await until(lambda: bool(host.notebook.cells[0].outputs), "the output on the host")
        await first.detach()
        attachment = await host.attach()
        assert attachment.notebook is not None
        client = SessionClient(attachment.notebook, attachment)
        app = TuinbApp(attachment.notebook, engine=engine_like(client), check_recovery=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "made while away" in screen_text(app), "the old output")
            await settle(pilot, lambda: "[*]:▶" in screen_text(app), "the running mark")
            assert "[*]:…" in screen_text(app)  # the second cell still waits its turn
            await settle(pilot, lambda: "(busy" in status(app), "the busy kernel")
            fake.feed(_out(request.msg_id, "and now\n"))
            await settle(pilot, lambda: "and now" in screen_text(app), "the live output")
