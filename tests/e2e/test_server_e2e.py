"""The installed `tuinb` on a real Jupyter Server in tmux: `tuinb URL`, `--server URL`, errors."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import tuinb_env
from tests.e2e.tmux import TmuxSession
from tests.server.support import RunningServer, running_server
from tests.server.test_store import write_notebook

pytestmark = [pytest.mark.e2e, pytest.mark.kernel, pytest.mark.timeout(240)]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path / "server") as running:
        yield running


def env_for(server: RunningServer) -> dict[str, str]:
    """The token in the environment, as the README recommends on shared machines."""
    return {**tuinb_env(), "JUPYTER_TOKEN": server.token}


async def test_open_run_save_and_quit_a_server_notebook(
    tmux: TmuxSession, tuinb: Path, server: RunningServer
) -> None:
    write_notebook(server.root / "dir" / "nb.ipynb", "print(6 * 7)")
    await tmux.start([str(tuinb), f"{server.url}lab/tree/dir/nb.ipynb"], env=env_for(server))
    await tmux.wait_for("nb.ipynb", within=20, what="the notebook")
    await tmux.wait_for("(idle)", within=60, what="the server's kernel")
    await tmux.send("C-j")
    await tmux.wait_for(re.compile(r"^\s*▌?42\s*$", re.M), within=30, what="the output")
    await tmux.send("C-s")
    await tmux.wait_for("Saved nb.ipynb", within=20, what="the save")
    assert "[1]:" in await tmux.screen(), "the cell ran once"
    saved = json.loads((server.root / "dir" / "nb.ipynb").read_text())
    outputs = saved["cells"][0]["outputs"]
    assert outputs, f"{saved}\n{await tmux.screen()}"
    assert "".join(outputs[0]["text"]) == "42\n"
    await tmux.send("C-q")
    assert await tmux.wait_exit(within=20) == 0, await tmux.exit_report()
    sessions = server.api("GET", "api/sessions").json()
    assert [s["path"] for s in sessions] == ["dir/nb.ipynb"], "its kernel stays, as in JupyterLab"


async def test_the_picker_opens_a_notebook_of_the_server(
    tmux: TmuxSession, tuinb: Path, server: RunningServer
) -> None:
    write_notebook(server.root / "dir" / "picked.ipynb", "x = 1")
    await tmux.start([str(tuinb), "--server", server.url], env=env_for(server))
    await tmux.wait_for("dir/", within=20, what="the server's root folder")
    await tmux.send("Enter")
    await tmux.wait_for("picked.ipynb", within=20, what="the folder's notebook")
    await tmux.send("Down", "Enter")
    await tmux.wait_for("x = 1", within=20, what="the notebook in the editor")
    await tmux.send("C-q")
    assert await tmux.wait_exit(within=20) == 0, await tmux.exit_report()


async def test_escape_leaves_the_picker_cleanly(
    tmux: TmuxSession, tuinb: Path, server: RunningServer
) -> None:
    await tmux.start([str(tuinb), "--server", server.url], env=env_for(server))
    await tmux.wait_for("Notebooks on", within=20, what="the picker")
    await tmux.send("Escape")
    assert await tmux.wait_exit(within=20) == 0, await tmux.exit_report()


async def test_a_refused_token_is_one_sentence_and_exit_2_with_no_frame_left(
    tmux: TmuxSession, tuinb: Path, server: RunningServer
) -> None:
    write_notebook(server.root / "nb.ipynb", "1")
    env = {**tuinb_env(), "JUPYTER_TOKEN": "wrong"}
    await tmux.start([str(tuinb), f"{server.url}lab/tree/nb.ipynb"], env=env)
    assert await tmux.wait_exit(within=20) == 2, await tmux.exit_report()
    screen = await tmux.screen()
    lines = [line for line in screen.splitlines() if line.strip()]
    assert "refused the token (403)" in screen
    assert "COMMAND" not in screen  # no first frame was drawn (or left)
    assert "wrong" not in screen
    assert len(lines) <= 3
