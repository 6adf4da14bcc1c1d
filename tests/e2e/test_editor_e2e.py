"""The installed `tuinb` driven in tmux as a person would: edit, save, recover, stay safe."""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path

import pytest

from tests.e2e.conftest import tuinb_env, write_notebook
from tests.e2e.tmux import TmuxSession, wait_until
from tuinb import paths
from tuinb.model import dumps, load

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

DATA = Path(__file__).resolve().parent.parent / "data"
STATUS = re.compile(r"COMMAND|EDIT")


def source_of(path: Path, index: int = 0) -> str:
    """The source of one cell as the model reads the file now."""
    return load(path).cells[index].source


def safe_source(path: Path, index: int = 0) -> str | None:
    """Like `source_of`, but None while the file is missing or half-written."""
    try:
        return source_of(path, index)
    except Exception:
        return None


async def open_editor(
    tmux: TmuxSession, tuinb: Path, notebook: Path, *args: str, **kwargs: object
) -> str:
    """Start tuinb on `notebook` (with `args`) and wait for its first screen."""
    argv = [str(tuinb), str(notebook), *args]
    await tmux.start(argv, env=tuinb_env(), **kwargs)  # type: ignore[arg-type]
    return await tmux.wait_for(STATUS, what="the status bar", within=20)


