"""The editor on kernels it does not run here: a real Kernel Gateway's, an existing one's, and
one chosen among the running kernels in the kernel picker (alt+k).

Each test builds what `tuinb NB --gateway-url URL` and `tuinb NB --existing FILE`
build (`tuinb.ui.launch_remote`): a local notebook, an engine on the
source's backend, and the app; then runs a cell through the keys, quits
through the keys, and checks what became of the kernel: the gateway's
(tuinb started it) is shut down, the existing one (someone else's) lives on.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from tests.kernel_support import process_exists, someone_elses_kernel, wait_gone
from tests.server.support import RunningServer, kernel_pid, running_server
from tests.server.test_editor_remote import editor as server_editor
from tests.server.test_store import write_notebook as write_server_notebook
from tests.session.test_editor_real_host import _editor as session_editor
from tests.session.test_host_process import _write as session_notebook
from tests.session.test_host_process import host_cleanup
from tests.ui.editor_helpers import SIZE, notices, screen_text, settle, status, write_notebook
from tests.ui.test_editor_safety import modal_id
from tuinb.engine.backends import KernelProcess, owns_kernel
from tuinb.engine.running import running_choices
from tuinb.engine.sources import Source, make_engine_for, source_from_args
from tuinb.kernel.existing import ExistingKernel
from tuinb.model import load
from tuinb.server.remote import RemoteKernel
from tuinb.ui.app import TuinbApp
from tuinb.ui.dialogs.choice import ChoiceModal
from tuinb.ui.dialogs.kernel_picker import RUNNING_TITLE, KernelPicker

pytestmark = [pytest.mark.kernel, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("gateway"), gateway=True) as running:
        yield running


@pytest.fixture
def other(isolated_dirs: Path) -> Iterator[tuple[Path, subprocess.Popen[bytes]]]:
    """Someone else's ipykernel, its connection file in the Jupyter runtime folder."""
    folder = Path(os.environ["JUPYTER_RUNTIME_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    with someone_elses_kernel(folder) as running:
        yield running


@asynccontextmanager
async def editor(path: Path, source: Source) -> AsyncIterator[tuple[TuinbApp, Pilot[Any]]]:
    """The editor on the local notebook `path`, its kernel from `source`, kernel idle."""
    notebook = load(path)
    notebook.path = path
    engine = make_engine_for(source, notebook, cwd=path.parent)
    app = TuinbApp(notebook, engine=engine, check_recovery=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: "(idle)" in status(app), "the kernel to be ready")
        yield app, pilot


async def run_first_cell(app: TuinbApp, pilot: Pilot[Any], output: str) -> None:
    await pilot.press("ctrl+j")
    await settle(pilot, lambda: output in screen_text(app), f"the output {output!r}")


async def quit_discarding(app: TuinbApp, pilot: Pilot[Any]) -> None:
    """ctrl+q; the outputs made the notebook dirty: discard them."""
    await pilot.press("ctrl+q")
    await settle(pilot, lambda: modal_id(app) == "quit-modal", "the quit question")
    await pilot.press("d")
    await settle(pilot, lambda: not app.is_running, "the editor to exit")


async def test_a_local_notebook_runs_on_a_gateway_kernel_which_quitting_shuts_down(
    gateway: RunningServer, tmp_path: Path
) -> None:
    path = write_notebook(tmp_path / "here.ipynb", [("code", "print(6 * 7)")])
    source = source_from_args(str(path), gateway=gateway.url, token=gateway.token, environ={})
    async with editor(path, source) as (app, pilot):
        backend = app.engine.backend if app.engine is not None else None
        assert isinstance(backend, RemoteKernel)
        kernel_id = backend.kernel_id
        assert kernel_id in [k["id"] for k in gateway.api("GET", "api/kernels").json()]
        await run_first_cell(app, pilot, "42")
        # the picker offers the gateway's other kernels, not the editor's own
        another = gateway.api("POST", "api/kernels", json={"name": "python3"}).json()["id"]
        try:
            keys = [c.key for c in await running_choices(app.engine)]
        finally:
            gateway.api("DELETE", f"api/kernels/{another}")
        assert f"server:{another}" in keys
        assert f"server:{kernel_id}" not in keys
        await quit_discarding(app, pilot)
    left = [k["id"] for k in gateway.api("GET", "api/kernels").json()]
    assert kernel_id not in left, "tuinb started the gateway's kernel, so quitting stops it"


async def test_an_existing_kernel_runs_the_cells_and_outlives_the_editor(
    other: tuple[Path, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    connection_file, proc = other
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "x = 41\nprint(x + 1)")])
    source = source_from_args(str(path), existing=str(connection_file), environ={})
    async with editor(path, source) as (app, pilot):
        assert isinstance(app.engine.backend if app.engine else None, ExistingKernel)
        await run_first_cell(app, pilot, "42")
        await quit_discarding(app, pilot)
    assert process_exists(proc.pid), "quitting leaves a kernel tuinb did not start running"
    # the kernel still holds the state the editor left in it
    again = write_notebook(tmp_path / "again.ipynb", [("code", "print(x * 2)")])
    source = source_from_args(str(again), existing=connection_file.name, environ={})
    async with editor(again, source) as (app, pilot):
        await run_first_cell(app, pilot, "82")
        await quit_discarding(app, pilot)
    assert process_exists(proc.pid)


async def test_restarting_an_existing_kernel_asks_first_and_cancel_keeps_it(
    other: tuple[Path, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    _connection_file, proc = other
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "y = 5"), ("code", "print(y + 1)")])
    source = source_from_args(str(path), existing="", environ={})  # the newest there
    async with editor(path, source) as (app, pilot):
        assert app.engine is not None
        assert not owns_kernel(app.engine.backend)
        await pilot.press("ctrl+j")
        first = app.notebook.cells[0]
        await settle(pilot, lambda: first.execution_count is not None, "y = 5 to run")
        await pilot.press("escape", "0", "0")
        await settle(pilot, lambda: modal_id(app) == "restart-modal", "the restart question")
        question = app.screen
        assert isinstance(question, ChoiceModal)
        assert "not tuinb's" in question.question
        assert "anyway?" in question.question
        await pilot.press("c")
        await settle(pilot, lambda: modal_id(app) is None, "the question to close")
        await pilot.press("j", "ctrl+j")
        second = app.notebook.cells[1]
        await settle(pilot, lambda: bool(second.outputs), "print(y + 1) to run")
        assert second.outputs[0].get("text") == "6\n", "the kernel kept y: it was not restarted"
        await quit_discarding(app, pilot)
    assert process_exists(proc.pid)


