"""Events on the session socket: the engine's own, plus a few about the session itself.

A client's `events()` yields the engine's events (`tuinb.engine.events`), so
the UI's bridge consumes them as from an engine in its own process, and the
session events below, which the bridge ignores until the UI handles them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from tuinb.engine import events as ev
from tuinb.model import Notebook
from tuinb.session.runstate import Away

_ENGINE_EVENTS: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        ev.KernelStarted,
        ev.KernelStartFailed,
        ev.KernelStatusChanged,
        ev.KernelDied,
        ev.KernelConnectionChanged,
        ev.CellQueued,
        ev.CellStarted,
        ev.OutputsChanged,
        ev.InputRequested,
        ev.CellFinished,
        ev.InterruptUnanswered,
    )
}
"""Engine events that travel as themselves (widget events travel as the models' state)."""


@dataclass(frozen=True)
class SessionAttached:
    """The client attached; the events that follow (until live ones) rebuild the marks.

    `away` says what ended while nobody was attached (`Away.summary()` is the
    line to show: "2 cells finished, 1 failed, 14 min ago"); `running` maps
    each running cell to when it started (`time.time()`). Cells that ended
    while nobody was attached are replayed as `CellFinished` without a
    duration, so they ring no bell.
    """

    away: Away | None
    running: dict[str, float]
    ran_source: dict[str, str]


@dataclass(frozen=True)
class NotebookReplaced:
    """The host already held this notebook when the editor brought its own (two editors
    started at once): `notebook` is the truth; show it instead (the client edits it now)."""

    notebook: Notebook


LostReason = Literal["taken_over", "ended", "host_gone", "detached", "refused"]


@dataclass(frozen=True)
class SessionLost:
    """The client is no longer attached (the last event). `message` is one sentence.

    `taken_over`: attached from another terminal (exit, as tmux's `attach -d`);
    `ended`: the session was stopped (`tuinb sessions --stop`, idle time-out);
    `host_gone`: the host died (its kernel with it; a recovery copy is kept);
    `detached`: this client detached on purpose; `refused`: a malformed message.
    """

    reason: LostReason
    message: str


def lost_reason(text: str) -> LostReason:
    """A ``bye`` message's reason (an unknown one counts as ``ended``)."""
    for reason in get_args(LostReason):
        if reason == text:
            return cast(LostReason, reason)
    return "ended"


def event_to_wire(event: Any) -> dict[str, Any]:
    """An engine event as a message."""
    return {"t": "ev", "e": type(event).__name__, **dataclasses.asdict(event)}


def event_from_wire(message: dict[str, Any]) -> ev.EngineEvent:
    """The engine event in an ``ev`` message (KeyError/TypeError if it is not one)."""
    fields = {key: value for key, value in message.items() if key not in ("t", "e")}
    cls = _ENGINE_EVENTS[str(message["e"])]
    event: ev.EngineEvent = cls(**fields)
    return event
