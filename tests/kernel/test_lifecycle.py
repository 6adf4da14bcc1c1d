"""Start failures, interrupt, restart, death and shutdown with fresh ipykernels."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.kernel_support import (
    assert_no_process,
    collect_until_idle,
    ipykernel_argv,
    next_message,
    running_kernel,
    spec_from_folder,
    wait_gone,
    within,
    write_ipykernel_spec,
    write_kernelspec,
)
from tuinb.kernel.connection import read_connection_file, remove_connection
from tuinb.kernel.errors import KernelDeadError, KernelStartError
from tuinb.kernel.kernelspec import KernelSpec
from tuinb.kernel.manager import KernelManager, shutdown_all_kernels_sync
from tuinb.kernel.messages import Error, Message, Stream

pytestmark = pytest.mark.kernel


def _connection_files() -> list[Path]:
    return list(Path(os.environ["JUPYTER_RUNTIME_DIR"]).glob("*.json"))


@pytest.fixture
def spec(tmp_path: Path) -> KernelSpec:
    """A fresh ipykernel spec per test."""
    return spec_from_folder(write_ipykernel_spec(tmp_path))


@pytest.mark.parametrize("mode", ["signal", "message"])
async def test_interrupt_ipykernel(tmp_path: Path, mode: str) -> None:
    spec = spec_from_folder(write_ipykernel_spec(tmp_path, interrupt_mode=mode))
    assert spec.interrupt_mode == mode
    async with running_kernel(spec) as manager:
        code = "import time; print('sleeping', flush=True); time.sleep(30)"
        msg_id = await manager.client.execute(code)
        await next_message(  # user code is running (a signal during set-up can be lost)
            manager,
            lambda m: m.msg_type == "stream" and m.parent_id == msg_id,
            "the sleeping cell's first output",
        )
        await manager.interrupt()
        async with within(10, "the interrupted sleep to finish"):
            messages = await collect_until_idle(manager, msg_id)
        error = next(m.content for m in messages if isinstance(m.content, Error))
        assert error.ename == "KeyboardInterrupt"
        assert manager.is_alive


async def test_restart_gives_a_new_process(spec: KernelSpec) -> None:
    async with running_kernel(spec) as manager:
        first_pid = manager.pid
        first_file = manager.connection_file
        assert first_pid is not None
        assert first_file is not None
        msg_id = await manager.client.execute("kept = 1")
        await collect_until_idle(manager, msg_id)
        async with within(60, "the restart"):
            client = await manager.restart()
        assert client is manager.client
        assert manager.pid != first_pid
        await wait_gone(first_pid)
        assert not first_file.exists()
        msg_id = await client.execute("kept")
        messages = await collect_until_idle(manager, msg_id)
        error = next(m.content for m in messages if isinstance(m.content, Error))
        assert error.ename == "NameError"


async def test_kill_9_is_noticed_within_2_seconds(spec: KernelSpec) -> None:
    async with running_kernel(spec) as manager:
        pid = manager.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        async with within(2, "wait_for_death after kill -9"):
            reason = await manager.wait_for_death()
        assert "SIGKILL" in reason
        assert not manager.is_alive
        with pytest.raises(KernelDeadError, match="restart"):
            await manager.client.kernel_info(timeout=1)
        assert await manager.wait_for_death() == reason


async def test_stopped_heartbeat_is_noticed(spec: KernelSpec) -> None:
    async with running_kernel(spec) as manager:
        pid = manager.pid
        assert pid is not None
        os.killpg(pid, signal.SIGSTOP)
        try:
            async with within(2.5, "wait_for_death after SIGSTOP"):
                reason = await manager.wait_for_death()
        finally:
            os.killpg(pid, signal.SIGCONT)
        assert "heartbeat" in reason


async def test_shutdown_is_not_a_death(spec: KernelSpec) -> None:
    manager = KernelManager(spec)
    await manager.start()
    pid = manager.pid
    assert pid is not None
    connection_file = manager.connection_file
    assert connection_file is not None
    death = asyncio.create_task(manager.wait_for_death())
    await manager.shutdown()
    await manager.shutdown()  # idempotent
    assert not death.done()
    death.cancel()
    assert_no_process(pid)
    assert not connection_file.exists()
    assert not manager.is_alive
    assert manager.pid is None


async def test_no_exit_grace_terminates_the_kernel_once_it_replied(spec: KernelSpec) -> None:
    manager = KernelManager(spec, exit_grace=0)
    client = await manager.start()
    proc = manager._proc  # the process object, to read how it ended
    assert proc is not None
    connection_file = manager.connection_file
    assert connection_file is not None
    ipc_dir = Path(client.info.ip).parent
    assert ipc_dir.is_dir()
    await manager.shutdown(timeout=5)
    # ipykernel needs ~0.2 s after its reply to exit by itself: it was signalled instead
    assert proc.returncode == -signal.SIGTERM
    assert_no_process(proc.pid)
    assert not connection_file.exists()
    assert not ipc_dir.exists()


async def test_launch_then_start_connects_to_the_launched_process(spec: KernelSpec) -> None:
    manager = KernelManager(spec)
    manager.launch()
    pid = manager.pid
    assert pid is not None
    manager.launch()  # already launched: nothing new
    assert manager.pid == pid
    try:
        async with within(60, "start after launch"):
            client = await manager.start()
        assert manager.pid == pid
        msg_id = await client.execute("print('hi')")
        messages = await collect_until_idle(manager, msg_id)
        assert any(isinstance(m.content, Stream) and m.content.text == "hi\n" for m in messages)
    finally:
        await manager.shutdown()
    assert_no_process(pid)


def test_launching_a_kernel_imports_neither_zmq_nor_asyncio() -> None:
    code = (
        "import sys, tuinb.cli, tuinb.headless.run, tuinb.kernel.manager, tuinb.kernel.kernelspec;"
        "print(sorted(m for m in ('asyncio', 'zmq', 'tuinb.engine', 'tuinb.model')"
        " if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


async def test_shutdown_all_kernels_sync(spec: KernelSpec) -> None:
    managers = [KernelManager(spec), KernelManager(spec, transport="tcp")]
    for manager in managers:
        await manager.start()
    pids = [m.pid for m in managers]
    files = [m.connection_file for m in managers]
    shutdown_all_kernels_sync()
    for pid, path in zip(pids, files, strict=True):
        assert pid is not None
        assert path is not None
        await wait_gone(pid)
        assert not path.exists()
    for manager in managers:
        await manager.shutdown()  # still fine afterwards


async def test_missing_command_is_a_start_error(tmp_path: Path) -> None:
    folder = write_kernelspec(
        tmp_path, "ghost", ["/nonexistent/kernel-binary", "{connection_file}"]
    )
    with pytest.raises(KernelStartError, match=r"'ghost' could not be started.*kernel-binary"):
        await KernelManager(spec_from_folder(folder)).start(timeout=10)
    assert _connection_files() == []


async def test_kernel_that_exits_shows_its_stderr(tmp_path: Path) -> None:
    code = "import sys; sys.stderr.write('boom: libfoo.so not found\\n'); sys.exit(3)"
    folder = write_kernelspec(tmp_path, "crashy", [sys.executable, "-c", code])
    manager = KernelManager(spec_from_folder(folder))
    with pytest.raises(KernelStartError) as info:
        await manager.start(timeout=20)
    message = str(info.value)
    assert "'crashy'" in message
    assert "exit code 3" in message
    assert "boom: libfoo.so not found" in message


async def test_kernel_that_never_answers_times_out(tmp_path: Path) -> None:
    code = (
        "import sys, threading; print('silent kernel', file=sys.stderr, flush=True); "
        "threading.Event().wait(60)"
    )
    folder = write_kernelspec(tmp_path, "mute", [sys.executable, "-c", code])
    manager = KernelManager(spec_from_folder(folder))
    with pytest.raises(KernelStartError, match=r"did not answer within 1\.5 s(.|\n)*silent kernel"):
        await manager.start(timeout=1.5)
    assert manager.pid is None
    assert _connection_files() == []


CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from tuinb.kernel.kernelspec import KernelSpec
    from tuinb.kernel.manager import KernelManager

    async def main():
        spec = KernelSpec("py", "py", "python", {argv!r})
        manager = KernelManager(spec)
        await manager.start()
        print(manager.pid, manager.connection_file, flush=True)
        if sys.argv[1] == "hang":
            await asyncio.Event().wait()
        if sys.argv[1] == "raise":
            raise RuntimeError("a bug in the frontend")

    asyncio.run(main())
    """
)


