"""Asking the kernel for completions and help without ever holding up typing.

A kernel answers `complete_request`/`inspect_request` on its shell channel,
one request at a time: a kernel running a cell answers only when the cell
ends. So while a cell of ours runs the answer is `busy` at once, without a
request; otherwise each request gets a deadline (`DEADLINE`, 1 s): past it
the result says `busy` (the kernel was running code, maybe another
frontend's) or `timeout`, and the reply, if it comes later, is dropped by the
client (its id is forgotten).

`Completer` is what the editor holds: it numbers requests, and a reply for a
request that is no longer the latest, or for text that has changed since
(`text_changed()`), comes back as None, so a slow answer never pops up over
newer typing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Literal, Protocol, runtime_checkable

from tuinb.engine.completion import Completion, Help, completion_from_reply, help_from_reply

__all__ = [
    "DEADLINE",
    "Completer",
    "IntrospectingClient",
    "IntrospectionSource",
    "complete",
    "inspect",
]

log = logging.getLogger(__name__)

DEADLINE = 1.0
"""Seconds a completion or help request may take before the editor stops waiting."""


@runtime_checkable
class IntrospectingClient(Protocol):
    """A kernel client that can ask for completions and help (`KernelClient` does)."""

    async def complete(self, code: str, cursor_pos: int, *, timeout: float = 10) -> Any: ...  # noqa: ASYNC109 (the kernel contract)

    async def inspect(
        self,
        code: str,
        cursor_pos: int,
        detail_level: int = 0,
        *,
        timeout: float = 10,  # noqa: ASYNC109 (the kernel contract)
    ) -> Any: ...


class IntrospectionSource(Protocol):
    """What `Completer` asks: the `Engine`, or a session client that looks like one."""

    async def complete(self, code: str, cursor_pos: int) -> Completion: ...

    async def inspect(self, code: str, cursor_pos: int, detail_level: int = 0) -> Help: ...


def _late(busy: Callable[[], bool]) -> Literal["busy", "timeout"]:
    """Why no answer came: asked at the deadline, since the state at the request may be
    stale (a previous request's `idle` can arrive after its reply)."""
    return "busy" if busy() else "timeout"


async def complete(
    client: IntrospectingClient | None,
    code: str,
    cursor_pos: int,
    *,
    deadline: float = DEADLINE,
    busy: Callable[[], bool] = lambda: False,
    running: bool = False,
) -> Completion:
    """Ask `client` for completions at `cursor_pos`; never raises, never waits past `deadline`.

    `running`: a cell of ours is running, so the kernel would answer only after
    it: `busy` at once, and no request is left queued in the kernel. `busy()`
    says whether the kernel is running code (the engine's state, which also
    sees other frontends' cells): a request that times out while it is, is
    `busy`, else `timeout`.
    """
    cursor_pos = max(0, min(cursor_pos, len(code)))
    if client is None:
        return Completion("unavailable", code, cursor_pos)
    if running:
        return Completion("busy", code, cursor_pos)
    try:
        async with asyncio.timeout(deadline):
            reply = await client.complete(code, cursor_pos, timeout=deadline + 1)
    except TimeoutError:
        return Completion(_late(busy), code, cursor_pos)
    except Exception as exc:  # a dead or closed kernel, a timeout of the client's own
        log.debug("complete_request failed: %s", exc)
        return Completion("unavailable", code, cursor_pos)
    return completion_from_reply(getattr(reply, "content", None), code, cursor_pos)


async def inspect(
    client: IntrospectingClient | None,
    code: str,
    cursor_pos: int,
    detail_level: int = 0,
    *,
    deadline: float = DEADLINE,
    busy: Callable[[], bool] = lambda: False,
    running: bool = False,
) -> Help:
    """Ask `client` for help on the name at `cursor_pos` (see `complete`)."""
    cursor_pos = max(0, min(cursor_pos, len(code)))
    if client is None:
        return Help("unavailable")
    if running:
        return Help("busy")
    try:
        async with asyncio.timeout(deadline):
            reply = await client.inspect(code, cursor_pos, detail_level, timeout=deadline + 1)
    except TimeoutError:
        return Help(_late(busy))
    except Exception as exc:
        log.debug("inspect_request failed: %s", exc)
        return Help("unavailable")
    return help_from_reply(getattr(reply, "content", None))


class Completer:
    """The editor's side of completion and help: the latest request wins.

    Call `text_changed()` on every edit of the cell (and when another cell is
    edited): a reply still on its way is then dropped. Use from one asyncio
    loop (the UI's).
    """

    def __init__(self, source: IntrospectionSource) -> None:
        self.source = source
        """The engine (or anything answering `complete`/`inspect`)."""
        self.generation = 0
        """Bumped by every request and every text change; a reply of an older one is stale."""

    def text_changed(self) -> None:
        """The text changed: replies to requests made before now are dropped."""
        self.generation += 1

    async def complete(self, code: str, cursor_pos: int) -> Completion | None:
        """Completions for `code` at `cursor_pos`; None if the text changed meanwhile."""
        self.generation += 1
        mine = self.generation
        result = await self.source.complete(code, cursor_pos)
        return result if mine == self.generation else None

    async def inspect(self, code: str, cursor_pos: int, detail_level: int = 0) -> Help | None:
        """Help for the name at `cursor_pos`; None if the text changed meanwhile."""
        self.generation += 1
        mine = self.generation
        result = await self.source.inspect(code, cursor_pos, detail_level)
        return result if mine == self.generation else None
