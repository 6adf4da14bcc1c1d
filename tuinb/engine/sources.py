"""Where a notebook and its kernel come from, and building them (for the editor and `tuinb run`).

A notebook is a local file or lives on a Jupyter server; its kernel is one
of five kinds, all driven by the engine through the same backend protocol:

| source                          | notebook | kernel backend                          |
| ------------------------------- | -------- | --------------------------------------- |
| `tuinb nb.ipynb`                | local    | a local kernelspec (`SwitchableKernel`; |
|                                 |          | a provisioner's if the spec names one)  |
| `tuinb URL`, `--server URL PATH`| server   | the notebook's session on the server    |
| `--gateway-url URL`             | local    | a new kernel on the gateway             |
| `--existing [FILE]`             | local    | a running kernel from its connection file |

`Source` is what the command line asked for, checked without importing
anything heavy (`source_from_args`); `open_remote_notebook` loads a server
notebook (or says the URL named a folder: `ServerFolder`, for a picker);
`make_engine_for` builds the engine on the right backend. So the editor needs
one call for each step whatever the source, and never imports the server or
kernel layers itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuinb.engine.engine import Engine
    from tuinb.engine.protocols import KernelBackend, NotebookLike
    from tuinb.model import Notebook
    from tuinb.model.store import NotebookStore
    from tuinb.server.address import ServerAddress
    from tuinb.server.contents import ContentEntry
    from tuinb.server.http import ServerConnection


class SourceError(Exception):
    """The notebook or kernel cannot be used as asked; str(err) is one sentence for the user."""


@dataclass(frozen=True)
class Source:
    """What the command line asked for (see the module docstring)."""

    path: Path | None = None
    """A local notebook (None: a server notebook, or the next free Untitled.ipynb)."""
    server: ServerAddress | None = None
    """The server of a server notebook (its `path` is the notebook on it)."""
    gateway: ServerAddress | None = None
    """A kernel gateway to start the kernel on (the notebook stays local)."""
    existing: str | None = None
    """A running kernel's connection file: a path or a name; `""` for the newest."""
    kernel: str | None = None
    """`--kernel NAME` (None: the notebook's)."""

    @property
    def on_server(self) -> bool:
        """Whether the notebook lives on a Jupyter server."""
        return self.server is not None

    @property
    def command_line_tokens(self) -> list[str]:
        """Tokens that were typed on the command line (to scrub from the process's arguments)."""
        found = []
        for address in (self.server, self.gateway):
            token = address.token if address is not None else None
            if token is not None and token.source != "environment":
                found.append(token.reveal())
        return found