async def _child(mode: str) -> tuple[asyncio.subprocess.Process, int, Path]:
    script = CHILD.format(argv=ipykernel_argv())
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        mode,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    async with within(60, "the child to start its kernel"):
        line = await proc.stdout.readline()
    pid, path = line.decode().split()
    return proc, int(pid), Path(path)


@pytest.mark.parametrize(("mode", "status"), [("exit", 0), ("raise", 1)])
async def test_exit_or_crash_leaves_no_kernel(mode: str, status: int) -> None:
    proc, pid, path = await _child(mode)
    async with within(10, "the child to exit"):
        assert await proc.wait() == status
    assert_no_process(pid)
    assert not path.exists()


async def test_killed_frontend_leaves_no_kernel() -> None:
    proc, pid, path = await _child("hang")
    info = read_connection_file(path)
    proc.kill()
    async with within(10, "the killed child to be reaped"):
        await proc.wait()
    # ipykernel watches JPY_PARENT_PID and exits when its parent is gone
    try:
        await wait_gone(pid, within=15)
    except TimeoutError:
        os.killpg(pid, signal.SIGKILL)
        pytest.fail("the kernel outlived its killed parent (JPY_PARENT_PID not honoured)")
    finally:
        remove_connection(info, path)  # what a killed process cannot do itself


