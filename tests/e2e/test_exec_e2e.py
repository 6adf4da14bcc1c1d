"""The installed `tuinb` running cells on a real kernel in tmux, as a person would."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import tuinb_env, write_notebook
from tests.e2e.tmux import TmuxSession, wait_until
from tests.kernel_support import write_ipykernel_spec
from tuinb.model import load

pytestmark = [pytest.mark.e2e, pytest.mark.kernel, pytest.mark.timeout(180)]

KERNEL_UP = "(idle)"
"""What the status bar shows once the kernel is ready."""


@pytest.fixture
def kernel_root(tmp_path: Path) -> Path:
    """A private JUPYTER_PATH with a `python3` kernelspec for this interpreter."""
    root = tmp_path / "jupyter"
    write_ipykernel_spec(root, "python3", display_name="Python 3")
    return root


def env_with(kernel_root: Path) -> dict[str, str]:
    env = tuinb_env()
    env["JUPYTER_PATH"] = str(kernel_root)
    return env


def kernel_processes(runtime_dir: str) -> Iterator[int]:
    """Pids of live processes whose command line mentions `runtime_dir` (our kernels)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (cmdline.parent / "stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if runtime_dir in text and "ipykernel" in text and state != "Z":
            yield int(cmdline.parent.name)


async def no_kernel_left() -> None:
    runtime = os.environ["JUPYTER_RUNTIME_DIR"]
    await wait_until(lambda: not list(kernel_processes(runtime)), within=10, what="no kernel")


async def test_run_print_answer_input_save_reopen(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path, kernel_root: Path
) -> None:
    notebook = write_notebook(
        tmp_path / "run.ipynb",
        [
            {"source": "print(123456789)"},
            {"source": "name = input('Name? ')\nprint('hello', name)"},
        ],
    )
    await tmux.start([str(tuinb), str(notebook)], env=env_with(kernel_root))
    await tmux.wait_for(KERNEL_UP, within=60, what="the kernel to start")
    await tmux.send("C-j")
    await tmux.wait_for("123456789\n", within=20, what="the print output")
    # one burst, as a fast typist or a macro sends it: j moves down, then ctrl+j
    # must run cell 2 (not cell 1 again): the keys act in the order they were sent
    await tmux.tmux("send-keys", "-t", tmux.target, "j", "C-j")
    await tmux.wait_for("waiting for input", within=20, what="the input prompt")
    await tmux.type("bob")
    await tmux.send("Enter")
    await tmux.wait_for("hello bob", within=20, what="the answer echoed")
    await tmux.send("C-s")
    await wait_until(lambda: len(load(notebook).cells[1].outputs) >= 1, within=10, what="the save")
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    await no_kernel_left()
    saved = load(notebook)
    assert saved.cells[0].outputs[0]["text"] == "123456789\n"
    assert saved.cells[0].execution_count == 1
    assert "hello bob" in "".join(o.get("text", "") for o in saved.cells[1].outputs)

    await tmux.start([str(tuinb), str(notebook)], env=env_with(kernel_root), session="again")
    screen = await tmux.wait_for("hello bob", within=20, what="the outputs after reopening")
    assert "123456789" in screen
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    await no_kernel_left()


async def test_flood_of_200000_lines_is_saved_whole(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path, kernel_root: Path
) -> None:
    notebook = write_notebook(
        tmp_path / "flood.ipynb", [{"source": "for i in range(200000):\n    print(i)"}]
    )
    await tmux.start([str(tuinb), str(notebook)], env=env_with(kernel_root))
    await tmux.wait_for(KERNEL_UP, within=60, what="the kernel to start")
    await tmux.send("M-j")  # alt+j, shift+enter's portable key: run and add a cell below
    # the count, or (the view follows the output's end past the screen) the timing line
    finished = re.compile(r"\[1\]:|✓ [0-9.]+ m?s")
    await tmux.wait_for(finished, within=120, what="the flood to finish")
    await tmux.send("C-s")
    await wait_until(
        lambda: bool(load(notebook).cells[0].outputs), within=20, what="the saved flood"
    )
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    await no_kernel_left()
    text = "".join(o["text"] for o in load(notebook).cells[0].outputs)
    lines = text.splitlines()
    assert len(lines) == 200000
    assert lines[0] == "0"
    assert lines[-1] == "199999"
