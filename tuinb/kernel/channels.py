"""The five zmq sockets of a kernel connection, on `zmq.asyncio` (no threads).

shell, control and stdin are DEALERs sharing the session identity (so the
kernel routes `input_request` to our stdin socket); iopub is a SUB subscribed
to everything; the heartbeat is a REQ that echoes pings.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys

import zmq
import zmq.asyncio

from tuinb.kernel.connection import ConnectionInfo


def context() -> zmq.asyncio.Context:
    """The process-wide asyncio zmq context (created on first use)."""
    return zmq.asyncio.Context.instance()


RECONNECT_MS = 10
"""How often a socket retries connecting to a kernel that has not bound yet (ms)."""


def connect_socket(
    ctx: zmq.asyncio.Context, info: ConnectionInfo, channel: str, identity: bytes
) -> zmq.asyncio.Socket:
    """A socket of the right type connected to `channel` of the kernel."""
    sock = make_socket(ctx, channel, identity)
    sock.connect(info.address(channel))
    return sock


def make_socket(ctx: zmq.asyncio.Context, channel: str, identity: bytes) -> zmq.asyncio.Socket:
    """A socket of the right type for `channel`, set up but not yet connected (so that a
    monitor can be attached before the first connection event)."""
    if channel == "iopub":
        sock = ctx.socket(zmq.SUB)
        sock.setsockopt(zmq.SUBSCRIBE, b"")
    elif channel == "hb":
        sock = ctx.socket(zmq.REQ)
    else:
        sock = ctx.socket(zmq.DEALER)
        sock.setsockopt(zmq.IDENTITY, identity)
    sock.setsockopt(zmq.LINGER, 0)
    # A kernel that is still booting has not bound its sockets: each of ours
    # retries its connect, by default every 100 ms. Retried every 10 ms, all of
    # them are attached soon after the kernel binds, long before it answers its
    # first request; otherwise an input_request could go out on stdin before
    # our stdin socket is attached, and the kernel's ROUTER would drop it.
    sock.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
    return sock


def watch_handshake(sock: zmq.asyncio.Socket) -> zmq.asyncio.Socket:
    """A monitor of `sock` that reports when its ZMTP handshake with the kernel succeeded.

    Attach it before `connect`: the handshake may complete at once.
    """
    return sock.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)


async def handshake_succeeded(monitor: zmq.asyncio.Socket) -> None:
    """Return once `monitor` (from `watch_handshake`) reports a successful handshake."""
    while True:
        frames = await monitor.recv_multipart()
        event = int.from_bytes(frames[0][:2], sys.byteorder)
        if event & zmq.EVENT_HANDSHAKE_SUCCEEDED:
            return


class Heartbeat:
    """Pings the kernel's heartbeat socket; a REQ socket is renewed after a lost ping."""

    def __init__(self, ctx: zmq.asyncio.Context, info: ConnectionInfo) -> None:
        self._ctx = ctx
        self._info = info
        self._sock: zmq.asyncio.Socket | None = None

    def connect(self) -> tuple[zmq.asyncio.Socket, zmq.asyncio.Socket | None]:
        """Open the socket now (else the first ping does), with a handshake monitor if new."""
        if self._sock is not None:
            return self._sock, None
        sock = make_socket(self._ctx, "hb", b"")
        monitor = watch_handshake(sock)
        sock.connect(self._info.address("hb"))
        self._sock = sock
        return sock, monitor

    async def ping(self, timeout: float) -> bool:  # noqa: ASYNC109 (a socket-level deadline)
        """True when the kernel echoed a ping within `timeout` seconds."""
        if self._sock is None:
            self._sock = connect_socket(self._ctx, self._info, "hb", b"")
        sock = self._sock
        try:
            async with asyncio.timeout(timeout):
                await sock.send(b"ping")
                await sock.recv()
        except (TimeoutError, zmq.ZMQError):
            self.close()  # a REQ socket that lost its reply cannot send again
            return False
        return True

    def close(self) -> None:
        """Close the socket (a later `ping` opens a new one)."""
        if self._sock is not None:
            with contextlib.suppress(zmq.ZMQError):
                self._sock.close(linger=0)
            self._sock = None
