"""Sessions through a real host process and a real ipykernel.

A client in a process of its own (`tests.session.attach_client`) starts the
host and runs a cell; the test kills that client (kill -9, SIGHUP) and
attaches itself, as a new terminal would; or it kills the host.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.engine.support import make_notebook
from tests.kernel_support import process_exists, wait_gone, within
from tests.session.support import Events, until
from tuinb import paths
from tuinb.engine import events as ev
from tuinb.model import find_recovery, load, save
from tuinb.session.client import SessionClient
from tuinb.session.events import SessionLost
from tuinb.session.launch import attach, attach_frame, find_live, query, start_host
from tuinb.session.places import SessionFiles, SessionInfo

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("python3_kernelspec")]
REPO = Path(__file__).resolve().parents[2]
SLOW_LINES = (
    "import time\nfor i in range(25):\n    print(f'line {i}', flush=True)\n    time.sleep(0.2)\n"
)


def _write(path: Path, *sources: str) -> Path:
    notebook = make_notebook(*sources)
    save(notebook, path)
    return path


class ClientProcess:
    """`tests.session.attach_client` running in its own process."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.said: list[str] = []

    async def until(self, predicate: Callable[[str], bool], what: str, seconds: float = 60) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        async with within(seconds, f"the client to say {what} (it said {self.said[-5:]})"):
            while True:
                line = (await stdout.readline()).decode().strip()
                if not line:
                    pytest.fail(f"the client ended before {what}; it said {self.said[-5:]}")
                self.said.append(line)
                if predicate(line):
                    return


def _connection_files(host_pid: int) -> list[Path]:
    """Connection files of the kernels a host process started."""
    runtime = Path(os.environ["JUPYTER_RUNTIME_DIR"])
    return list(runtime.glob(f"kernel-tuinb-{host_pid}-*.json"))


