"""Start the editor beyond this machine: a server's notebook, a gateway's or an existing kernel.

Imported by the CLI only when a URL, ``--server``, ``--gateway-url`` (or
``JUPYTER_GATEWAY_URL``, the config file's ``gateway_url``) or ``--existing``
is given, so a local notebook's start-up imports none of this (nor httpx).

- A server notebook is fetched through the contents API *before* the first
  frame: a server that is down, a refused token, a missing path, a file that
  is not a notebook or a TLS failure is one sentence on the terminal, exit
  code 2, nothing drawn and nothing written. A URL naming a folder (or the
  server alone) opens the picker of `tuinb.ui.dialogs.server_picker` first.
  Its kernel is the notebook's session on the server (JupyterLab users of the
  same notebook share it; quitting leaves it running, as closing a tab does).
- A gateway's kernel, and an existing kernel, run a local notebook.

These kernels run in the editor's own process, never in a session host: a
server's kernel already outlives the editor there, and a kernel tuinb did not
start is not one a host of ours could own.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tuinb.ui.launch import OpenError, _run, open_notebook

if TYPE_CHECKING:
    from collections.abc import Callable

    from tuinb.config import LoadedConfig
    from tuinb.engine.protocols import EngineLike, KernelBackend
    from tuinb.engine.sources import OpenedNotebook, ServerFolder, Source
    from tuinb.model import Notebook


def _say(text: str) -> None:
    from tuinb.sanitize import printable

    sys.stderr.write(f"tuinb: {printable(text)}\n")


@contextlib.contextmanager
def keys_as_typed() -> Iterator[None]:
    """Hold the terminal in the first frame's input mode while the notebook is fetched.

    A key typed during the request would otherwise be read in the terminal's
    line mode: echoed, and enter turned into a newline, which Textual reads as
    ctrl+j (run the cell) once it starts. In this mode it waits as typed, and
    reaches the editor as the same key (`tuinb.ui.firstframe.terminal`).
    """
    if not sys.stdin.isatty():
        yield
        return
    import termios

    from tuinb.ui.firstframe.terminal import startup_mode

    fd = sys.stdin.fileno()
    try:
        saved = termios.tcgetattr(fd)
        termios.tcsetattr(fd, termios.TCSANOW, startup_mode(saved))
    except termios.error:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSANOW, saved)


def open_source(source: Source, loaded: LoadedConfig | None = None) -> int:
    """Open the editor on `source` (see the module docstring); returns the exit code."""
    from tuinb.config import load_config

    loaded = loaded or load_config()
    notices: list[str] = []
    if source.on_server:
        return _open_server(source, loaded, notices)
    try:
        notebook = open_notebook(source.path)
    except OpenError as err:
        _say(str(err))
        return 2
    assert notebook.path is not None
    backend = _backend(source, notebook, cwd=notebook.path.resolve().parent)
    if backend is None:
        return 2
    engine_for = _engine_on(notebook, backend)
    return _run(notebook, None, source.kernel, loaded, notices, engine_for=engine_for)


def _backend(source: Source, notebook: Notebook, *, cwd: Path | None) -> KernelBackend | None:
    """The kernel backend (before the first frame: a missing connection file is said now)."""
    from tuinb.engine.sources import SourceError, kernel_backend

    try:
        backend: KernelBackend = kernel_backend(source, notebook, cwd=cwd)
    except SourceError as err:
        _say(str(err))
        return None
    return backend


def _engine_on(notebook: Notebook, backend: KernelBackend) -> Callable[[], EngineLike]:
    """Builds the engine once the first frame is drawn (importing it takes a while)."""

    def build() -> EngineLike:
        from tuinb.engine.engine import Engine

        return Engine(notebook, backend)

    return build


def _open_server(source: Source, loaded: LoadedConfig, notices: list[str]) -> int:
    from tuinb.server.address import stand_in_path

    opened = _fetch(source)
    if isinstance(opened, int):  # said why it cannot be, or the picker was left
        return opened
    source, notebook_opened = opened.source, opened.opened
    notebook = notebook_opened.notebook
    assert source.server is not None
    notebook.path = stand_in_path(source.server.base_url, source.server.path or "")
    if notebook_opened.new:
        notices.append(
            f"{notebook_opened.location} does not exist yet; the first save (ctrl+s) creates it."
        )

    def engine_for() -> EngineLike:  # after the first frame: the server's kernel layer loads
        from tuinb.engine.engine import Engine
        from tuinb.engine.sources import kernel_backend

        return Engine(notebook, kernel_backend(source, notebook, cwd=None))

    return _run(
        notebook,
        None,
        source.kernel,
        loaded,
        notices,
        engine_for=engine_for,
        store=notebook_opened.store,
    )


class _Fetched:
    """The notebook fetched, and the source that named it (a picked one, maybe)."""

    def __init__(self, source: Source, opened: OpenedNotebook) -> None:
        self.source = source
        self.opened = opened


def _fetch(source: Source) -> _Fetched | int:
    """Load the server notebook, through the picker when the URL names a folder; else the
    exit code: 2 after saying why it cannot be, 0 when the picker was left."""
    from tuinb.engine.sources import ServerFolder, connection_for, open_remote_notebook
    from tuinb.model import NotebookError
    from tuinb.server.errors import ServerError
    from tuinb.server.http import run_now

    assert source.server is not None
    connection = connection_for(source.server)

    def load(wanted: Source) -> OpenedNotebook | ServerFolder:
        # before the first frame: no httpx, no event loop (see server/http.py)
        connection.light = True
        try:
            return run_now(open_remote_notebook(wanted, connection))
        finally:
            connection.light = False

    while True:
        try:
            with keys_as_typed():
                opened = load(source)
        except (ServerError, NotebookError) as err:
            _say(str(err))
            return 2
        except KeyboardInterrupt:
            return 130
        if not isinstance(opened, ServerFolder):
            return _Fetched(source, opened)
        picked = _pick(opened)
        if picked is None:
            return 0
        source = picked


def _pick(folder: ServerFolder) -> Source | None:
    """The server's folders and notebooks in a picker; the source of the one chosen."""
    from tuinb.ui.dialogs.server_picker import pick_notebook

    chosen = pick_notebook(folder)
    return folder.choose(chosen) if chosen is not None else None