async def test_unwritable_runtime_dir_is_a_start_error(
    spec: KernelSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(blocker / "runtime"))
    manager = KernelManager(spec)
    with pytest.raises(KernelStartError, match="connection file could not be written"):
        await manager.start(timeout=10)
    assert manager.pid is None


async def test_a_stalled_event_loop_is_not_a_death(spec: KernelSpec) -> None:
    async with running_kernel(spec) as manager:
        death = asyncio.create_task(manager.wait_for_death())
        async with within(5, "a first heartbeat"):
            while manager.last_heartbeat is None:  # noqa: ASYNC110 (bounded)
                await asyncio.sleep(0.05)
        stall_end = time.monotonic() + 1.5
        while time.monotonic() < stall_end:  # our loop blocked (a slow render, say)
            pass
        async with within(5, "a heartbeat answered after the stall"):
            while (manager.last_heartbeat or 0) <= stall_end:  # noqa: ASYNC110 (bounded)
                await asyncio.sleep(0.05)
        assert not death.done()
        assert manager.is_alive
        death.cancel()


async def test_cancelled_start_leaves_nothing(spec: KernelSpec) -> None:
    manager = KernelManager(spec)
    task = asyncio.create_task(manager.start())
    async with within(30, "the kernel process to be launched"):
        while manager.pid is None:  # noqa: ASYNC110 (bounded)
            await asyncio.sleep(0.005)
    pid = manager.pid
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        async with within(10, "the cancelled start to clean up"):
            await task
    await wait_gone(pid)
    assert manager.pid is None
    assert _connection_files() == []


async def test_env_cwd_and_parent_pid_reach_the_kernel(tmp_path: Path) -> None:
    folder = write_ipykernel_spec(tmp_path, env={"TUINB_GREETING": "hi ${TUINB_WHO}"})
    workdir = tmp_path / "notebooks"
    workdir.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TUINB_WHO", "ada")
        manager = KernelManager(spec_from_folder(folder), cwd=workdir)
        await manager.start()
    try:
        code = (
            "import os; e = os.environ\n"
            "print(e['TUINB_GREETING'], e['JPY_PARENT_PID'], os.getcwd())"
        )
        msg_id = await manager.client.execute(code)
        messages = await collect_until_idle(manager, msg_id)
        text = "".join(m.content.text for m in messages if isinstance(m.content, Stream))
        assert text.split() == ["hi", "ada", str(os.getpid()), str(workdir)]
    finally:
        await manager.shutdown()


async def test_a_booting_kernel_is_not_sent_a_pile_of_kernel_info_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each request still queued when the kernel comes up delays the first cell: while
    a kernel boots (here slowly, 0.6 s before ipykernel even loads), the client asks
    once a BOOT_RESEND, not every 0.2 s."""
    from tuinb.kernel import client as client_module

    slow = [sys.executable, "-c", SLOW_BOOT, "-f", "{connection_file}"]
    spec = spec_from_folder(write_kernelspec(tmp_path, "slow", slow))
    sends: list[float] = []
    replies: list[float] = []
    send, dispatch = client_module.KernelClient._send_request, client_module.KernelClient._dispatch

    def counting(self: client_module.KernelClient, channel: str, content: object) -> object:
        if type(content).__name__ == "KernelInfoRequest":
            sends.append(time.monotonic())
        return send(self, channel, content)  # type: ignore[arg-type]

    def noting(self: client_module.KernelClient, msg: Message) -> None:
        if msg.msg_type == "kernel_info_reply":
            replies.append(time.monotonic())
        dispatch(self, msg)

    monkeypatch.setattr(client_module.KernelClient, "_send_request", counting)
    monkeypatch.setattr(client_module.KernelClient, "_dispatch", noting)
    async with running_kernel(spec):
        pass
    first_reply = replies[0]
    before_reply = [t for t in sends if t < first_reply]
    booting = first_reply - sends[0]
    assert len(before_reply) <= 1 + int(booting / client_module.BOOT_RESEND), (sends, booting)


SLOW_BOOT = (
    "import sys, time; time.sleep(0.6); sys.argv[0] = 'ipykernel_launcher'; "
    "from ipykernel import kernelapp; kernelapp.launch_new_instance()"
)
