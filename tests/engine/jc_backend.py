"""A test-only kernel backend on jupyter_client, shaped like `tuinb.kernel.KernelManager`.

It lets the engine and `tuinb run` be checked against a real ipykernel with a
reference client; tuinb itself never imports jupyter_client.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from jupyter_client.manager import AsyncKernelManager


@dataclass(frozen=True)
class JCMessage:
    """A jupyter_client message dict seen through the `Message` shape."""

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
    def parent_id(self) -> str | None:
        value = self.parent_header.get("msg_id")
        return str(value) if value else None


def _wrap(channel: str, msg: dict[str, Any]) -> JCMessage:
    header = dict(msg["header"])
    parent = dict(msg.get("parent_header") or {})
    return JCMessage(
        channel, header, parent, dict(msg.get("metadata") or {}), SimpleNamespace(**msg["content"])
    )


class JCClient:
    def __init__(self, km: AsyncKernelManager) -> None:
        self.kc = km.client()
        self.kc.start_channels()
        self._tasks: list[asyncio.Task[None]] = []
        self._inbox: asyncio.Queue[JCMessage] = asyncio.Queue()
        self.info: JCMessage | None = None

    async def ready(self) -> None:
        await self.kc.wait_for_ready(timeout=60)
        self.info = _wrap("shell", await self.kc.kernel_info(reply=True, timeout=10))
        for name in ("iopub", "shell", "stdin"):
            self._tasks.append(asyncio.create_task(self._read(name)))

    async def _read(self, name: str) -> None:
        channel = getattr(self.kc, f"{name}_channel")
        while True:
            msg = await channel.get_msg()
            self._inbox.put_nowait(_wrap(name, msg))

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
        return str(
            self.kc.execute(
                code,
                silent=silent,
                store_history=store_history,
                allow_stdin=allow_stdin,
                stop_on_error=stop_on_error,
                user_expressions=user_expressions,
            )
        )

    async def input_reply(self, value: str) -> None:
        self.kc.input(value)

    async def kernel_info(self, *, timeout: float = 10) -> Any:  # noqa: ASYNC109
        assert self.info is not None
        return self.info

    async def messages(self) -> AsyncIterator[JCMessage]:
        while True:
            yield await self._inbox.get()

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.kc.stop_channels()


class JCBackend:
    """Starts ipykernel's `python3` spec with jupyter_client."""

    def __init__(self, kernel_name: str = "python3") -> None:
        self.km = AsyncKernelManager(kernel_name=kernel_name)
        self.client: JCClient | None = None

    async def start(self, *, timeout: float = 60) -> JCClient:  # noqa: ASYNC109
        await self.km.start_kernel()
        self.client = JCClient(self.km)
        await self.client.ready()
        return self.client

    async def interrupt(self) -> None:
        await self.km.interrupt_kernel()

    async def restart(self, *, timeout: float = 60) -> JCClient:  # noqa: ASYNC109
        if self.client is not None:
            await self.client.close()
        await self.km.restart_kernel(now=True)
        self.client = JCClient(self.km)
        await self.client.ready()
        return self.client

    async def shutdown(self, *, timeout: float = 5) -> None:  # noqa: ASYNC109
        if self.client is not None:
            await self.client.close()
            self.client = None
        if self.km.has_kernel:
            await self.km.shutdown_kernel(now=True)

    async def wait_for_death(self) -> str:
        while await self.km.is_alive():  # noqa: ASYNC110 (a poll, as jupyter_client does)
            await asyncio.sleep(0.2)
        return "the kernel process exited"
