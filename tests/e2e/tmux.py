"""Drive a program in a private tmux server: send keys, read the screen, wait on it.

Each `TmuxSession` has its own server socket (``tmux -L <unique>``), a config
file of its own (xterm-256color, panes kept after exit so the exit status can
be read), and is killed on close. All waiting is polling with a deadline.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

POLL = 0.05
"""Seconds between two looks at the screen."""

CONFIG = """\
set -g default-terminal "xterm-256color"
set -g remain-on-exit on
set -g escape-time 0
set -g history-limit 2000
set -g status off
set -g set-clipboard on
set -g allow-rename on
set -g set-titles off
set-environment -gu LINES
set-environment -gu COLUMNS
"""
"""(LINES and COLUMNS: something in the test process exports them to its C environment,
80x24, and Textual sizes itself by them; a pane's size must be the pane's.)"""


def tuinb_command() -> Path:
    """The installed `tuinb` console script of the interpreter running the tests."""
    candidate = Path(sys.executable).parent / "tuinb"
    if candidate.exists():
        return candidate
    found = shutil.which("tuinb")
    if found is None:
        pytest.skip("the tuinb command is not installed (pip install -e . first)")
    return Path(found)


def require_tmux() -> str:
    """The tmux binary, or skip the test saying why."""
    found = shutil.which("tmux")
    if found is None:
        pytest.skip(
            "tmux is not installed (apt-get install tmux) so the end-to-end tests cannot run"
        )
    return found


def _children(pid: int) -> list[str]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return path.read_text().split() if path.exists() else []


def _read(path: Path) -> str | None:
    return path.read_text().strip() if path.exists() else None


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


class ScreenTimeout(AssertionError):
    """A screen condition did not come true in time; the message shows the screen."""


class TmuxSession:
    """One program running in a private tmux server, 120x40 by default."""

    def __init__(self, workdir: Path, *, width: int = 120, height: int = 40) -> None:
        self.binary = require_tmux()
        self.socket = f"tuinb-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.workdir = workdir
        self.width = width
        self.height = height
        self.config = workdir / "tmux.conf"
        self.target = "main"
        self.stream_file: Path | None = None
        self.socket_path: Path | None = None
        self.status_file = workdir / "main.exit"

    async def tmux(self, *args: str, check: bool = True) -> str:
        """Run one tmux command against this server; returns its stdout."""
        process = await asyncio.create_subprocess_exec(
            self.binary,
            "-L",
            self.socket,
            "-f",
            str(self.config),
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(20):
            out, err = await process.communicate()
        if check and process.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)} failed: {err.decode(errors='replace')}")
        return out.decode("utf-8", errors="replace")

    async def start(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        record: Path | None = None,
        session: str = "main",
    ) -> None:
        """Start `argv` in a new session; with `record`, every byte it writes goes there.

        The program waits for a newline before it starts, so the recording
        (tmux pipe-pane) is in place before its first byte. A second `start`
        with another `session` name runs a new program on the same server.
        """
        self.config.write_text(CONFIG, encoding="utf-8")
        self.target = session
        self.status_file = self.workdir / f"{session}.exit"
        self.status_file.unlink(missing_ok=True)
        # sh stays the parent and writes the exit status: tmux 3.3a sometimes
        # leaves an exited pane process unreaped, so #{pane_dead} never turns 1.
        # tmux gives the pane COLUMNS=80 LINES=24, which programs (Textual, through
        # shutil.get_terminal_size) believe over the pane's real size: unset them.
        script = (
            'unset COLUMNS LINES; IFS= read -r _go; "$@"; echo "$?" > "$0.tmp" && mv "$0.tmp" "$0"'
        )
        wrapped = ["sh", "-c", script, str(self.status_file), *argv]
        env_args: list[str] = []
        for key, value in env.items():
            env_args += ["-e", f"{key}={value}"]
        await self.tmux(
            "new-session",
            "-d",
            "-s",
            self.target,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "-c",
            str(self.workdir),
            *env_args,
            *wrapped,
        )
        if self.socket_path is None:
            found = await self.tmux("display-message", "-p", "#{socket_path}")
            self.socket_path = Path(found.strip())
        if record is not None:
            self.stream_file = record
            await self.tmux("pipe-pane", "-o", "-t", self.target, f"cat >> '{record}'")
        await self.tmux("send-keys", "-t", self.target, "Enter")

    async def screen(self) -> str:
        """The visible screen as text, one line per row."""
        return await self.tmux("capture-pane", "-p", "-t", self.target)

    async def send(self, *keys: str) -> None:
        """Press keys, in tmux's key names (``Enter``, ``Escape``, ``C-s``, ``j``)."""
        for key in keys:
            await self.tmux("send-keys", "-t", self.target, key)

    async def type(self, text: str) -> None:
        """Type literal text."""
        await self.tmux("send-keys", "-t", self.target, "-l", text)

    async def pane(self, fmt: str) -> str:
        """A tmux format about the pane (``#{pane_pid}``, ``#{pane_dead}``...)."""
        return (await self.tmux("display-message", "-p", "-t", self.target, fmt)).strip()

    async def pid(self) -> int:
        """The process id of the program (the child of the pane's shell)."""
        shell = int(await self.pane("#{pane_pid}"))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while True:
            found = _children(shell)
            if found:
                return int(found[0])
            if loop.time() > deadline:
                raise AssertionError("the program never started in the pane")
            await asyncio.sleep(POLL)

    async def wait_for(
        self,
        condition: str | re.Pattern[str] | Callable[[str], bool],
        *,
        within: float = 15.0,
        what: str = "",
    ) -> str:
        """Poll the screen until `condition` holds; returns that screen."""
        check: Callable[[str], bool]
        if isinstance(condition, str):
            needle = condition
            check = lambda screen: needle in screen  # noqa: E731
            what = what or repr(needle)
        elif isinstance(condition, re.Pattern):
            pattern = condition
            check = lambda screen: pattern.search(screen) is not None  # noqa: E731
            what = what or pattern.pattern
        else:
            check = condition
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        screen = ""
        while True:
            screen = await self.screen()
            if check(screen):
                return screen
            if loop.time() > deadline:
                raise ScreenTimeout(f"waited {within} s for {what}; the screen was:\n{screen}")
            await asyncio.sleep(POLL)

    async def wait_exit(self, *, within: float = 15.0) -> int:
        """Wait until the program ends; its exit status (128 + N when killed by signal N)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while (status := _read(self.status_file)) is None:
            if loop.time() > deadline:
                screen = await self.screen()
                raise ScreenTimeout(f"the program did not exit in {within} s:\n{screen}")
            await asyncio.sleep(POLL)
        return int(status)

    async def exit_report(self) -> str:
        """The exit status and the last screen, for assertion messages."""
        status = _read(self.status_file) or "running"
        return f"exit status: {status}\n{await self.screen()}"

    async def close(self) -> None:
        """Kill the server and everything in it, and remove its socket file."""
        await self.tmux("kill-server", check=False)
        if self.socket_path is not None and self.socket_path.name == self.socket:
            _remove(self.socket_path)


async def wait_until(predicate: Callable[[], bool], *, within: float, what: str) -> None:
    """Poll `predicate` every `POLL` seconds until it holds or `within` seconds pass."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"waited {within} s for {what}")
        await asyncio.sleep(POLL)
