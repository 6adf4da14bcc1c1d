"""What the host remembers about executions, so a client attaching later sees them.

A client that attaches mid-run did not see the events that queued or started
cells, asked for input, or ended cells while nobody was attached. The host
follows the engine's events and keeps the state those events built: the
kernel's state, the queue, the running cell and since when, a pending input
request, how each cell's last run ended, and a count of what ended while no
client was attached. `replay()` turns it back into the events a fresh UI
needs to mark the cells, with no duration on finished cells, so a cell that
ended while nobody watched rings no bell.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, get_args

from tuinb.engine import events as ev


@dataclass
class Away:
    """What happened while no client was attached."""

    since: float
    """When the last client left (`time.time()`)."""
    finished: int = 0
    failed: int = 0
    aborted: int = 0
    last: float | None = None
    """When the last of them ended."""

    def summary(self, now: float | None = None) -> str | None:
        """``"2 cells finished, 1 failed, 14 min ago"``; None if nothing ended."""
        parts = []
        if self.finished:
            parts.append(f"{self.finished} cell{'s' if self.finished != 1 else ''} finished")
        if self.failed:
            noun = "" if self.finished else f" cell{'s' if self.failed != 1 else ''}"
            parts.append(f"{self.failed}{noun} failed")
        if self.aborted:
            noun = "" if self.finished or self.failed else " cells"
            parts.append(f"{self.aborted}{noun} not run")
        if not parts or self.last is None:
            return None
        return ", ".join([*parts, ago((now or time.time()) - self.last)])


def ago(seconds: float) -> str:
    """``just now``, ``40 s ago``, ``14 min ago``, ``3 h ago``, ``2 days ago``."""
    if seconds < 5:
        return "just now"
    if seconds < 60:
        return f"{seconds:.0f} s ago"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min ago"
    if seconds < 86400:
        return f"{seconds // 3600:.0f} h ago"
    days = seconds // 86400
    return f"{days:.0f} day{'s' if days != 1 else ''} ago"


@dataclass
class RunState:
    """The execution state the engine's events built up."""

    kernel_state: ev.KernelState = "starting"
    language_info: dict[str, Any] | None = None
    """From `KernelStarted` (None until the kernel started)."""
    start_failed: str | None = None
    queued: list[str] = field(default_factory=list)
    running: dict[str, float] = field(default_factory=dict)
    """Cell id -> when it started (`time.time()`)."""
    ran_source: dict[str, str] = field(default_factory=dict)
    """The source each cell had when it started (the UI's stale mark)."""
    last_status: dict[str, ev.CellStatus] = field(default_factory=dict)
    """How each cell's last run ended, for cells that did not end `ok`."""
    input_request: ev.InputRequested | None = None
    away: Away | None = None
    """Set while no client is attached."""

    @property
    def working(self) -> bool:
        """Cells are queued or running."""
        return bool(self.queued or self.running)

    def note(self, event: ev.EngineEvent, source: str | None = None) -> None:
        """Follow one engine event (`source`: the cell's source, for `CellStarted`)."""
        match event:
            case ev.KernelStatusChanged(state=state):
                self.kernel_state = state
                if state in ("restarting", "dead", "shutdown"):
                    self.queued.clear()
                    self.running.clear()
                    self.input_request = None
            case ev.KernelStarted(language_info=info):
                self.language_info = dict(info)
                self.start_failed = None
                if self.kernel_state in ("starting", "restarting"):
                    self.kernel_state = "idle"
            case ev.KernelStartFailed(message=message):
                self.start_failed = message
            case ev.KernelDied():
                self.input_request = None
            case ev.CellQueued(cell_id=cell_id):
                if cell_id not in self.queued:
                    self.queued.append(cell_id)
                self.last_status.pop(cell_id, None)
            case ev.CellStarted(cell_id=cell_id):
                if cell_id in self.queued:
                    self.queued.remove(cell_id)
                self.running[cell_id] = time.time()
                if source is not None:
                    self.ran_source[cell_id] = source
            case ev.InputRequested():
                self.input_request = event
            case ev.CellFinished(cell_id=cell_id, status=status):
                self._finished(cell_id, status)

    def _finished(self, cell_id: str, status: ev.CellStatus) -> None:
        if cell_id in self.queued:
            self.queued.remove(cell_id)
        self.running.pop(cell_id, None)
        if self.input_request is not None and self.input_request.cell_id == cell_id:
            self.input_request = None
        if status == "ok":
            self.last_status.pop(cell_id, None)
        else:
            self.last_status[cell_id] = status
        away = self.away
        if away is not None:
            away.last = time.time()
            if status == "ok":
                away.finished += 1
            elif status == "error":
                away.failed += 1
            else:
                away.aborted += 1

    def to_wire(self) -> dict[str, Any]:
        """The state as the attach reply carries it."""
        request = self.input_request
        return {
            "kernel_state": self.kernel_state,
            "language_info": self.language_info,
            "start_failed": self.start_failed,
            "queued": self.queued,
            "running": self.running,
            "ran_source": self.ran_source,
            "last_status": self.last_status,
            "input": asdict(request) if request is not None else None,
            "away": asdict(self.away) if self.away is not None else None,
        }


def _one_of(kind: Any, value: Any) -> Any:
    """`value` if it is one of the literal type `kind`'s values, else ValueError."""
    if value not in get_args(kind):
        raise ValueError(f"{value!r} is not one of {get_args(kind)}")
    return value


@dataclass(frozen=True)
class AttachedState:
    """The engine's state as a client receives it when it attaches."""

    kernel_state: ev.KernelState
    language_info: dict[str, Any] | None
    start_failed: str | None
    queued: list[str]
    running: dict[str, float]
    """Cell id -> since when it runs (`time.time()`)."""
    ran_source: dict[str, str]
    """The source each cell had when it last started (for the stale mark)."""
    last_status: dict[str, ev.CellStatus]
    input_request: ev.InputRequested | None
    away: Away | None
    """What happened while nobody was attached (None: someone was)."""

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> AttachedState:
        """Parse the attach reply's state (KeyError/TypeError if it is not one)."""
        request = data["input"]
        away = data["away"]
        return cls(
            kernel_state=_one_of(ev.KernelState, data["kernel_state"]),
            language_info=data["language_info"],
            start_failed=data["start_failed"],
            queued=[str(cell_id) for cell_id in data["queued"]],
            running={str(k): float(v) for k, v in data["running"].items()},
            ran_source={str(k): str(v) for k, v in data["ran_source"].items()},
            last_status={str(k): _one_of(ev.CellStatus, v) for k, v in data["last_status"].items()},
            input_request=ev.InputRequested(**request) if request is not None else None,
            away=Away(**away) if away is not None else None,
        )

    def replay(self) -> list[ev.EngineEvent]:
        """The events that bring a fresh UI to this state (finished cells without duration)."""
        events: list[ev.EngineEvent] = []
        if self.language_info is not None:
            events.append(ev.KernelStarted(dict(self.language_info)))
        elif self.start_failed is not None:
            events.append(ev.KernelStartFailed(self.start_failed))
        events.append(ev.KernelStatusChanged(self.kernel_state))
        events += [ev.CellFinished(cell_id, status) for cell_id, status in self.last_status.items()]
        events += [ev.CellQueued(cell_id) for cell_id in self.queued]
        events += [ev.CellStarted(cell_id) for cell_id in self.running]
        if self.input_request is not None:
            events.append(self.input_request)
        return events
