"""Errors talking to a Jupyter server or gateway; `str(err)` is one sentence for the user.

Every string the server sent (an error's `message`) is passed through
`tuinb.sanitize.plain_text` and cut to one short line before it is part of
a message; the token never is.
"""

from __future__ import annotations

from tuinb.sanitize import plain_text

_MAX_DETAIL = 160


def server_text(text: object) -> str:
    """A string from a server, safe to print: no escapes, one line, not too long."""
    line = " ".join(plain_text(str(text)).split())
    return line if len(line) <= _MAX_DETAIL else line[: _MAX_DETAIL - 3] + "..."


class ServerError(Exception):
    """Anything that went wrong talking to a Jupyter server or gateway."""


class ServerUnreachable(ServerError):
    """No answer: the server is down, the address is wrong, or the network is."""


class ServerTLSError(ServerUnreachable):
    """The server's TLS certificate could not be verified (or TLS failed)."""


class ServerAuthError(ServerError):
    """The server refused us (401/403): no token, or the wrong one."""


class ServerNotFound(ServerError):
    """The server has no such notebook, folder, kernel or session (404)."""


class NotANotebook(ServerError):
    """The path names a folder or a file that is not a notebook."""


class ServerRequestError(ServerError):
    """Any other refusal or failure (a 4xx/5xx with the server's reason, a non-JSON answer)."""

    def __init__(self, message: str, status: int | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        """The HTTP status, when there was one."""
        self.reason = reason
        """The server's own explanation (sanitised), when it gave one."""


class KernelGone(ServerNotFound):
    """The server no longer has the kernel (shut down elsewhere, or the server restarted)."""
