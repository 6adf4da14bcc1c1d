"""Helpers for session tests: an in-process host on a real socket, a fake kernel, waiting."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.engine.fakes import FakeBackend, FakeClient, message
from tests.engine.support import make_notebook
from tuinb.engine.kernels import KernelChoice
from tuinb.model import Notebook
from tuinb.session.client import SessionClient
from tuinb.session.core import SessionCore
from tuinb.session.host_socket import bind_socket
from tuinb.session.launch import Attachment, attach, attach_frame
from tuinb.session.places import Place, SessionFiles, release, take_lock
from tuinb.session.server import Host

WAIT = 10.0


class TalkingClient(FakeClient):
    """The scripted kernel client, also answering completion and help, and taking comms."""

    def __init__(self) -> None:
        super().__init__()
        self.comms: list[tuple[str, dict[str, Any]]] = []
        self.hold_answers = False
        """Never answer completion or help (a kernel stuck in C code)."""

    async def complete(self, code: str, cursor_pos: int, *, timeout: float = 10) -> Any:  # noqa: ASYNC109
        if self.hold_answers:
            await asyncio.Event().wait()
        word = code[:cursor_pos].rsplit(" ", 1)[-1]
        matches = [m for m in ("print", "property") if m.startswith(word)]
        return message(
            "complete_reply",
            None,
            channel="shell",
            status="ok",
            matches=matches,
            cursor_start=cursor_pos - len(word),
            cursor_end=cursor_pos,
            metadata={},
        )

    async def inspect(
        self,
        code: str,
        cursor_pos: int,
        detail_level: int = 0,
        *,
        timeout: float = 10,  # noqa: ASYNC109
    ) -> Any:
        if self.hold_answers:
            await asyncio.Event().wait()
        text = f"Docstring of {code!r}, level {detail_level}"
        return message(
            "inspect_reply", None, channel="shell", status="ok", found=True,
            data={"text/plain": text}, metadata={},
        )  # fmt: skip

    async def comm_send(self, msg_type: str, content: dict[str, Any]) -> str:
        self.comms.append((msg_type, content))
        return f"comm{len(self.comms)}"


class FakeKernel(FakeBackend):
    """The scripted kernel backend with what a session host asks of its kernel."""

    def __init__(self) -> None:
        super().__init__()
        self.client: TalkingClient = TalkingClient()
        self.switched: list[str] = []
        self.choice: KernelChoice | None = KernelChoice("fake", "Fake Kernel", "python")
        self.display_name = "Fake Kernel"
        self.pid: int | None = None

    async def restart(self, *, timeout: float = 60) -> TalkingClient:  # noqa: ASYNC109
        self.restarts += 1
        self.client.close()
        self.client = TalkingClient()
        self.death = None
        return self.client

    def switch_to(self, name: str) -> None:
        self.switched.append(name)
        self.choice = KernelChoice(name, name.title(), "python")

    def launch(self) -> None:
        return None


def notebook_at(path: Path, *sources: str) -> Notebook:
    """A notebook of code cells c0, c1, ... that saves to `path` (not written yet)."""
    notebook = make_notebook(*sources)
    notebook.path = path
    return notebook


async def until(predicate: Callable[[], bool], what: str, seconds: float = WAIT) -> None:
    """Wait until `predicate()` holds (fail naming `what` after `seconds`)."""
    try:
        async with asyncio.timeout(seconds):
            while not predicate():  # noqa: ASYNC110 (bounded by the timeout)
                await asyncio.sleep(0.005)
    except TimeoutError:
        pytest.fail(f"timed out after {seconds:g} s waiting for {what}")


class Served:
    """An in-process host (its core on a fake kernel) listening on a real socket."""

    def __init__(self, core: SessionCore, host: Host, files: SessionFiles) -> None:
        self.core = core
        self.host = host
        self.files = files

    @property
    def kernel(self) -> FakeKernel:
        assert isinstance(self.core.kernel, FakeKernel)
        return self.core.kernel

    @property
    def notebook(self) -> Notebook:
        assert self.core.notebook is not None
        return self.core.notebook

    async def attach(self) -> Attachment:
        """Attach as a second (or later) client."""
        return await asyncio.to_thread(attach, self.files)

    async def client(self, notebook: Notebook | None = None) -> SessionClient:
        """A started client: it brings `notebook` to a new host, else attaches."""
        if notebook is not None:
            files = self.files
            client = SessionClient(notebook, connect=lambda frame: attach_frame(files, frame))
        else:
            attachment = await self.attach()
            assert attachment.notebook is not None
            client = SessionClient(attachment.notebook, attachment)
        await client.start()
        return client


@contextlib.asynccontextmanager
async def served(
    path: Path, *, kernel: FakeKernel | None = None, **options: Any
) -> AsyncIterator[Served]:
    """Serve a session of the notebook at `path` in this process until the block ends."""
    files = SessionFiles.for_notebook(path)
    lock = take_lock(files)
    assert lock is not None
    place = Place(files, lock)
    listening = bind_socket(files.socket)
    core = SessionCore(path, kernel=kernel or FakeKernel(), **options)
    host = Host(core, place=place)
    task = asyncio.create_task(host.serve(listening))
    try:
        yield Served(core, host, files)
    finally:
        core.ended.set()
        async with asyncio.timeout(WAIT):
            await task
        release(place.files, place.lock)  # where it ended (save as moves it)


class Events:
    """Everything a client's `events()` yields, collected in the background."""

    def __init__(self, client: SessionClient) -> None:
        self.seen: list[Any] = []
        self.ended = False
        self._task = asyncio.create_task(self._collect(client))

    async def _collect(self, client: SessionClient) -> None:
        async for event in client.events():
            self.seen.append(event)
        self.ended = True

    def of(self, kind: type[Any]) -> list[Any]:
        return [event for event in self.seen if isinstance(event, kind)]

    async def until(self, predicate: Callable[[], bool], what: str, seconds: float = WAIT) -> None:
        try:
            await until(predicate, what, seconds)
        except pytest.fail.Exception:
            pytest.fail(f"timed out waiting for {what}; events: {self.seen[-20:]}")

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
