"""One kernel's websocket on a Jupyter server or gateway, kept open across drops.

`GET /api/kernels/ID/channels?session_id=S`, with the token in the
`Authorization` header of the handshake (jpterm's client forgot it) and the
v1 subprotocol offered (the JSON protocol if the server does not pick it).
`max_size=None`: websockets would close on any message over 1 MiB (a plot).

When the connection drops (a network blip, a laptop asleep, the server
restarting) the state becomes `reconnecting` and it is retried, after
0.05 s and then twice as long each time up to 1 s, so it is back within
about a second of the server being reachable again. It comes back with the
*same* session id: jupyter_server keeps what the kernel sent for that
session while no client was connected and replays it, so nothing is lost.
Messages sent while away wait and go out once reconnected. A 404 on
reconnecting means the kernel is gone (shut down elsewhere, culled, or the
server restarted without it): `gone` resolves with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from tuinb.kernel.wire import WireMessage
from tuinb.server.errors import (
    KernelGone,
    ServerAuthError,
    ServerError,
    ServerRequestError,
    ServerUnreachable,
)
from tuinb.server.framing import V1_PROTOCOL, decode_json, decode_v1, encode_json, encode_v1
from tuinb.server.http import CONNECT_TIMEOUT, ServerConnection

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

log = logging.getLogger(__name__)


class _HideCredentials(logging.Filter):
    """websockets logs the handshake's headers at DEBUG: never the `Authorization` one."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 2 and str(args[0]).lower() == "authorization":
            record.args = (args[0], "<hidden>")
        return True


def _handshake_logger() -> logging.Logger:
    """The logger given to websockets, with the filter that hides the token (added once)."""
    logger = logging.getLogger("tuinb.server.websocket")
    if not any(isinstance(f, _HideCredentials) for f in logger.filters):
        logger.addFilter(_HideCredentials())
    return logger


ConnectionState = Literal["connecting", "connected", "reconnecting", "closed"]
"""`connecting` (first time), `connected`, `reconnecting` (dropped, retrying), `closed`."""

FIRST_RETRY = 0.05
"""Seconds before the first reconnection attempt."""
MAX_RETRY = 1.0
"""The longest wait between attempts: a reachable server is found again within ~1 s."""
PING_INTERVAL = 5.0
"""Seconds between websocket pings (a connection that went silent is noticed)."""
PING_TIMEOUT = 10.0
"""Seconds a pong may take before the connection counts as dropped."""


@dataclass(frozen=True)
class ConnectionChange:
    """The websocket's state changed; `message` says why, for a status bar."""

    state: ConnectionState
    message: str = ""


Deliver = Callable[[str, WireMessage], None]


