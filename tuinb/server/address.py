"""Where a server is and what on it: parsing the URLs Jupyter prints and browsers show.

`parse_server_url` takes any of them and returns a `ServerAddress`: the
server's base URL (with a JupyterHub prefix such as `/user/alice/` kept),
the path of a notebook or folder on it (if the URL names one), and the token.

    http://host:8888/lab/tree/dir/nb.ipynb?token=abc   -> dir/nb.ipynb
    http://host:8888/lab/workspaces/w/tree/nb.ipynb    -> nb.ipynb
    http://host:8888/doc/tree/nb.ipynb                 -> nb.ipynb
    http://host:8888/notebooks/dir/nb.ipynb            -> dir/nb.ipynb (Notebook 7, classic)
    http://host:8888/tree/dir                          -> dir (a folder)
    http://host:8888/user/alice/lab?token=abc          -> no path; base .../user/alice/
    http://host:8888/                                  -> no path

The token comes from `--token`, else the URL's `?token=`, else the
environment (`JUPYTER_TOKEN`; for a gateway `JUPYTER_GATEWAY_AUTH_TOKEN`
first). Light on purpose: the CLI parses with it before anything is imported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from tuinb.server.secret import Token

SERVER_TOKEN_VARIABLES = ("JUPYTER_TOKEN",)
"""Environment variables a Jupyter Server token is read from, first found wins."""
GATEWAY_TOKEN_VARIABLES = ("JUPYTER_GATEWAY_AUTH_TOKEN", "JUPYTER_TOKEN")
"""The same for a kernel gateway (the first is jupyter_server's own gateway setting)."""


class AddressError(ValueError):
    """The URL cannot be a Jupyter server's; str(err) is one sentence for the user."""


@dataclass(frozen=True)
class ServerAddress:
    """A server (base URL and token) and, optionally, a path on it."""

    base_url: str
    """`scheme://host:port/prefix/`, always ending in `/`, without query or token."""
    path: str | None = None
    """The notebook or folder the URL named (`dir/nb.ipynb`, `""` for the root), or None."""
    token: Token | None = None

    @property
    def display(self) -> str:
        """The base URL, for messages (it never holds the token)."""
        return self.base_url

    def url(self, api_path: str, query: Mapping[str, str] | None = None) -> str:
        """The full URL of `api_path` (e.g. `api/contents/a b.ipynb`), path segments quoted."""
        url = self.base_url + quote(api_path.lstrip("/"), safe="/")
        return f"{url}?{urlencode(dict(query))}" if query else url

    def websocket_url(self, api_path: str, query: Mapping[str, str] | None = None) -> str:
        """Like `url`, with `ws://` or `wss://`."""
        url = self.url(api_path, query)
        return "ws" + url[4:] if url.startswith("http") else url

    def with_path(self, path: str | None) -> ServerAddress:
        """The same server with another path on it."""
        return ServerAddress(self.base_url, normalise_path(path), self.token)

    def page_url(self) -> str:
        """The JupyterLab URL of `path` (without the token), for messages."""
        if not self.path:
            return self.base_url
        return self.url(f"lab/tree/{self.path}")


def normalise_path(path: str | None) -> str | None:
    """A server path as the contents API wants it: `/`-separated, no leading or trailing `/`."""
    if path is None:
        return None
    return "/".join(part for part in path.replace("\\", "/").split("/") if part not in ("", "."))


def looks_like_url(text: str) -> bool:
    """Whether a command-line argument is a server URL rather than a local path."""
    return text.startswith(("http://", "https://"))


def _split_app_path(segments: list[str]) -> tuple[list[str], str | None]:
    """(base segments, content path or None) from the URL path's segments."""
    start = 2 if len(segments) >= 2 and segments[0] == "user" else 0  # JupyterHub
    for index in range(start, len(segments)):
        word = segments[index]
        rest = segments[index + 1 :]
        if word in ("lab", "doc"):
            if rest[:1] == ["workspaces"]:
                rest = rest[2:]
            if rest[:1] == ["doc"]:
                rest = rest[1:]
            if rest[:1] == ["tree"]:
                return segments[:index], "/".join(rest[1:])
            if word == "lab" or rest == []:
                return segments[:index], None
            continue
        if word in ("notebooks", "tree", "edit"):
            return segments[:index], "/".join(rest)
    return segments, None


def _token_from(
    explicit: str | None,
    query_token: str | None,
    environ: Mapping[str, str],
    names: tuple[str, ...],
) -> Token | None:
    if explicit:
        return Token(explicit, "option")
    if query_token:
        return Token(query_token, "url")
    for name in names:
        value = environ.get(name)
        if value:
            return Token(value, "environment")
    return None


def parse_server_url(
    url: str,
    *,
    token: str | None = None,
    path: str | None = None,
    environ: Mapping[str, str] | None = None,
    gateway: bool = False,
) -> ServerAddress:
    """The server, path and token of `url` (see the module docstring).

    `path` (from `tuinb --server URL PATH`) overrides a path in the URL.
    Raises `AddressError` for anything that is not an http(s) URL with a host.
    """
    environ = os.environ if environ is None else environ
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        shown = url if len(url) < 80 else url[:77] + "..."
        raise AddressError(
            f"{shown!r} is not a server URL; give one like http://host:8888/ "
            "(as `jupyter server list` prints it)."
        )
    try:
        parts.port  # noqa: B018 (validates the port)
    except ValueError:
        raise AddressError(
            f"The port in {parts.scheme}://{parts.netloc}/ is not a number."
        ) from None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    base, found = _split_app_path(segments) if not gateway else (segments, None)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    names = GATEWAY_TOKEN_VARIABLES if gateway else SERVER_TOKEN_VARIABLES
    chosen = _token_from(token, query.get("token"), environ, names)
    prefix = "/".join(quote(s) for s in base)
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    netloc = f"{host}:{parts.port}" if parts.port else host  # no user:password@
    base_url = urlunsplit((parts.scheme, netloc, f"/{prefix}/" if prefix else "/", "", ""))
    return ServerAddress(base_url, normalise_path(path if path is not None else found), chosen)


STAND_IN_FOLDER = "tuinb-server"
"""The first part of a server notebook's stand-in local path (see `stand_in_path`)."""


def stand_in_path(base_url: str, server_path: str) -> Path:
    """The local path the editor knows a server notebook by.

    The editor names a notebook by its path (the status bar, recovery copies
    keyed by it); a server notebook has none here, so it gets one under
    ``/tuinb-server/HOST:PORT/``: never a file (its saves go through the
    contents API), the right name for the bar, and a key for recovery copies
    that differs per server and path.
    """
    parts = urlsplit(base_url)
    where = (parts.netloc or "server") + parts.path.rstrip("/")
    return Path(
        "/", STAND_IN_FOLDER, *PurePosixPath(where).parts, *PurePosixPath(server_path).parts
    )


def contents_api(path: str, *suffix: str) -> str:
    """The contents API path of `path` (`api/contents/dir/nb.ipynb`, `.../checkpoints`)."""
    return "/".join(["api/contents", *(p for p in (normalise_path(path), *suffix) if p)])
