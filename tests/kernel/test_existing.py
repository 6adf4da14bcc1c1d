"""Attaching to kernels tuinb did not start: `--existing` as `jupyter console --existing`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.engine.support import make_notebook
from tests.kernel_support import process_exists, someone_elses_kernel, wait_gone
from tests.server.engine_support import remote_engine, text_of
from tests.server.support import kernel_pid, running_server
from tuinb.engine import KernelDied
from tuinb.engine.backends import owns_kernel
from tuinb.kernel.connection import new_connection_info, write_connection_file
from tuinb.kernel.errors import KernelError
from tuinb.kernel.existing import ExistingKernel, find_connection_file, running_kernels

pytestmark = [pytest.mark.kernel, pytest.mark.timeout(180)]


@pytest.fixture
def runtime(isolated_dirs: Path) -> Path:
    folder = Path(os.environ["JUPYTER_RUNTIME_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_connection_files_by_path_name_or_newest(runtime: Path, tmp_path: Path) -> None:
    older, newer = runtime / "kernel-abc123.json", runtime / "kernel-def456.json"
    for index, path in enumerate((older, newer)):
        write_connection_file(new_connection_info("tcp", kernel_name="python3"), path)
        os.utime(path, (1_000_000 + index, 1_000_000 + index))
    assert find_connection_file() == newer
    assert find_connection_file("abc") == older
    assert find_connection_file("kernel-def456.json") == newer
    assert find_connection_file(str(older)) == older
    with pytest.raises(KernelError, match="matches 'zzz'"):
        find_connection_file("zzz")
    with pytest.raises(KernelError, match="no connection file"):
        find_connection_file(tmp_path / "missing" / "kernel-1.json")
    listed = running_kernels()
    assert [k.path for k in listed] == [newer, older]
    assert all(k.pid is None and k.kernel_name == "python3" for k in listed)


def test_nothing_to_attach_to_is_one_sentence(runtime: Path) -> None:
    with pytest.raises(KernelError) as caught:
        find_connection_file()
    assert "no running kernel" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.fixture
async def other(runtime: Path) -> AsyncIterator[tuple[Path, subprocess.Popen[bytes]]]:
    with someone_elses_kernel(runtime) as running:
        yield running


async def test_attach_run_interrupt_and_quit_leaves_it_running(
    other: tuple[Path, subprocess.Popen[bytes]],
) -> None:
    path, proc = other
    backend = ExistingKernel(find_connection_file())
    assert not owns_kernel(backend)
    notebook = make_notebook(
        "x = 41\nprint(x + 1)", "import time\nfor _ in range(600): time.sleep(0.1)", "x"
    )
    async with remote_engine(notebook, backend) as run:
        assert (await run.run("c0", "a cell on the existing kernel")).status == "ok"
        assert text_of(notebook, "c0") == "42\n"
        assert backend.pid == proc.pid  # found by its command line: it can be signalled
        run.engine.run_cell("c1")
        await run.until(lambda: run.engine.kernel_state == "busy", "the loop to start")
        await run.engine.interrupt()
        await run.until(lambda: "c1" in run.finished(), "the interrupt")
        assert run.finished()["c1"].ename == "KeyboardInterrupt"
    assert process_exists(proc.pid)  # not ours to stop
    # a second tuinb attaches to the same state
    again = make_notebook("x")
    async with remote_engine(again, ExistingKernel(path)) as run:
        await run.run("c0", "x again")
        assert text_of(again, "c0") == "41"


async def test_interrupt_by_message_when_the_process_is_not_here(
    other: tuple[Path, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    path, _proc = other
    copy = tmp_path / "elsewhere.json"  # as if copied from another machine: no process names it
    copy.write_text(path.read_text())
    backend = ExistingKernel(copy)
    notebook = make_notebook("import time\nfor _ in range(600): time.sleep(0.1)")
    async with remote_engine(notebook, backend) as run:
        assert backend.pid is None
        run.engine.run_cell("c0")
        await run.until(lambda: run.engine.kernel_state == "busy", "the loop to start")
        await run.engine.interrupt()  # interrupt_request: ipykernel interrupts itself
        await run.until(lambda: "c0" in run.finished(), "the interrupt by message")
        assert run.finished()["c0"].ename == "KeyboardInterrupt"


async def test_the_death_of_an_existing_kernel_is_noticed(
    other: tuple[Path, subprocess.Popen[bytes]],
) -> None:
    path, proc = other
    notebook = make_notebook("1")
    async with remote_engine(notebook, ExistingKernel(path)) as run:
        await run.run("c0", "a first cell")
        os.killpg(proc.pid, signal.SIGKILL)
        await run.until(lambda: any(isinstance(e, KernelDied) for e in run.seen), "the death", 10)
        await wait_gone(proc.pid)


async def test_restart_works_when_the_owner_restarts_it(tmp_path: Path) -> None:
    """JupyterLab's server restarts a kernel that exits: attach to one of its kernels."""
    with running_server(tmp_path / "srv", args=("--KernelRestarter.time_to_dead=0.5",)) as server:
        kernel_id = server.api("POST", "api/kernels", json={"name": "python3"}).json()["id"]
        path = server.runtime / f"kernel-{kernel_id}.json"
        async with asyncio.timeout(30):
            while not path.exists():  # noqa: ASYNC110 (bounded)
                await asyncio.sleep(0.05)
        pid = kernel_pid(server, kernel_id)
        notebook = make_notebook("y = 1", "y")
        async with remote_engine(notebook, ExistingKernel(path)) as run:
            await run.run("c0", "y = 1")
            await run.engine.restart()
            assert (await run.run("c1", "y after the restart")).ename == "NameError"
        assert kernel_pid(server, kernel_id) != pid  # the server started a new process
        assert json.loads(path.read_text())["shell_port"]
