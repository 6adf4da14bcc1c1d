"""What a kernel client does whatever carries its messages (no zmq here).

Requests are matched to their replies by parent msg_id; everything no
request claims (all of iopub, all of stdin, shell replies to `execute()`)
goes to the single `messages()` stream, typed. A transport subclasses
`RequestClient`, implements `_transmit` and hands what it receives to
`deliver`: tuinb's zmq client talks to a local kernel, the server layer's
websocket client to a kernel behind a Jupyter server or gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Protocol

from tuinb.kernel.errors import KernelDeadError, KernelError, KernelTimeoutError
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
from tuinb.kernel.wire import WireMessage


class RequestClient:
    """A kernel client without its transport (see the module docstring)."""

    def __init__(self, *, kernel_name: str = "kernel", session: str | None = None) -> None:
        self.kernel_name = kernel_name
        """Used in error messages."""
        self.session = session or uuid.uuid4().hex
        """This client's session id (the `session` of its message headers)."""
        self.username = default_username()
        """The `username` of our message headers."""
        self.ready_reply: Message | None = None
        """The kernel_info_reply that ended the readiness handshake (its language_info)."""
        self.last_traffic = time.monotonic()
        """`time.monotonic()` of the last message sent to or received from the kernel."""
        self.kernel_busy = False
        """The kernel's last iopub status said `busy` (it is running something)."""
        self.traffic = asyncio.Event()
        """Set by every message either way (the death watch clears it before it waits)."""
        self._pending: dict[str, asyncio.Future[Message]] = {}
        self._ignored: set[str] = set()
        self._inbox: asyncio.Queue[Message | None] = asyncio.Queue()
        self._iopub_seen = asyncio.Event()
        self._input_parent: dict[str, Any] | None = None
        self._dead_reason: str | None = None
        self._closed = False

    # ------------------------------------------------------------ the transport

    def _transmit(self, channel: str, message: WireMessage) -> None:
        """Send one message on `channel` (`shell`, `control` or `stdin`); never blocks."""
        raise NotImplementedError

    def deliver(self, channel: str, wire: WireMessage) -> None:
        """A message arrived on `channel`: resolve its request, or queue it for `messages()`."""
        msg_type = str(wire.header["msg_type"])
        self._dispatch(
            Message(
                channel=channel,
                header=wire.header,
                parent_header=wire.parent_header,
                metadata=wire.metadata,
                content=parse_content(msg_type, wire.content),
                buffers=wire.buffers,
            )
        )

    # ------------------------------------------------------------ state

    @property
    def iopub_seen(self) -> bool:
        """True once iopub has delivered any message."""
        return self._iopub_seen.is_set()

    @property
    def closed(self) -> bool:
        """True once the client was closed."""
        return self._closed

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

    def _end(self) -> None:
        """Close: fail the waiting requests and end `messages()` (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._fail_pending(KernelDeadError(f"the connection to {self.kernel_name} was closed"))
        self._inbox.put_nowait(None)

    # ------------------------------------------------------------ receiving

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
        self._transmit(channel, WireMessage(header, parent or {}, {}, content.to_dict()))
        self.last_traffic = time.monotonic()
        self.traffic.set()
        return str(header["msg_id"])

    def _send_request(self, channel: str, content: Content) -> tuple[str, asyncio.Future[Message]]:
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        msg_id = self._send(channel, content)
        self._pending[msg_id] = future
        return msg_id, future

    def _forget(self, msg_id: str) -> None:
        """Stop waiting for `msg_id`'s reply; drop it silently if it still comes."""
        if self._pending.pop(msg_id, None) is not None:
            self._ignored.add(msg_id)

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
            self._forget(msg_id)

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
        return await self.request(InspectRequest(code, cursor_pos, detail_level), timeout=timeout)

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

    async def comm_send(self, msg_type: str, content: dict[str, Any]) -> str:
        """Send a ``comm_open``, ``comm_msg`` or ``comm_close`` on shell (widgets); its msg_id.

        `content` is the spec's (``comm_id``, ``data``, and ``target_name`` to open).
        """
        if msg_type not in ("comm_open", "comm_msg", "comm_close"):
            raise ValueError(f"{msg_type} is not a comm message")
        return self._send("shell", parse_content(msg_type, content))


class _Closing(Protocol):
    async def close(self) -> None: ...


async def release(watch: asyncio.Task[Any] | None, client: _Closing | None) -> None:
    """Stop a backend's watch on its kernel, then close its client (either may be None)."""
    if watch is not None:
        watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watch
    if client is not None:
        await client.close()
