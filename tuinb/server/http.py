"""REST calls to a Jupyter server or gateway (httpx), with errors as one sentence each.

The token goes in the `Authorization: token ...` header of every request
(never in a URL, so it is in no log line). TLS certificates are verified
by default against the system's store (`SSL_CERT_FILE` / `SSL_CERT_DIR`
point OpenSSL elsewhere, e.g. at a self-signed server's certificate); the
same context serves the kernel websocket.

httpx is imported on the first request, not with this module (~0.1 s that
the local editor never pays). An `httpx.AsyncClient` belongs to the event
loop it was first used on, so one is made per loop: a notebook loaded
before the editor's loop starts can still be saved from it.

The editor fetches a server notebook before its first frame with
`ServerConnection.light` set: those few requests go through the standard
library's `http.client` (in a thread), which spares the first frame httpx's
import and client (~90 ms); answers and errors are read the same way.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from tuinb.server.address import ServerAddress
from tuinb.server.errors import (
    ServerAuthError,
    ServerNotFound,
    ServerRequestError,
    ServerTLSError,
    ServerUnreachable,
    server_text,
)
from tuinb.server.plainhttp import Reply, exchange

if TYPE_CHECKING:
    import asyncio

    import httpx

T = TypeVar("T")

REQUEST_TIMEOUT = 30.0
"""Seconds a REST call may take (starting a kernel on a gateway can take a while)."""
CONNECT_TIMEOUT = 10.0
"""Seconds to open a connection."""


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def tls_reason(exc: BaseException) -> str | None:
    """The TLS failure behind `exc` (walking its causes), as a short phrase, or None."""
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return server_text(cause.verify_message or "the certificate could not be verified")
        if isinstance(cause, ssl.SSLError):
            return server_text(cause.reason or cause)
    return None


def connect_reason(exc: BaseException) -> str:
    """Why a connection failed, as a short phrase (refused, unknown host, timed out...)."""
    chain = _causes(exc)
    for cause in chain:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "unknown host name"
        if isinstance(cause, TimeoutError) or type(cause).__name__.endswith("Timeout"):
            return "it did not answer in time"
        if isinstance(cause, (ConnectionResetError, BrokenPipeError)):
            return "the connection was reset"
    return server_text(chain[-1]) or type(chain[-1]).__name__


def run_now(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never waits (requests on a `light` connection) to its end,
    without an event loop: asyncio and its import (~15 ms) are spared the first frame."""
    try:
        work.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    work.close()
    raise RuntimeError("a request meant to run at once waited for something")


