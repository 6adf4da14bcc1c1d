"""Kernel comms for ipywidgets: open, update, close, echo, Output capture, sending back.

The kernel speaks to widgets over comms (messaging spec; ipywidgets'
protocol version 2.1): ``comm_open`` with ``target_name`` ``jupyter.widget``
and ``{"state": …, "buffer_paths": …}`` creates a model; ``comm_msg`` with
``method: update`` changes its state, ``echo_update`` repeats a frontend's
change back (ipywidgets 8), ``custom`` carries events; ``comm_close`` ends it.

`CommManager.handle(message)` is the engine's hook: it takes the comm
messages (and the outputs an Output widget captures) and returns True when
the message was its own, so the router never sees it. Changes are reported
as `WidgetChanged(model_id)` / `WidgetClosed(model_id)` through the engine's
event stream. Replies go back on the shell channel through `send`:

- a comm for any other target is closed politely with ``comm_close`` (as
  JupyterLab does for a target it has not registered), never an error;
- ``jupyter.widget.version`` (ipywidgets 7 kernels) is answered
  ``{"validated": true}``.

Frontend changes: `update(model_id, changes)` sends ``method: update`` and
remembers, per key, the msg_id it went out with; the kernel's
``echo_update`` of a key is ignored until the echo of our latest change of
that key has come back (so a slider dragged quickly does not jump back to
an older value), as JupyterLab's widget manager does. `click` sends a
Button's ``{"event": "click"}``; `custom` any custom content.

Output widgets: a kernel's ``with out:`` sets the widget's ``msg_id`` to the
running request's; stream, display, result, error and ``clear_output``
messages with that parent go into the widget's ``outputs`` (merged as a
cell's are) instead of the cell.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, runtime_checkable

from tuinb.engine.events import EngineEvent, WidgetChanged, WidgetClosed
from tuinb.engine.protocols import MessageLike
from tuinb.engine.router import output_dict
from tuinb.engine.widgetstate import WidgetStore, put_buffers
from tuinb.model.outputs import appended, split_transient

__all__ = ["WIDGET_TARGET", "CommManager", "CommSender"]

log = logging.getLogger(__name__)

WIDGET_TARGET = "jupyter.widget"
VERSION_TARGET = "jupyter.widget.version"
_CAPTURED = frozenset({"stream", "display_data", "execute_result", "error", "clear_output"})


@runtime_checkable
class CommSender(Protocol):
    """A kernel client that can send comm messages on shell (`tuinb.kernel.KernelClient`)."""

    async def comm_send(self, msg_type: str, content: dict[str, Any]) -> str: ...


Send = Callable[[str, dict[str, Any]], Awaitable[str | None]]
"""Send a comm message (msg_type, content) to the kernel; its msg_id, or None if not sent."""


def _field(content: Any, name: str, default: Any = None) -> Any:
    if isinstance(content, dict):
        return content.get(name, default)
    return getattr(content, name, default)


@runtime_checkable
class _Buffered(Protocol):
    """A message with binary buffers (`tuinb.kernel.messages.Message` has them)."""

    @property
    def buffers(self) -> list[bytes]: ...


def _buffers(message: MessageLike) -> list[bytes]:
    return [bytes(b) for b in message.buffers] if isinstance(message, _Buffered) else []


class CommManager:
    """The comms of one kernel session and the widget store they fill."""

    def __init__(self, send: Send, emit: Callable[[EngineEvent], None]) -> None:
        self.store = WidgetStore()
        """The widget models (read by views; saved into the notebook's metadata)."""
        self._send = send
        self._emit = emit
        self._comms: dict[str, str] = {}  # comm_id -> target_name, of open comms

    # ---- from the kernel

    async def handle(self, message: MessageLike) -> bool:
        """Apply a kernel message if it is a comm's or a captured output; True if it was."""
        msg_type = message.msg_type
        if msg_type == "comm_open":
            await self._opened(message)
            return True
        if msg_type == "comm_msg":
            await self._message(message)
            return True
        if msg_type == "comm_close":
            comm_id = str(_field(message.content, "comm_id", ""))
            self._comms.pop(comm_id, None)
            if self.store.closed(comm_id):
                self._emit(WidgetClosed(comm_id))
            return True
        if msg_type in _CAPTURED and message.channel == "iopub":
            model = self.store.capturing(message.parent_id)
            if model is not None:
                self._capture(model.model_id, msg_type, message.content)
                return True
        return False

    async def _opened(self, message: MessageLike) -> None:
        content = message.content
        comm_id = str(_field(content, "comm_id", ""))
        target = str(_field(content, "target_name", ""))
        data = _field(content, "data", {}) or {}
        if target == WIDGET_TARGET and isinstance(data, dict):
            state = dict(data.get("state") or {})
            put_buffers(state, data.get("buffer_paths") or [], _buffers(message))
            self._comms[comm_id] = target
            self.store.opened(comm_id, state)
            self._emit(WidgetChanged(comm_id))
        elif target == VERSION_TARGET:
            self._comms[comm_id] = target
            await self._send("comm_msg", {"comm_id": comm_id, "data": {"validated": True}})
        else:
            log.info("closing a comm for the unknown target %r", target)
            await self._send("comm_close", {"comm_id": comm_id, "data": {}})

    async def _message(self, message: MessageLike) -> None:
        content = message.content
        comm_id = str(_field(content, "comm_id", ""))
        data = _field(content, "data", {}) or {}
        if not isinstance(data, dict) or comm_id not in self.store:
            return
        method = data.get("method")
        if method not in ("update", "echo_update"):
            return  # "custom" from the kernel: none of the widgets drawn here uses it
        state = dict(data.get("state") or {})
        put_buffers(state, data.get("buffer_paths") or [], _buffers(message))
        model = self.store.get(comm_id)
        if model is None:
            return
        if method == "echo_update":
            parent = message.parent_id
            for key in list(state):
                expected = model.pending_echo.get(key)
                if expected is None:
                    continue
                if expected == parent:
                    del model.pending_echo[key]
                del state[key]  # ours is as new or newer
            if not state:
                return
        self.store.update(comm_id, state)
        self._emit(WidgetChanged(comm_id))

    def _capture(self, model_id: str, msg_type: str, content: Any) -> None:
        model = self.store.get(model_id)
        if model is None:
            return
        if msg_type == "clear_output":
            self.store.clear_outputs(model_id, wait=bool(_field(content, "wait", False)))
        else:
            outputs = model.state.get("outputs")
            outputs = list(outputs) if isinstance(outputs, list) else []
            if self.store.take_clear_wait(model_id):
                outputs = []
            clean, _ = split_transient(output_dict(msg_type, content))
            self.store.set_outputs(model_id, appended(outputs, clean))
        self._emit(WidgetChanged(model_id))

    def kernel_gone(self) -> None:
        """The kernel restarted or died: every comm is closed, the models stay as they were."""
        self._comms.clear()
        self.store.kernel_gone()

    # ---- to the kernel

    async def update(self, model_id: str, changes: dict[str, Any]) -> bool:
        """Change a widget's state here and in the kernel (a slider moved); False if unknown.

        A model without a live comm (loaded from the file, kernel gone) changes here only.
        """
        model = self.store.update(model_id, changes)
        if model is None:
            return False
        self._emit(WidgetChanged(model_id))
        if model.live and model_id in self._comms:
            data = {"method": "update", "state": dict(changes), "buffer_paths": []}
            msg_id = await self._send("comm_msg", {"comm_id": model_id, "data": data})
            if msg_id is not None:
                for key in changes:
                    model.pending_echo[key] = msg_id
        return True

    async def custom(self, model_id: str, content: dict[str, Any]) -> bool:
        """Send a custom message to a widget's kernel side; False if it has no live comm."""
        model = self.store.get(model_id)
        if model is None or not model.live or model_id not in self._comms:
            return False
        data = {"method": "custom", "content": content}
        return await self._send("comm_msg", {"comm_id": model_id, "data": data}) is not None

    async def click(self, model_id: str) -> bool:
        """A Button was pressed (its ``on_click`` handlers run in the kernel)."""
        return await self.custom(model_id, {"event": "click"})


class OfflineWidgets:
    """Widget models with no kernel side (an engine that cannot reach one yet):
    changes stay here, clicks go nowhere."""

    def __init__(self, store: WidgetStore | None = None) -> None:
        self.store = store if store is not None else WidgetStore()
        """The models, as loaded from the file or copied from elsewhere."""

    async def update(self, model_id: str, changes: dict[str, Any]) -> bool:
        """Change a model's state here only; False if unknown."""
        return self.store.update(model_id, changes) is not None

    async def click(self, model_id: str) -> bool:
        """Nothing to tell: no kernel side."""
        return False
