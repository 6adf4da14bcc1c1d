"""The engine on a kernel behind a real Jupyter Server, exactly as on a local one."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from tests.engine.support import make_notebook
from tests.server.engine_support import RemoteRun, remote_engine, text_of
from tests.server.support import RunningServer, kernel_pid, running_server
from tuinb.engine import InputRequested, KernelDied, KernelStarted
from tuinb.engine.backends import Ownership, owns_kernel
from tuinb.server.framing import V1_PROTOCOL
from tuinb.server.http import ServerConnection
from tuinb.server.remote import RemoteKernel

pytestmark = [pytest.mark.kernel, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server whose kernels' deaths are noticed quickly and whose iopub is not rate-limited."""
    args = ("--KernelRestarter.time_to_dead=0.5", "--ServerApp.iopub_data_rate_limit=1e12")
    with running_server(tmp_path_factory.mktemp("remote-kernels"), args=args) as running:
        yield running


def session_kernel(server: RunningServer, path: str, **kwargs: object) -> RemoteKernel:
    return RemoteKernel(
        ServerConnection(server.address()),
        kernel_name="python3",
        session_path=path,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_cells_run_on_the_server_s_kernel_in_the_notebook_s_session(
    server: RunningServer,
) -> None:
    notebook = make_notebook(
        "x = 6 * 7\nprint('hello', x)",
        "from IPython.display import HTML, display\ndisplay(HTML('<b>b</b>'))\nx",
        "1 / 0",
    )
    backend = session_kernel(server, "shared/one.ipynb")
    async with remote_engine(notebook, backend) as run:
        await run.until(lambda: any(isinstance(e, KernelStarted) for e in run.seen), "started")
        assert run.engine.language_info.get("name") == "python"
        assert backend.client is not None
        assert backend.client.socket.subprotocol == V1_PROTOCOL
        assert (await run.run("c0", "print")).status == "ok"
        assert text_of(notebook, "c0") == "hello 42\n"
        assert (await run.run("c1", "display")).status == "ok"
        outputs = notebook.cell("c1").outputs
        assert outputs[0]["data"]["text/html"] == "<b>b</b>"
        assert outputs[1]["output_type"] == "execute_result"
        assert outputs[1]["data"]["text/plain"] == "42"
        failed = await run.run("c2", "an error")
        assert (failed.status, failed.ename) == ("error", "ZeroDivisionError")
        # a JupyterLab user on the same server sees (and would share) this kernel
        sessions = server.api("GET", "api/sessions").json()
        assert [
            (s["path"], s["kernel"]["id"]) for s in sessions if s["path"] == "shared/one.ipynb"
        ] == [("shared/one.ipynb", backend.kernel_id)]
    # quitting leaves a session's kernel running, as closing a JupyterLab tab does
    assert isinstance(backend, Ownership)
    assert not owns_kernel(backend)
    kernels = [k["id"] for k in server.api("GET", "api/kernels").json()]
    assert backend.kernel_id in kernels
    server.api("DELETE", f"api/kernels/{backend.kernel_id}")


async def test_input_interrupt_and_a_large_output(server: RunningServer) -> None:
    notebook = make_notebook(
        "name = input('who? ')\nprint('hi', name)",
        "import time\nfor _ in range(600): time.sleep(0.1)",
        "print('x' * 2_000_000)",
    )
    backend = session_kernel(server, "shared/two.ipynb", owns_kernel=True)
    async with remote_engine(notebook, backend) as run:
        run.engine.run_cell("c0")
        await run.until(lambda: any(isinstance(e, InputRequested) for e in run.seen), "input()")
        prompt = next(e for e in run.seen if isinstance(e, InputRequested))
        assert prompt.prompt == "who? "
        await run.engine.provide_input("Ada")
        await run.until(lambda: "hi Ada" in text_of(notebook, "c0"), "the answer printed")
        run.engine.run_cell("c1")
        await run.until(lambda: "c1" in run.engine.running, "the sleeping cell to start")
        await run.until(lambda: run.engine.kernel_state == "busy", "the kernel to be busy")
        await run.engine.interrupt()
        await run.until(lambda: "c1" in run.finished(), "the interrupted cell to end")
        assert run.finished()["c1"].ename == "KeyboardInterrupt"
        assert (
            await run.run("c2", "a 2 MB output")
        ).status == "ok"  # over websockets' 1 MiB default
        assert len(text_of(notebook, "c2")) == 2_000_001
    assert backend.kernel_id is None or backend.kernel_id not in [
        k["id"] for k in server.api("GET", "api/kernels").json()
    ]


async def test_restart_and_death_of_a_server_kernel(server: RunningServer) -> None:
    notebook = make_notebook("x = 1", "x")
    backend = session_kernel(server, "shared/three.ipynb", owns_kernel=True)
    async with remote_engine(notebook, backend) as run:
        await run.run("c0", "x = 1")
        kernel_id = backend.kernel_id
        assert kernel_id is not None
        await run.engine.restart()
        assert backend.kernel_id == kernel_id  # the server restarts it in place
        assert (await run.run("c1", "x after a restart")).ename == "NameError"
        # the kernel dies: the server restarts it and says so on the websocket
        os.kill(kernel_pid(server, kernel_id), signal.SIGKILL)
        await run.until(lambda: any(isinstance(e, KernelDied) for e in run.seen), "the death")
        died = next(e for e in run.seen if isinstance(e, KernelDied))
        assert "restarted by the Jupyter server" in died.reason
        assert run.engine.kernel_state == "dead"
        await run.engine.restart()  # reconnects to what the server restarted
        assert (await run.run("c0", "a cell after the death")).status == "ok"


async def test_the_json_protocol_when_v1_is_not_offered(server: RunningServer) -> None:
    notebook = make_notebook("print('json')", "input('q')")
    backend = session_kernel(server, "shared/four.ipynb", owns_kernel=True, protocols=())
    async with remote_engine(notebook, backend) as run:
        assert backend.client is not None
        assert backend.client.socket.subprotocol is None
        assert (await run.run("c0", "print over JSON")).status == "ok"
        assert text_of(notebook, "c0") == "json\n"
        run.engine.run_cell("c1")
        await run.until(lambda: any(isinstance(e, InputRequested) for e in run.seen), "input()")
        await run.engine.provide_input("a")
        await run.until(lambda: "c1" in run.finished(), "input answered over JSON")


async def test_a_kernel_shut_down_elsewhere_is_a_death(server: RunningServer) -> None:
    notebook = make_notebook("1")
    backend = session_kernel(server, "shared/five.ipynb")
    async with remote_engine(notebook, backend) as run:
        server.api("DELETE", f"api/kernels/{backend.kernel_id}")  # "shut down" in JupyterLab
        await run.until(lambda: any(isinstance(e, KernelDied) for e in run.seen), "the death")
        reason = next(e for e in run.seen if isinstance(e, KernelDied)).reason
        assert reason.startswith("The kernel was shut down on the Jupyter server at")
        # a restart gives the notebook's session a new kernel
        await run.engine.restart()
        assert (await run.run("c0", "a cell on the new kernel")).status == "ok"
        server.api("DELETE", f"api/kernels/{backend.kernel_id}")


async def test_an_unknown_kernel_name_is_one_sentence(server: RunningServer) -> None:
    backend = RemoteKernel(
        ServerConnection(server.address()), kernel_name="nope", session_path="x.ipynb"
    )
    with pytest.raises(Exception, match=r"no kernel named 'nope'.*available: python3") as caught:
        await backend.start(timeout=30)
    assert "\n" not in str(caught.value)


def _unused(run: RemoteRun) -> None:  # keeps the import used for type checkers
    del run


async def test_the_token_is_in_no_log_line_even_at_debug(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    notebook = make_notebook("1")
    backend = session_kernel(server, "shared/six.ipynb", owns_kernel=True)
    async with remote_engine(notebook, backend) as run:
        assert (await run.run("c0", "a cell")).status == "ok"
    assert "Authorization" in caplog.text  # the handshake was logged...
    assert server.token not in caplog.text  # ... without the token
