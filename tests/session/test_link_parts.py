"""What the editor uses of an engine besides running cells, across the session link:
completion and help, widgets, the interrupt that went unanswered, and saving
(read-only files, save as, which moves the session to the new name).

The host runs in this process on a real socket with a scripted kernel (the
test plays the kernel); client, socket, framing and replication are real.
"""

from __future__ import annotations

import asyncio
import base64
import time
from pathlib import Path
from typing import Any

from tests.engine.fakes import FakeMessage, begun, message
from tests.session.support import Events, notebook_at, served
from tuinb.engine import events as ev
from tuinb.engine.introspect import DEADLINE
from tuinb.model import load, save
from tuinb.session.introspection import LINK_SLACK
from tuinb.session.launch import find_live
from tuinb.session.widgets import ReplicaWidgets


def _slider(
    comm_id: str = "m1", *, buffers: list[bytes] | None = None, **state: Any
) -> FakeMessage:
    data = {
        "state": {"_model_name": "IntSliderModel", "_model_module": "@jupyter-widgets/controls",
                  "_model_module_version": "2.0.0", "value": 1, "max": 10, **state},
        "buffer_paths": [["raw"]] if buffers else [],
    }  # fmt: skip
    opened = message("comm_open", "e1", comm_id=comm_id, target_name="jupyter.widget", data=data)
    if buffers:
        return FakeMessage(
            opened.channel,
            opened.header,
            opened.parent_header,
            opened.metadata,
            opened.content,
            buffers,
        )
    return opened


