"""The execution UI's parts on their own: bridge, marks, notices, kernel choices, modals."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Static

from tests.kernel_support import kernel_env, write_ipykernel_spec, write_kernelspec
from tests.ui.scripted_engine import ScriptedEngine
from tuinb.engine import events as ev
from tuinb.engine.kernels import (
    KernelChoice,
    KernelUnavailable,
    SwitchableKernel,
    kernel_for,
    kernelspec_metadata,
    list_kernels,
)
from tuinb.model import Cell, Notebook
from tuinb.render.marks import RunMarks, format_duration
from tuinb.ui.dialogs.kernel_picker import KernelPicker
from tuinb.ui.dialogs.stdin_prompt import StdinPrompt
from tuinb.ui.screen import bridge
from tuinb.ui.screen.notify import finish_notice

# ---- bridge ---------------------------------------------------------------------------


class Sink(App[None]):
    """Collects every bridge message it receives, one dispatch at a time."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[Message] = []

    def compose(self) -> ComposeResult:
        yield Static("sink")

    def on_cell_outputs_changed(self, message: bridge.CellOutputsChanged) -> None:
        self.got.append(message)

    def on_cell_finished(self, message: bridge.CellFinished) -> None:
        self.got.append(message)

    def on_input_requested(self, message: bridge.InputRequested) -> None:
        self.got.append(message)

    def on_kernel_died(self, message: bridge.KernelDied) -> None:
        self.got.append(message)


def test_every_engine_event_has_a_message() -> None:
    samples: list[ev.EngineEvent] = [
        ev.KernelStarted({"name": "python"}),
        ev.KernelStartFailed("no"),
        ev.KernelStatusChanged("busy"),
        ev.KernelDied("killed"),
        ev.CellQueued("a"),
        ev.CellStarted("a"),
        ev.OutputsChanged("a"),
        ev.InputRequested("a", "name?", password=True),
        ev.CellFinished("a", "error", duration=1.5, ename="E", evalue="v"),
    ]
    messages = [bridge.to_message(event) for event in samples]
    assert [type(m).__name__ for m in messages] == [
        "KernelStarted",
        "KernelStartFailed",
        "KernelStatusChanged",
        "KernelDied",
        "CellQueued",
        "CellStarted",
        "CellOutputsChanged",
        "InputRequested",
        "CellFinished",
    ]
    finished = messages[-1]
    assert isinstance(finished, bridge.CellFinished)
    assert (finished.status, finished.duration, finished.ename) == ("error", 1.5, "E")
    prompt = messages[-2]
    assert isinstance(prompt, bridge.InputRequested)
    assert prompt.password


def test_outputs_changed_replaces_only_the_same_cell() -> None:
    first, same, other = (
        bridge.CellOutputsChanged("a"),
        bridge.CellOutputsChanged("a"),
        bridge.CellOutputsChanged("b"),
    )
    assert first.can_replace(same)
    assert not first.can_replace(other)
    assert not first.can_replace(bridge.CellQueued("a"))


async def test_a_burst_of_outputs_collapses_and_nothing_else_is_lost() -> None:
    notebook = Notebook.new()
    engine = ScriptedEngine(notebook)
    app = Sink()
    async with app.run_test() as pilot:
        for _ in range(500):
            engine.emit(ev.OutputsChanged("a"))
        engine.emit(
            ev.InputRequested("a", "?", password=False),
            ev.KernelDied("gone"),
            ev.CellFinished("a", "error"),
        )
        await engine.shutdown()
        await bridge.pump_events(engine, app)
        async with asyncio.timeout(10):
            while not any(isinstance(m, bridge.CellFinished) for m in app.got):
                await pilot.pause()
    outputs = [m for m in app.got if isinstance(m, bridge.CellOutputsChanged)]
    assert 1 <= len(outputs) < 500
    kinds = [type(m).__name__ for m in app.got if not isinstance(m, bridge.CellOutputsChanged)]
    assert kinds == ["InputRequested", "KernelDied", "CellFinished"]


# ---- marks and notes -------------------------------------------------------------------


def code_cell(source: str = "x = 1", **metadata: Any) -> Cell:
    return Cell(id="c1", cell_type="code", source=source, metadata=dict(metadata))


def test_marks_follow_queue_run_finish_and_edits() -> None:
    marks = RunMarks()
    cell = code_cell()
    assert marks.gutter(cell) == (None, " ", "")
    marks.queue("c1")
    assert marks.gutter(cell)[:2] == ("[*]:", "…")
    marks.start("c1", cell.source)
    assert marks.gutter(cell)[:2] == ("[*]:", "▶")
    marks.finish("c1", "ok", 0.25)
    assert marks.gutter(cell)[:2] == (None, " ")
    cell.source = "x = 2"
    assert marks.is_stale(cell)
    assert marks.gutter(cell)[1] == "~"
    cell.source = "x = 1"
    assert not marks.is_stale(cell)
    marks.queue("c1")
    marks.start("c1", cell.source)
    marks.finish("c1", "error", 1.0)
    assert marks.gutter(cell)[1] == "✗"
    marks.queue("c1")
    marks.finish("c1", "aborted", None)
    assert marks.gutter(cell)[1] == "-"


