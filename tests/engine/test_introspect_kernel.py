"""Completion and help through the engine, on a real ipykernel and on the scripted kernel."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.engine.support import make_notebook, running
from tests.kernel_support import kernel_env, spec_from_folder, within, write_scripted_spec
from tuinb.engine import Completion, Engine, Help
from tuinb.engine.introspect import DEADLINE, Completer
from tuinb.kernel.kernelspec import KernelSpec

pytestmark = [pytest.mark.kernel]

ANSWERED = 10.0
"""The deadline where a test needs the answer: a loaded machine may take more than
the editor's 1 s (an ipykernel's first completion imports its completer)."""


class Patient:
    """The engine, asked with the `ANSWERED` deadline (for a `Completer`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def complete(self, code: str, cursor_pos: int) -> Completion:
        return await self.engine.complete(code, cursor_pos, deadline=ANSWERED)

    async def inspect(self, code: str, cursor_pos: int, detail_level: int = 0) -> Help:
        return await self.engine.inspect(code, cursor_pos, detail_level, deadline=ANSWERED)


@pytest.mark.usefixtures("python3_kernelspec")
async def test_ipykernel_completes_helps_and_a_busy_kernel_never_blocks() -> None:
    notebook = make_notebook("import time\nprint('asleep', flush=True)\ntime.sleep(4)")
    async with running(notebook) as run:
        code = "import os\nos.pa"
        async with within(ANSWERED + 5, "completions of os.pa"):
            result = await run.engine.complete(code, len(code), deadline=ANSWERED)
        assert result.status == "ok"
        assert "path" in [m.text for m in result.matches]
        assert (result.cursor_start, result.cursor_end) == (13, 15)
        async with within(ANSWERED + 5, "completions of pri"):
            printed = await run.engine.complete("pri", 3, deadline=ANSWERED)
        first = printed.matches[0]
        assert (first.text, first.type) == ("print", "function")  # _jupyter_types_experimental
        assert first.signature.startswith("(*values")

        async with within(ANSWERED + 5, "help on len"):
            helped = await run.engine.inspect("len(", 4, deadline=ANSWERED)
        assert helped.found
        assert "Signature:" in helped.plain
        assert "len(obj, /)" in helped.plain
        assert "\x1b[" in helped.text  # IPython's colours kept for the pager

        run.engine.run_cell("c0")
        await run.until(lambda: notebook.cell("c0").outputs != [], "the cell to be asleep")
        # the 4 s sleep holds the kernel: busy at once, no request left queued in it
        async with within(DEADLINE + 1, "the deadline while the cell sleeps"):
            busy = await run.engine.complete(code, len(code))
        assert busy.status == "busy"
        assert busy.hint == "kernel busy"
        await run.until(lambda: "c0" in run.finished(), "the sleeping cell to end")
        # the cell ended: the kernel answers again
        async with within(ANSWERED + 5, "completions after the sleep"):
            again = await run.engine.complete("pri", 3, deadline=ANSWERED)
        assert again.status == "ok"
        assert [m.text for m in again.matches] == ["print"]


@pytest.fixture
def scripted_spec(tmp_path: Path) -> KernelSpec:
    with kernel_env(tmp_path):
        return spec_from_folder(write_scripted_spec(tmp_path))


async def test_scripted_kernel_types_silence_slowness_and_busy(
    scripted_spec: KernelSpec, tmp_path: Path
) -> None:
    with kernel_env(tmp_path):
        async with running(make_notebook("sleep"), scripted_spec) as run:
            engine = run.engine
            async with within(ANSWERED + 5, "scripted completions"):
                result = await engine.complete("x = al", 6, deadline=ANSWERED)
            assert [(m.text, m.type, m.signature) for m in result.matches] == [
                ("alpha", "function", "(x, y=1)"),
                ("alphabet", "module", ""),
            ]
            assert (result.cursor_start, result.cursor_end) == (4, 6)

            async with within(ANSWERED + 5, "scripted help"):
                helped = await engine.inspect("alpha", 5, deadline=ANSWERED)
            assert helped.text == "\x1b[31mSignature:\x1b[0m alpha(x)\nDocstring: first letter"

            async with within(DEADLINE + 1, "the deadline of a request never answered"):
                silent = await engine.complete("never al", 8)
            async with within(DEADLINE + 1, "the deadline of a slow request"):
                slow = await engine.complete("slow al", 7)
            assert (silent.status, slow.status) == ("timeout", "timeout")

            completer = Completer(Patient(engine))
            async with within(ANSWERED + 5, "the Completer's answer"):
                answered = await completer.complete("x = al", 6)
            assert answered is not None
            assert answered.matches[0].text == "alpha"

            # another frontend's `sleep`: the engine runs nothing, the kernel is busy
            await run.manager.client.execute("sleep")
            await run.until(lambda: engine.kernel_state == "busy", "the sleep to start")
            assert engine.running == []
            async with within(DEADLINE + 1, "the deadline while the kernel sleeps"):
                busy = await engine.inspect("alpha", 5)
            assert busy.status == "busy"  # asked, held by the kernel, given up at the deadline
            await engine.interrupt()
            await run.until(lambda: engine.kernel_state == "idle", "the interrupted sleep to end")
            # the held and the slow replies arrived late: all dropped
            async with within(ANSWERED + 5, "completions after the interrupt"):
                after = await engine.complete("x = alp", 7, deadline=ANSWERED)
            assert after.status == "ok"
            assert after.cursor_end == 7


async def test_no_kernel_yet_is_unavailable_at_once() -> None:
    notebook = make_notebook("1")

    class NotStarted:
        async def start(self, *, timeout: float = 60) -> None: ...  # noqa: ASYNC109
        async def interrupt(self) -> None: ...
        async def restart(self, *, timeout: float = 60) -> None: ...  # noqa: ASYNC109
        async def shutdown(self, *, timeout: float = 5) -> None: ...  # noqa: ASYNC109
        async def wait_for_death(self) -> str:
            await asyncio.Event().wait()
            return ""

    engine = Engine(notebook, NotStarted())
    async with within(1, "an engine without a kernel"):
        assert (await engine.complete("pri", 3)).status == "unavailable"
        assert (await engine.inspect("len", 3)).status == "unavailable"
