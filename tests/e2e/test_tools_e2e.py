"""The editor's tools in the installed `tuinb`, driven in tmux against a real kernel:
completion, the find bar, copying through OSC 52, and the config file's options."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import tuinb_env, write_notebook
from tests.e2e.tmux import TmuxSession, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

STATUS = re.compile(r"COMMAND|EDIT")
IDLE = re.compile(r"\(idle\)")


async def open_editor(
    tmux: TmuxSession,
    tuinb: Path,
    notebook: Path,
    *,
    env: dict[str, str] | None = None,
    record: Path | None = None,
) -> str:
    """Start tuinb on `notebook` and wait for its kernel to be ready."""
    await tmux.start([str(tuinb), str(notebook)], env=env or tuinb_env(), record=record)
    return await tmux.wait_for(IDLE, what="the kernel to be idle", within=40)


async def test_tab_lists_the_kernels_completions_and_enter_inserts_one(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "c.ipynb", [{"source": "import os\nos.pathse"}])
    await open_editor(tmux, tuinb, notebook)
    await tmux.send("Enter", "Down", "End")
    await tmux.wait_for("EDIT", what="edit mode")
    for _ in range(10):  # a fresh kernel's first answer may miss the 1 s deadline: tab again
        await tmux.send("Tab")
        screen = await tmux.wait_for(
            lambda text: "os.pathsep" in text or "did not answer" in text or "kernel busy" in text,
            what="the completion (or a hint)",
        )
        if "os.pathsep" in screen:
            break
        await tmux.send("Escape")
    # one match ("pathsep") is inserted at once
    await tmux.wait_for("os.pathsep", what="the completion inserted")
    await tmux.send("Enter")
    await tmux.type("os.pa")
    await tmux.send("Tab")
    screen = await tmux.wait_for("pardir", what="the list of completions")
    assert "pathsep" in screen
    await tmux.send("Down", "Enter")
    screen = await tmux.wait_for(re.compile(r"os\.pa[a-z]+\s*$", re.M), what="a choice inserted")
    await tmux.send("Escape", "C-q")
    await tmux.wait_for(lambda text: "Save" in text or "save" in text, what="the quit question")


async def test_ctrl_f_finds_across_cells_and_counts(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    cells = [{"source": f"needle_{n} = {n}"} for n in range(3)]
    cells.insert(1, {"cell_type": "markdown", "source": "# A heading without it"})
    notebook = write_notebook(tmp_path / "f.ipynb", cells)
    await open_editor(tmux, tuinb, notebook)
    await tmux.send("C-f")
    await tmux.wait_for("Find", what="the find bar")
    await tmux.type("needle")
    await tmux.wait_for("1 of 3", what="the count")
    await tmux.send("Enter")
    await tmux.wait_for("2 of 3", what="the next match")
    await tmux.wait_for("cell 3/4", what="the cursor on the match's cell")
    await tmux.send("F3")
    await tmux.wait_for("3 of 3", what="f3: the next match")
    await tmux.send("M-g")
    await tmux.wait_for("2 of 3", what="alt+g: the previous match")
    await tmux.type("_9")
    await tmux.wait_for("no matches", what="no match")
    await tmux.send("Escape")
    screen = await tmux.wait_for(lambda text: "no matches" not in text, what="the bar to close")
    assert "COMMAND" in screen
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()


async def test_ctrl_c_copies_the_cells_source_through_osc52(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    source = "print('copied over ssh')"
    notebook = write_notebook(tmp_path / "k.ipynb", [{"source": source}])
    stream = tmp_path / "stream.bin"
    await open_editor(tmux, tuinb, notebook, record=stream)
    await tmux.send("C-c")
    await tmux.wait_for("Copied the cell's source", what="the notice")
    payload = base64.b64encode(source.encode()).decode()
    await wait_until(
        lambda: f"\x1b]52;c;{payload}\x07".encode() in stream.read_bytes(),
        within=10,
        what="the OSC 52 sequence in the terminal stream",
    )
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()


async def test_the_config_file_sets_line_numbers_from_the_first_frame(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "n.ipynb", [{"source": "first = 1\nsecond = 2"}])
    config = tmp_path / "config.toml"
    config.write_text('[editor]\nline_numbers = true\n[keys]\n"find.open" = "f6"\n')
    env = {**tuinb_env(), "TUINB_CONFIG_FILE": str(config)}
    await tmux.start([str(tuinb), str(notebook)], env=env)
    screen = await tmux.wait_for(STATUS, what="the first screen", within=20)
    assert re.search(r"1  first = 1", screen), screen
    await tmux.wait_for(IDLE, what="the kernel", within=40)
    await tmux.send("F6")
    await tmux.wait_for("Find", what="the find bar on the remapped key")
    await tmux.send("Escape")
    await tmux.wait_for(lambda text: "Find" not in text, what="the find bar to close")
    await tmux.send("L")  # shift+l: line numbers off
    await tmux.wait_for(lambda text: "1  first" not in text, what="the numbers to go")
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()


async def test_alt_keys_act_in_edit_mode_instead_of_typing(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = write_notebook(
        tmp_path / "a.ipynb", [{"cell_type": "markdown", "source": "# Heading"}, {"source": "x"}]
    )
    await open_editor(tmux, tuinb, notebook)
    await tmux.send("j", "Enter", "End")
    await tmux.wait_for("EDIT", what="edit mode")
    await tmux.send("M-t")  # a terminal sends ESC t: the outline, not a typed "t"
    await tmux.wait_for(re.compile(r"▶ +Heading"), what="the outline panel")
    screen = await tmux.screen()
    assert "xt" not in screen
    await tmux.send("Escape")  # the panel gives the keys back to the editor
    await tmux.send("M-j")  # run and select below: a new cell, not "xj"
    await tmux.wait_for("cell 3/3", what="the run to move below")
    assert "xj" not in await tmux.screen()
    await tmux.send("C-q")
    await tmux.wait_for(lambda text: "ave" in text, what="the quit question")
