"""Running cells in the editor, driven by a scripted engine (the test plays the kernel)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.editor_helpers import SIZE, screen_text, settle, status, stream, write_notebook
from tests.ui.scripted_engine import ScriptedEngine
from tuinb.engine import events as ev
from tuinb.engine.kernels import KernelChoice
from tuinb.model import load
from tuinb.ui.app import TuinbApp
from tuinb.ui.dialogs.kernel_picker import KernelPicker
from tuinb.ui.dialogs.stdin_prompt import StdinPrompt
from tuinb.ui.screen import kernel_actions
from tuinb.ui.screen import notebook_screen as running

Harness = tuple[TuinbApp, ScriptedEngine, Pilot[Any]]


@asynccontextmanager
async def editor(path: Path, *, state: ev.KernelState = "idle") -> AsyncIterator[Harness]:
    """The app on `path` with a scripted engine; the kernel is `state` at once."""
    notebook = load(path)
    notebook.path = path
    engine = ScriptedEngine(notebook, state=state)
    app = TuinbApp(notebook, engine=engine, check_recovery=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: ("start", None) in engine.calls, "the kernel start")
        engine.emit(ev.KernelStatusChanged(state))
        if state == "idle":
            engine.emit(ev.KernelStarted({"name": "python"}))
        await settle(pilot, lambda: f"({state}" in status(app), f"the {state} kernel state")
        yield app, engine, pilot


def notices(app: TuinbApp) -> str:
    """Every notification shown so far."""
    return "\n".join(str(n.message) for n in app._notifications)


def ids(app: TuinbApp) -> list[str]:
    return [cell.id for cell in app.notebook.cells]


@pytest.fixture
def two_cells(tmp_path: Path) -> Path:
    return write_notebook(tmp_path / "nb.ipynb", [("code", "print('hi')"), ("code", "x = 2")])


async def test_run_key_queues_marks_streams_and_finishes(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        first = ids(app)[0]
        await pilot.press("ctrl+j")
        assert engine.calls_named("run_cells") == [[first]]
        await settle(pilot, lambda: "[*]:…" in screen_text(app), "the queued mark")
        engine.emit(ev.CellStarted(first), ev.KernelStatusChanged("busy"))
        await settle(pilot, lambda: "[*]:▶" in screen_text(app), "the running mark")
        await settle(pilot, lambda: "(busy)" in status(app), "busy in the status bar")
        engine.outputs(first, stream("hello\n"))
        engine.outputs(first, {"output_type": "stream", "name": "stderr", "text": "warned\n"})
        await settle(pilot, lambda: "warned" in screen_text(app), "the stderr line")
        assert "hello" in screen_text(app)
        app.notebook.set_execution_count(first, 1)
        app.notebook.cell(first).metadata["execution"] = {
            "iopub.execute_input": "2026-11-23T10:00:00Z",
            "shell.execute_reply": "2026-11-23T10:00:01.500000Z",
        }
        engine.emit(
            ev.OutputsChanged(first),
            ev.CellFinished(first, "ok", execution_count=1, duration=1.5),
            ev.KernelStatusChanged("idle"),
        )
        await settle(pilot, lambda: "[1]:" in screen_text(app), "the execution count")
        assert "✓ 1.5 s, finished" in screen_text(app)
        assert "▶" not in screen_text(app)


async def test_burst_of_outputs_all_reach_the_screen_model(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        first = ids(app)[0]
        view = app.notebook_screen.view
        syncs: list[int] = []
        original = view.sync

        def counting_sync() -> None:
            syncs.append(1)
            original()

        view.sync = counting_sync  # type: ignore[method-assign]
        engine.emit(ev.CellStarted(first))
        for n in range(2000):
            engine.outputs(first, stream(f"line {n}\n"))
            if n % 100 == 0:
                await pilot.pause()  # let the UI take part of the stream
        engine.emit(ev.CellFinished(first, "ok"))
        await settle(pilot, lambda: "line 1999" in screen_text(app), "the last line")
        assert 1 <= len(syncs) < 200  # coalesced: far fewer repaints than outputs
        text = app.notebook.cell(first).outputs[0]["text"]
        assert text.count("\n") == 2000


async def test_rich_outputs_clear_wait_and_display_updates(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        first = ids(app)[0]
        engine.emit(ev.CellStarted(first))
        engine.outputs(
            first,
            {
                "output_type": "display_data",
                "data": {"text/markdown": "# Big title", "text/plain": "<md>"},
                "metadata": {},
                "transient": {"display_id": "d1"},
            },
            {
                "output_type": "execute_result",
                "execution_count": 1,
                "data": {"application/json": {"key": [1, 2]}, "text/plain": "{...}"},
                "metadata": {},
            },
            {
                "output_type": "error",
                "ename": "ValueError",
                "evalue": "bad",
                "traceback": ["\x1b[31mValueError\x1b[0m: bad"],
            },
        )
        await settle(pilot, lambda: "ValueError: bad" in screen_text(app), "the traceback")
        assert "Big title" in screen_text(app)
        assert '"key"' in screen_text(app)
        changed = app.notebook.update_display("d1", {"text/plain": "updated display"}, {})
        assert changed == [first]
        engine.emit(ev.OutputsChanged(first))
        await settle(pilot, lambda: "updated display" in screen_text(app), "the display update")
        app.notebook.clear_cell_output(first, wait=True)
        engine.emit(ev.OutputsChanged(first))
        await pilot.pause()
        assert "updated display" in screen_text(app)  # wait=True: cleared on the next output
        engine.outputs(first, stream("after clear\n"))
        await settle(pilot, lambda: "after clear" in screen_text(app), "the output after clear")
        assert "updated display" not in screen_text(app)


async def test_progress_bar_with_carriage_returns_updates_in_place(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        first = ids(app)[0]
        engine.emit(ev.CellStarted(first))
        for pct in (10, 50, 100):
            engine.outputs(first, {"output_type": "stream", "name": "stderr", "text": f"\r{pct}%"})
        await settle(pilot, lambda: "100%" in screen_text(app), "the last progress value")
        assert "50%" not in screen_text(app)


async def test_edited_cell_is_marked_stale(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        first = ids(app)[0]
        await pilot.press("ctrl+j")
        engine.emit(ev.CellStarted(first), ev.CellFinished(first, "ok"))
        await settle(pilot, lambda: "▶" not in screen_text(app), "the end of the run")
        assert "~" not in screen_text(app).split("\n")[0]
        await pilot.press("enter", "end", "x", "escape")
        await settle(pilot, lambda: app.notebook.cells[0].source.endswith("x"), "the edit")
        await settle(pilot, lambda: "~" in screen_text(app).split("\n")[0], "the stale mark")


async def test_run_and_advance_and_run_and_insert(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        first, second = ids(app)
        await pilot.press("alt+j")
        assert app.notebook_screen.view.cursor == 1
        await pilot.press("alt+j")
        assert len(app.notebook.cells) == 3  # past the last cell: a new one
        assert app.notebook_screen.view.cursor == 2
        await pilot.press("k", "alt+o")
        assert len(app.notebook.cells) == 4
        assert app.notebook_screen.mode == "edit"
        assert engine.calls_named("run_cells") == [[first], [second], [second]]


async def test_run_all_above_below(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "a"), ("markdown", "m"), ("code", "c")])
    async with editor(path) as (app, engine, pilot):
        a, m, c = ids(app)
        await pilot.press("R")
        await pilot.press("j", "alt+a")
        await pilot.press("alt+b")
        assert engine.calls_named("run_cells") == [[a, m, c], [a], [m, c]]


async def test_interrupt_and_restart_chords(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        await pilot.press("i")
        assert engine.calls_named("interrupt") == []
        await pilot.press("i")
        await settle(pilot, lambda: len(engine.calls_named("interrupt")) == 1, "the interrupt")
        await pilot.press("0", "0")
        await settle(pilot, lambda: app.screen.id == "restart-modal", "the restart question")
        await pilot.press("c")
        await pilot.pause()
        assert engine.calls_named("restart") == []
        await pilot.press("0", "0")
        await settle(pilot, lambda: app.screen.id == "restart-modal", "the restart question")
        await pilot.press("r")
        await settle(pilot, lambda: len(engine.calls_named("restart")) == 1, "the restart")
        await settle(pilot, lambda: "(idle)" in status(app), "the kernel back")


async def test_restart_and_clear_outputs(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "p")], outputs={0: [stream("old\n")]})
    async with editor(path) as (app, engine, pilot):
        assert "old" in screen_text(app)
        await pilot.press("alt+x")
        await settle(pilot, lambda: app.screen.id == "restart-modal", "the restart question")
        await pilot.press("r")
        await settle(pilot, lambda: len(engine.calls_named("restart")) == 1, "the restart")
        await settle(pilot, lambda: "old" not in screen_text(app), "the cleared outputs")
        assert app.notebook.cells[0].outputs == []


async def test_stdin_prompt_answers_masks_and_escape_interrupts(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        first = ids(app)[0]
        engine.emit(ev.CellStarted(first), ev.InputRequested(first, "Password:", password=True))
        await settle(pilot, lambda: isinstance(app.screen, StdinPrompt), "the stdin prompt")
        assert isinstance(app.screen, StdinPrompt)
        assert app.screen.password
        await pilot.press("p", "w", "enter")
        await settle(pilot, lambda: engine.inputs == ["pw"], "the answer")
        engine.emit(ev.InputRequested(first, "Name:", password=False))
        await settle(pilot, lambda: isinstance(app.screen, StdinPrompt), "the second prompt")
        await pilot.press("escape")
        await settle(pilot, lambda: len(engine.calls_named("interrupt")) == 1, "the interrupt")
        assert engine.inputs == ["pw"]


async def test_prompt_closes_when_its_cell_ends(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        first = ids(app)[0]
        engine.emit(ev.CellStarted(first), ev.InputRequested(first, "?", password=False))
        await settle(pilot, lambda: isinstance(app.screen, StdinPrompt), "the stdin prompt")
        engine.emit(ev.CellFinished(first, "error", ename="KeyboardInterrupt"))
        await settle(pilot, lambda: not isinstance(app.screen, StdinPrompt), "the prompt closed")
        assert engine.calls_named("interrupt") == []


async def test_kernel_death_marks_cells_keeps_outputs_offers_restart(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        first, second = ids(app)
        await pilot.press("R")
        engine.emit(ev.CellStarted(first))
        engine.outputs(first, stream("partial\n"))
        engine.emit(
            ev.KernelStatusChanged("dead"),
            ev.KernelDied("the kernel process exited (killed by SIGKILL)"),
            ev.CellFinished(first, "error", ename="DeadKernelError"),
            ev.CellFinished(second, "aborted"),
        )
        await settle(pilot, lambda: "(dead" in status(app), "dead in the status bar")
        await settle(pilot, lambda: "The kernel died" in notices(app), "the death notice")
        assert "0 0" in notices(app)
        await settle(pilot, lambda: "✗" in screen_text(app), "the failed mark")
        assert "partial" in screen_text(app)
        assert app.notebook.cells[0].outputs
        await pilot.press("ctrl+j")  # running on a dead kernel: told, not queued
        assert len(engine.calls_named("run_cells")) == 1
        assert "The kernel is not running" in notices(app)


async def test_kernel_that_cannot_start_leaves_the_notebook_editable(two_cells: Path) -> None:
    async with editor(two_cells, state="starting") as (app, engine, pilot):
        engine.emit(
            ev.KernelStartFailed("The kernel 'x' could not be started: it exited at once"),
            ev.KernelStatusChanged("dead"),
        )
        await settle(pilot, lambda: "could not be started" in notices(app), "the failure")
        assert "alt+k" in notices(app)
        await pilot.press("enter", "end", "!", "escape")
        assert app.notebook.cells[0].source.endswith("!")


async def test_runs_before_the_kernel_is_ready_are_queued(two_cells: Path) -> None:
    async with editor(two_cells, state="starting") as (app, engine, pilot):
        await pilot.press("ctrl+j")
        assert engine.calls_named("run_cells") == [[ids(app)[0]]]
        await settle(pilot, lambda: "[*]:…" in screen_text(app), "the queued mark")


async def test_kernel_picker_changes_metadata_and_restarts(
    two_cells: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    choices = [KernelChoice("python3", "Python 3", "python"), KernelChoice("ir", "R", "R")]
    monkeypatch.setattr(kernel_actions, "list_kernels", lambda: choices)
    async with editor(two_cells) as (app, engine, pilot):
        await pilot.press("alt+k")
        await settle(pilot, lambda: isinstance(app.screen, KernelPicker), "the picker")
        await pilot.press("down", "enter")
        await settle(pilot, lambda: engine.backend.switched == ["ir"], "the kernel switch")
        await settle(pilot, lambda: len(engine.calls_named("restart")) == 1, "the restart")
        assert app.notebook.metadata["kernelspec"]["name"] == "ir"
        assert app.notebook.dirty
        await settle(pilot, lambda: "R (" in status(app), "the new kernel's name")


async def test_long_cell_rings_and_notifies(
    two_cells: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    monkeypatch.setattr(running, "notify_finished", lambda app, title, body: sent.append(body))
    async with editor(two_cells) as (app, engine, pilot):
        first, second = ids(app)
        engine.emit(ev.CellFinished(first, "ok", duration=2.0))
        engine.emit(ev.CellFinished(second, "ok", duration=12.5))
        await settle(pilot, lambda: bool(sent), "the notice")
        assert sent == ["cell 2 finished after 12.5 s"]


async def test_quitting_shuts_the_engine_down(two_cells: Path) -> None:
    async with editor(two_cells) as (_app, engine, pilot):
        await pilot.press("ctrl+q")
    assert ("shutdown", None) in engine.calls


async def test_help_lists_run_keys_with_fallbacks() -> None:
    from tuinb.ui.dialogs.help import help_table
    from tuinb.ui.keys import all_bindings, key_display

    keys = {binding.id: key_display(binding) for _mode, binding in all_bindings()}
    assert keys["cell.run"] == "ctrl+enter / ctrl+j"
    assert keys["cell.run_advance"] == "shift+enter / alt+j"
    assert keys["cell.run_insert"] == "alt+enter / alt+o"
    assert keys["kernel.interrupt"] == "i i"
    assert keys["kernel.restart"] == "0 0"
    assert help_table().row_count >= len(keys)


async def test_restart_and_run_all(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        await pilot.press("alt+0")
        await settle(pilot, lambda: app.screen.id == "restart-modal", "the restart question")
        await pilot.press("r")
        await settle(pilot, lambda: bool(engine.calls_named("run_cells")), "the run")
        assert [name for name, _ in engine.calls if name in ("restart", "run_cells")] == [
            "restart",
            "run_cells",
        ]
        assert engine.calls_named("run_cells") == [ids(app)]


async def test_failed_restart_is_reported_and_runs_nothing(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        engine.fail_restart = "The kernel 'python3' could not be started: it exited at once"
        await pilot.press("alt+0")
        await settle(pilot, lambda: app.screen.id == "restart-modal", "the restart question")
        await pilot.press("r")
        await settle(pilot, lambda: "could not be started" in notices(app), "the failure")
        await settle(pilot, lambda: "(dead" in status(app), "dead in the status bar")
        assert engine.calls_named("run_cells") == []


async def test_html_latex_and_image_outputs(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        first = ids(app)[0]
        png = (
            "iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAYAAAC56t6BAAAAEklEQVR4nGNgYGD4z8DAwMAAAAwAAf9Q"
            "ZtcAAAAASUVORK5CYII="
        )
        engine.outputs(
            first,
            {
                "output_type": "display_data",
                "data": {
                    "text/html": "<table><tr><th>col</th></tr><tr><td>cellvalue</td></tr></table>",
                    "text/plain": "<table>",
                },
                "metadata": {},
            },
            {
                "output_type": "display_data",
                "data": {"text/latex": "$\\alpha + \\beta$"},
                "metadata": {},
            },
            {
                "output_type": "display_data",
                "data": {"image/png": png, "text/plain": "<Figure>"},
                "metadata": {},
            },
        )
        placeholder = "[image/png 2\N{MULTIPLICATION SIGN}3"
        await settle(pilot, lambda: placeholder in screen_text(app), "the image placeholder")
        text = screen_text(app)
        assert "cellvalue" in text
        assert "\N{GREEK SMALL LETTER ALPHA} + \N{GREEK SMALL LETTER BETA}" in text
