"""`tuinb sessions` (list, `--stop`) and the choice of session for `tuinb attach`.

Listing asks each live host what it is doing; a dead host's files found on
the way are removed (only once proven stale, see `tuinb.session.places`).
Stopping asks about unsaved work as quitting the editor does: on a terminal
save / discard / cancel; without one it refuses unless `--save` or
`--discard` says what to do.
"""

from __future__ import annotations

import argparse
import os
import select
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tuinb.sanitize import plain_text
from tuinb.session.launch import end_session, query
from tuinb.session.places import (
    SessionError,
    SessionFiles,
    SessionInfo,
    all_sessions,
    clean_if_stale,
    host_alive,
)
from tuinb.session.runstate import ago

STOP_WAIT = 10.0
"""Seconds `--stop` waits for the host process to exit after it agreed to end."""


def live_sessions() -> list[SessionFiles]:
    """Every live session (dead hosts' files are removed on the way)."""
    live = []
    for files in all_sessions():
        if host_alive(files):
            live.append(files)
        else:
            clean_if_stale(files)
    return live


def _status(files: SessionFiles) -> dict[str, Any] | None:
    try:
        return query(files, timeout=3)
    except SessionError:
        return None


def _running(status: dict[str, Any], now: float) -> str:
    parts = []
    for index, since in status.get("running", []):
        where = f"cell {index + 1}" if isinstance(index, int) else "a cell"
        parts.append(f"{where} for {ago(now - float(since)).removesuffix(' ago')}")
    queued = int(status.get("queued", 0))
    if queued:
        parts.append(f"{queued} queued")
    return ", ".join(parts) or "-"


def _rows(sessions: list[SessionFiles]) -> list[tuple[str, ...]]:
    now = time.time()
    rows: list[tuple[str, ...]] = [
        ("NOTEBOOK", "KERNEL", "STATE", "RUNNING", "UNSAVED", "ATTACHED")
    ]
    for files in sessions:
        status = _status(files)
        if status is None:
            info = SessionInfo.read(files)
            name = str(info.notebook) if info is not None else files.key
            rows.append((plain_text(name), "?", "not answering", "-", "?", "?"))
            continue
        rows.append(
            (
                plain_text(str(status.get("notebook", ""))),
                plain_text(str(status.get("kernel", ""))),
                plain_text(str(status.get("kernel_state", ""))),
                _running(status, now),
                "yes" if status.get("dirty") else "no",
                "yes" if status.get("attached") else "no",
            )
        )
    return rows


def list_command() -> int:
    """Print the sessions, one a line."""
    sessions = live_sessions()
    if not sessions:
        sys.stdout.write("No tuinb sessions are running.\n")
        return 0
    rows = _rows(sessions)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        sys.stdout.write("  ".join(cells).rstrip() + "\n")
    return 0


def _ask(name: str) -> str:
    """save / discard / cancel, asked on the terminal."""
    while True:
        sys.stdout.write(f"{name} has unsaved changes: [s]ave, [d]iscard or [c]ancel? ")
        sys.stdout.flush()
        answer = sys.stdin.readline()
        if not answer:
            return "cancel"
        choice = answer.strip().lower()[:1]
        if choice in ("s", "d", "c"):
            return {"s": "save", "d": "discard", "c": "cancel"}[choice]


def wait_exited(pid: int, timeout: float) -> bool:
    """Wait until process `pid` has exited (on a pidfd: no polling); False on timeout."""
    try:
        fd = os.pidfd_open(pid)
    except (OSError, AttributeError):
        return False
    try:
        readable, _, _ = select.select([fd], [], [], timeout)
        return bool(readable)
    finally:
        os.close(fd)


