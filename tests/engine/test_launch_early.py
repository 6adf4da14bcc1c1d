"""The editor launches its kernel before the UI has loaded; the engine then adopts it."""

from __future__ import annotations

import os

import pytest

from tests.engine.support import make_notebook
from tuinb.engine.kernels import KernelUnavailable, SwitchableKernel, launch_early, make_engine

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("python3_kernelspec")]


async def test_the_engine_starts_on_the_process_launched_early() -> None:
    engine = make_engine(make_notebook("1 + 1"), "python3", cwd=None)
    backend = engine.backend
    assert isinstance(backend, SwitchableKernel)
    try:
        launch_early(engine)
        launched = backend.pid
        assert launched is not None
        os.kill(launched, 0)  # the process runs before anything was awaited
        await engine.start()
        assert backend.pid == launched
        assert engine.kernel_state == "idle"
    finally:
        await engine.shutdown()


async def test_an_unknown_kernel_launched_early_is_reported_by_start() -> None:
    engine = make_engine(make_notebook("1 + 1"), "no-such-kernel", cwd=None)
    launch_early(engine)  # says nothing: the start reports it, as without the early launch
    with pytest.raises(KernelUnavailable, match="no-such-kernel"):
        await engine.start()
    await engine.shutdown()
