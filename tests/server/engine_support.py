"""The engine on a kernel behind a real server: a running engine and its events."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from tests.engine.support import EventLog
from tuinb.engine import CellFinished, Engine, EngineEvent, KernelConnectionChanged
from tuinb.model import Notebook


class RemoteRun(EventLog):
    """An engine on a remote backend, with every event it emitted."""

    wait_seconds = 60

    def __init__(self, engine: Engine, backend: Any) -> None:
        self.engine = engine
        self.backend = backend
        self.seen: list[EngineEvent] = []

    async def run(self, cell_id: str, what: str, *, seconds: float = 60) -> CellFinished:
        """Run one cell and wait for its `CellFinished`."""
        before = len(self.seen)
        self.engine.run_cell(cell_id)

        def finished() -> bool:
            return any(
                isinstance(e, CellFinished) and e.cell_id == cell_id for e in self.seen[before:]
            )

        await self.until(finished, what, seconds)
        return next(
            e for e in self.seen[before:] if isinstance(e, CellFinished) and e.cell_id == cell_id
        )

    def connection_states(self) -> list[str]:
        return [e.state for e in self.seen if isinstance(e, KernelConnectionChanged)]


def text_of(notebook: Notebook, cell_id: str) -> str:
    """All stream text and text/plain results of a cell, joined."""
    parts = []
    for output in notebook.cell(cell_id).outputs:
        if output.get("output_type") == "stream":
            parts.append(str(output.get("text", "")))
        elif "data" in output:
            parts.append(str(output["data"].get("text/plain", "")))
        elif output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
    return "".join(parts)


@contextlib.asynccontextmanager
async def remote_engine(notebook: Notebook, backend: Any) -> AsyncIterator[RemoteRun]:
    """An `Engine` on `backend`, started; shut down (and its events drained) after."""
    engine = Engine(notebook, backend)
    run = RemoteRun(engine, backend)

    async def collect() -> None:
        async for event in engine.events():
            run.seen.append(event)

    collector = asyncio.create_task(collect())
    try:
        try:
            async with asyncio.timeout(90):
                await engine.start()
        except TimeoutError:
            raise AssertionError("timed out after 90 s waiting for the remote kernel") from None
        yield run
    finally:
        async with asyncio.timeout(30):
            await engine.shutdown()
            await collector


class TcpProxy:
    """127.0.0.1:`port` forwarded to the server's port; `cut()` drops every connection and,
    with `refuse`, new connections are closed at once (the server unreachable)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.refuse = False
        self.refused = 0
        """Connections closed at once because of `refuse`."""
        self._server: asyncio.Server | None = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refuse:
            self.refused += 1
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        link = (writer, up_writer)
        self._links.add(link)
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pump(source, sink, link))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump(
        self,
        source: asyncio.StreamReader,
        sink: asyncio.StreamWriter,
        link: tuple[asyncio.StreamWriter, asyncio.StreamWriter],
    ) -> None:
        with contextlib.suppress(OSError, ConnectionError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        self._drop(link)

    def _drop(self, link: tuple[asyncio.StreamWriter, asyncio.StreamWriter]) -> None:
        self._links.discard(link)
        for side in link:
            side.close()

    def cut(self) -> None:
        """Drop every open connection, both ways."""
        for link in list(self._links):
            self._drop(link)

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
