"""One notebook + one kernel: run, queue, interrupt, restart; typed events."""

from __future__ import annotations

from tuinb.engine.completion import Completion, Help, Match
from tuinb.engine.engine import Engine, EngineError
from tuinb.engine.events import (
    CellFinished,
    CellQueued,
    CellStarted,
    CellStatus,
    EngineEvent,
    InputRequested,
    InterruptUnanswered,
    KernelConnectionChanged,
    KernelDied,
    KernelStarted,
    KernelStartFailed,
    KernelState,
    KernelStatusChanged,
    OutputsChanged,
    WidgetChanged,
    WidgetClosed,
)
from tuinb.engine.introspect import Completer
from tuinb.engine.protocols import KernelBackend, NotebookLike

__all__ = [
    "CellFinished",
    "CellQueued",
    "CellStarted",
    "CellStatus",
    "Completer",
    "Completion",
    "Engine",
    "EngineError",
    "EngineEvent",
    "Help",
    "InputRequested",
    "InterruptUnanswered",
    "KernelBackend",
    "KernelConnectionChanged",
    "KernelDied",
    "KernelStartFailed",
    "KernelStarted",
    "KernelState",
    "KernelStatusChanged",
    "Match",
    "NotebookLike",
    "OutputsChanged",
    "WidgetChanged",
    "WidgetClosed",
]
