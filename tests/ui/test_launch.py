"""`tuinb PATH` start-up: which paths are refused, and how new notebooks are named."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tuinb.ui.launch import OpenError, next_untitled, open_notebook


def run_tuinb(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess without a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "tuinb", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_untitled_names_skip_existing_files(tmp_path: Path) -> None:
    assert next_untitled(tmp_path) == tmp_path / "Untitled.ipynb"
    (tmp_path / "Untitled.ipynb").write_text("{}")
    (tmp_path / "Untitled1.ipynb").write_text("{}")
    assert next_untitled(tmp_path) == tmp_path / "Untitled2.ipynb"


def test_missing_path_is_a_new_notebook_not_yet_written(tmp_path: Path) -> None:
    target = tmp_path / "new.ipynb"
    notebook = open_notebook(target)
    assert notebook.path == target
    assert len(notebook.cells) == 1
    assert not target.exists()


def test_no_argument_picks_the_next_untitled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Untitled.ipynb").write_text("{}")
    notebook = open_notebook(None)
    assert notebook.path is not None
    assert notebook.path.name == "Untitled1.ipynb"
    assert not (tmp_path / "Untitled1.ipynb").exists()


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OpenError, match="does not exist"):
        open_notebook(tmp_path / "nope" / "a.ipynb")


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("folder", None, "is a folder"),
        ("broken.ipynb", "{not json", "broken.ipynb"),
        ("empty.ipynb", "", "empty.ipynb"),
    ],
)
def test_bad_paths_exit_2_with_one_sentence(
    tmp_path: Path, name: str, content: str | None, fragment: str
) -> None:
    target = tmp_path / name
    if content is None:
        target.mkdir()
    else:
        target.write_text(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run_tuinb(str(target), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tuinb: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if content is not None:
        assert target.read_text() == content


def test_a_bad_path_is_refused_before_textual_is_imported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tuinb.ui.launch import open_editor\n"
        f"code = open_editor(Path({str(bad)!r}), kernel=None)\n"
        "print(code, 'textual' in sys.modules, 'rich' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.split() == ["2", "False", "False"]
    assert "bad.ipynb" in result.stderr


async def test_nbformat_validates_only_after_the_editor_is_up(tmp_path: Path) -> None:
    from tests.ui.editor_helpers import SIZE, settle, write_notebook
    from tuinb.model import nbio
    from tuinb.ui.app import TuinbApp

    path = write_notebook(tmp_path / "n.ipynb", [("code", "x = 1")])
    notebook = open_notebook(path)
    job = nbio._deferred[notebook]
    assert not job.started  # reading the file for the first frame used no nbformat
    app = TuinbApp(notebook, check_recovery=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: job.done.is_set(), "the validation the app starts")
    assert notebook.warnings == []


async def test_nbformat_waits_for_a_quiet_moment(tmp_path: Path) -> None:
    """The check holds the interpreter: it must not run while keys come in."""
    import time

    from tests.ui.editor_helpers import SIZE, settle, write_notebook
    from tuinb.model import nbio
    from tuinb.ui import app as app_module

    path = write_notebook(tmp_path / "n.ipynb", [("code", "x = 1"), ("code", "y = 2")])
    notebook = open_notebook(path)
    job = nbio._deferred[notebook]
    app = app_module.TuinbApp(notebook, check_recovery=False)
    async with app.run_test(size=SIZE) as pilot:
        start = time.monotonic()
        presses = 0
        while time.monotonic() - start < 1.5 * app_module.VALIDATE_WHEN_QUIET:
            await pilot.press("jk"[presses % 2])  # a key every few ms
            presses += 1
            assert not job.started, "nbformat started while keys were coming in"
        await settle(pilot, lambda: job.done.is_set(), "the check once the keys stopped")


# ---- the first frame's hold on the terminal ---------------------------------------------

CHILD = """
import os, signal, sys
from pathlib import Path
from tuinb.ui.launch import open_notebook
from tuinb.ui.firstframe.terminal import prepainted

