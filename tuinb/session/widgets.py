"""Widget models across the session link: the host's store replicated in the editor.

The kernel's comms end in the host's engine (`tuinb.engine.comms.CommManager`),
which keeps the widget models. The editor draws them from a copy:

- host -> editor: a ``w`` message per model whose state changed, carrying the
  model's whole state as it is when the message is written (a slider moved a
  hundred times while the editor read slowly is one message), or that it was
  closed. Binary buffers travel base64-encoded beside the state, as the
  notebook's saved widget state stores them (`take_buffers`/`put_buffers`).
- editor -> host: ``widget`` (a change the user made, applied at once to the
  copy and sent to the kernel by the host's engine) and ``click`` (a Button).

One race needs care, as for cell results (`tuinb.session.replica`): while the
user drags a slider, the host keeps sending states computed before it had
the latest value. Each ``w`` carries how many of this editor's widget changes
the host had applied (``wa``); a key the editor changed after that keeps the
editor's value, every other key takes the host's.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Any

from tuinb.engine.events import EngineEvent, WidgetChanged, WidgetClosed
from tuinb.engine.widgetstate import WidgetModel, WidgetStore, put_buffers, take_buffers
from tuinb.session.wire import ProtocolError

__all__ = ["ReplicaWidgets", "state_from_wire", "state_to_wire", "widget_message"]


def state_to_wire(state: dict[str, Any]) -> dict[str, Any]:
    """A widget state (or a change to one) as JSON: the state without bytes, and the bytes."""
    clean, buffers = take_buffers(state)
    return {"s": clean, "b": buffers} if buffers else {"s": clean}


def state_from_wire(message: dict[str, Any]) -> dict[str, Any]:
    """The state `state_to_wire` encoded (ProtocolError if it is not one)."""
    state = message.get("s")
    if not isinstance(state, dict):
        raise ProtocolError("a widget message holds no state")
    state = dict(state)
    for buffer in message.get("b") or []:
        try:
            data = base64.b64decode(str(buffer["data"]), validate=True)
            put_buffers(state, [list(buffer["path"])], [data])
        except (KeyError, TypeError, ValueError, binascii.Error) as err:
            raise ProtocolError(f"a widget buffer is malformed ({err})") from None
    return state


def widget_message(store: WidgetStore, model_id: str, acked: int) -> dict[str, Any]:
    """The ``w`` message bringing an editor up to date on one model (host side)."""
    model = store.get(model_id)
    if model is None:
        return {"t": "w", "id": model_id, "closed": True, "wa": acked}
    return {"t": "w", "id": model_id, "live": model.live, "wa": acked, **state_to_wire(model.state)}


class ReplicaWidgets:
    """The editor's copy of the host's widget models (`tuinb.engine.protocols.WidgetsLike`).

    `send` ships a message to the host (in order with everything else);
    `request` sends one and waits for its reply; `emit` puts an engine event
    (`WidgetChanged`, `WidgetClosed`) on the client's event stream.
    """

    def __init__(
        self,
        send: Callable[[dict[str, Any]], None],
        request: Callable[..., Awaitable[dict[str, Any]]],
        emit: Callable[[EngineEvent], None],
    ) -> None:
        self.store = WidgetStore()
        """The models, as the host last sent them (with this editor's own changes)."""
        self._send = send
        self._request = request
        self._emit = emit
        self._seq = 0
        self._mine: dict[str, dict[str, int]] = {}  # model id -> key -> number of our change

    async def update(self, model_id: str, changes: dict[str, Any]) -> bool:
        """Change a widget's state here at once and in the kernel (through the host)."""
        if self.store.update(model_id, changes) is None:
            return False
        self._seq += 1
        keys = self._mine.setdefault(model_id, {})
        for key in changes:
            keys[key] = self._seq
        self._send(
            {"t": "cmd", "op": "widget", "id": model_id, "w": self._seq, **state_to_wire(changes)}
        )
        self._emit(WidgetChanged(model_id))
        return True

    async def click(self, model_id: str) -> bool:
        """A Button was pressed; False if no live kernel side backs it (or the host is gone)."""
        model = self.store.get(model_id)
        if model is None or not model.live:
            return False
        try:
            reply = await self._request("click", id=model_id)
        except Exception:  # the session was lost meanwhile: nothing backs the button
            return False
        return bool(reply.get("ok"))

    def received(self, message: dict[str, Any]) -> None:
        """Apply a host's ``w`` message and tell the UI (ProtocolError if malformed)."""
        model_id = message.get("id")
        if not isinstance(model_id, str):
            raise ProtocolError("a widget message names no model")
        if message.get("closed"):
            self._mine.pop(model_id, None)
            if self.store.closed(model_id):
                self._emit(WidgetClosed(model_id))
            return
        state = state_from_wire(message)
        acked = int(message.get("wa", 0))
        mine = self._mine.get(model_id, {})
        kept = {key for key, number in mine.items() if number > acked}
        old = self.store.get(model_id)
        if old is not None:
            for key in kept:
                if key in old.state:
                    state[key] = old.state[key]
        if kept:
            self._mine[model_id] = {key: mine[key] for key in kept}
        else:
            self._mine.pop(model_id, None)
        if old is None:
            model: WidgetModel = self.store.opened(model_id, state)
        else:  # the same object: a view holding the model sees the new state
            model = old
            model.state.clear()
            model.state.update(state)
        model.live = bool(message.get("live", True))
        self._emit(WidgetChanged(model_id))

    def lost(self) -> None:
        """The host is gone: no kernel side backs any model now."""
        self.store.kernel_gone()
