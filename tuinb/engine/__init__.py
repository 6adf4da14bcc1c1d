"""One notebook + one kernel: run, queue, interrupt, restart; typed events."""

from __future__ import annotations

from tuinb.engine.engine import Engine, EngineError
from tuinb.engine.events import (
    CellFinished,
    CellQueued,
    CellStarted,
    CellStatus,
    EngineEvent,
    InputRequested,
    InterruptUnanswered,
    KernelDied,
    KernelStarted,
    KernelStartFailed,
    KernelState,
    KernelStatusChanged,
    OutputsChanged,
)
from tuinb.engine.protocols import KernelBackend, NotebookLike

__all__ = [
    "CellFinished",
    "CellQueued",
    "CellStarted",
    "CellStatus",
    "Engine",
    "EngineError",
    "EngineEvent",
    "InputRequested",
    "InterruptUnanswered",
    "KernelBackend",
    "KernelDied",
    "KernelStartFailed",
    "KernelStarted",
    "KernelState",
    "KernelStatusChanged",
    "NotebookLike",
    "OutputsChanged",
]
