"""What the UI remembers about executions: queued, running, stale marks and timing notes.

The model holds outputs, counts and `metadata.execution` timings; this holds
only what a frontend shows on top: which cells wait, which one runs, which
ended badly, and what source each cell had when it last ran (so an edit since
then marks it stale).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

QUEUED_MARK = "…"
RUNNING_MARK = "▶"
STALE_MARK = "~"
FAILED_MARK = "✗"
ABORTED_MARK = "-"


class CellView(Protocol):
    """What marks need from a model cell."""

    id: str
    cell_type: Any
    source: str
    metadata: dict[str, Any]
    execution_count: int | None


@dataclass
class RunMarks:
    """Execution state of the cells, as the UI shows it."""

    queued: set[str] = field(default_factory=set)
    """Cells waiting in the engine's queue."""
    running: set[str] = field(default_factory=set)
    """Cells whose code the kernel is running."""
    failed: set[str] = field(default_factory=set)
    """Cells whose last run ended in an error (or a kernel death)."""
    aborted: set[str] = field(default_factory=set)
    """Cells dropped from the queue before they ran (an earlier error, a restart, a death)."""
    ran_source: dict[str, str] = field(default_factory=dict)
    """The source each cell had when it was last sent to the kernel."""
    durations: dict[str, float] = field(default_factory=dict)
    """Wall time of each cell's last run (from the engine), when its metadata has none."""

    def queue(self, cell_id: str) -> None:
        """The cell entered the queue."""
        self.queued.add(cell_id)
        self.failed.discard(cell_id)
        self.aborted.discard(cell_id)

    def start(self, cell_id: str, source: str) -> None:
        """The cell's code was sent."""
        self.queued.discard(cell_id)
        self.running.add(cell_id)
        self.ran_source[cell_id] = source

    def finish(self, cell_id: str, status: str, duration: float | None) -> None:
        """The cell's execution ended (`ok`, `error` or `aborted`)."""
        self.queued.discard(cell_id)
        self.running.discard(cell_id)
        if status == "error":
            self.failed.add(cell_id)
        elif status == "aborted":
            self.aborted.add(cell_id)
        if duration is not None:
            self.durations[cell_id] = duration

    def forget_all(self) -> None:
        """Nothing is queued or running any more (the kernel restarted or died)."""
        self.queued.clear()
        self.running.clear()

    def is_stale(self, cell: CellView) -> bool:
        """The cell was edited since it last ran (and it has a result to be stale)."""
        ran = self.ran_source.get(cell.id)
        return ran is not None and ran != cell.source and cell.id not in self.running

    def gutter(self, cell: CellView) -> tuple[str | None, str, str]:
        """(label override, one-character mark, style) for a cell's gutter."""
        if cell.id in self.running:
            return "[*]:", RUNNING_MARK, "bold green"
        if cell.id in self.queued:
            return "[*]:", QUEUED_MARK, "yellow"
        if self.is_stale(cell):
            return None, STALE_MARK, "magenta"
        if cell.id in self.failed:
            return None, FAILED_MARK, "bold red"
        if cell.id in self.aborted:
            return None, ABORTED_MARK, "dim"
        return None, " ", ""

    def note(self, cell: CellView, *, now: dt.datetime | None = None) -> str | None:
        """The timing line under a cell that ran: wall time and when it finished."""
        if cell.id in self.running or cell.id in self.queued:
            return None
        timing = cell.metadata.get("execution")
        started = ended = None
        if isinstance(timing, dict):
            started = _parse(
                timing.get("iopub.execute_input") or timing.get("shell.execute_reply.started")
            )
            ended = _parse(timing.get("shell.execute_reply") or timing.get("iopub.status.idle"))
        if ended is None:
            return None
        seconds = (ended - started).total_seconds() if started is not None else None
        if seconds is None or seconds < 0:
            seconds = self.durations.get(cell.id)
        local = ended.astimezone()
        today = (now or dt.datetime.now().astimezone()).date()
        when = (
            local.strftime("%H:%M:%S")
            if local.date() == today
            else local.strftime("%Y-%m-%d %H:%M")
        )
        mark = "✗" if cell.id in self.failed else "✓"
        took = format_duration(seconds) if seconds is not None else "?"
        return f"{mark} {took}, finished {when}"


def _parse(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


def format_duration(seconds: float) -> str:
    """`12 ms`, `1.2 s`, `3 m 04 s`, `2 h 05 m`."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} m {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} m"
