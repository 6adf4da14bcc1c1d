"""The host's side of one attached client: everything it sends, in order, coalesced.

Engine events go out in the order they happened. A cell whose results
changed gets a *marker* in that order instead of its outputs; when the sender
writes, it turns each marker into the difference between the cell as the
client last received it and the cell now (`ResultTracker`). While the client
reads slowly (the socket's buffer is full and `drain()` waits), new output
only re-marks cells already marked, so a flood of 200,000 lines reaches a
slow client as a few large differences, not 200,000 messages, and the host's
memory holds the notebook, not a backlog. A fast client gets each change at
once: the sender wakes as soon as something is queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from tuinb.engine import events as ev
from tuinb.engine.widgetstate import WidgetStore
from tuinb.session.events import event_to_wire
from tuinb.session.replica import ResultTracker
from tuinb.session.widgets import widget_message
from tuinb.session.wire import HEADER_SIZE, decode, encode, frame_length

log = logging.getLogger(__name__)

CUT_OFF = 5.0
"""Seconds a client that is told to go has to read its last messages."""


async def read_message(reader: asyncio.StreamReader) -> dict[str, Any]:
    """The next message (IncompleteReadError at the end; ProtocolError if malformed)."""
    header = await reader.readexactly(HEADER_SIZE)
    return decode(await reader.readexactly(frame_length(header)))


class _Marker:
    """ "Send this cell's results as they are when writing"."""

    __slots__ = ("cell_id",)

    def __init__(self, cell_id: str) -> None:
        self.cell_id = cell_id


class _WidgetMarker:
    """ "Send this widget model's state as it is when writing" (or that it closed)."""

    __slots__ = ("model_id",)

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id


class Link:
    """The outgoing half of an attached client's connection."""

    def __init__(
        self,
        writer: asyncio.StreamWriter,
        tracker: ResultTracker,
        widgets: WidgetStore | None = None,
    ) -> None:
        self.writer = writer
        self.tracker = tracker
        """What this client has of each cell's results."""
        self.widgets = widgets if widgets is not None else WidgetStore()
        """The host's widget models (the engine's store), sent to the client as they change."""
        self.acked = 0
        """How many of the client's edits the host has applied."""
        self.widgets_acked = 0
        """How many of the client's widget changes the host has applied."""
        self._items: list[bytes | _Marker | _WidgetMarker] = []
        self._marked: set[str] = set()
        self._marked_widgets: set[str] = set()
        self._wake = asyncio.Event()
        self._closing = False
        self._task = asyncio.create_task(self._send_loop(), name="tuinb-session-send")

    @property
    def closed(self) -> bool:
        """The sender stopped (the client went away or was told to go)."""
        return self._task.done()

    def mark(self, cell_id: str) -> None:
        """The cell's results changed: send them (once, however often this is called)."""
        if cell_id not in self._marked:
            self._marked.add(cell_id)
            self._items.append(_Marker(cell_id))
            self._wake.set()

    def mark_widget(self, model_id: str) -> None:
        """A widget model changed or closed: send its state (once, however often called)."""
        if model_id not in self._marked_widgets:
            self._marked_widgets.add(model_id)
            self._items.append(_WidgetMarker(model_id))
            self._wake.set()

    def event(self, event: ev.EngineEvent) -> None:
        """Forward an engine event; a cell's results go before the event about it."""
        match event:
            case ev.OutputsChanged(cell_id=cell_id):
                self.mark(cell_id)
                return
            case ev.WidgetChanged(model_id=model_id) | ev.WidgetClosed(model_id=model_id):
                self.mark_widget(model_id)
                return
            case ev.CellStarted(cell_id=cell_id) | ev.CellFinished(cell_id=cell_id):
                self.mark(cell_id)
        self.send(event_to_wire(event))

    def send(self, message: dict[str, Any]) -> None:
        """Queue a message, encoded now (it may hold parts of the notebook that change)."""
        self._items.append(encode(message))
        self._wake.set()

    def close_after(self, message: dict[str, Any] | None = None) -> None:
        """Send what is queued (and `message`), then close the connection.

        A client that has not read it all after `CUT_OFF` seconds (a stopped
        terminal) is cut off, so it holds nothing of the host's for long.
        """
        if message is not None:
            self.send(message)
        self._closing = True
        self._wake.set()
        asyncio.get_running_loop().call_later(CUT_OFF, self._cut_off)

    def _cut_off(self) -> None:
        if not self._task.done():
            log.info("a client did not read its last messages; cut off")
            self.abort()

    async def wait_closed(self, timeout: float = 5) -> None:  # noqa: ASYNC109 (a bounded wait)
        """Wait until the sender has finished (and closed the connection)."""
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(self._task), timeout)

    def abort(self) -> None:
        """Close at once, dropping what is queued."""
        self._task.cancel()
        self.writer.transport.abort()

    def _take(self) -> list[bytes]:
        items, self._items = self._items, []
        self._marked.clear()
        self._marked_widgets.clear()
        chunks: list[bytes] = []
        for item in items:
            if isinstance(item, bytes):
                chunks.append(item)
                continue
            if isinstance(item, _WidgetMarker):
                message = widget_message(self.widgets, item.model_id, self.widgets_acked)
                chunks.append(encode(message))
                continue
            difference = self.tracker.difference(item.cell_id, self.acked)
            if difference is not None:
                chunks.append(encode(difference))
        return chunks

    async def _send_loop(self) -> None:
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                chunks = self._take()
                if chunks:
                    self.writer.write(b"".join(chunks))
                    await self.writer.drain()
                if self._closing and not self._items:
                    break
        except (ConnectionError, RuntimeError) as err:  # the client went away mid-write
            log.info("a client connection ended while sending: %s", err)
        finally:
            self.writer.close()
