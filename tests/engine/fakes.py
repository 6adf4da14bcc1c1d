"""A scripted kernel backend for engine tests: the test plays the kernel's part."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from tuinb.kernel.messages import parse_content

_ids = itertools.count(1)


@dataclass(frozen=True)
class FakeMessage:
    """Shaped like `tuinb.kernel.messages.Message` (typed content, as the kernel parses it)."""

    channel: str
    header: dict[str, Any]
    parent_header: dict[str, Any]
    metadata: dict[str, Any]
    content: Any
    buffers: list[bytes] = field(default_factory=list)

    @property
    def msg_type(self) -> str:
        return str(self.header["msg_type"])

    @property
    def msg_id(self) -> str:
        return str(self.header["msg_id"])

    @property
    def parent_id(self) -> str | None:
        value = self.parent_header.get("msg_id")
        return str(value) if value else None


def message(
    msg_type: str,
    parent: str | None,
    *,
    channel: str = "iopub",
    msg_metadata: dict[str, Any] | None = None,
    date: str = "2026-11-23T21:00:00.000001Z",
    **content: Any,
) -> FakeMessage:
    """A message of `msg_type` answering request `parent`."""
    return FakeMessage(
        channel=channel,
        header={"msg_id": f"k{next(_ids)}", "msg_type": msg_type, "date": date},
        parent_header={"msg_id": parent} if parent else {},
        metadata=msg_metadata or {},
        content=parse_content(msg_type, content),
    )


@dataclass
class Request:
    """One execute_request the engine sent."""

    msg_id: str
    code: str
    allow_stdin: bool
    stop_on_error: bool


class FakeClient:
    """Records requests; `feed` puts messages on the `messages()` stream."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.inputs: list[str] = []
        self.sent = asyncio.Event()
        self._inbox: asyncio.Queue[FakeMessage | None] = asyncio.Queue()

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
        request = Request(f"req{next(_ids)}", code, allow_stdin, stop_on_error)
        self.requests.append(request)
        self.sent.set()
        return request.msg_id

    async def input_reply(self, value: str) -> None:
        self.inputs.append(value)

    async def kernel_info(self, *, timeout: float = 10) -> Any:  # noqa: ASYNC109
        return message(
            "kernel_info_reply",
            None,
            channel="shell",
            language_info={"name": "python", "version": "3.11"},
        )

    async def messages(self) -> AsyncIterator[FakeMessage]:
        while True:
            item = await self._inbox.get()
            if item is None:
                return
            yield item

    def feed(self, *messages: FakeMessage) -> None:
        for item in messages:
            self._inbox.put_nowait(item)

    def close(self) -> None:
        self._inbox.put_nowait(None)

    async def next_request(self, count: int) -> Request:
        """Wait until at least `count` requests were sent; return the `count`-th."""
        async with asyncio.timeout(5):
            while len(self.requests) < count:
                self.sent.clear()
                await self.sent.wait()
        return self.requests[count - 1]

    def run_ok(self, request: Request, *outputs: FakeMessage, count: int = 1) -> None:
        """Play a whole successful execution of `request`."""
        self.feed(*begun(request, count), *outputs, *ended(request, count=count))

    def run_error(self, request: Request, *, count: int = 1) -> None:
        """Play an execution of `request` that raises ValueError('bad')."""
        failure = ended(request, count=count, ename="ValueError", evalue="bad", traceback=["tb"])
        self.feed(*begun(request, count), *failure)


def begun(request: Request, count: int = 1) -> list[FakeMessage]:
    """What a kernel sends as it begins executing `request`."""
    return [
        message("status", request.msg_id, execution_state="busy"),
        message("execute_input", request.msg_id, code=request.code, execution_count=count),
    ]


def ended(
    request: Request,
    *,
    count: int = 1,
    ename: str | None = None,
    evalue: str = "",
    traceback: list[str] | None = None,
) -> list[FakeMessage]:
    """What a kernel sends as `request` ends: ok, or (with `ename`) the error first."""
    if ename is None:
        outcome: dict[str, Any] = {"status": "ok"}
        raised: list[FakeMessage] = []
    else:
        error: dict[str, Any] = {"ename": ename, "evalue": evalue, "traceback": traceback or []}
        outcome = {"status": "error", **error}
        raised = [message("error", request.msg_id, **error)]
    return [
        *raised,
        message("status", request.msg_id, execution_state="idle"),
        message("execute_reply", request.msg_id, channel="shell", execution_count=count, **outcome),
    ]


class FakeBackend:
    """Shaped like `tuinb.kernel.KernelManager`."""

    def __init__(self, *, fail_start: str | None = None) -> None:
        self.client = FakeClient()
        self.fail_start = fail_start
        self.interrupts = 0
        self.restarts = 0
        self.shutdowns = 0
        self.death: asyncio.Future[str] | None = None

    async def start(self, *, timeout: float = 60) -> FakeClient:  # noqa: ASYNC109
        if self.fail_start:
            raise RuntimeError(self.fail_start)
        return self.client

    async def interrupt(self) -> None:
        self.interrupts += 1

    async def restart(self, *, timeout: float = 60) -> FakeClient:  # noqa: ASYNC109
        self.restarts += 1
        self.client.close()
        self.client = FakeClient()
        self.death = None
        return self.client

    async def shutdown(self, *, timeout: float = 5) -> None:  # noqa: ASYNC109
        self.shutdowns += 1
        self.client.close()

    async def wait_for_death(self) -> str:
        self.death = asyncio.get_running_loop().create_future()
        return await self.death

    def die(self, reason: str) -> None:
        assert self.death is not None
        self.death.set_result(reason)
