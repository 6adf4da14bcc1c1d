"""A session client against an in-process host on a real socket, with a scripted kernel.

The test plays the kernel (`tests.engine.fakes`); everything between the
client and the engine is the real thing: socket, framing, replication.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.engine.fakes import FakeMessage, begun, ended, message
from tests.session.support import Events, notebook_at, served, until
from tuinb.engine import EngineError
from tuinb.engine import events as ev
from tuinb.model import load
from tuinb.session.client import SessionClient
from tuinb.session.events import SessionAttached, SessionLost


def _stream(request_id: str, text: str) -> FakeMessage:
    return message("stream", request_id, name="stdout", text=text)


async def test_the_first_client_brings_the_notebook_and_runs_a_cell(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "print('hi')")
    async with served(path) as host:
        client = await host.client(notebook)
        events = Events(client)
        assert host.notebook.cells[0].source == "print('hi')"
        await events.until(lambda: bool(events.of(ev.KernelStarted)), "the kernel to start")
        client.run_cells(["c0"])
        request = await host.kernel.client.next_request(1)
        assert request.code == "print('hi')"
        host.kernel.client.run_ok(request, _stream(request.msg_id, "hi\n"))
        await events.until(lambda: bool(events.of(ev.CellFinished)), "the cell to finish")
        assert notebook.cell("c0").outputs == [
            {"output_type": "stream", "name": "stdout", "text": "hi\n"}
        ]
        assert notebook.cell("c0").execution_count == 1
        assert notebook.cell("c0").to_dict(with_id=True) == host.notebook.cell("c0").to_dict(
            with_id=True
        )
        kinds = [type(event) for event in events.seen]
        assert kinds.index(ev.OutputsChanged) < kinds.index(ev.CellFinished)
        await client.detach()


async def test_what_the_user_typed_reaches_the_host_before_the_run(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "old")
    async with served(path) as host:
        client = await host.client(notebook)
        notebook.set_source("c0", "typed just now")
        cell = notebook.insert_cell(1, "code", "below")
        client.run_cells(["c0", cell.id])
        first = await host.kernel.client.next_request(1)
        assert first.code == "typed just now"
        assert [c.source for c in host.notebook.cells] == ["typed just now", "below"]
        await client.detach()


async def test_edits_made_before_connecting_travel_with_thenotebook_at(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "a")
    async with served(path) as host:
        from tuinb.session.launch import attach_frame

        client = SessionClient(notebook, connect=lambda frame: attach_frame(host.files, frame))
        notebook.insert_cell(0, "markdown", "# title")  # typed on the first frame
        client.run_cells(["c0"])
        await client.start()
        request = await host.kernel.client.next_request(1)
        assert request.code == "a"
        assert [c.source for c in host.notebook.cells] == ["# title", "a"]
        await client.detach()


async def test_a_client_that_reads_slowly_gets_one_difference_not_every_chunk(
    tmp_path: Path,
) -> None:
    """20,000 stream messages while the client is not reading: what reaches it is a
    few differences, and its copy ends complete."""
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "flood()")
    async with served(path) as host:
        client = await host.client(notebook)
        events = Events(client)
        client.run_cells(["c0"])
        request = await host.kernel.client.next_request(1)
        await events.until(lambda: bool(events.of(ev.CellStarted)), "the cell to start")
        reader = client._reader_task
        assert reader is not None
        assert client._writer is not None
        transport = client._writer.transport
        assert isinstance(transport, asyncio.Transport)
        transport.pause_reading()  # the client stops reading, as a frozen terminal would
        lines = [f"line {i}\n" for i in range(20_000)]
        fake = host.kernel.client
        fake.feed(*begun(request), *[_stream(request.msg_id, line) for line in lines])
        fake.feed(*ended(request))
        await until(lambda: not host.core.state.working, "the host to have every line")
        assert host.notebook.cell("c0").outputs[0]["text"] == "".join(lines)
        before = len(events.of(ev.OutputsChanged))
        transport.resume_reading()
        await events.until(lambda: bool(events.of(ev.CellFinished)), "the cell to finish")
        assert notebook.cell("c0").outputs[0]["text"] == "".join(lines)
        assert len(events.of(ev.OutputsChanged)) - before < 200
        await client.detach()


async def test_a_second_client_takes_the_session_over(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "x")
    async with served(path) as host:
        first = await host.client(notebook)
        first_events = Events(first)
        second = await host.client()
        await first_events.until(lambda: bool(first_events.of(SessionLost)), "the first to go")
        assert first_events.of(SessionLost)[0].reason == "taken_over"
        assert first_events.ended
        second.run_cells(["c0"])
        assert (await host.kernel.client.next_request(1)).code == "x"
        notebook.set_source("c0", "ignored: this client was taken over")
        assert host.notebook.cell("c0").source == "x"
        await second.detach()


async def test_attaching_later_shows_the_outputs_and_what_happened_meanwhile(
    tmp_path: Path,
) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "ok()", "bad()", "later()")
    async with served(path) as host:
        client = await host.client(notebook)
        client.run_cells(["c0", "c1", "c2"])
        await client.detach()
        fake = host.kernel.client
        first = await fake.next_request(1)
        fake.run_ok(first, _stream(first.msg_id, "done\n"))
        second = await fake.next_request(2)
        fake.run_error(second, count=2)
        await until(lambda: not host.core.state.working, "the queue to end")
        back = await host.client()
        events = Events(back)
        await events.until(lambda: bool(events.of(SessionAttached)), "the attach")
        attached = events.of(SessionAttached)[0]
        assert attached.away is not None
        assert attached.away.summary().startswith("1 cell finished, 1 failed, 1 not run")
        assert back.notebook.cell("c0").outputs[0]["text"] == "done\n"
        finished = events.of(ev.CellFinished)
        assert {(e.cell_id, e.status) for e in finished} == {("c1", "error"), ("c2", "aborted")}
        assert all(e.duration is None for e in finished)  # no bell for what ended unseen
        await back.detach()


async def test_a_prompt_asked_while_away_waits_for_an_answer(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "input('name? ')")
    async with served(path) as host:
        client = await host.client(notebook)
        client.run_cells(["c0"])
        request = await host.kernel.client.next_request(1)
        await client.detach()
        fake = host.kernel.client
        fake.feed(
            message("status", request.msg_id, execution_state="busy"),
            message("execute_input", request.msg_id, code=request.code, execution_count=1),
            message(
                "input_request", request.msg_id, channel="stdin", prompt="name? ", password=False
            ),
        )
        await until(lambda: host.core.state.input_request is not None, "the prompt")
        back = await host.client()
        events = Events(back)
        await events.until(lambda: bool(events.of(ev.InputRequested)), "the prompt replayed")
        assert events.of(ev.InputRequested)[0].prompt == "name? "
        await back.provide_input("Ada")
        assert fake.inputs == ["Ada"]
        await back.detach()


async def test_save_writes_the_hosts_copy_and_the_editor_is_clean(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "x")
    async with served(path) as host:
        client = await host.client(notebook)
        notebook.set_source("c0", "saved text")
        notebook.metadata["kernelspec"] = {"name": "fake", "display_name": "Fake"}
        result = await client.save()
        assert result.status == "saved"
        assert not notebook.dirty
        assert not host.notebook.dirty
        saved = load(path)
        assert saved.cells[0].source == "saved text"
        assert saved.metadata["kernelspec"]["name"] == "fake"
        path.write_text(path.read_text().replace("saved text", "elsewhere"))
        assert (await client.save()).status == "changed"
        assert (await client.save(overwrite=True)).status == "saved"
        await client.detach()


async def test_a_malformed_message_closes_that_connection_and_the_host_goes_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "x")
    async with served(path) as host:
        client = await host.client(notebook)
        events = Events(client)
        assert client._writer is not None
        client._writer.write(b"\x00\x00\x00\x05hello")  # five bytes that are not JSON
        await events.until(lambda: bool(events.of(SessionLost)), "the connection to close")
        assert events.of(SessionLost)[0].reason == "refused"
        again = await host.client()
        again.run_cells(["c0"])
        assert (await host.kernel.client.next_request(1)).code == "x"
        await again.detach()


async def test_ending_refuses_with_unsaved_work_unless_told(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "x")
    async with served(path) as host:
        client = await host.client(notebook)
        notebook.set_source("c0", "unsaved")
        assert await client.end("refuse") == "unsaved"
        assert not host.core.ended.is_set()
        assert await client.end("save") == "ended"
        assert host.core.ended.is_set()
        assert load(path).cells[0].source == "unsaved"


async def test_a_kernel_change_starts_the_chosen_kernel(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "x")
    async with served(path) as host:
        client = await host.client(notebook)
        events = Events(client)
        await events.until(lambda: bool(events.of(ev.KernelStarted)), "the kernel to start")
        client.backend.switch_to("other")
        await client.restart()
        assert host.kernel.switched == ["other"]
        assert host.kernel.restarts == 1
        assert client.backend.choice is not None
        assert client.backend.choice.name == "other"
        await client.detach()


async def test_a_host_that_goes_away_is_a_dead_kernel_to_the_editor(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "x")
    async with served(path) as host:
        client = await host.client(notebook)
        events = Events(client)
        link = host.core.link
        assert link is not None
        link.abort()  # as if the host died: the connection drops without a word
        await events.until(lambda: bool(events.of(SessionLost)), "the loss")
        assert events.of(SessionLost)[0].reason == "host_gone"
        assert client.kernel_state == "dead"
        assert events.of(ev.KernelDied)
        notebook.set_source("c0", "kept anyway")
        assert (await client.save()).status == "saved"  # saved from the editor's copy
        assert load(path).cells[0].source == "kept anyway"


@pytest.mark.parametrize("idle", [0.2])
async def test_a_detached_idle_host_keeps_a_recovery_copy_and_ends(
    tmp_path: Path, idle: float
) -> None:
    from tuinb.model import find_recovery

    path = tmp_path / "nb.ipynb"
    notebook = notebook_at(path, "x")
    path.write_text("{}")
    async with served(path, idle_timeout=idle) as host:
        client = await host.client(notebook)
        notebook.set_source("c0", "unsaved work")
        await client.detach()
        await asyncio.wait_for(host.core.ended.wait(), 10)
    copy = find_recovery(path)
    assert copy is not None
    assert load(copy).cells[0].source == "unsaved work"


async def test_a_host_of_another_version_is_refused_in_one_sentence(tmp_path: Path) -> None:
    """The editor reports it as a kernel that could not start; the host goes on."""
    from tuinb.session import server
    from tuinb.session.launch import attach_frame

    path = tmp_path / "nb.ipynb"
    async with served(path) as host:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(server, "__version__", "0.0.0-other")
            notebook = notebook_at(path, "x")
            files = host.files
            client = SessionClient(notebook, connect=lambda frame: attach_frame(files, frame))
            events = Events(client)
            with pytest.raises(EngineError, match=r"runs tuinb 0\.0\.0-other and this is tuinb"):
                await client.start()
        await events.until(lambda: bool(events.of(SessionLost)), "the refusal")
        failed = events.of(ev.KernelStartFailed)
        assert len(failed) == 1
        assert failed[0].message.endswith("`tuinb sessions --stop`.")
        assert client.kernel_state == "dead"
        again = await host.client(notebook_at(path, "x"))  # the host still serves
        await again.detach()


async def test_a_peer_of_another_user_is_dropped_unread(tmp_path: Path) -> None:
    """The host checks the peer's uid (SO_PEERCRED) before reading anything. The test
    cannot connect as another user, so it makes the host's check say "another user"."""
    from tuinb.session import launch, server
    from tuinb.session.places import SessionError

    path = tmp_path / "nb.ipynb"
    async with served(path) as host:
        frame = launch.bring_notebook(notebook_at(path, "x"))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(server, "peer_allowed", lambda sock: False)
            with pytest.raises(SessionError, match="did not answer"):
                await asyncio.to_thread(launch.attach_frame, host.files, frame)
        assert host.core.notebook is None  # the notebook it brought was not read
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(launch, "peer_allowed", lambda sock: False)
            with pytest.raises(SessionError, match="served by another user"):
                await host.attach()
        client = await host.client(notebook_at(path, "x"))
        await client.detach()


async def test_a_client_that_stopped_reading_is_cut_off_when_taken_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuinb.session import link

    monkeypatch.setattr(link, "CUT_OFF", 0.3)
    path = tmp_path / "nb.ipynb"
    async with served(path) as host:
        stuck = await host.client(notebook_at(path, "x"))
        assert stuck._writer is not None
        transport = stuck._writer.transport
        assert isinstance(transport, asyncio.Transport)
        transport.pause_reading()  # a terminal stopped with ctrl+z
        old = host.core.link
        assert old is not None
        for i in range(2000):  # more than the socket buffers hold
            old.send({"t": "ev", "e": "CellQueued", "cell_id": "x" * 1000 + str(i)})
        second = await host.client()
        await until(lambda: old.closed, "the stuck client to be cut off", 15)
        assert host.core.link is not old
        await second.detach()
