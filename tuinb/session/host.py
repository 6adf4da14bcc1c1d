"""The session host process: ``python -m tuinb.session.host NOTEBOOK --kernel NAME``.

Started by `tuinb` itself (`tuinb.session.launch.start_host`), never by hand
and never installed as a daemon. The launcher starts it in a new session
(`setsid`), so the terminal's SIGHUP never reaches it; it forks once more at
once, so it is nobody's child and no terminal can become its own. Then it
takes the session's lock (`tuinb.session.places`), binds its 0600 socket,
starts the kernel's process (with ``JPY_PARENT_PID`` set to the host's pid:
if the host is killed, ipykernel exits by itself within a second), and tells
the launcher on the ``--ready-fd`` pipe: ``ok``, ``exists`` (a host for this
notebook already runs) or ``error <one sentence>``.

Exit: the session ended (`end`, the idle time-out), SIGTERM or SIGINT (a
recovery copy of unsaved work is written first). On every way out the
kernel is shut down and the socket, info and lock files are removed; after
``kill -9`` the lock proves the files stale to the next `tuinb`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tuinb.session.host_socket import bind_socket
from tuinb.session.places import (
    Place,
    SessionError,
    SessionFiles,
    SessionInfo,
    release,
    remove_socket_file,
    take_lock,
    write_info,
)


def _tell(fd: int | None, text: str) -> None:
    """Answer the launcher on the readiness pipe (once) and close it."""
    if fd is None:
        return
    with contextlib.suppress(OSError):
        os.write(fd, (text + "\n").encode("utf-8"))
    with contextlib.suppress(OSError):
        os.close(fd)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tuinb.session.host")
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--ready-fd", type=int, default=None)
    parser.add_argument("--idle-timeout", type=float, default=None)
    parser.add_argument("--init-timeout", type=float, default=None)
    parser.add_argument("--recovery-interval", type=float, default=None)
    parser.add_argument("--no-fork", action="store_true", help="stay in the foreground (tests)")
    return parser


def _log_to(path: Path) -> None:
    """Log to the file the launcher created (it holds anything printed before this, too)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    handler = logging.StreamHandler(os.fdopen(fd, "w", buffering=1, encoding="utf-8"))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


def main(argv: Sequence[str] | None = None) -> int:
    """Run a session host; returns the exit code."""
    args = _parser().parse_args(argv)
    if not args.no_fork and os.fork() > 0:
        os._exit(0)  # the launcher reaps this parent at once; the host lives on, orphaned
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # no terminal is ours; a stray HUP ends nothing
    ready: int | None = args.ready_fd
    path = args.notebook.expanduser().absolute()
    try:
        files = SessionFiles.for_notebook(path)
        lock = take_lock(files)
    except SessionError as err:
        _tell(ready, f"error {err}")
        return 2
    if lock is None:
        _tell(ready, "exists")
        return 0
    place = Place(files, lock)
    try:
        return _serve(args, path, place, ready)
    finally:
        release(place.files, place.lock)  # the files of where it ended (save as moves it)


def _serve(args: argparse.Namespace, path: Path, place: Place, ready: int | None) -> int:
    from tuinb import __version__

    files = place.files
    _log_to(files.log)
    remove_socket_file(files)  # we hold the lock: a socket left there is a dead host's
    try:
        listening = bind_socket(files.socket)
    except OSError as err:
        _tell(ready, f"error tuinb could not create its session socket {files.socket}: {err}")
        return 2
    from tuinb.session.core import SessionCore
    from tuinb.session.server import Host

    options = {
        name: getattr(args, name)
        for name in ("idle_timeout", "recovery_interval")
        if getattr(args, name) is not None
    }
    core = SessionCore(path, kernel=args.kernel, **options)
    core.kernel.launch()  # boots while the rest is set up and the editor loads
    timeouts = {} if args.init_timeout is None else {"init_timeout": args.init_timeout}
    host = Host(core, place=place, **timeouts)
    write_info(SessionInfo(files, os.getpid(), path, __version__, time.time()))
    logging.getLogger(__name__).info("serving %s (pid %d)", path, os.getpid())
    _tell(ready, "ok")
    import asyncio

    async def run() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, core.terminate)
        await host.serve(listening)

    try:
        asyncio.run(run())
    finally:
        from tuinb.engine.kernels import kill_all_kernels

        kill_all_kernels()  # whatever the way out, no kernel outlives its host
        logging.getLogger(__name__).info("ended")
    return 0


if __name__ == "__main__":
    sys.exit(main())
