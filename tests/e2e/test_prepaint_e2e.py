"""The first frame in a real terminal: keys typed on it are kept, the terminal comes back."""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

from tests.e2e.conftest import tuinb_env, write_notebook
from tests.e2e.tmux import TmuxSession, wait_until
from tests.kernel_support import wait_gone

TEXTUAL_STARTED = b"\x1b[?1000h"
"""Textual turns mouse reporting on when it starts; the first frame never does."""


def host_pids() -> list[int]:
    """The session hosts this test's editors started (their info files)."""
    folder = Path(os.environ["TUINB_RUNTIME_DIR"])
    return [int(json.loads(info.read_text())["pid"]) for info in folder.glob("*.json")]


def cells(count: int) -> list[dict[str, object]]:
    return [{"source": f"x{index} = {index}"} for index in range(count)]


async def test_j_pressed_on_the_first_frame_moves_the_cursor(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "keys.ipynb", cells(5))
    stream = tmp_path / "stream.bin"
    await tmux.start([str(tuinb), str(notebook)], env=tuinb_env(), record=stream)
    await tmux.wait_for("cell 1/5", what="the first frame", within=20)
    await tmux.send("j")
    seen = stream.read_bytes() if stream.exists() else b""
    assert b"keys.ipynb" in seen, "the frame on screen was not recorded yet"
    assert TEXTUAL_STARTED not in seen, "Textual had started before j: no first frame to test"
    await tmux.wait_for("cell 2/5", what="the cursor on cell 2", within=20)
    await wait_until(lambda: TEXTUAL_STARTED in stream.read_bytes(), within=20, what="Textual")
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0


async def test_a_paste_on_the_first_frame_is_a_paste_not_keys(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "paste.ipynb", cells(5))
    await tmux.start([str(tuinb), str(notebook)], env=tuinb_env())
    await tmux.wait_for("cell 1/5", what="the first frame", within=20)
    await tmux.tmux("set-buffer", "dd")  # as keys, `d d` would delete the first cell
    await tmux.tmux("paste-buffer", "-p", "-t", tmux.target)
    await tmux.send("j")
    screen = await tmux.wait_for("cell 2/", what="the cursor on cell 2", within=20)
    assert "cell 2/5" in screen
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()


async def tuinb_in_shell(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path, *, then: str = ""
) -> tuple[Path, Path]:
    """Run tuinb on a 2-cell notebook from an interactive shell, between two ``stty -a``.

    Returns once the first frame is on screen; the two files get the modes.
    """
    notebook = write_notebook(tmp_path / "modes.ipynb", cells(2))
    before, after = tmp_path / "before.txt", tmp_path / "after.txt"
    await tmux.start(["sh"], env={**tuinb_env(), "PS1": "$ "})
    await tmux.type(f"stty -a > {before}; {tuinb} {notebook}{then}; stty -a > {after}\n")
    await tmux.wait_for("cell 1/2", what="the first frame", within=20)
    return before, after


def first_child(pid: int) -> int:
    """The first child process of `pid`."""
    return int(Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0])


def modes(path: Path) -> str:
    """What ``stty -a`` wrote, or "" if nothing yet."""
    return path.read_text() if path.exists() else ""


async def assert_same_modes(before: Path, after: Path) -> None:
    """The shell got its terminal modes back after tuinb, as they were before it."""
    await wait_until(lambda: modes(after) != "", within=20, what="stty -a after tuinb")
    assert modes(after) == modes(before)


async def test_terminal_modes_come_back_after_quitting(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    before, after = await tuinb_in_shell(tmux, tuinb, tmp_path)
    await tmux.send("j", "C-q")
    await assert_same_modes(before, after)
    await tmux.type("echo typed-back")
    screen = await tmux.wait_for("echo typed-back", what="the typed text echoed", within=10)
    assert "COMMAND" not in screen  # the alternate screen is gone


async def test_ctrl_c_on_the_first_frame_gives_the_terminal_back(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    before, after = await tuinb_in_shell(tmux, tuinb, tmp_path, then="; echo status=$?")
    await tmux.send("C-c")
    screen = await tmux.wait_for(re.compile(r"status=\d+"), what="the exit status", within=20)
    assert "status=130" in screen  # stopped while Textual loaded, not by Textual
    assert "Traceback" not in screen
    await assert_same_modes(before, after)
    # the session host it had started ends too (not only at its time-out)
    for pid in host_pids():
        await wait_gone(pid, within=10)


async def test_suspending_the_editor_gives_the_shell_its_modes(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    before, after = await tuinb_in_shell(tmux, tuinb, tmp_path)
    await tmux.send("j")
    await tmux.wait_for("cell 2/2", what="the editor up", within=20)  # Textual, not the frame
    pid = first_child(await tmux.pid())  # the pane runs sh, which runs tuinb
    os.kill(pid, signal.SIGTSTP)  # as Textual's own suspend does; the shell goes on
    try:
        await assert_same_modes(before, after)
    finally:
        os.kill(pid, signal.SIGKILL)
