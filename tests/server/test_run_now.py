"""A server notebook is read before the first frame without an event loop: the requests of
a `light` connection never wait, so their coroutines run to the end at once."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from tuinb.server.http import run_now


async def _answer() -> int:
    return 42


async def _waits() -> int:
    await asyncio.sleep(0)
    return 1


def test_a_coroutine_that_never_waits_gives_its_value() -> None:
    assert run_now(_answer()) == 42


def test_one_that_waits_is_refused() -> None:
    with pytest.raises(RuntimeError, match="waited"):
        run_now(_waits())


def test_the_server_notebook_path_loads_no_asyncio_before_the_frame() -> None:
    code = (
        "import sys\n"
        "import tuinb.ui.launch_remote, tuinb.engine.sources, tuinb.server.store\n"
        "print('asyncio' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
