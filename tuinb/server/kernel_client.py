"""The client of a kernel behind a Jupyter server or gateway: its messages over the websocket.

`RemoteKernelClient` is `tuinb.kernel.requests.RequestClient` (requests
matched to replies, typed messages, the same methods as the local client) on
a `KernelSocket`. It also notices, among iopub messages, the ones that say
the kernel's life changed without us asking (the server's own `restarting`
and `dead` statuses, a `shutdown_reply` someone else requested), for
`tuinb.server.remote.RemoteKernel` to report as a death.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from tuinb.kernel.errors import KernelDeadError, KernelTimeoutError
from tuinb.kernel.messages import KernelInfoRequest, Message
from tuinb.kernel.requests import RequestClient
from tuinb.kernel.wire import WireMessage
from tuinb.server.errors import ServerError
from tuinb.server.framing import V1_PROTOCOL
from tuinb.server.http import ServerConnection
from tuinb.server.kernel_socket import ConnectionChange, KernelSocket

READY_RESEND = 1.0
"""Seconds between kernel_info requests until one is answered."""


def _lifecycle_event(wire: WireMessage, our_session: str) -> str | None:
    """`restarting`, `dead` or `shutdown` when an iopub message says the kernel's life
    changed without us asking: the server's own status messages (no parent), or the
    kernel announcing a shutdown someone else requested."""
    msg_type = wire.header.get("msg_type")
    if msg_type == "status" and not wire.parent_header:
        state = wire.content.get("execution_state")
        return str(state) if state in ("restarting", "dead") else None
    if msg_type == "shutdown_reply" and wire.parent_header.get("session") != our_session:
        return "restarting" if wire.content.get("restart") else "shutdown"
    return None


class RemoteKernelClient(RequestClient):
    """A kernel client whose messages go over the kernel's websocket."""

    def __init__(
        self,
        connection: ServerConnection,
        kernel_id: str,
        *,
        kernel_name: str = "kernel",
        protocols: tuple[str, ...] = (V1_PROTOCOL,),
        on_change: Callable[[ConnectionChange], None] | None = None,
        on_server_status: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(kernel_name=kernel_name)
        self.socket = KernelSocket(
            connection,
            kernel_id,
            self.session,
            self._arrived,
            protocols=protocols,
            on_change=on_change,
        )
        """The websocket (its `state`, `subprotocol`, `reconnects`)."""
        self._on_server_status = on_server_status

    def _transmit(self, channel: str, message: WireMessage) -> None:
        try:
            self.socket.send(channel, message)
        except ServerError as exc:
            raise KernelDeadError(str(exc)) from None

    def _arrived(self, channel: str, wire: WireMessage) -> None:
        if channel == "iopub" and self._on_server_status is not None:
            event = _lifecycle_event(wire, self.session)
            if event is not None:
                self._on_server_status(event)
        self.deliver(channel, wire)

    async def connect(self, *, timeout: float) -> Message:  # noqa: ASYNC109 (one deadline)
        """Open the websocket and wait until the kernel answers kernel_info."""
        await self.socket.open()
        return await self.wait_for_ready(timeout=timeout)

    async def wait_for_ready(self, *, timeout: float) -> Message:  # noqa: ASYNC109 (one deadline)
        """Send kernel_info_request (again each second) until one is answered.

        The server has connected the kernel's channels before it accepted the
        websocket, so no iopub handshake is needed here.
        """
        deadline = time.monotonic() + timeout
        gone: asyncio.Future[str] = asyncio.ensure_future(self.socket.gone())
        try:
            while True:
                msg_id, future = self._send_request("shell", KernelInfoRequest())
                wait = max(min(READY_RESEND, deadline - time.monotonic()), 0.01)
                either: list[asyncio.Future[Any]] = [future, gone]
                await asyncio.wait(either, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
                if future.done() and not future.exception():
                    self.ready_reply = future.result()
                    return self.ready_reply
                self._forget(msg_id)
                if gone.done():
                    raise KernelDeadError(gone.result())
                if future.done():  # failed: the client was closed or marked dead
                    raise KernelDeadError(str(future.exception()))
                if time.monotonic() >= deadline:
                    raise KernelTimeoutError(
                        f"The kernel {self.kernel_name!r} did not answer kernel_info "
                        f"within {timeout:g} s."
                    )
        finally:
            gone.cancel()

    async def close(self) -> None:
        """Close the websocket and end `messages()` (idempotent)."""
        self._end()
        await self.socket.close()
