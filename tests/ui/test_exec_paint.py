"""A cell's first result is painted at once, not at the frame timer's next tick."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.ui.editor_helpers import screen_text, settle, stream, write_notebook
from tests.ui.test_exec_scripted import editor, ids
from tuinb.engine import events as ev
from tuinb.ui.app import SWITCH_INTERVAL, TuinbApp
from tuinb.ui.screen import bridge


@pytest.fixture
def two_cells(tmp_path: Path) -> Path:
    return write_notebook(tmp_path / "nb.ipynb", [("code", "print('hi')"), ("code", "x = 2")])


def spy_on_frames(app: TuinbApp) -> list[str]:
    """Record the view's text at every frame composed by `on_idle` (a paint at once).

    Pilot composes frames itself (`pilot.pause()`), so only frames asked
    for from the screen's idle handler count.
    """
    screen = app.notebook_screen
    compose: Callable[[], None] = screen._on_timer_update
    painted: list[str] = []

    def spy() -> None:
        if sys._getframe(1).f_code.co_name == "on_idle":
            painted.append(screen_text(app))
        compose()

    screen._on_timer_update = spy  # type: ignore[method-assign]
    return painted


async def test_first_output_is_painted_from_idle_later_ones_wait(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        first = ids(app)[0]
        painted = spy_on_frames(app)
        engine.emit(ev.CellStarted(first))
        engine.outputs(first, stream("first line\n"))
        await settle(pilot, lambda: any("first line" in text for text in painted), "a paint")
        count = len(painted)
        engine.outputs(first, stream("second line\n"))
        await settle(pilot, lambda: "second line" in screen_text(app), "the second line")
        assert len(painted) == count  # a stream's later outputs go by the frame timer
        assert app.notebook_screen.pacer.urgent_until == 0.0


async def test_a_cell_that_prints_nothing_paints_its_count_at_once(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        second = ids(app)[1]
        painted = spy_on_frames(app)
        engine.emit(ev.CellStarted(second))
        app.notebook.set_execution_count(second, 7)
        engine.emit(ev.OutputsChanged(second), ev.CellFinished(second, "ok", execution_count=7))
        await settle(pilot, lambda: any("[7]:" in text for text in painted), "a paint")


async def test_status_changes_do_not_paint_at_once(two_cells: Path) -> None:
    async with editor(two_cells) as (app, engine, pilot):
        painted = spy_on_frames(app)
        engine.emit(ev.KernelStatusChanged("busy"))
        await settle(pilot, lambda: "(busy)" in app.notebook_screen.status.plain, "busy")
        engine.emit(ev.KernelStatusChanged("idle"))
        await settle(pilot, lambda: "(idle)" in app.notebook_screen.status.plain, "idle")
        assert painted == []


async def test_thread_switch_interval_is_short_while_running_and_restored(two_cells: Path) -> None:
    before = sys.getswitchinterval()
    async with editor(two_cells):
        assert sys.getswitchinterval() <= SWITCH_INTERVAL
    assert sys.getswitchinterval() == before


async def test_startup_objects_are_frozen_after_first_paint_and_kernel_start(
    two_cells: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    freezes: list[int] = []
    monkeypatch.setattr("tuinb.ui.app.gc.freeze", lambda: freezes.append(1))
    monkeypatch.setattr(TuinbApp, "is_headless", property(lambda self: False))
    async with editor(two_cells) as (_app, engine, pilot):
        await settle(pilot, lambda: len(freezes) >= 2, "two freezes")
        count = len(freezes)
        engine.emit(ev.KernelStarted({}))
        await settle(pilot, lambda: len(freezes) > count, "a freeze at kernel start")


def test_engine_messages_stay_with_the_screen() -> None:
    messages = [bridge.CellOutputsChanged("c"), bridge.KernelStatusChanged("busy")]
    assert not any(message.bubble for message in messages)
