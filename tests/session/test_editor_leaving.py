"""The editor on a session: what quitting, detaching, a hang-up and a takeover do.

The host runs in this process on a real socket with a scripted kernel; the
editor is the real app on a `SessionClient`, driven by Pilot.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from tests.engine.fakes import FakeMessage, begun, ended, message
from tests.session.support import Served, served, until
from tests.ui.editor_helpers import SIZE, notices, screen_text, settle, status, write_notebook
from tuinb.model import load
from tuinb.session.client import SessionClient
from tuinb.session.launch import attach_frame
from tuinb.ui.app import TuinbApp
from tuinb.ui.flows.leaving import NOT_IN_A_SESSION


def _out(parent: str, text: str) -> FakeMessage:
    return message("stream", parent, name="stdout", text=text)


def _app(host: Served, path: Path) -> tuple[TuinbApp, SessionClient]:
    notebook = load(path)
    files = host.files
    client = SessionClient(notebook, connect=lambda frame: attach_frame(files, frame))
    return TuinbApp(notebook, engine=client, check_recovery=False), client


async def test_quitting_while_a_cell_runs_can_keep_it_running(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "long()"), ("code", "after()")])
    async with served(path) as host:
        app, client = _app(host, path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the kernel to be idle")
            await pilot.press("shift+r")
            request = await host.kernel.client.next_request(1)
            host.kernel.client.feed(*begun(request), _out(request.msg_id, "working\n"))
            await settle(pilot, lambda: "working" in screen_text(app), "the output")
            await pilot.press("ctrl+q")
            await settle(pilot, lambda: app.screen.id == "keep-running-modal", "the question")
            await pilot.press("k")
            await settle(pilot, lambda: not app.is_running, "the editor to exit")
        assert client.lost is not None
        assert client.lost.reason == "detached"
        assert app.exit_message is not None
        assert "keeps running" in app.exit_message
        assert host.core.link is None  # detached: the session goes on
        assert not host.core.ended.is_set()
        host.kernel.client.feed(_out(request.msg_id, "while away\n"), *ended(request))
        await until(lambda: host.core.state.queued == [], "the second cell to start")
        assert "while away" in host.notebook.cells[0].outputs[0]["text"]


async def test_stopping_asks_about_unsaved_work_then_ends_the_session(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "long()")])
    async with served(path) as host:
        app, _client = _app(host, path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the kernel to be idle")
            await pilot.press("ctrl+j")
            request = await host.kernel.client.next_request(1)
            host.kernel.client.feed(*begun(request))
            await settle(pilot, lambda: "[*]:▶" in screen_text(app), "the running mark")
            await pilot.press("ctrl+q")
            await settle(pilot, lambda: app.screen.id == "keep-running-modal", "the first question")
            await pilot.press("s")
            await settle(pilot, lambda: app.screen.id == "quit-modal", "the unsaved question")
            await pilot.press("d")
            await settle(pilot, lambda: not app.is_running, "the editor to exit")
        await until(host.core.ended.is_set, "the session to end")
        assert app.exit_message is None


async def test_quitting_with_nothing_running_and_nothing_unsaved_ends_the_session(
    tmp_path: Path,
) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 1")])
    async with served(path) as host:
        app, _client = _app(host, path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the kernel to be idle")
            await pilot.press("ctrl+q")
            await settle(pilot, lambda: not app.is_running, "the editor to exit")
        await until(host.core.ended.is_set, "the session to end")


async def test_the_detach_key_leaves_the_session_running(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 1")])
    async with served(path) as host:
        app, client = _app(host, path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the kernel to be idle")
            await pilot.press("enter", "end", *" # typed", "alt+d")
            await settle(pilot, lambda: not app.is_running, "the editor to exit")
        assert client.lost is not None
        assert client.lost.reason == "detached"
        assert not host.core.ended.is_set()
        await until(lambda: host.notebook.cells[0].source == "x = 1 # typed", "the typed text")


async def test_the_detach_key_without_a_session_says_why_not(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 1")])
    app = TuinbApp(load(path), check_recovery=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+d")
        await settle(pilot, lambda: NOT_IN_A_SESSION in notices(app), "the notice")
        assert app.is_running


async def test_a_hang_up_detaches_with_what_was_typed(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 1")])
    async with served(path) as host:
        app, client = _app(host, path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the kernel to be idle")
            await pilot.press("enter", "end", *" + 1")  # still in the editor, not committed
            os.kill(os.getpid(), signal.SIGHUP)
            await settle(pilot, lambda: not app.is_running, "the editor to exit")
        assert app.return_code == 128 + signal.SIGHUP
        assert client.lost is not None
        assert client.lost.reason == "detached"
        await until(lambda: host.notebook.cells[0].source == "x = 1 + 1", "the typed text")
        assert not host.core.ended.is_set()  # the kernel goes on


async def test_attaching_from_another_terminal_takes_over_and_the_first_says_so(
    tmp_path: Path,
) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 1")])
    async with served(path) as host:
        app, _client = _app(host, path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the kernel to be idle")
            second = await host.client()
            await settle(pilot, lambda: not app.is_running, "the first editor to exit")
        assert app.exit_message == "This session was attached from another terminal."
        assert host.core.link is not None  # the second one's
        await second.detach()


async def test_attaching_says_what_happened_while_away_and_rings_no_bell(
    tmp_path: Path,
) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "ok()"), ("code", "bad()")])
    async with served(path) as host:
        first = await host.client(load(path))
        first.run_cells([cell.id for cell in first.notebook.cells])
        await first.detach()
        fake = host.kernel.client
        request = await fake.next_request(1)
        fake.run_ok(request, _out(request.msg_id, "fine\n"))
        failing = await fake.next_request(2)
        fake.run_error(failing, count=2)
        await until(lambda: not host.core.state.working, "both cells to end")
        attachment = await host.attach()
        assert attachment.notebook is not None
        client = SessionClient(attachment.notebook, attachment)
        app = TuinbApp(attachment.notebook, engine=client, check_recovery=False)
        rung: list[str] = []
        async with app.run_test(size=SIZE) as pilot:
            app.notebook_screen.running.long_cell_seconds = 0  # any duration would ring
            app.notebook_screen.ring = lambda title, body: rung.append(body)  # type: ignore[method-assign]
            await settle(
                pilot,
                lambda: "While you were away: 1 cell finished, 1 failed" in notices(app),
                "the line about what happened",
            )
            await settle(pilot, lambda: "fine" in screen_text(app), "the output made while away")
            await settle(pilot, lambda: "✗" in screen_text(app), "the failed mark")
            assert rung == []
            await pilot.press("j", "enter", "end", *"  # edited")
            await pilot.press("escape")
            await settle(pilot, lambda: "~" in screen_text(app), "the edited-since-it-ran mark")
