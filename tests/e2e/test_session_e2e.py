"""Sessions as a person meets them: the installed `tuinb` in tmux, on a real kernel.

The terminal goes away (tmux killed: SSH dropped), the cell goes on; opening
the notebook again shows every line and the cell still running. Also: a
client killed in the middle of a flood, another terminal taking over, the
terminal resized while attaching, `--no-detach` and `detach = false`.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import tuinb_env, write_notebook
from tests.e2e.test_exec_e2e import KERNEL_UP, env_with, kernel_processes, no_kernel_left
from tests.e2e.tmux import TmuxSession, wait_until
from tests.kernel_support import write_ipykernel_spec
from tuinb.model import load
from tuinb.session.launch import find_live, query

pytestmark = [pytest.mark.e2e, pytest.mark.kernel, pytest.mark.timeout(240)]

LINES = 40
TICKING = (
    "import time, pathlib\n"
    f"for i in range({LINES}):\n"
    "    print('line', i, flush=True)\n"
    "    if i == 15: pathlib.Path('away.marker').touch()\n"
    "    time.sleep(0.2)"
)
"""A line every 0.2 s (8 s in all); a marker file once the editor has surely gone."""


@pytest.fixture
def kernel_root(tmp_path: Path) -> Path:
    """A private JUPYTER_PATH with a `python3` kernelspec for this interpreter."""
    root = tmp_path / "jupyter"
    write_ipykernel_spec(root, "python3", display_name="Python 3")
    return root


def tuinb_sessions(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`tuinb sessions ARGS` run as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "tuinb", "sessions", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def sessions(env: dict[str, str]) -> str:
    """What `tuinb sessions` prints."""
    return tuinb_sessions(env).stdout


def texts(path: Path) -> str:
    """The first cell's stdout as saved in the file."""
    return "".join(o.get("text", "") for o in load(path).cells[0].outputs)


async def test_a_dropped_terminal_leaves_the_cell_running_and_reopening_shows_it_all(
    tmp_path: Path, tuinb: Path, kernel_root: Path
) -> None:
    notebook = write_notebook(tmp_path / "ssh.ipynb", [{"source": TICKING}])
    env = env_with(kernel_root)
    first = TmuxSession(tmp_path)
    try:
        await first.start([str(tuinb), str(notebook)], env=env)
        await first.wait_for(KERNEL_UP, within=60, what="the kernel to start")
        await first.send("C-j")
        await first.wait_for("line 4", within=20, what="a second of output")
        editor = await first.pid()
    finally:
        await first.close()  # the SSH connection drops: tmux and the editor's terminal go
    await wait_until(lambda: not _alive(editor), within=10, what="the editor to exit")
    marker = tmp_path / "away.marker"
    await wait_until(marker.exists, within=30, what="output made while nobody watched")

    second = TmuxSession(tmp_path)
    try:
        await second.start([str(tuinb), str(notebook)], env=env, session="back")
        screen = await second.wait_for("[*]:▶", within=20, what="the cell still running")
        assert "line 0" in screen
        assert re.search(r"line 1[5-9]|line [23]\d", screen), screen
        await second.wait_for(f"line {LINES - 1}", within=30, what="the last line")
        await second.wait_for("[1]:", within=20, what="the cell to finish")
        await second.send("C-s")
        expected = "".join(f"line {i}\n" for i in range(LINES))
        await wait_until(lambda: texts(notebook) == expected, within=20, what="every line saved")
        await second.send("C-q")
        assert await second.wait_exit() == 0, await second.exit_report()
    finally:
        await second.close()
    await no_kernel_left()
    assert find_live(notebook) is None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    return state != "Z"


async def test_a_client_killed_mid_flood_loses_no_line(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path, kernel_root: Path
) -> None:
    notebook = write_notebook(
        tmp_path / "flood.ipynb", [{"source": "for i in range(200000):\n    print(i)"}]
    )
    env = env_with(kernel_root)
    await tmux.start([str(tuinb), str(notebook)], env=env)
    await tmux.wait_for(KERNEL_UP, within=60, what="the kernel to start")
    await tmux.send("C-j")
    await tmux.wait_for(re.compile(r"\n\s+▌\d+\n"), within=30, what="the flood to begin")
    os.kill(await tmux.pid(), signal.SIGKILL)
    assert await tmux.wait_exit() == 128 + signal.SIGKILL
    files = find_live(notebook)
    assert files is not None

    def flood_over() -> bool:
        status = query(files)
        return not status["running"] and not status["queued"]

    await wait_until(flood_over, within=120, what="the flood to end in the host")
    await tmux.start([str(tuinb), "attach", str(notebook)], env=env, session="again")
    await tmux.wait_for("199999", within=30, what="the last line on screen")
    await tmux.send("C-s")
    await wait_until(lambda: bool(load(notebook).cells[0].outputs), within=30, what="the save")
    lines = texts(notebook).splitlines()
    assert len(lines) == 200000
    assert lines[0] == "0"
    assert lines[-1] == "199999"
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    await no_kernel_left()


