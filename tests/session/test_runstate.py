"""What the host remembers of executions, and how a fresh UI is brought up to it."""

from __future__ import annotations

import json

from tuinb.engine import events as ev
from tuinb.session.runstate import AttachedState, Away, RunState, ago


def _through_the_wire(state: RunState) -> AttachedState:
    return AttachedState.from_wire(json.loads(json.dumps(state.to_wire())))


def test_a_fresh_ui_is_told_the_queue_the_running_cell_and_the_prompt() -> None:
    state = RunState()
    script: list[ev.EngineEvent] = [
        ev.KernelStatusChanged("idle"),
        ev.KernelStarted({"name": "python"}),
        ev.CellQueued("a"),
        ev.CellQueued("b"),
        ev.CellQueued("c"),
        ev.CellStarted("a"),
        ev.KernelStatusChanged("busy"),
        ev.InputRequested("a", "name? ", False),
    ]
    for event in script:
        state.note(event, source="input()" if isinstance(event, ev.CellStarted) else None)
    attached = _through_the_wire(state)
    assert attached.replay() == [
        ev.KernelStarted({"name": "python"}),
        ev.KernelStatusChanged("busy"),
        ev.CellQueued("b"),
        ev.CellQueued("c"),
        ev.CellStarted("a"),
        ev.InputRequested("a", "name? ", False),
    ]
    assert attached.ran_source == {"a": "input()"}
    assert set(attached.running) == {"a"}


def test_cells_that_ended_badly_are_replayed_without_a_duration() -> None:
    """No duration: the UI rings its bell only for a finished cell with one."""
    state = RunState()
    state.note(ev.CellStarted("a"))
    state.note(ev.CellFinished("a", "error", duration=700.0))
    state.note(ev.CellFinished("b", "aborted"))
    state.note(ev.CellStarted("c"))
    state.note(ev.CellFinished("c", "ok", duration=900.0))
    finished = [e for e in _through_the_wire(state).replay() if isinstance(e, ev.CellFinished)]
    assert finished == [ev.CellFinished("a", "error"), ev.CellFinished("b", "aborted")]
    assert all(event.duration is None for event in finished)


def test_a_restart_forgets_the_queue_and_the_prompt() -> None:
    state = RunState()
    state.note(ev.CellQueued("a"))
    state.note(ev.CellStarted("b"))
    state.note(ev.InputRequested("b", "", True))
    state.note(ev.KernelStatusChanged("restarting"))
    assert not state.working
    assert state.input_request is None


def test_what_ended_while_away_is_counted_and_said_in_one_line() -> None:
    state = RunState(away=Away(since=1000.0))
    state.note(ev.CellFinished("a", "ok"))
    state.note(ev.CellFinished("b", "ok"))
    state.note(ev.CellFinished("c", "error"))
    away = state.away
    assert away is not None
    assert away.last is not None
    assert away.summary(now=away.last + 14 * 60) == "2 cells finished, 1 failed, 14 min ago"


def test_nothing_ended_while_away_says_nothing() -> None:
    assert Away(since=0.0).summary() is None


def test_a_single_failure_reads_naturally() -> None:
    away = Away(since=0.0, failed=1, last=100.0)
    assert away.summary(now=101.0) == "1 cell failed, just now"


def test_ago_grows_its_unit() -> None:
    assert [ago(s) for s in (1, 40, 14 * 60 + 5, 3 * 3600, 2 * 86400)] == [
        "just now",
        "40 s ago",
        "14 min ago",
        "3 h ago",
        "2 days ago",
    ]