def _reaped(pid: int) -> bool:
    """The process is gone, not even a zombie (what the next tuinb's sweep looks for)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _lines(line: str) -> int:
    return int(line.split()[1]) if line.startswith("lines ") else -1


@contextlib.asynccontextmanager
async def client_process(notebook: Path, *, run: bool) -> AsyncIterator[ClientProcess]:
    argv = [sys.executable, "-m", "tests.session.attach_client", str(notebook)]
    process = await asyncio.create_subprocess_exec(
        *(argv + (["--run"] if run else [])),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield ClientProcess(process)
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


@contextlib.asynccontextmanager
async def host_cleanup(notebook: Path) -> AsyncIterator[None]:
    """Whatever the test does, no host and no kernel of this notebook outlive it."""
    try:
        yield
    finally:
        files = SessionFiles.for_notebook(notebook)
        info = SessionInfo.read(files)
        kernel = None
        if info is not None and process_exists(info.pid):
            with contextlib.suppress(Exception):
                kernel = query(files, timeout=2).get("kernel_pid")
            os.kill(info.pid, signal.SIGKILL)
            await wait_gone(info.pid)
        if isinstance(kernel, int):
            await wait_gone(kernel)
        find_live(notebook)  # removes the killed host's files


async def _attach_here(notebook: Path) -> tuple[SessionClient, Events]:
    files = find_live(notebook)
    assert files is not None, "no live session to attach to"
    attachment = await asyncio.to_thread(attach, files)
    assert attachment.notebook is not None
    client = SessionClient(attachment.notebook, attachment)
    events = Events(client)
    await client.start()
    return client, events


async def _end(client: SessionClient, notebook: Path) -> None:
    """End the session; its host and its kernel are gone afterwards."""
    files = SessionFiles.for_notebook(notebook)
    info = SessionInfo.read(files)
    kernel = query(files).get("kernel_pid")
    assert await client.end("discard") == "ended"
    assert info is not None
    await wait_gone(info.pid, within=15)
    assert isinstance(kernel, int)
    await wait_gone(kernel)
    assert not files.socket.exists()


async def test_a_killed_client_loses_nothing_and_the_cell_keeps_running(tmp_path: Path) -> None:
    notebook = _write(tmp_path / "slow.ipynb", SLOW_LINES)
    async with host_cleanup(notebook):
        async with client_process(notebook, run=True) as first:
            await first.until(lambda line: _lines(line) >= 5, "5 lines (about 1 s)")
            first.process.kill()  # kill -9: no goodbye
        client, events = await _attach_here(notebook)
        cell = client.notebook.cells[0]
        seen_at_attach = cell.outputs[0]["text"].count("\n")
        assert seen_at_attach >= 5
        await events.until(lambda: bool(events.of(ev.CellStarted)), "the running cell's mark")
        assert client.kernel_state == "busy"
        await events.until(lambda: bool(events.of(ev.CellFinished)), "the cell to end", 60)
        assert len(events.of(ev.OutputsChanged)) > 0  # it went on streaming to this client
        expected = "".join(f"line {i}\n" for i in range(25))
        assert cell.outputs[0]["text"] == expected
        assert events.of(ev.CellFinished)[-1].status == "ok"
        assert (await client.save()).status == "saved"
        saved = load(notebook)
        assert saved.cells[0].outputs[0]["text"] == expected
        assert saved.cells[0].execution_count == 1
        await _end(client, notebook)


async def test_a_hangup_mid_flood_loses_no_line(tmp_path: Path) -> None:
    flood = "for i in range(200_000):\n    print(i)\n"
    notebook = _write(tmp_path / "flood.ipynb", flood)
    async with host_cleanup(notebook):
        async with client_process(notebook, run=True) as first:
            await first.until(lambda line: _lines(line) > 0, "the flood's first lines")
            first.process.send_signal(signal.SIGHUP)  # the terminal went away
            await asyncio.wait_for(first.process.wait(), 10)
        client, events = await _attach_here(notebook)
        cell = client.notebook.cells[0]

        def flooded() -> bool:
            return bool(cell.outputs) and cell.outputs[0]["text"].endswith("199999\n")

        await events.until(flooded, "every line of the flood", 120)
        text = cell.outputs[0]["text"]
        assert text == "".join(f"{i}\n" for i in range(200_000))
        await _end(client, notebook)


async def test_a_killed_host_takes_its_kernel_and_leaves_a_recovery_copy(tmp_path: Path) -> None:
    source = SLOW_LINES.replace("range(25)", "range(600)").replace("0.2", "0.1")
    notebook = _write(tmp_path / "doomed.ipynb", source)
    async with host_cleanup(notebook):
        starting = start_host(notebook, kernel="python3", recovery_interval=0.2)
        client = SessionClient(
            load(notebook), connect=lambda frame: attach_frame(starting.wait_ready(), frame)
        )
        events = Events(client)
        await client.start()
        client.run_cells([client.notebook.cells[0].id])
        cell = client.notebook.cells[0]
        await events.until(
            lambda: bool(cell.outputs) and "line 4\n" in cell.outputs[0]["text"], "5 lines"
        )
        copy = paths.recovery_file(notebook)

        def copied() -> bool:
            return copy.exists() and "line 4" in copy.read_text()

        await events.until(copied, "the recovery copy to hold line 4")
        files = SessionFiles.for_notebook(notebook)
        info = SessionInfo.read(files)
        kernel = query(files).get("kernel_pid")
        assert info is not None
        assert isinstance(kernel, int)
        os.kill(info.pid, signal.SIGKILL)
        await events.until(lambda: bool(events.of(SessionLost)), "the editor to notice")
        assert events.of(SessionLost)[0].reason == "host_gone"
        assert client.kernel_state == "dead"
        await wait_gone(kernel, within=10)  # ipykernel saw its parent die
        await until(lambda: _reaped(info.pid), "the killed host to be reaped")
        assert files.socket.exists()  # a dead host's socket, until the next start
        assert find_live(notebook) is None
        assert not files.socket.exists()
        offered = find_recovery(notebook)
        assert offered is not None
        recovered = load(offered).cells[0].outputs[0]["text"]
        assert recovered.startswith("line 0\nline 1\nline 2\nline 3\nline 4\n")
        # the next start of the notebook's session works on the same socket path
        again = start_host(notebook, kernel="python3")
        fresh = SessionClient(load(notebook), connect=lambda f: attach_frame(again.wait_ready(), f))
        await fresh.start()
        assert not _connection_files(info.pid)  # the killed host's kernel's: swept
        await _end(fresh, notebook)


async def test_a_host_nobody_attaches_to_ends_by_itself(tmp_path: Path) -> None:
    notebook = _write(tmp_path / "orphan.ipynb", "1")
    async with host_cleanup(notebook):
        files = start_host(notebook, kernel="python3", init_timeout=0.5).wait_ready()
        info = SessionInfo.read(files)
        assert info is not None
        await wait_gone(info.pid, within=20)
        assert not files.socket.exists()
        assert not files.lock.exists()


async def _tuinb(*argv: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tuinb",
        *argv,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )
    async with within(60, f"tuinb {' '.join(argv)}"):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_tuinb_sessions_lists_and_stops_a_real_session(tmp_path: Path) -> None:
    notebook = _write(tmp_path / "listed.ipynb", "print(1)")
    async with host_cleanup(notebook), client_process(notebook, run=True) as editor:
        await editor.until(lambda line: line == "CellFinished", "the cell to finish")
        files = SessionFiles.for_notebook(notebook)
        info = SessionInfo.read(files)
        kernel = query(files).get("kernel_pid")
        code, out, _err = await _tuinb("sessions")
        assert code == 0
        row = out.splitlines()[1]
        assert row.startswith(str(notebook))
        assert row.split()[-2:] == ["yes", "yes"]  # unsaved (an output arrived), attached
        code, _out, err = await _tuinb("sessions", "--stop", str(notebook))
        assert code == 1
        assert "unsaved changes" in err
        code, out, _err = await _tuinb("sessions", "--stop", str(notebook), "--discard")
        assert code == 0
        assert out.startswith("Stopped the session of")
        await editor.until(lambda line: line == "SessionLost", "the editor to be told")
        assert info is not None
        await wait_gone(info.pid)
        assert isinstance(kernel, int)
        await wait_gone(kernel)
        code, out, _err = await _tuinb("sessions")
        assert out == "No tuinb sessions are running.\n"


async def test_sigterm_keeps_unsaved_work_and_leaves_nothing_behind(tmp_path: Path) -> None:
    notebook = _write(tmp_path / "termed.ipynb", "1")
    async with host_cleanup(notebook):
        starting = start_host(notebook, kernel="python3")
        client = SessionClient(
            load(notebook), connect=lambda frame: attach_frame(starting.wait_ready(), frame)
        )
        await client.start()
        client.notebook.set_source(client.notebook.cells[0].id, "unsaved work")
        assert await client.end("refuse") == "unsaved"  # a round trip: the host has the edit
        files = SessionFiles.for_notebook(notebook)
        info = SessionInfo.read(files)
        kernel = query(files).get("kernel_pid")
        await client.detach()
        assert info is not None
        os.kill(info.pid, signal.SIGTERM)
        await wait_gone(info.pid, within=15)
        assert isinstance(kernel, int)
        await wait_gone(kernel)
        assert not files.socket.exists()
        assert not files.lock.exists()
        offered = find_recovery(notebook)
        assert offered is not None
        assert load(offered).cells[0].source == "unsaved work"
