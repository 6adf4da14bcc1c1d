"""Running kernels for the picker, and moving an engine onto one (`tuinb.engine.running`)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.support import make_notebook
from tests.kernel_support import process_exists, someone_elses_kernel, wait_gone
from tests.server.engine_support import remote_engine, text_of
from tests.ui.scripted_engine import ScriptedEngine
from tuinb.engine.backends import ReplacesBackend, owns_kernel
from tuinb.engine.kernels import SwitchableKernel, change_kernel
from tuinb.engine.running import AttachRefused, attach_kernel, running_choices
from tuinb.kernel.connection import new_connection_info, write_connection_file
from tuinb.kernel.existing import ExistingKernel
from tuinb.session.client import SessionClient

pytestmark = [
    pytest.mark.kernel,
    pytest.mark.timeout(180),
    pytest.mark.usefixtures("python3_kernelspec"),
]

PID_CELL = "import os\nprint('pid', os.getpid())"


@pytest.fixture
def runtime(isolated_dirs: Path) -> Path:
    folder = Path(os.environ["JUPYTER_RUNTIME_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def other(runtime: Path) -> Iterator[tuple[Path, subprocess.Popen[bytes]]]:
    with someone_elses_kernel(runtime) as running:
        yield running


async def test_the_list_holds_live_kernels_only_and_not_the_engine_s_own(
    runtime: Path, other: tuple[Path, subprocess.Popen[bytes]]
) -> None:
    path, proc = other
    # a kernel that ended without removing its file: no process, no heartbeat
    write_connection_file(new_connection_info("tcp"), runtime / "kernel-ended.json")
    backend = SwitchableKernel("python3")
    async with remote_engine(make_notebook("1"), backend) as run:
        assert backend.pid is not None
        assert list(runtime.glob("kernel-tuinb-*.json")), "its own connection file is there"  # noqa: ASYNC240
        choices = await running_choices(run.engine)
    assert [c.connection_file for c in choices] == [path]
    assert f"pid {proc.pid}" in choices[0].label
    assert choices[0].kernel_name == "python3"
    assert choices[0].key == f"file:{path}"


async def test_attaching_moves_the_engine_and_stops_only_its_own_kernel(
    other: tuple[Path, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    _path, proc = other
    notebook = make_notebook(PID_CELL, "z = 7", PID_CELL)
    backend = SwitchableKernel("python3", cwd=tmp_path)
    async with remote_engine(notebook, backend) as run:
        await run.run("c0", "a cell on tuinb's own kernel")
        own = backend.pid
        assert own is not None
        assert text_of(notebook, "c0") == f"pid {own}\n"
        [choice] = await running_choices(run.engine)
        await attach_kernel(run.engine, choice, notebook="nb.ipynb")
        assert isinstance(run.engine.backend, ExistingKernel)
        assert not owns_kernel(run.engine.backend)
        await wait_gone(own, within=10)  # tuinb's own kernel was shut down
        notebook.clear_outputs(["c0"])
        await run.run("c0", "a cell on the attached kernel")
        assert text_of(notebook, "c0") == f"pid {proc.pid}\n"
        await run.run("c1", "z = 7 there")
        # back to a kernel of its own: the attached one is let go, not stopped
        await change_kernel(run.engine, "python3", cwd=tmp_path)
        assert isinstance(run.engine.backend, SwitchableKernel)
        await run.run("c2", "a cell on a new kernel of tuinb's")
        assert text_of(notebook, "c2") not in ("", f"pid {proc.pid}\n", f"pid {own}\n")
    assert process_exists(proc.pid)


async def test_an_engine_in_a_session_host_is_refused_in_one_sentence(
    other: tuple[Path, subprocess.Popen[bytes]],
) -> None:
    path, _proc = other
    assert not issubclass(SessionClient, ReplacesBackend)
    engine = ScriptedEngine(make_notebook("1"))  # like a session's client: it cannot swap
    [choice] = await running_choices(engine)
    with pytest.raises(AttachRefused) as caught:
        await attach_kernel(engine, choice, notebook="nb.ipynb")
    sentence = str(caught.value)
    assert f"tuinb nb.ipynb --existing {path}" in sentence
    assert "background session" in sentence
    assert "\n" not in sentence
