"""Shared helpers for tests that start real kernels (import them from any test).

- `write_kernelspec(root, name, argv)` writes `root/kernels/<name>/kernel.json`;
  `write_ipykernel_spec(root)` does it for the running interpreter's ipykernel
  and `write_scripted_spec(root)` for our scripted kernel.
- `kernel_env(root)` points JUPYTER_PATH (and JUPYTER_RUNTIME_DIR) at `root`.
- `running_kernel(spec)` starts a `KernelManager`, yields it, shuts it down and
  asserts that no process of its group is left.
- `assert_no_process(pid)` / `wait_gone(pid)`.
- `someone_elses_kernel(folder)` starts an ipykernel as `jupyter kernel` does (for
  `--existing`): tuinb neither started nor owns it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tuinb.kernel.connection import new_connection_info, write_connection_file
from tuinb.kernel.kernelspec import KernelSpec
from tuinb.kernel.manager import KernelManager
from tuinb.kernel.messages import Message

IPYKERNEL_NAME = "tuinb-test-python"
"""The kernelspec name `write_ipykernel_spec` uses by default."""
SCRIPTED_KERNEL = Path(__file__).parent / "kernel" / "scripted_kernel.py"
"""Our scripted kernel program (speaks the wire protocol, does what it is told)."""


def ipykernel_argv() -> list[str]:
    """The running interpreter's ipykernel command."""
    return [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]


def write_kernelspec(
    root: Path,
    name: str,
    argv: list[str],
    *,
    display_name: str | None = None,
    language: str = "python",
    **extra: Any,
) -> Path:
    """Write `root/kernels/<name>/kernel.json`; returns the spec's folder."""
    folder = root / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    data = {"argv": argv, "display_name": display_name or name, "language": language, **extra}
    (folder / "kernel.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def write_ipykernel_spec(root: Path, name: str = IPYKERNEL_NAME, **extra: Any) -> Path:
    """A kernelspec for this interpreter's ipykernel under `root`."""
    return write_kernelspec(root, name, ipykernel_argv(), **extra)


def write_scripted_spec(root: Path, name: str = "tuinb-scripted", **extra: Any) -> Path:
    """A kernelspec for the scripted kernel (interrupt_mode message by default)."""
    extra.setdefault("interrupt_mode", "message")
    argv = [sys.executable, str(SCRIPTED_KERNEL), "-f", "{connection_file}"]
    return write_kernelspec(root, name, argv, **extra)


def spec_from_folder(folder: Path) -> KernelSpec:
    """The `KernelSpec` for a folder written by `write_kernelspec`."""
    data = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
    return KernelSpec(
        name=folder.name,
        display_name=data["display_name"],
        language=data.get("language", ""),
        argv=data["argv"],
        env=data.get("env", {}),
        interrupt_mode=data.get("interrupt_mode", "signal"),
        resource_dir=folder,
        metadata=data.get("metadata", {}),
    )


@contextlib.contextmanager
def kernel_env(root: Path) -> Iterator[None]:
    """JUPYTER_PATH=root and JUPYTER_RUNTIME_DIR=root/runtime for the duration."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(root))
        patch.setenv("JUPYTER_RUNTIME_DIR", str(root / "runtime"))
        yield


def process_exists(pid: int) -> bool:
    """True if `pid` is a live (non-zombie) process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def group_exists(pgid: int) -> bool:
    """True if any process is left in process group `pgid`."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # zombies count for killpg; look for a live member
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def assert_no_process(pid: int) -> None:
    """Fail if the kernel `pid` or any process of its group is running now."""
    if process_exists(pid) or group_exists(pid):
        pytest.fail(f"kernel process {pid} (or its process group) is still running")


async def wait_gone(pid: int, *, within: float = 5.0) -> None:
    """Async version of `assert_no_process` (polls with asyncio.sleep)."""
    async with asyncio.timeout(within):
        while True:
            if not (process_exists(pid) or group_exists(pid)):
                return
            await asyncio.sleep(0.02)


def assert_kernels_gone(pids: list[int], *, within: float = 10.0) -> None:
    """Each kernel process ends within `within` seconds of its tuinb process (sync callers)."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, TimeoutError):
            asyncio.run(wait_gone(pid, within=within))
        assert not process_exists(pid), f"kernel {pid} outlived tuinb run"


@contextlib.asynccontextmanager
async def running_kernel(
    spec: KernelSpec, *, transport: str = "ipc", start_within: float = 60
) -> AsyncIterator[KernelManager]:
    """Start `spec` with our KernelManager; on exit shut it down and check nothing is left."""
    manager = KernelManager(spec, transport="tcp" if transport == "tcp" else "ipc")
    await manager.start(timeout=start_within)
    pids = {manager.pid}
    try:
        yield manager
    finally:
        pids.add(manager.pid)  # restart gives a new pid
        await manager.shutdown()
        for pid in pids:
            if pid is not None:
                try:
                    await wait_gone(pid)
                except TimeoutError:
                    pytest.fail(f"kernel process {pid} is still running after shutdown")


async def collect_until_idle(
    manager: KernelManager, msg_id: str, *, within: float = 30
) -> list[Message]:
    """Messages of execution `msg_id` until it has both its reply and `status: idle`."""
    seen: list[Message] = []
    got_reply = got_idle = False
    try:
        async with asyncio.timeout(within):
            async for msg in manager.client.messages():
                if msg.parent_id != msg_id:
                    continue
                seen.append(msg)
                got_reply = got_reply or msg.msg_type == "execute_reply"
                state = getattr(msg.content, "execution_state", None)
                got_idle = got_idle or (msg.msg_type == "status" and state == "idle")
                if got_reply and got_idle:
                    return seen
    except TimeoutError:
        types = [m.msg_type for m in seen]
        raise AssertionError(
            f"timed out after {within} s waiting for execute_reply + idle of {msg_id}; got {types}"
        ) from None
    raise AssertionError(f"the message stream ended before execution {msg_id} finished")


@contextlib.asynccontextmanager
async def within(seconds: float, what: str) -> AsyncIterator[None]:
    """`asyncio.timeout(seconds)` whose failure names what the test was waiting for."""
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        raise AssertionError(f"timed out after {seconds:g} s waiting for {what}") from None


async def next_message(
    manager: KernelManager, predicate: Callable[[Message], bool], what: str, *, seconds: float = 30
) -> Message:
    """The next message on the client's stream that satisfies `predicate`."""
    async with within(seconds, what):
        async for msg in manager.client.messages():
            if predicate(msg):
                return msg
    raise AssertionError(f"the message stream ended while waiting for {what}")


@contextlib.contextmanager
def someone_elses_kernel(
    folder: Path, name: str = "kernel-other.json"
) -> Iterator[tuple[Path, subprocess.Popen[bytes]]]:
    """An ipykernel started the way `jupyter kernel` starts one: its own connection file, its
    own process group, not a child of anything tuinb runs."""
    info = new_connection_info("tcp", kernel_name="python3")
    path = folder / name
    write_connection_file(info, path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ipykernel_launcher", "-f", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield path, proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