async def test_completion_and_help_come_from_the_hosts_kernel(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    async with served(path) as host:
        client = await host.client(notebook_at(path, "pri"))
        events = Events(client)
        await events.until(lambda: bool(events.of(ev.KernelStarted)), "the kernel to start")
        completion = await client.complete("x = pri", 7)
        assert completion.status == "ok"
        assert [m.text for m in completion.matches] == ["print"]
        assert (completion.cursor_start, completion.cursor_end) == (4, 7)
        assert completion.code == "x = pri"
        answer = await client.inspect("len", 3, 1)
        assert answer.status == "ok"
        assert answer.found
        assert answer.text == "Docstring of 'len', level 1"
        await client.detach()
        assert (await client.complete("pri", 3)).status == "unavailable"
        assert (await client.inspect("len", 3)).status == "unavailable"


async def test_a_kernel_that_never_answers_does_not_hold_typing_up(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    async with served(path) as host:
        client = await host.client(notebook_at(path, "x"))
        events = Events(client)
        await events.until(lambda: bool(events.of(ev.KernelStarted)), "the kernel to start")
        host.kernel.client.hold_answers = True
        begin = time.monotonic()
        completion = await client.complete("pri", 3)
        answer = await client.inspect("len", 3)
        took = time.monotonic() - begin
        assert completion.status in ("busy", "timeout")
        assert answer.status in ("busy", "timeout")
        assert took < 2 * (DEADLINE + LINK_SLACK) + 0.5
        await client.detach()


async def test_widgets_are_replicated_and_changes_go_back_to_the_kernel(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    async with served(path) as host:
        client = await host.client(notebook_at(path, "slider"))
        events = Events(client)
        await events.until(lambda: bool(events.of(ev.KernelStarted)), "the kernel to start")
        fake = host.kernel.client
        fake.feed(_slider(buffers=[b"\x00\x01binary"]))
        await events.until(lambda: "m1" in client.widgets.store, "the slider to arrive")
        model = client.widgets.store.get("m1")
        assert model is not None
        assert model.state["value"] == 1
        assert model.state["raw"] == b"\x00\x01binary"
        assert ev.WidgetChanged("m1") in events.seen
        assert await client.widgets.update("m1", {"value": 7})
        assert model.state["value"] == 7  # at once, in the editor's copy

        def sent_to_kernel() -> bool:
            return any(content["data"].get("state") == {"value": 7} for _, content in fake.comms)

        await events.until(sent_to_kernel, "the change to reach the kernel")
        hosted = host.core.engine.widgets.store.get("m1")
        assert hosted is not None
        assert hosted.state["value"] == 7
        update = {"method": "update", "state": {"max": 20}}
        fake.feed(message("comm_msg", "e1", comm_id="m1", data=update))
        await events.until(lambda: model.state.get("max") == 20, "the kernel's own change")
        assert client.widgets.store.get("m1") is not None
        fake.feed(message("comm_close", "e1", comm_id="m1", data={}))
        await events.until(lambda: ev.WidgetClosed("m1") in events.seen, "the close")
        assert "m1" not in client.widgets.store
        await client.detach()


async def test_an_editor_attaching_later_gets_every_widget_and_buttons_click(
    tmp_path: Path,
) -> None:
    path = tmp_path / "nb.ipynb"
    async with served(path) as host:
        first = await host.client(notebook_at(path, "w"))
        first_events = Events(first)
        await first_events.until(lambda: bool(first_events.of(ev.KernelStarted)), "the kernel")
        host.kernel.client.feed(_slider("m1"), _slider("b1", _model_name="ButtonModel"))
        await first_events.until(lambda: "b1" in first.widgets.store, "the widgets")
        await first.detach()
        second = await host.client()
        events = Events(second)
        await events.until(lambda: "b1" in second.widgets.store, "the widgets after attaching")
        assert "m1" in second.widgets.store
        assert await second.widgets.click("b1")
        custom = [c for t, c in host.kernel.client.comms if c["data"].get("method") == "custom"]
        assert custom == [{"comm_id": "b1", "data": {"method": "custom",
                                                      "content": {"event": "click"}}}]  # fmt: skip
        await second.detach()
        assert not await second.widgets.click("b1")  # nothing backs it any more


def test_a_key_the_editor_changed_since_keeps_its_value() -> None:
    """A state the host computed before it had the editor's latest change does not move
    the slider back; the keys the editor did not touch take the host's values."""
    sent: list[dict[str, Any]] = []
    seen: list[Any] = []

    async def request(op: str, **fields: Any) -> dict[str, Any]:
        return {}

    widgets = ReplicaWidgets(sent.append, request, seen.append)
    widgets.received({"t": "w", "id": "m", "s": {"value": 1, "max": 10}, "wa": 0})
    asyncio.run(widgets.update("m", {"value": 5}))
    assert sent[-1]["w"] == 1
    widgets.received({"t": "w", "id": "m", "s": {"value": 2, "max": 12}, "wa": 0})
    model = widgets.store.get("m")
    assert model is not None
    assert model.state == {"value": 5, "max": 12}
    widgets.received({"t": "w", "id": "m", "s": {"value": 5, "max": 12}, "wa": 1})
    widgets.received({"t": "w", "id": "m", "s": {"value": 9, "max": 12}, "wa": 1})
    assert model.state["value"] == 9  # once the host has the change, the host's value wins
    assert widgets.store.get("m") is model
    encoded = base64.b64encode(b"xy").decode()
    widgets.received(
        {"t": "w", "id": "n", "s": {"raw": None}, "b": [{"path": ["raw"], "data": encoded}]}
    )
    other = widgets.store.get("n")
    assert other is not None
    assert other.state["raw"] == b"xy"


async def test_an_interrupt_the_kernel_ignores_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    async with served(path) as host:
        client = await host.client(notebook_at(path, "while True: pass"))
        events = Events(client)
        client.run_cells(["c0"])
        request = await host.kernel.client.next_request(1)
        host.kernel.client.feed(*begun(request))
        await events.until(
            lambda: ev.KernelStatusChanged("busy") in events.seen, "the cell to begin"
        )
        await client.interrupt()
        await events.until(
            lambda: bool(events.of(ev.InterruptUnanswered)), "the unanswered interrupt", 6
        )
        (unanswered,) = events.of(ev.InterruptUnanswered)
        assert unanswered.cell_id == "c0"
        assert unanswered.seconds >= 2
        await client.detach()


async def test_a_read_only_notebook_is_saved_only_when_the_editor_says_so(
    tmp_path: Path,
) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "x = 1")
    save(notebook)
    notebook = load(path)
    path.chmod(0o444)
    async with served(path) as host:
        client = await host.client(notebook)
        notebook.set_source("c0", "x = 2")
        refused = await client.save()
        assert refused.status == "read-only"
        assert "read-only" in refused.message
        assert load(path).cells[0].source == "x = 1"
        assert client.notebook.dirty
        saved = await client.save(allow_read_only=True)
        assert saved.status == "saved"
        assert load(path).cells[0].source == "x = 2"
        assert not client.notebook.dirty
        assert path.stat().st_mode & 0o777 == 0o444  # its mode is kept
        await client.detach()


async def test_save_as_moves_the_session_to_the_new_name(tmp_path: Path) -> None:
    path = tmp_path / "a.ipynb"
    target = tmp_path / "b.ipynb"
    async with served(path) as host:
        client = await host.client(notebook_at(path, "print(1)"))
        client.notebook.set_source("c0", "print(2)")
        result = await client.save_as(target)
        assert result.status == "saved"
        assert client.notebook.path == target
        assert not client.notebook.dirty
        assert load(target).cells[0].source == "print(2)"
        assert not path.exists()
        assert find_live(target) is not None
        assert find_live(path) is None
        assert host.core.path == target
        status = host.host.status()
        assert status["notebook"] == str(target)
        # the session goes on under the new name: the next save writes b.ipynb
        client.notebook.set_source("c0", "print(3)")
        assert (await client.save()).status == "saved"
        assert load(target).cells[0].source == "print(3)"
        await client.detach()


async def test_save_as_over_a_notebook_asks_and_another_sessions_name_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.ipynb"
    taken = tmp_path / "taken.ipynb"
    there = tmp_path / "there.ipynb"
    save(notebook_at(there, "old"))
    async with served(path) as host, served(taken):
        client = await host.client(notebook_at(path, "new"))
        exists = await client.save_as(there)
        assert exists.status == "exists"
        assert load(there).cells[0].source == "old"
        assert find_live(path) is not None  # it did not move
        assert (await client.save_as(there, overwrite=True)).status == "saved"
        assert load(there).cells[0].source == "new"
        refused = await client.save_as(taken)
        assert refused.status == "failed"
        assert "another tuinb session" in refused.message
        assert client.notebook.path == there
        assert find_live(there) is not None
        await client.detach()