async def test_another_terminal_takes_the_session_over(
    tmp_path: Path, tuinb: Path, kernel_root: Path
) -> None:
    notebook = write_notebook(tmp_path / "two.ipynb", [{"source": "print(6 * 7)"}])
    env = env_with(kernel_root)
    first, second = TmuxSession(tmp_path), TmuxSession(tmp_path)
    try:
        await first.start([str(tuinb), str(notebook)], env=env, session="first")
        await first.wait_for(KERNEL_UP, within=60, what="the kernel to start")
        await second.start([str(tuinb), str(notebook)], env=env, session="second")
        await second.wait_for("two.ipynb", within=20, what="the second editor")
        assert await first.wait_exit(within=20) == 0
        screen = await first.screen()
        assert "attached from another terminal" in screen
        await second.send("C-j")
        await second.wait_for("42", within=20, what="the second editor running a cell")
        await second.send("C-q")
        await second.wait_for("unsaved changes", within=10, what="the unsaved question")
        await second.send("d")
        assert await second.wait_exit() == 0, await second.exit_report()
    finally:
        await first.close()
        await second.close()
    await no_kernel_left()


async def test_resizing_the_terminal_while_attaching_loses_nothing(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path, kernel_root: Path
) -> None:
    notebook = write_notebook(tmp_path / "size.ipynb", [{"source": "print('kept ' * 3)"}])
    env = env_with(kernel_root)
    await tmux.start([str(tuinb), str(notebook)], env=env)
    await tmux.wait_for(KERNEL_UP, within=60, what="the kernel to start")
    await tmux.send("C-j")
    await tmux.wait_for("kept kept kept", within=20, what="the output")
    await tmux.send("M-d")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    assert "keeps running" in await tmux.screen()
    await tmux.start([str(tuinb), "attach"], env=env, session="again")
    for width, height in ((80, 20), (100, 30), (70, 15)):
        await tmux.tmux("resize-window", "-t", tmux.target, "-x", str(width), "-y", str(height))
    screen = await tmux.wait_for(
        lambda text: "kept kept kept" in text and "size.ipynb" in text.splitlines()[-1],
        within=20,
        what="the notebook at the new size, status bar at the bottom",
    )
    assert len(screen.splitlines()) == 15
    await tmux.send("C-q")
    await tmux.wait_for("unsaved changes", within=10, what="the unsaved question")
    await tmux.send("d")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    await no_kernel_left()


@pytest.mark.parametrize("how", ["--no-detach", "config"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
async def test_without_sessions_the_kernel_stops_with_the_editor(
    tmux: TmuxSession,
    tuinb: Path,
    tmp_path: Path,
    kernel_root: Path,
    how: str,
    signum: signal.Signals,
) -> None:
    notebook = write_notebook(tmp_path / "sig.ipynb", [{"source": "import time; time.sleep(60)"}])
    env = env_with(kernel_root)
    argv = [str(tuinb), str(notebook)]
    if how == "config":
        config = tmp_path / "config.toml"
        config.write_text("detach = false\n", encoding="utf-8")
        env["TUINB_CONFIG_FILE"] = str(config)
    else:
        argv.append("--no-detach")
    await tmux.start(argv, env=env)
    await tmux.wait_for(KERNEL_UP, within=60, what="the kernel to start")
    assert "No tuinb sessions are running." in sessions(env)
    await tmux.send("C-j")
    await tmux.wait_for("(busy)", within=20, what="the cell to run")
    assert list(kernel_processes(os.environ["JUPYTER_RUNTIME_DIR"]))
    os.kill(await tmux.pid(), signum)
    await tmux.wait_exit(within=20)
    await no_kernel_left()


async def test_a_hung_up_editor_leaves_its_session_and_sessions_stop_ends_it(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path, kernel_root: Path
) -> None:
    notebook = write_notebook(tmp_path / "hup.ipynb", [{"source": "import time; time.sleep(60)"}])
    env = env_with(kernel_root)
    await tmux.start([str(tuinb), str(notebook)], env=env)
    await tmux.wait_for(KERNEL_UP, within=60, what="the kernel to start")
    await tmux.send("C-j")
    await tmux.wait_for("(busy)", within=20, what="the cell to run")
    os.kill(await tmux.pid(), signal.SIGHUP)
    assert await tmux.wait_exit(within=20) == 128 + signal.SIGHUP
    listed = sessions(env)
    assert "hup.ipynb" in listed
    assert "cell 1 for" in listed
    assert list(kernel_processes(os.environ["JUPYTER_RUNTIME_DIR"]))
    stop = await asyncio.to_thread(tuinb_sessions, env, "--stop", str(notebook), "--discard")
    assert stop.returncode == 0, stop.stderr
    await no_kernel_left()
    assert "No tuinb sessions are running." in sessions(tuinb_env() | env)