def source_from_args(
    target: str | None,
    *,
    server: str | None = None,
    token: str | None = None,
    gateway: str | None = None,
    existing: str | None = None,
    kernel: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Source:
    """The `Source` for `tuinb [TARGET] [--server URL] [--token T] [--gateway-url URL]
    [--existing [FILE]] [--kernel NAME]`; raises `SourceError` for what cannot go together.

    TARGET is a local path, a server URL, or (with `--server`) a path on that server.
    """
    from tuinb.server.address import AddressError, looks_like_url, parse_server_url

    environ = os.environ if environ is None else environ
    url = server
    server_path: str | None = None
    if target is not None and looks_like_url(target):
        if server is not None:
            raise SourceError("Give the server once: a URL, or --server URL with a path on it.")
        url = target
    elif server is not None:
        server_path = target
    try:
        address = (
            parse_server_url(url, token=token, path=server_path, environ=environ)
            if url is not None
            else None
        )
        gateway_address = (
            parse_server_url(gateway, token=token, environ=environ, gateway=True)
            if gateway is not None
            else None
        )
    except AddressError as exc:
        raise SourceError(str(exc)) from None
    if address is not None and (gateway_address is not None or existing is not None):
        raise SourceError(
            "A notebook on a server runs on that server's kernels; --gateway-url and "
            "--existing are for local notebooks."
        )
    if gateway_address is not None and existing is not None:
        raise SourceError("Use either --gateway-url or --existing, not both.")
    if kernel is not None and existing is not None:
        raise SourceError(
            "--kernel picks a kernel to start; an --existing kernel is running already."
        )
    if address is None and token is not None and gateway_address is None:
        raise SourceError("--token is for a server or a gateway; give its URL too.")
    local = Path(target).expanduser() if target is not None and address is None else None
    return Source(local, address, gateway_address, existing, kernel)


def gateway_url(option: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """Where kernels of local notebooks run, if not here: `--gateway-url`, else
    `JUPYTER_GATEWAY_URL` (as jupyter_server reads it), else the config file's
    `gateway_url`, else its `server_url` (a Jupyter Server starts kernels through
    the same REST API); None for local kernels."""
    environ = os.environ if environ is None else environ
    if option:
        return option
    if environ.get("JUPYTER_GATEWAY_URL"):
        return environ["JUPYTER_GATEWAY_URL"]
    from tuinb.config import load_config

    config = load_config().config
    return config.gateway_url or config.server_url or None


# ---------------------------------------------------------------- server notebooks


@dataclass(frozen=True)
class ServerFolder:
    """The URL named a folder (or the server alone): let the user pick a notebook in it."""

    connection: ServerConnection
    folder: str
    """The folder on the server (`""`: its root)."""
    source: Source

    async def entries(self) -> list[ContentEntry]:
        """The folder's subfolders, notebooks and files (folders first)."""
        from tuinb.server.contents import Contents

        return await Contents(self.connection).listing(self.folder)

    def choose(self, path: str) -> Source:
        """The source for the notebook (or subfolder) picked at `path` on the server."""
        assert self.source.server is not None
        return Source(server=self.source.server.with_path(path), kernel=self.source.kernel)


@dataclass
class OpenedNotebook:
    """A notebook and where it is kept, ready to be shown and run."""

    notebook: Notebook
    store: NotebookStore
    title: str
    """Its name, for the status bar."""
    location: str
    """Its full place (a path, or a URL without the token), for messages and recovery."""
    new: bool = False
    """Nothing is there yet: the first save creates it."""


def connection_for(address: ServerAddress, *, gateway: bool = False) -> ServerConnection:
    """A connection to a server or gateway (one per address: it holds the HTTP client)."""
    from tuinb.server.http import ServerConnection

    return ServerConnection(address, kind="kernel gateway" if gateway else "Jupyter server")


async def open_remote_notebook(
    source: Source, connection: ServerConnection | None = None
) -> OpenedNotebook | ServerFolder:
    """Load the server notebook `source` names (a new one if the path does not exist yet and
    ends in `.ipynb`), or the `ServerFolder` it names. Raises `ServerError` (one sentence)."""
    from tuinb.model import Notebook
    from tuinb.server.contents import Contents
    from tuinb.server.errors import NotANotebook, ServerNotFound
    from tuinb.server.store import ServerNotebookStore

    assert source.server is not None
    connection = connection or connection_for(source.server)
    path = source.server.path or ""
    contents = Contents(connection)
    if not path.endswith(".ipynb"):
        model = await contents.model(path)
        if isinstance(model, dict) and model.get("type") == "directory":
            return ServerFolder(connection, path, source)
    store = ServerNotebookStore(connection, path)
    try:
        notebook = await store.load()
    except ServerNotFound:
        folder = str(PurePosixPath(path).parent) if "/" in path else ""
        if not path.endswith(".ipynb"):
            raise
        if folder and not await contents.exists(folder):
            raise NotANotebook(
                f"The folder {folder!r} does not exist on {connection.where()}; create it first."
            ) from None
        # written by the first save, as a new local file is
        return OpenedNotebook(Notebook.new(), store, store.name, store.location, new=True)
    return OpenedNotebook(notebook, store, store.name, store.location)


# ---------------------------------------------------------------- kernels


def kernel_backend(source: Source, notebook: NotebookLike, *, cwd: Path | None = None) -> Any:
    """The kernel backend for `source` (see the table in the module docstring)."""
    spec = notebook.metadata.get("kernelspec")
    named = spec.get("name") if isinstance(spec, dict) else None
    # a server or gateway picks its own default kernel when neither names one
    name = source.kernel or (named if isinstance(named, str) and named else None)
    if source.server is not None:
        from tuinb.server.remote import RemoteKernel

        path = source.server.path or ""
        folder = str(PurePosixPath(path).parent) if "/" in path else ""
        return RemoteKernel(
            connection_for(source.server), kernel_name=name, session_path=path, cwd=folder
        )
    if source.gateway is not None:
        from tuinb.server.remote import RemoteKernel

        return RemoteKernel(
            connection_for(source.gateway, gateway=True),
            kernel_name=name,
            cwd=str(cwd) if cwd is not None else None,
            gateway=True,
        )
    if source.existing is not None:
        from tuinb.kernel.errors import KernelError
        from tuinb.kernel.existing import ExistingKernel, find_connection_file

        try:
            return ExistingKernel(find_connection_file(source.existing or None))
        except KernelError as exc:
            raise SourceError(str(exc)) from None
    from tuinb.engine.kernels import SwitchableKernel, kernel_for  # the engine: ~25 ms

    return SwitchableKernel(kernel_for(notebook.metadata, source.kernel), cwd=cwd)


def make_engine_for(
    source: Source, notebook: NotebookLike, *, cwd: Path | None = None, **options: Any
) -> Engine:
    """An engine for `notebook` on the kernel `source` asks for (started later)."""
    from tuinb.engine.engine import Engine

    backend: KernelBackend = kernel_backend(source, notebook, cwd=cwd)
    return Engine(notebook, backend, **options)
