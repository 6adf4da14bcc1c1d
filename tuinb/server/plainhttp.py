"""One HTTP request with the standard library (`exchange`), and its answer (`Reply`).

The editor reads a server notebook before its first frame. httpx would cost
that frame ~90 ms (its import and its client), so those few requests go
through `http.client` (`ServerConnection.light`). This module imports
neither asyncio nor httpx. (Sending the notebook's request from a thread as
soon as the command line was read, while the rest loads, was tried: the
first frame came no sooner, so it is not done.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ssl


@dataclass
class Reply:
    """An HTTP answer, whichever client got it."""

    status: int
    reason: str
    location: str
    """The `Location` header ("" if none)."""
    content: bytes

    def json(self) -> Any:
        """The body decoded as JSON (ValueError if it is not)."""
        import json

        return json.loads(self.content)


def exchange(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    content: bytes | None = None,
    timeout: float,
    context: ssl.SSLContext | None = None,
) -> Reply:
    """One request (blocking); raises OSError or `http.client.HTTPException`."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(host, parts.port, timeout=timeout, context=context)
    else:
        connection = http.client.HTTPConnection(host, parts.port, timeout=timeout)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(method, target, body=content, headers=dict(headers))
        answer = connection.getresponse()
        location = answer.getheader("location") or ""
        return Reply(answer.status, answer.reason, location, answer.read())
    finally:
        connection.close()
