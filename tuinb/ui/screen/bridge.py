"""The bridge: one async worker turning engine events into Textual messages.

`pump_events(engine, target)` consumes `engine.events()` until the engine shuts
down and posts one message per event to `target` (the notebook screen). Each
message is a past-tense fact carrying ids and small values only: widgets
re-render from the model, so a burst of `CellOutputsChanged` for one cell is
collapsed by Textual (`can_replace`) into a single repaint without losing text.
The screen hands each message to `deliver`, which says which action group
takes it. A session client's own events (`tuinb.session.events`: attached,
lost, the notebook replaced) become `SessionMessage`s, which bubble past the
screen to the app: they concern the editor as a whole (say what happened
while away, exit when taken over, show the host's notebook).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Protocol

from textual.message import Message
from textual.message_pump import MessagePump

from tuinb.engine import events as ev
from tuinb.session import events as session_events

if TYPE_CHECKING:
    from tuinb.ui.screen.kernel_actions import KernelActions
    from tuinb.ui.screen.output_actions import OutputActions
    from tuinb.ui.screen.run_actions import RunActions

YIELD_EVERY = 64
"""Give the event loop a turn after this many events in a row (keys stay answered)."""


class EventSource(Protocol):
    """What the bridge needs from an engine (`Engine` or a scripted one)."""

    def events(self) -> AsyncIterator[Any]: ...


class EngineMessage(Message, bubble=False):
    """Base of the bridge's messages: only the notebook screen handles them (no bubbling
    to the app, which would take every one of a stream's messages for nothing).
    Textual resets `bubble` for each subclass, so each one says `bubble=False` too."""


class KernelStarted(EngineMessage, bubble=False):
    """The kernel answered its handshake and is ready."""

    def __init__(self, language_info: dict[str, Any]) -> None:
        super().__init__()
        self.language_info = language_info


class KernelStartFailed(EngineMessage, bubble=False):
    """The kernel could not be started; `text` is what to tell the user."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class KernelStatusChanged(EngineMessage, bubble=False):
    """The kernel's state changed (starting, idle, busy, restarting, dead, shutdown)."""

    def __init__(self, state: str) -> None:
        super().__init__()
        self.state = state

    def can_replace(self, message: Message) -> bool:
        """Only the latest state matters."""
        return isinstance(message, KernelStatusChanged)


class KernelConnectionChanged(EngineMessage, bubble=False):
    """The connection to a server's or gateway's kernel dropped, came back or closed."""

    def __init__(self, state: str, reason: str) -> None:
        super().__init__()
        self.state = state
        self.reason = reason


class KernelDied(EngineMessage, bubble=False):
    """The kernel process died or stopped answering."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class CellQueued(EngineMessage, bubble=False):
    """A cell was put in the run queue."""

    def __init__(self, cell_id: str) -> None:
        super().__init__()
        self.cell_id = cell_id


class CellStarted(EngineMessage, bubble=False):
    """A cell's code was sent to the kernel."""

    def __init__(self, cell_id: str) -> None:
        super().__init__()
        self.cell_id = cell_id


class CellOutputsChanged(EngineMessage, bubble=False):
    """The model holds new outputs (or a new count) for a cell: repaint it."""

    def __init__(self, cell_id: str) -> None:
        super().__init__()
        self.cell_id = cell_id

    def can_replace(self, message: Message) -> bool:
        """A later change to the same cell makes this one redundant."""
        return isinstance(message, CellOutputsChanged) and message.cell_id == self.cell_id


class InputRequested(EngineMessage, bubble=False):
    """Code in a cell is waiting for `input()`/`getpass()`."""

    def __init__(self, cell_id: str, prompt: str, password: bool) -> None:
        super().__init__()
        self.cell_id = cell_id
        self.prompt = prompt
        self.password = password


class InterruptUnanswered(EngineMessage, bubble=False):
    """The cell still ran `seconds` after an interrupt: say so and offer the restart."""

    def __init__(self, seconds: float, cell_id: str | None) -> None:
        super().__init__()
        self.seconds = seconds
        self.cell_id = cell_id


class SessionMessage(Message):
    """Base of the session's messages: they bubble from the screen to the app."""


class SessionAttached(SessionMessage):
    """Attached to a session: `event` says what happened while nobody was attached."""

    def __init__(self, event: session_events.SessionAttached) -> None:
        super().__init__()
        self.event = event