class ServerConnection:
    """One server (or gateway): its address, token, TLS settings and HTTP client."""

    def __init__(
        self,
        address: ServerAddress,
        *,
        kind: str = "Jupyter server",
        timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        self.address = address
        """Where the server is (and the token)."""
        self.kind = kind
        """`Jupyter server` or `kernel gateway`, for messages."""
        self.timeout = timeout
        self.light = False
        """Send requests with the standard library, blocking (one connection each, no
        httpx, nothing awaited): for the few before the editor's first frame, whose
        coroutines then run without an event loop or asyncio (`run_now`)."""
        self._ssl: ssl.SSLContext | None = None
        self._clients: dict[int, tuple[asyncio.AbstractEventLoop, httpx.AsyncClient]] = {}

    # ------------------------------------------------------------ shared settings

    @property
    def secure(self) -> bool:
        """True for https (and wss)."""
        return self.address.base_url.startswith("https:")

    def ssl_context(self) -> ssl.SSLContext:
        """The verifying TLS context for REST and websocket alike."""
        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        return self._ssl

    def headers(self) -> dict[str, str]:
        """Headers for every request and the websocket handshake (the token, if any)."""
        token = self.address.token
        return {"Authorization": f"token {token.reveal()}"} if token is not None else {}

    def where(self) -> str:
        """`the Jupyter server at http://host:8888/`, for messages."""
        return f"the {self.kind} at {self.address.display}"

    def where_first(self) -> str:
        """`The Jupyter server at ...`, to begin a sentence (`str.capitalize` would lower
        the rest: "jupyter")."""
        where = self.where()
        return where[:1].upper() + where[1:]

    # ------------------------------------------------------------ errors

    def unreachable(self, exc: BaseException) -> ServerUnreachable:
        """The error for a failed connection (TLS, refused, timed out, broken)."""
        reason = tls_reason(exc)
        if reason is not None:
            return ServerTLSError(
                f"The TLS certificate of {self.where()} could not be verified ({reason}); "
                "if the server uses its own certificate, point SSL_CERT_FILE at it."
            )
        return ServerUnreachable(
            f"Cannot reach {self.where()} ({connect_reason(exc)}); "
            "check that it is running and the URL is right."
        )

    def refused(self, status: int) -> ServerAuthError:
        """The error for 401/403 (and a redirect to a login page)."""
        if self.address.token is None:
            return ServerAuthError(
                f"{self.where_first()} wants a token ({status}); pass it with --token or "
                "the JUPYTER_TOKEN environment variable (it is in the URL the server printed)."
            )
        return ServerAuthError(
            f"{self.where_first()} refused the token ({status}); check it "
            "(`jupyter server list` shows the running servers' URLs with their tokens)."
        )

    def failed(self, reply: Reply, subject: str) -> ServerRequestError:
        """The error for any other 4xx/5xx: the server's own reason, sanitised."""
        reason = ""
        try:
            body = reply.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            reason = server_text(body.get("message") or body.get("reason") or "")
        detail = f": {reason}" if reason else ""
        return ServerRequestError(
            f"{self.where_first()} could not {subject} "
            f"({reply.status} {server_text(reply.reason)}{detail}).",
            reply.status,
            reason,
        )

    # ------------------------------------------------------------ requests

    def _client(self) -> httpx.AsyncClient:
        import asyncio

        import httpx

        loop = asyncio.get_running_loop()
        entry = self._clients.get(id(loop))
        if entry is not None and entry[0] is loop:
            return entry[1]
        client = httpx.AsyncClient(
            headers=self.headers(),
            verify=self.ssl_context(),
            timeout=httpx.Timeout(self.timeout, connect=CONNECT_TIMEOUT),
            follow_redirects=False,
        )
        self._clients = {key: e for key, e in self._clients.items() if not e[0].is_closed()}
        self._clients[id(loop)] = (loop, client)
        return client

    async def request(
        self,
        method: str,
        api_path: str,
        *,
        subject: str,
        query: Mapping[str, str] | None = None,
        body: Any = None,
        not_found: ServerNotFound | None = None,
    ) -> Any:
        """Call the REST API; the decoded JSON answer (None for an empty one).

        `subject` completes "could not ..." in an error message (e.g. `save
        dir/nb.ipynb`); `not_found` is raised for a 404 (a generic one if None).
        """
        url = self.address.url(api_path, query)
        content = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"} if content is not None else {}
        if self.light:  # blocking, and nothing awaited: see `light`
            response = self._exchange_here(method, url, content, headers)
        else:
            response = await self._exchange(method, url, content, headers)
        status = response.status
        if status in (401, 403) or (300 <= status < 400 and "login" in response.location):
            raise self.refused(status)
        if status == 404:
            raise not_found or ServerNotFound(
                f"{self.where_first()} has no {api_path!r} (404); "
                "check the URL (is this a Jupyter server?)."
            )
        if status >= 300:
            raise self.failed(response, subject)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ServerRequestError(
                f"{self.where_first()} did not answer as a Jupyter server does "
                f"(no JSON from {api_path!r}); check the URL.",
                status,
            ) from None

    async def _exchange(
        self, method: str, url: str, content: bytes | None, headers: dict[str, str]
    ) -> Reply:
        import httpx

        try:
            response = await self._client().request(
                method, url, content=content, headers=headers or None
            )
        except (httpx.TransportError, OSError, ssl.SSLError) as exc:
            raise self.unreachable(exc) from None
        location = response.headers.get("location", "")
        return Reply(response.status_code, response.reason_phrase, location, response.content)

    def _exchange_here(
        self, method: str, url: str, content: bytes | None, headers: dict[str, str]
    ) -> Reply:
        """One request with `http.client` (blocking: run in a thread)."""
        context = self.ssl_context() if self.secure else None
        try:
            return exchange(
                method,
                url,
                headers=self.headers() | headers,
                content=content,
                timeout=self.timeout,
                context=context,
            )
        except (OSError, http.client.HTTPException) as exc:
            raise self.unreachable(exc) from None

    async def aclose(self) -> None:
        """Close the HTTP client of the running loop (others are dropped)."""
        import asyncio

        loop = asyncio.get_running_loop()
        entry = self._clients.pop(id(loop), None)
        if entry is not None and entry[0] is loop:
            await entry[1].aclose()
        self._clients.clear()
