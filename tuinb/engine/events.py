"""Events the engine emits, as past-tense facts (consumed by the UI and `tuinb run`).

Every event is a small frozen dataclass. Events that concern a cell carry only
its id: the notebook model is the source of truth, so a consumer reads the
cell's outputs and execution count from the model, and a burst of
`OutputsChanged` for one cell can be collapsed into a single repaint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

CellStatus = Literal["ok", "error", "aborted"]
"""How an execution ended: `ok`; `error` (the code raised, timed out, or the
kernel died or restarted while it ran); `aborted` (it never ran: an earlier
cell failed, the queue was cancelled, or the kernel restarted or died before
its turn)."""

KernelState = Literal["starting", "idle", "busy", "restarting", "dead", "shutdown"]
"""The kernel's state as a frontend shows it (`busy`/`idle` come from iopub status)."""


@dataclass(frozen=True)
class KernelStarted:
    """The kernel answered its handshake; `language_info` is from kernel_info_reply."""

    language_info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class KernelStartFailed:
    """The kernel could not be started; `message` is one sentence for the user."""

    message: str


@dataclass(frozen=True)
class KernelStatusChanged:
    """The kernel moved to `state` (only emitted when the state actually changes)."""

    state: KernelState


@dataclass(frozen=True)
class KernelDied:
    """The kernel process exited or stopped answering (not an intentional shutdown)."""

    reason: str


@dataclass(frozen=True)
class KernelConnectionChanged:
    """The connection to a kernel on a server or gateway changed: `connected`,
    `reconnecting` (dropped, being retried: `message` says why) or `closed`."""

    state: str
    message: str = ""


@dataclass(frozen=True)
class CellQueued:
    """The cell is waiting in the run queue."""

    cell_id: str


@dataclass(frozen=True)
class CellStarted:
    """The cell's execute_request was sent to the kernel (in a pipelined run, which sends
    requests ahead: the kernel began running it)."""

    cell_id: str


@dataclass(frozen=True)
class OutputsChanged:
    """The cell's outputs (or execution count) changed in the model: re-render it."""

    cell_id: str


@dataclass(frozen=True)
class InputRequested:
    """Code in the cell called `input()`/`getpass()`: answer with `Engine.provide_input`."""

    cell_id: str
    prompt: str
    password: bool


@dataclass(frozen=True)
class CellFinished:
    """The cell's execution ended (or it was dropped from the queue, as `aborted`).

    `ename`/`evalue` describe the error when `status` is `error`; `duration` is
    the wall time in seconds from sending the request to the end (None if it
    never ran).
    """

    cell_id: str
    status: CellStatus
    execution_count: int | None = None
    duration: float | None = None
    ename: str | None = None
    evalue: str | None = None


@dataclass(frozen=True)
class WidgetChanged:
    """A widget model was created or its state changed (`Engine.widgets.store` holds it):
    redraw the views of `model_id` (a cell's widget output, an Output widget's outputs)."""

    model_id: str


@dataclass(frozen=True)
class WidgetClosed:
    """The kernel closed a widget: its views show nothing any more (as in JupyterLab)."""

    model_id: str


@dataclass(frozen=True)
class InterruptUnanswered:
    """The kernel was still running the same cell `seconds` after an interrupt (code that
    ignores SIGINT, or a C extension that does not check for it): offer a restart."""

    seconds: float
    cell_id: str | None = None


EngineEvent = (
    KernelStarted
    | KernelStartFailed
    | KernelStatusChanged
    | KernelDied
    | KernelConnectionChanged
    | CellQueued
    | CellStarted
    | OutputsChanged
    | InputRequested
    | CellFinished
    | WidgetChanged
    | WidgetClosed
    | InterruptUnanswered
)
"""Every event `Engine.events()` yields."""