def test_note_shows_wall_time_and_finish_time_from_the_metadata() -> None:
    cell = code_cell(
        execution={
            "iopub.execute_input": "2026-11-23T10:00:00.000000Z",
            "shell.execute_reply": "2026-11-23T10:00:02.500000Z",
        }
    )
    marks = RunMarks()
    finished = dt.datetime(2026, 11, 23, 10, 0, 2, 500000, tzinfo=dt.UTC).astimezone()
    note = marks.note(cell, now=finished)
    assert note == f"✓ 2.5 s, finished {finished.strftime('%H:%M:%S')}"
    marks.queue("c1")
    assert marks.note(cell, now=finished) is None
    assert marks.note(code_cell(), now=finished) is None


def test_durations_read_naturally() -> None:
    assert format_duration(0.012) == "12 ms"
    assert format_duration(3.21) == "3.2 s"
    assert format_duration(184) == "3 m 04 s"
    assert format_duration(7500) == "2 h 05 m"


# ---- notices ---------------------------------------------------------------------------


def test_finish_notice_rings_and_sends_osc_9_and_777() -> None:
    notice = finish_notice("tuinb", "cell 3 finished after 12.0 s", in_tmux=False)
    assert notice.startswith("\a")
    assert "\x1b]9;tuinb: cell 3 finished after 12.0 s\x1b\\" in notice
    assert "\x1b]777;notify;tuinb;cell 3 finished after 12.0 s\x1b\\" in notice


def test_finish_notice_drops_control_characters_and_wraps_for_tmux() -> None:
    notice = finish_notice("t;x", "evil\x1b]52;c;AAAA\x07", in_tmux=True)
    assert "evil ]52 c AAAA " in notice  # the ESC and BEL of the payload are gone
    assert "\x1b]52" not in notice
    assert notice.count("\x1bPtmux;") == 2
    assert "\x07" not in notice.removeprefix("\a")


# ---- kernel choices --------------------------------------------------------------------


def test_kernel_for_prefers_the_option_then_the_notebook() -> None:
    assert kernel_for({"kernelspec": {"name": "julia"}}, "ir") == "ir"
    assert kernel_for({"kernelspec": {"name": "julia"}}) == "julia"
    assert kernel_for({}) == "python3"
    assert kernel_for({}, fallback="ir") == "ir"  # the config's default_kernel
    assert kernel_for({"kernelspec": {"name": "julia"}}, fallback="ir") == "julia"
    choice = KernelChoice("ir", "R", "R")
    assert kernelspec_metadata(choice) == {"display_name": "R", "language": "R", "name": "ir"}


def test_list_kernels_lists_installed_specs(tmp_path: Path) -> None:
    write_kernelspec(tmp_path, "zeta", ["false"], display_name="Zeta", language="zlang")
    with kernel_env(tmp_path):
        names = {choice.name: choice for choice in list_kernels()}
    assert names["zeta"] == KernelChoice("zeta", "Zeta", "zlang")


async def test_unknown_kernel_fails_start_in_one_sentence(tmp_path: Path) -> None:
    with kernel_env(tmp_path):
        backend = SwitchableKernel("nope")
        with pytest.raises(KernelUnavailable, match="no kernel named 'nope'"):
            await backend.start()


@pytest.mark.kernel
async def test_switching_kernels_restarts_on_the_new_spec(tmp_path: Path) -> None:
    write_ipykernel_spec(tmp_path, "first")
    write_ipykernel_spec(tmp_path, "second", display_name="Second")
    with kernel_env(tmp_path):
        backend = SwitchableKernel("first", cwd=tmp_path)
        try:
            await backend.start()
            first_pid = backend.pid
            backend.switch_to("second")
            await backend.restart()
            assert backend.pid != first_pid
            assert backend.display_name == "Second"
        finally:
            await backend.shutdown()


# ---- modals ----------------------------------------------------------------------------


class ModalHost(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("host")


async def test_stdin_prompt_masks_passwords_and_returns_the_answer() -> None:
    app = ModalHost()
    answers: list[str | None] = []
    async with app.run_test() as pilot:
        prompt = StdinPrompt("Password:", password=True, cell_label="Cell 1")
        app.push_screen(prompt, answers.append)
        await pilot.pause()
        await pilot.press("s", "3", "c")
        assert prompt.value == "s3c"
        shot = app.export_screenshot()
        assert "s3c" not in shot
        assert "•••" in shot
        await pilot.press("enter")
        await pilot.pause()
        app.push_screen(StdinPrompt("Name:"), answers.append)
        await pilot.pause()
        await pilot.press("x", "escape")
        await pilot.pause()
    assert answers == ["s3c", None]


async def test_kernel_picker_returns_the_chosen_name() -> None:
    app = ModalHost()
    picked: list[str | None] = []
    choices = [KernelChoice("a", "Alpha", "python"), KernelChoice("b", "Beta", "python")]
    async with app.run_test() as pilot:
        app.push_screen(KernelPicker(choices, current="a"), picked.append)
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        app.push_screen(KernelPicker(choices, current="b"), picked.append)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert picked == ["b", None]