async def pick_running(app: TuinbApp, pilot: Pilot[Any], key: str) -> str:
    """alt+k, then the running kernel `key` (its label returned); checks the section is there."""
    await pilot.press("escape", "alt+k")
    await settle(pilot, lambda: isinstance(app.screen, KernelPicker), "the kernel picker")
    listing = app.screen.query_one(OptionList)
    await settle(pilot, lambda: listing.option_count > 0, "the picker's options")
    prompts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
    assert RUNNING_TITLE in prompts
    index = listing.get_option_index(key)
    listing.highlighted = index
    await pilot.press("enter")
    return prompts[index]


@pytest.mark.usefixtures("python3_kernelspec")
async def test_the_picker_attaches_the_editor_to_a_running_kernel_and_stops_its_own(
    other: tuple[Path, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    connection_file, proc = other
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "import os\nprint('pid', os.getpid())")])
    async with editor(path, source_from_args(str(path), environ={})) as (app, pilot):
        assert app.engine is not None
        own = app.engine.backend.pid if isinstance(app.engine.backend, KernelProcess) else None
        assert own is not None
        label = await pick_running(app, pilot, f"file:{connection_file}")
        assert f"pid {proc.pid}" in label
        await settle(pilot, lambda: "Attached to the running kernel" in notices(app), "attach")
        await settle(pilot, lambda: "(idle)" in status(app), "the attached kernel")
        assert isinstance(app.engine.backend, ExistingKernel)
        await wait_gone(own, within=10)  # tuinb's own kernel was shut down, as on a change
        await run_first_cell(app, pilot, f"pid {proc.pid}")
        await quit_discarding(app, pilot)
    assert process_exists(proc.pid), "quitting leaves the attached kernel running"