class SessionLost(SessionMessage):
    """No longer attached (`event.reason`: taken over, ended, host gone, ...)."""

    def __init__(self, event: session_events.SessionLost) -> None:
        super().__init__()
        self.event = event


class NotebookReplaced(SessionMessage):
    """The host's notebook replaces the one the editor brought: show it."""

    def __init__(self, event: session_events.NotebookReplaced) -> None:
        super().__init__()
        self.event = event


class CellFinished(EngineMessage, bubble=False):
    """A cell's execution ended (`status` ok, error or aborted)."""

    def __init__(self, event: ev.CellFinished) -> None:
        super().__init__()
        self.cell_id = event.cell_id
        self.status = event.status
        self.duration = event.duration
        self.ename = event.ename
        self.evalue = event.evalue


class WidgetChanged(EngineMessage, bubble=False):
    """A widget model was opened, changed or closed: redraw the cells that show it."""

    def __init__(self, model_id: str) -> None:
        super().__init__()
        self.model_id = model_id

    def can_replace(self, message: Message) -> bool:
        """A later change of the same model makes this one redundant (a tqdm bar)."""
        return isinstance(message, WidgetChanged) and message.model_id == self.model_id


def to_message(event: Any) -> Message | None:
    """The Textual message for one engine event (None for an unknown one)."""
    match event:
        case ev.OutputsChanged(cell_id=cell_id):
            return CellOutputsChanged(cell_id)
        case ev.KernelStatusChanged(state=state):
            return KernelStatusChanged(state)
        case ev.CellQueued(cell_id=cell_id):
            return CellQueued(cell_id)
        case ev.CellStarted(cell_id=cell_id):
            return CellStarted(cell_id)
        case ev.CellFinished():
            return CellFinished(event)
        case ev.InputRequested(cell_id=cell_id, prompt=prompt, password=password):
            return InputRequested(cell_id, prompt, password)
        case ev.KernelStarted(language_info=info):
            return KernelStarted(dict(info))
        case ev.KernelStartFailed(message=text):
            return KernelStartFailed(text)
        case ev.KernelDied(reason=reason):
            return KernelDied(reason)
        case ev.KernelConnectionChanged(state=state, message=reason):
            return KernelConnectionChanged(state, reason)
        case ev.InterruptUnanswered(seconds=seconds, cell_id=cell_id):
            return InterruptUnanswered(seconds, cell_id)
        case session_events.SessionAttached():
            return SessionAttached(event)
        case session_events.SessionLost():
            return SessionLost(event)
        case session_events.NotebookReplaced():
            return NotebookReplaced(event)
        case ev.WidgetChanged(model_id=model_id) | ev.WidgetClosed(model_id=model_id):
            return WidgetChanged(model_id)
    return None


async def pump_events(engine: EventSource, target: MessagePump) -> None:
    """Post a message to `target` for every event of `engine`, until its events end."""
    count = 0
    async for event in engine.events():
        message = to_message(event)
        if message is not None:
            target.post_message(message)
        count += 1
        if count % YIELD_EVERY == 0:
            await asyncio.sleep(0)


def deliver(
    message: EngineMessage,
    *,
    running: RunActions,
    kernel: KernelActions,
    outputs: OutputActions | None = None,
) -> None:
    """Hand one of the bridge's messages to the action group it concerns."""
    match message:
        case WidgetChanged():
            if outputs is not None:
                outputs.widget_changed(message.model_id)
        case CellOutputsChanged():
            running.outputs_changed(message.cell_id)
        case CellQueued():
            running.queued(message.cell_id)
        case CellStarted():
            running.started(message.cell_id)
        case CellFinished():
            kernel.cell_finished(message.cell_id)
            running.finished(message.cell_id, message.status, message.duration)
        case InputRequested():
            kernel.input_requested(message.cell_id, message.prompt, password=message.password)
        case KernelStatusChanged():
            kernel.status_changed(message.state)
        case KernelStarted():
            kernel.started(message.language_info)
        case KernelStartFailed():
            kernel.start_failed(message.text)
        case KernelDied():
            kernel.died(message.reason)
        case KernelConnectionChanged():
            kernel.connection_changed(message.state, message.reason)
        case InterruptUnanswered():
            kernel.interrupt_unanswered(message.seconds, message.cell_id)
