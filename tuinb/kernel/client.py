"""A kernel client on zmq: signed requests out, typed messages in, one async loop per socket.

Replies to requests the caller waits for (`kernel_info()`, `complete()`, ...)
are matched by parent msg_id and returned; everything else (all of iopub, all
of stdin, shell replies to `execute()`) goes to the single `messages()` stream.
That part does not depend on zmq and is `tuinb.kernel.requests.RequestClient`,
which the websocket client of a server's kernel shares; this module adds the
sockets, the signatures and the readiness handshake.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import zmq
import zmq.asyncio

from tuinb.kernel import channels
from tuinb.kernel.connection import ConnectionInfo
from tuinb.kernel.errors import KernelChannelsError, KernelDeadError, KernelTimeoutError
from tuinb.kernel.messages import KernelInfoRequest, Message
from tuinb.kernel.requests import RequestClient
from tuinb.kernel.wire import Signer, WireMessage, deserialize, serialize

log = logging.getLogger(__name__)

_SOCKET_CHANNELS = ("shell", "control", "stdin", "iopub")

BOOT_RESEND = 1.0
"""Seconds between kernel_info requests while none has been answered (the kernel boots)."""


class KernelClient(RequestClient):
    """Talks to one running kernel over its connection details.

    Its session id is also the zmq identity of its DEALER sockets.
    """

    def __init__(self, info: ConnectionInfo, *, kernel_name: str = "") -> None:
        super().__init__(kernel_name=kernel_name or info.kernel_name or "kernel")
        self.info = info
        """Where the kernel listens and the key that signs its messages."""
        self._signer = Signer(info.key, info.signature_scheme)
        self._ctx = channels.context()
        self._sockets: dict[str, zmq.asyncio.Socket] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.heartbeat = channels.Heartbeat(self._ctx, info)
        """The heartbeat channel (pinged by the manager's death watch)."""
        self._attached: dict[str, asyncio.Event] = {}
        self._monitors: list[zmq.asyncio.Socket] = []

    # ------------------------------------------------------------ lifecycle

    def start_channels(self) -> None:
        """Connect the sockets and start one receive loop per socket."""
        if self._sockets:
            return
        identity = self.session.encode("ascii")
        for channel in _SOCKET_CHANNELS:
            sock = channels.make_socket(self._ctx, channel, identity)
            self._watch(channel, sock, channels.watch_handshake(sock))
            sock.connect(self.info.address(channel))
            self._sockets[channel] = sock
            self._tasks.append(
                asyncio.create_task(self._receive(channel, sock), name=f"tuinb-{channel}")
            )
        hb, monitor = self.heartbeat.connect()
        if monitor is not None:
            self._watch("hb", hb, monitor)

    def _watch(self, channel: str, sock: zmq.asyncio.Socket, monitor: zmq.asyncio.Socket) -> None:
        """Note when `channel`'s handshake with the kernel has succeeded (see `attached`).

        The monitor is then switched off on `sock` before its end is closed: left on, it
        keeps sending events to a closed peer, and the socket never talks to a kernel
        that comes back on the same ports (one restarted by its owner).
        """
        attached = self._attached[channel] = asyncio.Event()
        self._monitors.append(monitor)

        async def wait() -> None:
            try:
                await channels.handshake_succeeded(monitor)
                attached.set()
            except zmq.ZMQError:  # closed meanwhile
                return
            finally:
                with contextlib.suppress(zmq.ZMQError):
                    sock.disable_monitor()
                monitor.close(linger=0)

        self._tasks.append(asyncio.create_task(wait(), name=f"tuinb-{channel}-monitor"))

    @property
    def unattached(self) -> list[str]:
        """Channels whose connection to the kernel has not completed its handshake yet.

        A kernel counts as started only when this is empty: an `input_request`
        sent on a stdin socket the kernel's ROUTER does not know yet is dropped,
        and the user's `input()` would wait for ever.
        """
        return [channel for channel, event in self._attached.items() if not event.is_set()]

    async def close(self) -> None:
        """Stop the loops, close the sockets and end `messages()`. Idempotent."""
        tasks = self.close_nowait()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def close_nowait(self) -> list[asyncio.Task[None]]:
        """Like `close()` without waiting for the loops to finish (for sync callers)."""
        if self._closed:
            return []
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for sock in [*self._sockets.values(), *self._monitors]:
            with contextlib.suppress(zmq.ZMQError):
                sock.close(linger=0)
        self._sockets.clear()
        self._monitors.clear()
        self.heartbeat.close()
        self._end()
        return tasks

    # ------------------------------------------------------------ receiving

    async def _receive(self, channel: str, sock: zmq.asyncio.Socket) -> None:
        # What is already queued is read through a plain (shadow) socket: an
        # awaited recv costs a Future and its bookkeeping per message, which is
        # most of the client's CPU time in a run of many short cells.
        shadow: zmq.Socket[bytes] = zmq.Socket.shadow(sock.underlying)
        while True:
            try:
                frames = await sock.recv_multipart()
                while True:
                    self._handle(channel, frames)
                    try:
                        frames = shadow.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
            except zmq.ZMQError as exc:
                if self._closed:
                    return
                log.warning("%s socket error: %s", channel, exc)
                return

    def _handle(self, channel: str, frames: list[bytes]) -> None:
        wire = deserialize(self._signer, frames, channel=channel)
        if wire is not None:
            self.deliver(channel, wire)

    # ------------------------------------------------------------ sending

    def _transmit(self, channel: str, message: WireMessage) -> None:
        self._sockets[channel].send_multipart(serialize(self._signer, message))

    # ------------------------------------------------------------ readiness

    async def wait_for_ready(
        self,
        *,
        timeout: float,  # noqa: ASYNC109 (retries inside one deadline)
        still_starting: Callable[[], bool] = lambda: True,
    ) -> Message:
        """Repeat kernel_info_request until one is answered AND iopub delivered something
        AND every channel (shell, control, stdin, iopub, heartbeat) has completed its
        handshake with the kernel (socket monitors: see `unattached`).

        Raises `KernelTimeoutError` after `timeout` seconds, and returns early
        (raising `KernelDeadError`) once `still_starting()` is False.
        """
        deadline = time.monotonic() + timeout
        sent: list[str] = []
        futures: list[asyncio.Future[Message]] = []
        reply: Message | None = None
        interval = 0.2  # grows to 1 s: a slow kernel should not get a pile of requests
        last_send = time.monotonic() - BOOT_RESEND
        next_send = time.monotonic()
        try:
            while True:
                now = time.monotonic()
                # Resent until iopub too has spoken: its SUB may join late. While no
                # reply came the kernel is still booting and will answer the queued
                # request once up, so resend rarely then: each request left queued
                # costs the first cell about 1 ms.
                next_send = last_send + (interval if reply is not None else BOOT_RESEND)
                if now >= next_send and (reply is None or not self.iopub_seen):
                    msg_id, future = self._send_request("shell", KernelInfoRequest())
                    sent.append(msg_id)
                    futures.append(future)
                    last_send = now
                    next_send = now + (interval if reply is not None else BOOT_RESEND)
                    interval = min(interval * 1.5, 1.0)
                waitables: list[asyncio.Future[Any]] = [f for f in futures if not f.done()]
                iopub = None
                if not self.iopub_seen:
                    iopub = asyncio.ensure_future(self._iopub_seen.wait())
                    waitables.append(iopub)
                attaching = [
                    asyncio.ensure_future(self._attached[channel].wait())
                    for channel in self.unattached
                ]
                waitables.extend(attaching)
                wait_for = max(min(next_send, deadline) - time.monotonic(), 0.005)
                if waitables:
                    await asyncio.wait(
                        waitables, timeout=wait_for, return_when=asyncio.FIRST_COMPLETED
                    )
                for waiting in [iopub, *attaching]:
                    if waiting is not None and not waiting.done():
                        waiting.cancel()
                for future in futures:
                    if reply is None and future.done() and not future.exception():
                        reply = future.result()
                if reply is not None and self.iopub_seen and not self.unattached:
                    self.ready_reply = reply
                    return reply
                if not still_starting():
                    raise KernelDeadError(f"{self.kernel_name} stopped while starting")
                if time.monotonic() >= deadline:
                    if reply is not None and self.unattached:
                        raise KernelChannelsError(self.kernel_name, self.unattached, timeout)
                    raise KernelTimeoutError(
                        f"The kernel {self.kernel_name!r} did not answer kernel_info "
                        f"within {timeout:g} s."
                    )
        finally:
            for msg_id in sent:
                if self._pending.pop(msg_id, None) is not None:
                    self._ignored.add(msg_id)
            for future in futures:
                if not future.done():
                    future.cancel()