async def test_edit_save_quit_writes_what_the_model_says(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = write_notebook(
        tmp_path / "edit.ipynb",
        [{"source": ""}, {"cell_type": "markdown", "source": "# A heading"}],
    )
    await open_editor(tmux, tuinb, notebook)
    await tmux.send("Enter")
    await tmux.wait_for("EDIT", what="edit mode")
    await tmux.type("answer = 41 + 1")
    await tmux.wait_for("answer = 41 + 1")
    await tmux.send("Escape")
    await tmux.wait_for("COMMAND", what="command mode")
    await tmux.send("C-s")
    await wait_until(lambda: safe_source(notebook) == "answer = 41 + 1", within=10, what="the save")
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    on_disk = notebook.read_text(encoding="utf-8")
    model = load(notebook)
    assert on_disk == dumps(model)
    assert [cell.source for cell in model.cells] == ["answer = 41 + 1", "# A heading"]
    assert [cell.cell_type for cell in model.cells] == ["code", "markdown"]
    assert not paths.recovery_file(notebook).exists()


@pytest.mark.parametrize(
    "name",
    [
        "jupyter__nbformat__tests__test4.5.ipynb",
        "jupyter__nbclient__tests__files__Output.ipynb",
    ],
)
async def test_untouched_open_save_quit_is_byte_identical(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path, name: str
) -> None:
    original = DATA / name
    if not original.exists():
        pytest.skip(f"{original} is not in the test data")
    notebook = tmp_path / name
    shutil.copyfile(original, notebook)
    before = notebook.read_bytes()
    mtime = notebook.stat().st_mtime_ns
    await open_editor(tmux, tuinb, notebook)
    await tmux.send("C-s")
    # ctrl+s on an unchanged notebook still writes (as JupyterLab does)
    await wait_until(
        lambda: notebook.stat().st_mtime_ns != mtime, within=10, what="the file to be written"
    )
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    assert notebook.read_bytes() == before


async def test_untouched_open_quit_writes_nothing(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "quiet.ipynb", [{"source": "x = 1"}])
    before = notebook.read_bytes()
    mtime = notebook.stat().st_mtime_ns
    await open_editor(tmux, tuinb, notebook)
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    assert notebook.read_bytes() == before
    assert notebook.stat().st_mtime_ns == mtime


async def crash_with_unsaved_work(tmux: TmuxSession, tuinb: Path, notebook: Path) -> Path:
    """Type `survivor = 'kept'` into the first cell, wait for the recovery copy, kill -9.

    The editor runs without a session (a killed editor's session would keep the
    work itself, and the next start would attach to it instead).
    """
    recovery = paths.recovery_file(notebook)
    await open_editor(tmux, tuinb, notebook, "--no-detach")
    await tmux.send("Enter")
    await tmux.wait_for("EDIT", what="edit mode")
    await tmux.type("survivor = 'kept'")
    await tmux.wait_for("survivor = 'kept'")
    await tmux.send("Escape")
    await wait_until(
        lambda: recovery.exists() and "survivor" in recovery.read_text(encoding="utf-8"),
        within=20,
        what=f"a recovery copy at {recovery}",
    )
    os.kill(await tmux.pid(), signal.SIGKILL)
    assert await tmux.wait_exit() == 128 + signal.SIGKILL
    return recovery


async def test_kill_9_then_reopen_offers_the_recovery_copy(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "crash.ipynb", [{"source": ""}, {"source": "y = 2"}])
    before = notebook.read_bytes()
    recovery = await crash_with_unsaved_work(tmux, tuinb, notebook)
    assert notebook.read_bytes() == before

    await open_editor(tmux, tuinb, notebook, session="again")
    await tmux.wait_for(re.compile("recovery copy", re.IGNORECASE), what="the recovery offer")
    await tmux.send("r")
    await tmux.wait_for("survivor = 'kept'", what="the restored edit")
    await tmux.send("C-s")
    await wait_until(
        lambda: safe_source(notebook) == "survivor = 'kept'", within=10, what="the save"
    )
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    assert [cell.source for cell in load(notebook).cells] == ["survivor = 'kept'", "y = 2"]
    assert not recovery.exists()


async def test_external_change_asks_before_overwriting(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "shared.ipynb", [{"source": ""}])
    await open_editor(tmux, tuinb, notebook)
    await tmux.send("Enter")
    await tmux.wait_for("EDIT", what="edit mode")
    await tmux.type("mine = 1")
    await tmux.send("Escape")
    await tmux.wait_for("COMMAND", what="command mode")
    write_notebook(notebook, [{"source": "theirs = 2"}])
    theirs = notebook.read_bytes()
    await tmux.send("C-s")
    screen = await tmux.wait_for(
        re.compile("changed on disk", re.IGNORECASE), what="the external-change question"
    )
    assert re.search("overwrite", screen, re.IGNORECASE)
    assert notebook.read_bytes() == theirs
    await tmux.send("c")
    await tmux.wait_for(lambda s: "changed on disk" not in s, what="the question to close")
    assert notebook.read_bytes() == theirs
    await tmux.send("C-s")
    await tmux.wait_for(re.compile("changed on disk", re.IGNORECASE), what="the question again")
    await tmux.send("o")
    await wait_until(lambda: safe_source(notebook) == "mine = 1", within=10, what="overwrite")
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()


NASTY_OUTPUTS = [
    {
        "output_type": "stream",
        "name": "stdout",
        "text": "clip\x1b]52;c;cHduZWQtY2xpcGJvYXJk\x07board-VISIBLE\n",
    },
    {
        "output_type": "stream",
        "name": "stderr",
        "text": "title\x1b]0;pwned-title\x07\x1b]2;pwned-title2\x1b\\-VISIBLE\n",
    },
    {
        "output_type": "execute_result",
        "execution_count": 1,
        "metadata": {},
        "data": {"text/plain": "clear\x1bc\x1b[2J\x1b[3J\x1b[H\x1b[17;91H-VISIBLE [/INST]"},
    },
    {
        "output_type": "display_data",
        "metadata": {},
        "data": {"text/plain": "pass\x1bPtmux;\x1b\x1b]52;c;dG11eA==\x07\x1b\\through-VISIBLE"},
    },
    {
        "output_type": "error",
        "ename": "Boom",
        "evalue": "x",
        "traceback": ["\x1b[31mred\x1b[0m-VISIBLE\x9b2J\x1b[?1049l\x1b[?25l"],
    },
]


async def test_escape_sequences_in_outputs_never_reach_the_terminal(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = write_notebook(
        tmp_path / "nasty.ipynb",
        [
            {"source": "evil()", "outputs": NASTY_OUTPUTS, "execution_count": 1},
            {"cell_type": "markdown", "source": "[/INST] [bold]markup[/bold] \x1b]0;md-title\x07"},
        ],
    )
    stream = tmp_path / "stream.bin"
    await open_editor(tmux, tuinb, notebook, record=stream)
    screen = await tmux.wait_for(
        lambda s: s.count("-VISIBLE") >= 5 and "[bold]markup[/bold]" in s,
        what="every output drawn as text",
    )
    for visible in ("clipboard-VISIBLE", "title-VISIBLE", "clear-VISIBLE [/INST]"):
        assert visible in screen
    assert "passthrough-VISIBLE" in screen
    assert "red-VISIBLE" in screen
    title = await tmux.pane("#{pane_title}")
    buffers = await tmux.tmux("list-buffers", check=False)
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    raw = stream.read_bytes()
    assert raw, "nothing was recorded from the terminal"
    for payload in (
        b"]52;",
        b"cHduZWQ",
        b"dG11eA",
        b"pwned",
        b"tmux;",
        b"\x1bc",
        b"\x1b[3J",
        b"\x1b[17;91H",
        b"\xc2\x9b",
        b"\x1bP",
        b"\x1b]0;md-title",
    ):
        assert payload not in raw, f"{payload!r} reached the terminal"
    assert "pwned" not in title
    assert "cHduZWQ" not in buffers
    assert "dG11eA" not in buffers


async def test_huge_output_opens_folded_and_unfolds(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    text = "".join(f"line {i:06d} of a long output\n" for i in range(200_000))
    notebook = write_notebook(
        tmp_path / "huge.ipynb",
        [
            {
                "source": "for i in range(200_000): print(i)",
                "execution_count": 1,
                "outputs": [{"output_type": "stream", "name": "stdout", "text": text}],
            }
        ],
    )
    screen = await open_editor(tmux, tuinb, notebook)
    screen = await tmux.wait_for("199,980 more lines", what="the folded output")
    assert "line 000000" in screen
    assert "line 000009 " in screen
    assert "line 000010 " not in screen
    await tmux.send("o")
    screen = await tmux.wait_for(
        lambda s: "more lines" not in s and "line 000015 " in s, what="the unfolded output"
    )
    await tmux.send("o")
    await tmux.wait_for("199,980 more lines", what="the output folded again")
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()


async def test_quit_with_unsaved_changes_asks(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "ask.ipynb", [{"source": ""}])
    before = notebook.read_bytes()
    await open_editor(tmux, tuinb, notebook)
    await tmux.send("Enter")
    await tmux.wait_for("EDIT", what="edit mode")
    await tmux.type("unsaved = True")
    await tmux.send("Escape")
    await tmux.wait_for("COMMAND", what="command mode")
    await tmux.send("C-q")
    await tmux.wait_for("unsaved changes", what="the quit question")
    await tmux.send("c")
    await tmux.wait_for(lambda s: "unsaved changes" not in s, what="the question to close")
    assert notebook.read_bytes() == before
    await tmux.send("C-q")
    await tmux.wait_for("unsaved changes", what="the quit question again")
    await tmux.send("s")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    assert source_of(notebook) == "unsaved = True"


async def test_missing_path_is_created_on_first_save(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = tmp_path / "fresh.ipynb"
    await open_editor(tmux, tuinb, notebook)
    assert not notebook.exists()
    await tmux.send("Enter")
    await tmux.wait_for("EDIT", what="edit mode")
    await tmux.type("print('new')")
    await tmux.send("Escape")
    await tmux.wait_for("COMMAND", what="command mode")
    await tmux.send("C-s")
    await wait_until(lambda: safe_source(notebook) == "print('new')", within=10, what="the save")
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    assert notebook.read_text(encoding="utf-8") == dumps(load(notebook))


async def test_a_folder_is_refused_in_one_sentence(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "not-a-notebook"
    folder.mkdir()
    await tmux.start([str(tuinb), str(folder)], env=tuinb_env())
    assert await tmux.wait_exit() == 2
    screen = await tmux.screen()
    # the pane wraps at 120 columns; tmux adds its own "Pane is dead" line
    rows = [row for row in screen.splitlines() if row.strip() and "Pane is dead" not in row]
    message = "".join(rows)
    assert message.startswith("tuinb: "), screen
    assert message.endswith("."), screen
    assert ". " not in message, f"more than one sentence: {message}"
    assert "folder" in message
    assert "Traceback" not in screen
    assert list(folder.iterdir()) == []
