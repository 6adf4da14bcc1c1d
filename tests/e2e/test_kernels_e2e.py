"""The installed `tuinb` attached to a kernel someone else started (`--existing`), in tmux."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import tuinb_env, write_notebook
from tests.e2e.tmux import TmuxSession
from tests.kernel_support import process_exists, someone_elses_kernel

pytestmark = [pytest.mark.e2e, pytest.mark.kernel, pytest.mark.timeout(180)]


@pytest.fixture
def runtime(isolated_dirs: Path) -> Path:
    """The Jupyter runtime folder (where `jupyter kernel` writes connection files)."""
    folder = Path(os.environ["JUPYTER_RUNTIME_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("form", ["nb.ipynb --existing FILE", "--existing nb.ipynb"])
async def test_attach_run_and_quit_leaves_the_kernel_running(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path, runtime: Path, form: str
) -> None:
    notebook = write_notebook(
        tmp_path / "nb.ipynb", [{"source": "import os\nprint('pid', os.getpid())"}]
    )
    with someone_elses_kernel(runtime) as (connection_file, proc):
        # the newest connection file in the runtime folder when no FILE is named
        argv = (
            [str(notebook), "--existing", str(connection_file)]
            if "FILE" in form
            else ["--existing", str(notebook)]
        )
        await tmux.start([str(tuinb), *argv], env=tuinb_env())
        await tmux.wait_for("nb.ipynb", within=20, what="the notebook")
        await tmux.wait_for("(idle)", within=60, what="the existing kernel")
        await tmux.send("C-j")
        await tmux.wait_for(
            re.compile(rf"^\s*▌?pid {proc.pid}\s*$", re.M),
            within=30,
            what="the cell's output, printed by the existing kernel's process",
        )
        await tmux.send("C-q")
        await tmux.wait_for("unsaved changes", within=10, what="the quit question")
        await tmux.send("d")
        assert await tmux.wait_exit(within=20) == 0, await tmux.exit_report()
        assert process_exists(proc.pid), "quitting left the kernel tuinb did not start"


@pytest.mark.parametrize("detach", [False, True])
async def test_the_picker_attaches_to_a_running_kernel_or_says_how_in_a_session(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path, runtime: Path, detach: bool
) -> None:
    notebook = write_notebook(
        tmp_path / "nb.ipynb", [{"source": "import os\nprint('pid', os.getpid())"}]
    )
    with someone_elses_kernel(runtime) as (connection_file, proc):
        argv = [str(notebook)] if detach else [str(notebook), "--no-detach"]
        await tmux.start([str(tuinb), *argv], env=tuinb_env())
        await tmux.wait_for("(idle)", within=60, what="the notebook's own kernel")
        await tmux.send("M-k")
        await tmux.wait_for("Running kernels", within=20, what="the picker's running kernels")
        await tmux.wait_for(connection_file.name, within=5, what="the other kernel in the list")
        await tmux.send("End", "Enter")  # the last option: the only other running kernel
        if detach:
            await tmux.wait_for("background session", within=20, what="the refusal")
            assert "--existing" in await tmux.screen()
            await tmux.send("C-q")
        else:
            await tmux.wait_for("Attached to the running", within=60, what="the attach")
            await tmux.wait_for("(idle)", within=60, what="the attached kernel")
            await tmux.send("C-j")
            await tmux.wait_for(
                re.compile(rf"^\s*▌?pid {proc.pid}\s*$", re.M),
                within=30,
                what="the output, printed by the attached kernel's process",
            )
            await tmux.send("C-q")
            await tmux.wait_for("unsaved changes", within=10, what="the quit question")
            await tmux.send("d")
        assert await tmux.wait_exit(within=30) == 0, await tmux.exit_report()
        assert process_exists(proc.pid), "quitting left the kernel tuinb did not start"
