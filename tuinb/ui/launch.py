"""Start the editor for a path (imported lazily by the CLI).

The notebook is read before Textual is imported, so a bad path is refused
in one sentence at once, with exit code 2 and nothing written. Then its first
frame is drawn by `tuinb.ui.firstframe.frame` (see `tuinb.ui.firstframe.terminal`) while
Textual is imported and started, which takes most of the start-up time.

Where the kernel runs (`open_editor`):

- A notebook with a live session (a host of `tuinb.session`, started by an
  earlier `tuinb`) is attached to, before Textual is imported: the host
  sends the notebook with every output, which the first frame shows; no
  recovery copy is offered (the host has the work). This happens even with
  ``--no-detach``: two editors with two kernels on one file would each save
  over the other's work.
- Otherwise the file is read, and with sessions on (the default; off with
  ``--no-detach`` or ``detach = false`` in the config file) a host is started
  for it as soon as the first frame is drawn; it boots its kernel while
  Textual loads, and the editor brings it the notebook when it connects.
  Sessions are for local notebooks whose kernel tuinb launches itself: the
  host is a process of this machine that owns the kernel's process (a kernel
  on a Jupyter Server already outlives its editor there).
- Sessions off (or unusable: a runtime folder that is not private, no Unix
  sockets): the engine runs in this process, as before, and the kernel stops
  with the editor.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from tuinb.config import LoadedConfig
    from tuinb.engine.protocols import EngineLike
    from tuinb.model import Notebook
    from tuinb.model.store import NotebookStore
    from tuinb.session.launch import Attachment, HostStart

UNTITLED = "Untitled"


def next_untitled(folder: Path) -> Path:
    """The first free ``Untitled.ipynb``, ``Untitled1.ipynb``, ... in a folder."""
    number = 0
    while True:
        name = f"{UNTITLED}{number or ''}.ipynb"
        candidate = folder / name
        if not candidate.exists():
            return candidate
        number += 1


class OpenError(Exception):
    """The path cannot be opened; ``str()`` is the one sentence to show."""


def open_notebook(path: Path | None) -> Notebook:
    """The notebook to edit: loaded, or new (created on first save) for a missing path."""
    from tuinb.model import Notebook, NotebookError, load

    if path is None:
        path = next_untitled(Path.cwd())
    path = path.expanduser()
    if path.is_dir():
        raise OpenError(f"{path} is a folder; give the path of a notebook (.ipynb) file.")
    if not path.exists():
        if path.is_symlink():
            raise OpenError(f"{path} is a broken symbolic link; fix it or choose another path.")
        parent = path.parent if str(path.parent) else Path()
        if not parent.is_dir():
            raise OpenError(
                f"Cannot create {path}: the folder {parent} does not exist; create it first."
            )
        notebook = Notebook.new()
        notebook.path = path
        return notebook
    try:
        return load(path, defer_validation=True)  # nbformat validates after the first frame
    except NotebookError as err:
        raise OpenError(str(err)) from err


def _say(text: str) -> None:
    from tuinb.sanitize import printable  # a path can hold escape sequences

    sys.stderr.write(f"tuinb: {printable(text)}\n")


def sessions_supported() -> bool:
    """Whether this system has what a session needs (Unix sockets: Linux, macOS)."""
    import socket

    return hasattr(socket, "AF_UNIX") and sys.platform != "win32"


def open_editor(
    path: Path | None,
    *,
    kernel: str | None,
    detach: bool = True,
    attach_only: bool = False,
    loaded: LoadedConfig | None = None,
) -> int:
    """Open the editor on `path`; returns the exit code.

    `detach`: a new notebook gets a session (unless the config file says
    ``detach = false``); `attach_only`: attach to the notebook's live session
    or say there is none (`tuinb attach`). See the module docstring.
    """
    from tuinb.config import load_config

    loaded = loaded or load_config()  # its warnings are shown once the editor is up
    wanted = detach and loaded.config.detach and sessions_supported()
    notices: list[str] = []
    target = (path or next_untitled(Path.cwd())).expanduser()
    if sessions_supported():
        from tuinb.session.places import SessionError, find_live  # light: no engine, no asyncio

        try:
            live = find_live(target)
        except SessionError as err:
            if attach_only:
                _say(str(err))
                return 2
            live = None
            if wanted:
                notices.append(f"{err} This notebook runs without a background session.")
                wanted = False
        if live is not None:
            from tuinb.session.launch import attach

            try:
                attachment = attach(live)  # before Textual: the first frame shows its notebook
            except SessionError as err:
                _say(str(err))
                return 2
            assert attachment.notebook is not None  # a plain attach always gets it
            if kernel:
                notices.append(
                    f"The session's kernel runs; --kernel {kernel} applies to new sessions."
                )
            return _run(attachment.notebook, attachment, None, loaded, notices)
    if attach_only:
        _say(
            f"no session is running for {target}; open it with `tuinb {target}` "
            "(`tuinb sessions` lists the running ones)."
        )
        return 1
    try:
        notebook = open_notebook(target)
    except OpenError as err:
        _say(str(err))
        return 2
    return _run(notebook, None, kernel, loaded, notices, start_host=wanted)


def _run(
    notebook: Notebook,
    attachment: Attachment | None,
    kernel: str | None,
    loaded: LoadedConfig,
    notices: list[str],
    *,
    start_host: bool = False,
    engine_for: Callable[[], EngineLike] | None = None,
    store: NotebookStore | None = None,
) -> int:
    """Draw the first frame, then start the kernel's side (the attached session's client, a
    new host, or an engine here) and run the app.

    `engine_for` builds the engine instead (a server's or gateway's kernel, an existing
    one: `tuinb.ui.launch_remote`), once the frame is drawn; `store` keeps a notebook that
    is not a local file (a server's)."""
    from tuinb.render.options import ViewOptions
    from tuinb.session.places import SessionError
    from tuinb.ui.firstframe.terminal import prepainted

    config = loaded.config
    options = ViewOptions(config.editor.line_numbers, config.output.fold_lines)
    state = attachment.kernel_state if attachment is not None else "starting"
    try:
        with prepainted(  # while Textual loads
            notebook,
            kernel=kernel,
            state=state,
            options=options,
            theme=config.theme,
            output=config.output,
        ) as handoff:
            from tuinb.engine.kernels import kill_all_kernels

            starting: list[HostStart] = []
            wanted = starting if start_host else None
            try:
                if engine_for is not None:
                    engine = engine_for()
                else:
                    engine = _engine(notebook, attachment, kernel, loaded, notices, wanted)
                from tuinb.ui.app import TuinbApp

                app = TuinbApp(
                    notebook,
                    engine=engine,
                    kernel_name=kernel,
                    recovery_interval=loaded.config.recovery_interval,
                    check_recovery=attachment is None and store is None,
                    config=loaded,
                    notices=notices,
                    store=store,
                )
                probe = handoff.graphics
                if probe is not None:
                    app.terminal_graphics = probe.result
                if handoff.saved is not None:
                    from tuinb.ui.textual_compat import keep_terminal_modes

                    keep_terminal_modes(app, handoff.saved, typed=probe.keys if probe else None)
                app.guard_exit = True  # this process is the editor's own
                app.run()
            except KeyboardInterrupt:  # before Textual took the keys: no host waits for us
                for host in starting:
                    host.abandon()
                raise
            finally:
                kill_all_kernels()  # whatever the route out, no kernel of ours outlives it
    except SessionError as err:  # (the first frame is gone again: said on the terminal)
        _say(str(err))
        return 2
    if app.exit_message:
        _say(app.exit_message)
    return app.return_code or 0


def _engine(
    notebook: Notebook,
    attachment: Attachment | None,
    kernel: str | None,
    loaded: LoadedConfig,
    notices: list[str],
    starting: list[HostStart] | None,
) -> EngineLike:
    """The attached session's client, a new host's client, or an engine in this process;
    the kernel (or the host, which starts it) boots while Textual is imported.

    `starting`: a new host is wanted; the one started is appended to it."""
    from tuinb.engine.kernels import kernel_for, launch_early, make_engine

    if attachment is not None:
        from tuinb.session.client import SessionClient
        from tuinb.session.places import SessionError
        from tuinb.session.wire import ProtocolError

        try:
            return SessionClient(notebook, attachment)
        except ProtocolError as err:
            raise SessionError(f"The session's answer was not understood ({err}).") from None
    assert notebook.path is not None
    name = kernel_for(notebook.metadata, kernel, fallback=loaded.config.default_kernel)
    if starting is not None:
        from tuinb.session.client import SessionClient
        from tuinb.session.launch import SessionError, attach_frame
        from tuinb.session.launch import start_host as launch_host

        hours = loaded.config.detach_idle_hours
        try:
            host = launch_host(notebook.path, kernel=name, idle_timeout=hours * 3600)
        except SessionError as err:
            notices.append(f"{err} This notebook runs without a background session.")
        else:
            starting.append(host)
            return SessionClient(
                notebook, connect=lambda frame: attach_frame(host.wait_ready(), frame)
            )
    engine = make_engine(notebook, name, cwd=notebook.path.resolve().parent)
    launch_early(engine)
    return engine