@pytest.mark.usefixtures("python3_kernelspec")
async def test_attaching_while_a_cell_runs_asks_first(
    other: tuple[Path, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    connection_file, proc = other
    loop = "import time\nfor _ in range(600): time.sleep(0.1)"
    path = write_notebook(tmp_path / "nb.ipynb", [("code", loop)])
    async with editor(path, source_from_args(str(path), environ={})) as (app, pilot):
        assert app.engine is not None
        await pilot.press("ctrl+j")
        await settle(pilot, lambda: "(busy)" in status(app), "the loop to run")
        await pick_running(app, pilot, f"file:{connection_file}")
        await settle(pilot, lambda: modal_id(app) == "attach-modal", "the question")
        await pilot.press("c")
        await settle(pilot, lambda: modal_id(app) is None, "the question to close")
        assert not isinstance(app.engine.backend, ExistingKernel)
        assert "(busy)" in status(app), "cancel: the cell goes on running"
        await pick_running(app, pilot, f"file:{connection_file}")
        await settle(pilot, lambda: modal_id(app) == "attach-modal", "the question again")
        await pilot.press("a")
        engine = app.engine
        await settle(pilot, lambda: isinstance(engine.backend, ExistingKernel), "attach")
        marks = app.notebook_screen.run_marks
        cell_id = app.notebook.cells[0].id
        await settle(pilot, lambda: cell_id in marks.failed, "the stopped cell's mark")
        assert not marks.running
        await quit_discarding(app, pilot)
    assert process_exists(proc.pid)


@pytest.mark.usefixtures("python3_kernelspec")
async def test_in_a_session_the_picker_lists_others_but_says_how_to_attach_instead(
    other: tuple[Path, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    connection_file, proc = other
    notebook = session_notebook(tmp_path / "s.ipynb", "1")
    async with host_cleanup(notebook):
        app = session_editor(notebook)  # a real session host, with its own kernel
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: "(idle" in status(app), "the session's kernel")
            assert app.engine is not None
            choices = await running_choices(app.engine)
            # the host's kernel has its connection file in the same folder: not offered
            assert [c.connection_file for c in choices] == [connection_file]
            await pick_running(app, pilot, f"file:{connection_file}")
            await settle(pilot, lambda: "--existing" in notices(app), "the refusal")
            said = notices(app)
            assert f"--existing {connection_file}" in said
            assert "background session" in said
            assert "(idle" in status(app), "the session's kernel is still the notebook's"
            await pilot.press("ctrl+q")
            await settle(pilot, lambda: not app.is_running, "the editor to exit")
    assert process_exists(proc.pid)


async def test_on_a_server_the_picker_lists_its_kernels_and_sessions_and_attaches(
    server: RunningServer,
) -> None:
    write_server_notebook(server.root / "k1" / "nb.ipynb", "import os\nprint('pid', os.getpid())")
    write_server_notebook(server.root / "k1" / "other.ipynb", "1")
    session = server.api(
        "POST",
        "api/sessions",
        json={"path": "k1/other.ipynb", "type": "notebook", "kernel": {"name": "python3"}},
    ).json()
    theirs = session["kernel"]["id"]
    pid = kernel_pid(server, theirs)
    async with server_editor(server, "k1/nb.ipynb") as (app, pilot):
        backend = app.engine.backend if app.engine is not None else None
        assert isinstance(backend, RemoteKernel)
        ours = backend.kernel_id
        choices = await running_choices(app.engine)
        keys = [c.key for c in choices]
        assert f"server:{theirs}" in keys
        assert f"server:{ours}" not in keys, "the editor's own kernel is not offered"
        label = await pick_running(app, pilot, f"server:{theirs}")
        assert "session of k1/other.ipynb" in label
        await settle(pilot, lambda: "Attached to the running kernel" in notices(app), "attach")
        await settle(pilot, lambda: "(idle)" in status(app), "the attached kernel")
        assert isinstance(app.engine.backend, RemoteKernel) if app.engine else False
        await run_first_cell(app, pilot, f"pid {pid}")
        await quit_discarding(app, pilot)
    running = [k["id"] for k in server.api("GET", "api/kernels").json()]
    assert theirs in running, "the attached kernel is not tuinb's: it stays"
    # as when JupyterLab changes a notebook's kernel: its session follows, and the
    # server shuts the session's previous kernel down
    sessions = {s["path"]: s["kernel"]["id"] for s in server.api("GET", "api/sessions").json()}
    assert sessions["k1/nb.ipynb"] == theirs
    assert ours not in running