class KernelSocket:
    """The channels websocket of one kernel (see the module docstring)."""

    def __init__(
        self,
        connection: ServerConnection,
        kernel_id: str,
        session_id: str,
        deliver: Deliver,
        *,
        protocols: tuple[str, ...] = (V1_PROTOCOL,),
        on_change: Callable[[ConnectionChange], None] | None = None,
    ) -> None:
        self.connection = connection
        self.kernel_id = kernel_id
        self.session_id = session_id
        """Sent on every (re)connection, so the server replays what it kept for us."""
        self.protocols = protocols
        """Subprotocols offered (empty: the JSON protocol)."""
        self.state: ConnectionState = "connecting"
        self.subprotocol: str | None = None
        """What the server picked (`V1_PROTOCOL`, or None for JSON)."""
        self.reconnects = 0
        """How many times the connection came back after a drop."""
        self._deliver = deliver
        self._ws: ClientConnection | None = None
        self._outbox: deque[tuple[str, WireMessage]] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._gone: asyncio.Future[str] | None = None
        self._on_change = on_change

    # ------------------------------------------------------------ state

    def _set_state(self, state: ConnectionState, message: str = "") -> None:
        if state == self.state:
            return
        self.state = state
        if self._on_change is not None:
            self._on_change(ConnectionChange(state, message))

    def _gone_future(self) -> asyncio.Future[str]:
        if self._gone is None:
            self._gone = asyncio.get_running_loop().create_future()
        return self._gone

    async def gone(self) -> str:
        """The reason, once the kernel is no longer there (or the server refuses us)."""
        return await asyncio.shield(self._gone_future())

    def _give_up(self, reason: str) -> None:
        future = self._gone_future()
        if not future.done():
            future.set_result(reason)
        self._set_state("closed", reason)
        self._wake.set()

    # ------------------------------------------------------------ connecting

    def _url(self) -> str:
        return self.connection.address.websocket_url(
            f"api/kernels/{self.kernel_id}/channels", {"session_id": self.session_id}
        )

    async def _connect(self) -> ClientConnection:
        """One websocket handshake; raises a `ServerError` saying what went wrong."""
        from websockets.asyncio.client import connect
        from websockets.datastructures import Headers
        from websockets.exceptions import InvalidHandshake, InvalidStatus
        from websockets.typing import Subprotocol

        try:
            return await connect(
                self._url(),
                additional_headers=Headers(self.connection.headers()),
                subprotocols=[Subprotocol(p) for p in self.protocols] or None,
                ssl=self.connection.ssl_context() if self.connection.secure else None,
                max_size=None,
                open_timeout=CONNECT_TIMEOUT,
                ping_interval=PING_INTERVAL,
                ping_timeout=PING_TIMEOUT,
                compression=None,
                logger=_handshake_logger(),
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            if status in (401, 403):
                raise self.connection.refused(status) from None
            if status == 404:
                raise KernelGone(
                    f"The kernel is no longer on {self.connection.where()} "
                    "(shut down there, culled for being idle, or the server restarted)."
                ) from None
            raise ServerRequestError(
                f"{self.connection.where_first()} refused the kernel's websocket ({status}).",
                status,
            ) from None
        except (InvalidHandshake, OSError, TimeoutError) as exc:
            raise self.connection.unreachable(exc) from None

    async def open(self) -> None:
        """Connect for the first time (raises `ServerError`), then keep the connection up."""
        ws = await self._connect()
        self._attach(ws)
        self._task = asyncio.create_task(self._keep(ws), name="tuinb-kernel-websocket")

    def _attach(self, ws: ClientConnection) -> None:
        self._ws = ws
        self.subprotocol = ws.subprotocol
        self._set_state("connected")
        self._wake.set()

    async def _keep(self, ws: ClientConnection) -> None:
        """Read, write, and reconnect after a drop, until closed or the kernel is gone."""
        from websockets.exceptions import ConnectionClosed

        while True:
            writer = asyncio.create_task(self._write(ws), name="tuinb-kernel-websocket-out")
            try:
                async for data in ws:
                    self._receive(data)
            except ConnectionClosed:
                pass
            finally:
                writer.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await writer
            self._ws = None
            if self.state == "closed":
                return
            reason = ws.close_reason or "the connection dropped"
            log.warning("the kernel websocket closed (%s); reconnecting", reason)
            self._set_state("reconnecting", f"connection to the server lost ({reason})")
            next_ws = await self._reconnect()
            if next_ws is None:
                return
            ws = next_ws
            self.reconnects += 1
            self._attach(ws)

    async def _reconnect(self) -> ClientConnection | None:
        delay = FIRST_RETRY
        while self.state != "closed":
            try:
                return await self._connect()
            except (KernelGone, ServerAuthError) as exc:
                self._give_up(str(exc))
                return None
            except ServerError as exc:
                log.info("reconnecting to the kernel failed: %s", exc)
                retry = "reconnecting" if isinstance(exc, ServerUnreachable) else "retrying"
                self._set_state("reconnecting", f"{retry}: {exc}")
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY)
        return None

    # ------------------------------------------------------------ messages

    def _receive(self, data: str | bytes) -> None:
        if self.subprotocol == V1_PROTOCOL and isinstance(data, bytes):
            decoded = decode_v1(data)
        else:
            decoded = decode_json(data)
        if decoded is not None:
            self._deliver(*decoded)

    def send(self, channel: str, message: WireMessage) -> None:
        """Send now, or as soon as the connection is back (never blocks)."""
        if self.state == "closed":
            raise ServerUnreachable(f"the connection to {self.connection.where()} is closed")
        self._outbox.append((channel, message))
        self._wake.set()

    def _encode(self, channel: str, message: WireMessage) -> str | bytes:
        if self.subprotocol == V1_PROTOCOL:
            return encode_v1(channel, message)
        return encode_json(channel, message)

    async def _write(self, ws: ClientConnection) -> None:
        while True:
            while self._outbox:
                channel, message = self._outbox[0]
                await ws.send(self._encode(channel, message))  # on a drop it stays queued
                self._outbox.popleft()
            self._wake.clear()
            await self._wake.wait()

    async def close(self) -> None:
        """Close the websocket and stop reconnecting (idempotent)."""
        self._set_state("closed", "closed")
        self._wake.set()
        ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