def stop_command(notebook: Path, unsaved: str) -> int:
    """End the session of `notebook`; asks about unsaved work (see the module)."""
    name = plain_text(str(notebook))
    files = SessionFiles.for_notebook(notebook)
    if not host_alive(files):
        clean_if_stale(files)
        sys.stderr.write(f"tuinb sessions: no session is running for {name}.\n")
        return 1
    info = SessionInfo.read(files)
    reply = end_session(files, unsaved)
    status = reply.get("status")
    if status == "unsaved":
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            sys.stderr.write(
                f"tuinb sessions: {name} has unsaved changes; "
                "add --save or --discard to stop its session.\n"
            )
            return 1
        choice = _ask(name)
        if choice == "cancel":
            sys.stderr.write("tuinb sessions: nothing was stopped.\n")
            return 1
        reply = end_session(files, choice)
        status = reply.get("status")
    if status == "changed":
        sys.stderr.write(
            f"tuinb sessions: {name} changed on disk since it was opened, so it was not saved; "
            "attach to it to decide, or stop it with --discard.\n"
        )
        return 1
    if status != "ended":
        message = plain_text(str(reply.get("message") or reply.get("error") or status))
        sys.stderr.write(f"tuinb sessions: the session of {name} did not stop: {message}\n")
        return 1
    if info is not None:
        wait_exited(info.pid, STOP_WAIT)
    sys.stdout.write(f"Stopped the session of {name}.\n")
    return 0


def stop_all(unsaved: str = "discard") -> int:
    """End every live session (`unsaved`: as `end_session`) and wait for the hosts to
    exit; how many ended. For tests and benchmarks that leave sessions behind."""
    ended = 0
    for files in live_sessions():
        info = SessionInfo.read(files)
        try:
            reply = end_session(files, unsaved)
        except SessionError:
            continue
        if reply.get("status") == "ended":
            ended += 1
            if info is not None:
                wait_exited(info.pid, STOP_WAIT)
    return ended


def main(argv: Sequence[str]) -> int:
    """`tuinb sessions [--stop NOTEBOOK [--save | --discard]]`; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="tuinb sessions",
        description="List the notebooks that run in the background (detached or attached), "
        "or stop one.",
    )
    parser.add_argument("--stop", metavar="NOTEBOOK", type=Path, help="end this notebook's session")
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--save", action="store_true", help="with --stop: save unsaved work first")
    choice.add_argument("--discard", action="store_true", help="with --stop: drop unsaved work")
    args = parser.parse_args(argv)
    if (args.save or args.discard) and args.stop is None:
        parser.error("--save and --discard go with --stop NOTEBOOK")
    try:
        if args.stop is None:
            return list_command()
        unsaved = "save" if args.save else "discard" if args.discard else "refuse"
        return stop_command(args.stop, unsaved)
    except SessionError as err:
        sys.stderr.write(f"tuinb sessions: {err}\n")
        return 2


def attach_target(argv: Sequence[str]) -> Path | int:
    """The notebook `tuinb attach [NOTEBOOK]` opens, or an exit code (with the reason said).

    Without NOTEBOOK: the only running session; none or several is an error.
    """
    parser = argparse.ArgumentParser(
        prog="tuinb attach",
        description="Attach to a notebook running in the background "
        "(the only one when there is one).",
    )
    parser.add_argument("notebook", nargs="?", type=Path, help="the session's notebook")
    args = parser.parse_args(argv)
    try:
        if args.notebook is not None:
            files = SessionFiles.for_notebook(args.notebook)
            if not host_alive(files):
                clean_if_stale(files)
                name = plain_text(str(args.notebook))
                sys.stderr.write(
                    f"tuinb attach: no session is running for {name}; "
                    f"open it with `tuinb {name}`.\n"
                )
                return 1
            return Path(args.notebook)
        sessions = live_sessions()
    except SessionError as err:
        sys.stderr.write(f"tuinb attach: {err}\n")
        return 2
    if not sessions:
        sys.stderr.write("tuinb attach: no session is running.\n")
        return 1
    if len(sessions) > 1:
        sys.stderr.write(
            f"tuinb attach: {len(sessions)} sessions are running; name one: "
            "tuinb attach NOTEBOOK (`tuinb sessions` lists them).\n"
        )
        return 2
    info = SessionInfo.read(sessions[0])
    if info is None:
        sys.stderr.write("tuinb attach: the running session does not say its notebook.\n")
        return 1
    return info.notebook
