"""A kernel client: signed requests out, typed messages in, one async loop per socket.

Replies to requests the caller waits for (`kernel_info()`, `complete()`, ...)
are matched by parent msg_id and returned; everything else (all of iopub, all
of stdin, shell replies to `execute()`) goes to the single `messages()` stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import zmq
import zmq.asyncio

from tuinb.kernel import channels
from tuinb.kernel.connection import ConnectionInfo
from tuinb.kernel.errors import (
    KernelChannelsError,
    KernelDeadError,
    KernelError,
    KernelTimeoutError,
)
from tuinb.kernel.messages import (
    CommInfoRequest,
    CompleteRequest,
    Content,
    ExecuteRequest,
    HistoryRequest,
    InputReply,
    InspectRequest,
    InterruptRequest,
    IsCompleteRequest,
    KernelInfoRequest,
    Message,
    ShutdownRequest,
    default_username,
    make_header,
    parse_content,
)
from tuinb.kernel.wire import Signer, WireMessage, deserialize, serialize

log = logging.getLogger(__name__)

_SOCKET_CHANNELS = ("shell", "control", "stdin", "iopub")

BOOT_RESEND = 1.0
"""Seconds between kernel_info requests while none has been answered (the kernel boots)."""


class KernelClient:
    """Talks to one running kernel over its connection details."""

    def __init__(self, info: ConnectionInfo, *, kernel_name: str = "") -> None:
        self.info = info
        """Where the kernel listens and the key that signs its messages."""
        self.kernel_name = kernel_name or info.kernel_name or "kernel"
        """Used in error messages."""
        self.session = uuid.uuid4().hex
        """This client's session id (also the zmq identity of its DEALER sockets)."""
        self.username = default_username()
        """The `username` of our message headers."""
        self._signer = Signer(info.key, info.signature_scheme)
        self._ctx = channels.context()
        self._sockets: dict[str, zmq.asyncio.Socket] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._pending: dict[str, asyncio.Future[Message]] = {}
        self._ignored: set[str] = set()
        self._inbox: asyncio.Queue[Message | None] = asyncio.Queue()
        self._iopub_seen = asyncio.Event()
        self._input_parent: dict[str, Any] | None = None
        self._dead_reason: str | None = None
        self._closed = False
        self.heartbeat = channels.Heartbeat(self._ctx, info)
        """The heartbeat channel (pinged by the manager's death watch)."""
        self.last_traffic = time.monotonic()
        """`time.monotonic()` of the last message sent to or received from the kernel."""
        self.kernel_busy = False
        """The kernel's last iopub status said `busy` (it is running something)."""
        self.traffic = asyncio.Event()
        """Set by every message either way (the death watch clears it before it waits)."""
        self.ready_reply: Message | None = None
        """The kernel_info_reply that ended `wait_for_ready` (its language_info, without asking)."""
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
            self._watch(channel, channels.watch_handshake(sock))
            sock.connect(self.info.address(channel))
            self._sockets[channel] = sock
            self._tasks.append(
                asyncio.create_task(self._receive(channel, sock), name=f"tuinb-{channel}")
            )
        _sock, monitor = self.heartbeat.connect()
        if monitor is not None:
            self._watch("hb", monitor)

    def _watch(self, channel: str, monitor: zmq.asyncio.Socket) -> None:
        """Note when `channel`'s handshake with the kernel has succeeded (see `attached`)."""
        attached = self._attached[channel] = asyncio.Event()
        self._monitors.append(monitor)

        async def wait() -> None:
            try:
                await channels.handshake_succeeded(monitor)
                attached.set()
            except zmq.ZMQError:  # closed meanwhile
                return
            finally:
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
        self._closed = True
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for sock in [*self._sockets.values(), *self._monitors]:
            with contextlib.suppress(zmq.ZMQError):
                sock.close(linger=0)
        self._sockets.clear()
        self._monitors.clear()
        self.heartbeat.close()
        self._fail_pending(KernelDeadError(f"the connection to {self.kernel_name} was closed"))
        self._inbox.put_nowait(None)
        return tasks

    def mark_dead(self, reason: str) -> None:
        """The kernel died: waiting and later requests raise `KernelDeadError(reason)`."""
        self._dead_reason = reason
        self._fail_pending(KernelDeadError(reason))

    def _fail_pending(self, error: KernelError) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(error)
                future.exception()  # mark retrieved: nobody may be waiting any more

    @property
    def iopub_seen(self) -> bool:
        """True once iopub has delivered any message (half of the readiness handshake)."""
        return self._iopub_seen.is_set()

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
            self._dispatch(self._typed(channel, wire))

    @staticmethod
    def _typed(channel: str, wire: WireMessage) -> Message:
        msg_type = str(wire.header["msg_type"])
        return Message(
            channel=channel,
            header=wire.header,
            parent_header=wire.parent_header,
            metadata=wire.metadata,
            content=parse_content(msg_type, wire.content),
            buffers=wire.buffers,
        )

    def _dispatch(self, msg: Message) -> None:
        self.last_traffic = time.monotonic()
        self.traffic.set()
        if msg.msg_type == "status" and msg.channel == "iopub":
            self.kernel_busy = getattr(msg.content, "execution_state", None) == "busy"
        parent = msg.parent_id
        if msg.channel in ("shell", "control") and parent is not None:
            future = self._pending.pop(parent, None)
            if future is not None:
                if not future.done():
                    future.set_result(msg)
                return
            if parent in self._ignored:
                self._ignored.discard(parent)
                return
        if msg.channel == "iopub":
            self._iopub_seen.set()
        elif msg.channel == "stdin" and msg.msg_type == "input_request":
            self._input_parent = msg.header
        self._inbox.put_nowait(msg)

    async def messages(self) -> AsyncIterator[Message]:
        """Every message no request claimed, in arrival order; ends when the client closes."""
        while True:
            msg = await self._inbox.get()
            if msg is None:
                self._inbox.put_nowait(None)  # later iterators end too
                return
            yield msg

    # ------------------------------------------------------------ sending

    def _send(self, channel: str, content: Content, *, parent: dict[str, Any] | None = None) -> str:
        if self._closed:
            raise KernelDeadError(f"the connection to {self.kernel_name} is closed")
        if self._dead_reason is not None:
            raise KernelDeadError(self._dead_reason)
        header = make_header(content.msg_type, self.session, username=self.username)
        frames = serialize(self._signer, WireMessage(header, parent or {}, {}, content.to_dict()))
        self._sockets[channel].send_multipart(frames)
        self.last_traffic = time.monotonic()
        self.traffic.set()
        return str(header["msg_id"])

    def _send_request(self, channel: str, content: Content) -> tuple[str, asyncio.Future[Message]]:
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        msg_id = self._send(channel, content)
        self._pending[msg_id] = future
        return msg_id, future

    async def request(
        self,
        content: Content,
        *,
        channel: str = "shell",
        timeout: float = 10,  # noqa: ASYNC109 (the kernel contract)
    ) -> Message:
        """Send a request and wait for its reply (matched by parent msg_id)."""
        msg_id, future = self._send_request(channel, content)
        try:
            async with asyncio.timeout(timeout):
                return await future
        except TimeoutError:
            raise KernelTimeoutError(
                f"The kernel {self.kernel_name!r} did not answer a {content.msg_type} "
                f"within {timeout:g} s; it may be busy: interrupt or restart it."
            ) from None
        finally:
            if self._pending.pop(msg_id, None) is not None:
                self._ignored.add(msg_id)

    async def execute(
        self,
        code: str,
        *,
        silent: bool = False,
        store_history: bool = True,
        allow_stdin: bool = True,
        stop_on_error: bool = True,
        user_expressions: dict[str, str] | None = None,
    ) -> str:
        """Send an execute_request; returns its msg_id (results arrive on `messages()`)."""
        content = ExecuteRequest(
            code=code,
            silent=silent,
            store_history=store_history,
            user_expressions=dict(user_expressions or {}),
            allow_stdin=allow_stdin,
            stop_on_error=stop_on_error,
        )
        return self._send("shell", content)

    async def input_reply(self, value: str) -> None:
        """Answer the last `input_request` with `value`."""
        self._send("stdin", InputReply(value=value), parent=self._input_parent)

    async def kernel_info(self, *, timeout: float = 10) -> Message:  # noqa: ASYNC109
        """The kernel_info_reply."""
        return await self.request(KernelInfoRequest(), timeout=timeout)

    async def complete(self, code: str, cursor_pos: int, *, timeout: float = 10) -> Message:  # noqa: ASYNC109
        """The complete_reply for `cursor_pos` in `code`."""
        return await self.request(CompleteRequest(code, cursor_pos), timeout=timeout)

    async def inspect(
        self,
        code: str,
        cursor_pos: int,
        detail_level: int = 0,
        *,
        timeout: float = 10,  # noqa: ASYNC109
    ) -> Message:
        """The inspect_reply for the object at `cursor_pos`."""
        request = InspectRequest(code, cursor_pos, detail_level)
        return await self.request(request, timeout=timeout)

    async def is_complete(self, code: str, *, timeout: float = 10) -> Message:  # noqa: ASYNC109
        """The is_complete_reply for `code`."""
        return await self.request(IsCompleteRequest(code), timeout=timeout)

    async def history(
        self,
        *,
        hist_access_type: str = "tail",
        n: int = 10,
        output: bool = False,
        raw: bool = True,
        session: int = 0,
        start: int = 0,
        stop: int = 0,
        pattern: str = "",
        unique: bool = False,
        timeout: float = 10,  # noqa: ASYNC109 (the kernel contract)
    ) -> Message:
        """The history_reply (`hist_access_type`: tail, range or search)."""
        request = HistoryRequest(
            output, raw, hist_access_type, session, start, stop, n, pattern, unique
        )
        return await self.request(request, timeout=timeout)

    async def comm_info(self, target_name: str | None = None, *, timeout: float = 10) -> Message:  # noqa: ASYNC109
        """The comm_info_reply."""
        return await self.request(CommInfoRequest(target_name), timeout=timeout)

    async def interrupt_request(self, *, timeout: float = 5) -> Message:  # noqa: ASYNC109
        """Send interrupt_request on control and wait for the reply."""
        return await self.request(InterruptRequest(), channel="control", timeout=timeout)

    async def shutdown_request(self, *, restart: bool = False, timeout: float = 5) -> Message:  # noqa: ASYNC109
        """Send shutdown_request on control and wait for the reply."""
        return await self.request(ShutdownRequest(restart), channel="control", timeout=timeout)

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

    async def comm_send(self, msg_type: str, content: dict[str, Any]) -> str:
        """Send a ``comm_open``, ``comm_msg`` or ``comm_close`` on shell (widgets); its msg_id.

        `content` is the spec's (``comm_id``, ``data``, and ``target_name`` to open).
        """
        if msg_type not in ("comm_open", "comm_msg", "comm_close"):
            raise ValueError(f"{msg_type} is not a comm message")
        return self._send("shell", parse_content(msg_type, content))
