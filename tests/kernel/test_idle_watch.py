"""The death watch of an idle kernel: no pings while nobody talks to it, death noticed anyway.

An idle session host must use no CPU, so a kernel that is idle and quiet is
not pinged; its process's exit is still noticed at once (a pidfd), and a hung
kernel as soon as anything is sent to it. `QUIET_AFTER` is made short here so
the watch goes quiet within the test; the watch says whether it pings
(`KernelManager.pinging`), so nothing waits on time.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from tests.kernel_support import running_kernel, spec_from_folder, within, write_ipykernel_spec
from tuinb.kernel import liveness
from tuinb.kernel.kernelspec import KernelSpec
from tuinb.kernel.manager import KernelManager

pytestmark = pytest.mark.kernel


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KernelSpec:
    monkeypatch.setattr(liveness, "QUIET_AFTER", 0.3)
    return spec_from_folder(write_ipykernel_spec(tmp_path))


async def _quiet(manager: KernelManager) -> None:
    async with within(10, "the death watch to stop pinging an idle kernel"):
        while manager.pinging:  # noqa: ASYNC110 (bounded)
            await asyncio.sleep(0.02)


async def test_an_idle_quiet_kernel_is_not_pinged_until_someone_talks_to_it(
    spec: KernelSpec,
) -> None:
    async with running_kernel(spec) as manager:
        await _quiet(manager)
        before = manager.last_heartbeat
        await manager.client.kernel_info(timeout=10)
        async with within(5, "a heartbeat after a request"):
            while manager.last_heartbeat == before:  # noqa: ASYNC110 (bounded)
                await asyncio.sleep(0.02)
        await _quiet(manager)


async def test_a_quiet_kernels_death_is_noticed_at_once(spec: KernelSpec) -> None:
    async with running_kernel(spec) as manager:
        await _quiet(manager)
        pid = manager.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        async with within(2, "wait_for_death after kill -9 of an idle kernel"):
            reason = await manager.wait_for_death()
        assert "SIGKILL" in reason


async def test_a_hung_quiet_kernel_is_noticed_when_a_request_goes_to_it(
    spec: KernelSpec,
) -> None:
    async with running_kernel(spec) as manager:
        await _quiet(manager)
        pid = manager.pid
        assert pid is not None
        os.killpg(pid, signal.SIGSTOP)
        try:
            await manager.client.execute("1")
            async with within(2.5, "wait_for_death of a stopped kernel after a request"):
                reason = await manager.wait_for_death()
        finally:
            os.killpg(pid, signal.SIGCONT)
        assert "heartbeat" in reason
