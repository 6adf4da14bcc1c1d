"""Completions and help across the session link, with the engine's promise kept.

The host's engine asks its kernel (`tuinb.engine.Engine.complete`/`inspect`:
never raises, gives up after its deadline). The editor's side adds the trip
over the socket and keeps the same promise: typing never waits longer than
the deadline plus `LINK_SLACK`, and a lost session answers "unavailable".
The text of a help reply was sanitised by the host's engine; the editor
sanitises what it draws again anyway (it is a kernel's text).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from tuinb.engine.completion import Completion, Help, Match
from tuinb.engine.introspect import DEADLINE

__all__ = [
    "LINK_SLACK",
    "ask_completion",
    "ask_help",
    "completion_from_wire",
    "completion_to_wire",
    "help_from_wire",
    "help_to_wire",
]

LINK_SLACK = 0.5
"""Seconds the editor waits for the host's answer beyond the engine's own deadline."""

_STATUSES = ("ok", "busy", "timeout", "unavailable", "error")


def completion_to_wire(completion: Completion) -> dict[str, Any]:
    """A `Completion` as JSON."""
    return {
        "status": completion.status,
        "start": completion.cursor_start,
        "end": completion.cursor_end,
        "matches": [[m.text, m.start, m.end, m.type, m.signature] for m in completion.matches],
    }


def _status(value: Any) -> Any:
    return value if value in _STATUSES else "error"


def completion_from_wire(data: dict[str, Any], code: str, cursor_pos: int) -> Completion:
    """The `Completion` `completion_to_wire` made (for the text the editor asked about)."""
    matches = tuple(
        Match(str(text), int(start), int(end), str(kind), str(signature))
        for text, start, end, kind, signature in data.get("matches", [])
    )
    return Completion(
        _status(data.get("status")),
        code,
        cursor_pos,
        matches,
        int(data.get("start", cursor_pos)),
        int(data.get("end", cursor_pos)),
    )


def help_to_wire(answer: Help) -> dict[str, Any]:
    """A `Help` as JSON."""
    return {
        "status": answer.status,
        "found": answer.found,
        "text": answer.text,
        "data": dict(answer.data),
    }


def help_from_wire(data: dict[str, Any]) -> Help:
    """The `Help` `help_to_wire` made."""
    bundle = data.get("data")
    return Help(
        _status(data.get("status")),
        bool(data.get("found")),
        str(data.get("text", "")),
        bundle if isinstance(bundle, dict) else {},
    )


Request = Callable[..., Awaitable[dict[str, Any]]]


async def _ask(request: Request, op: str, **fields: Any) -> dict[str, Any] | None:
    """The host's answer, or None: the link is gone or slower than the deadline allows."""
    try:
        async with asyncio.timeout(DEADLINE + LINK_SLACK):
            reply = await request(op, **fields)
    except Exception:  # lost session (EngineError), timeout, a reply we cannot read
        return None
    answer = reply.get("a")
    return answer if isinstance(answer, dict) else None


async def ask_completion(request: Request, code: str, cursor_pos: int) -> Completion:
    """Completions from the host's kernel; "timeout"/"unavailable" instead of waiting."""
    answer = await _ask(request, "complete", code=code, pos=cursor_pos)
    if answer is None:
        return Completion("timeout", code, cursor_pos)
    try:
        return completion_from_wire(answer, code, cursor_pos)
    except (TypeError, ValueError):
        return Completion("error", code, cursor_pos)


async def ask_help(request: Request, code: str, cursor_pos: int, detail_level: int) -> Help:
    """Help from the host's kernel, as `ask_completion`."""
    answer = await _ask(request, "inspect", code=code, pos=cursor_pos, level=detail_level)
    if answer is None:
        return Help("timeout")
    return help_from_wire(answer)
