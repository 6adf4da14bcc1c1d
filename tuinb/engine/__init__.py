"""One notebook + one kernel: run, queue, interrupt, restart; typed events.

The names below are loaded on first use (PEP 562), so importing one module of
the package (`tuinb.engine.sources`, which the CLI needs before a server
notebook's first frame) does not import the engine and its comms (~25 ms).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


_HOMES = {
    "Completion": "completion",
    "Help": "completion",
    "Match": "completion",
    "Engine": "engine",
    "EngineError": "engine",
    "Completer": "introspect",
    "KernelBackend": "protocols",
    "NotebookLike": "protocols",
}
"""Where each name lives (every other one is in `tuinb.engine.events`)."""


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{_HOMES.get(name, 'events')}")
    value = getattr(module, name)
    globals()[name] = value
    return value