notebook = open_notebook(Path(sys.argv[1]))
how = sys.argv[2]
try:
    with prepainted(notebook, kernel=None) as drawn:
        print("DRAWN" if drawn.drawn else "NOT-DRAWN", flush=True)
        if how == "signal":
            os.kill(os.getpid(), signal.SIGTERM)
            signal.pause()
        raise KeyboardInterrupt
except KeyboardInterrupt:
    print("INTERRUPTED", flush=True)
"""


def run_on_pty(
    tmp_path: Path,
    how: str,
    size: tuple[int, int] = (24, 80),
    *,
    child: str = CHILD,
    answer: Callable[[bytes], bytes] | None = None,
    **env: str,
) -> tuple[int, str, bool]:
    """Run `child` on a pseudo-terminal: exit code, output, attributes unchanged after.

    `answer(data)`: what the terminal sends back after the program wrote `data`.
    """
    import fcntl
    import os
    import struct
    import termios
    import threading

    notebook = tmp_path / "t.ipynb"
    notebook.write_text(
        '{"cells": [{"cell_type": "code", "id": "a", "metadata": {}, "source": "x = 1",'
        ' "outputs": [], "execution_count": null}], "metadata": {},'
        ' "nbformat": 4, "nbformat_minor": 5}'
    )
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
    before = termios.tcgetattr(slave)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)
            reply = answer(data) if answer is not None else b""
            if reply:
                os.write(master, reply)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", child, str(notebook), how],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**os.environ, "TUINB_NO_PREPAINT": "", **env},
        )
        code = process.wait(timeout=60)
        after = termios.tcgetattr(slave)
    finally:
        os.close(slave)
        reader.join(timeout=5)
        os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace"), after == before


def test_startup_mode_is_textuals_input_mode_with_signals() -> None:
    import termios

    from tuinb.ui.firstframe.terminal import startup_mode

    attributes: list[Any] = [
        termios.ICRNL | termios.IXON,
        0,
        0,
        termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN,
        0,
        0,
        [b"\x00"] * 32,
    ]
    mode = startup_mode(attributes)
    assert mode[0] & (termios.ICRNL | termios.IXON) == 0
    assert mode[3] & (termios.ECHO | termios.ICANON | termios.IEXTEN) == 0
    assert mode[3] & termios.ISIG  # ctrl+c still stops a start-up
    assert mode[6][termios.VMIN] == 1
    assert attributes[3] & termios.ECHO  # the saved attributes are not touched


def test_interrupted_start_up_restores_the_terminal(tmp_path: Path) -> None:
    code, output, restored = run_on_pty(tmp_path, "interrupt")
    assert code == 0
    assert "DRAWN" in output
    assert "INTERRUPTED" in output
    assert output.index("\x1b[?1049h") < output.index("\x1b[?1049l")  # alternate screen left
    assert "\x1b[?25h" in output  # cursor shown again
    assert output.index("\x1b[?2004h") < output.index("\x1b[?2004l")  # bracketed paste off
    assert restored


def test_sigterm_during_start_up_restores_the_terminal(tmp_path: Path) -> None:
    code, output, restored = run_on_pty(tmp_path, "signal")
    assert code == 128 + 15
    assert "\x1b[?1049l" in output
    assert restored


def test_no_prepaint_switch_draws_nothing(tmp_path: Path) -> None:
    code, output, restored = run_on_pty(tmp_path, "interrupt", TUINB_NO_PREPAINT="1")
    assert code == 0
    assert "NOT-DRAWN" in output
    assert "\x1b[?1049h" not in output
    assert restored


def test_a_terminal_without_a_size_gets_no_frame(tmp_path: Path) -> None:
    code, output, restored = run_on_pty(tmp_path, "interrupt", size=(0, 0))
    assert code == 0
    assert "NOT-DRAWN" in output
    assert "\x1b[?1049h" not in output
    assert restored


def test_without_a_terminal_nothing_is_drawn(tmp_path: Path) -> None:
    (tmp_path / "n.ipynb").write_text("{}")  # refused: stdout is a pipe anyway
    result = run_tuinb(str(tmp_path / "n.ipynb"), cwd=tmp_path)
    assert "\x1b[?1049h" not in result.stdout
