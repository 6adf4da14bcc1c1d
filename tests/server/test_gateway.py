"""Kernels on a real Jupyter Kernel Gateway: the notebook stays here, the kernel runs there."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.support import make_notebook
from tests.server.engine_support import remote_engine, text_of
from tests.server.support import RunningServer, running_server
from tuinb.engine import InputRequested, KernelStarted
from tuinb.engine.backends import owns_kernel
from tuinb.server.errors import ServerAuthError
from tuinb.server.http import ServerConnection
from tuinb.server.kernels import KernelsAPI
from tuinb.server.remote import RemoteKernel

pytestmark = [pytest.mark.kernel, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("gateway"), gateway=True) as running:
        yield running


def gateway_connection(gateway: RunningServer, token: str | None = None) -> ServerConnection:
    return ServerConnection(gateway.address(token=token), kind="kernel gateway")


async def test_kernelspecs_come_from_the_gateway(gateway: RunningServer) -> None:
    default, specs = await KernelsAPI(gateway_connection(gateway)).kernelspecs()
    assert "python3" in [s.name for s in specs]
    assert default


async def test_a_notebook_here_runs_on_a_gateway_kernel(gateway: RunningServer) -> None:
    notebook = make_notebook(
        "import os\nprint(os.environ.get('KERNEL_USERNAME') is not None)",
        "import time\nfor _ in range(600): time.sleep(0.1)",
        "x = input('x? ')\nprint(x * 2)",
        "x = 5",
        "x",
    )
    backend = RemoteKernel(gateway_connection(gateway), kernel_name="python3", gateway=True)
    assert owns_kernel(backend)
    async with remote_engine(notebook, backend) as run:
        await run.until(lambda: any(isinstance(e, KernelStarted) for e in run.seen), "start")
        listed = await KernelsAPI(backend.connection).running(sessions=False)
        assert backend.kernel_id in [k.id for k in listed]
        assert (await run.run("c0", "a first cell")).status == "ok"
        assert text_of(notebook, "c0") == "True\n"  # the gateway got KERNEL_USERNAME
        run.engine.run_cell("c1")
        await run.until(lambda: run.engine.kernel_state == "busy", "the loop to start")
        await run.engine.interrupt()
        await run.until(lambda: "c1" in run.finished(), "the interrupt")
        assert run.finished()["c1"].ename == "KeyboardInterrupt"
        run.engine.run_cell("c2")
        await run.until(lambda: any(isinstance(e, InputRequested) for e in run.seen), "input()")
        await run.engine.provide_input("ab")
        await run.until(lambda: "abab" in text_of(notebook, "c2"), "the answer")
        await run.run("c3", "x = 5")
        await run.engine.restart()
        assert (await run.run("c4", "x after the restart")).ename == "NameError"
        kernel_id = backend.kernel_id
    # tuinb started it, so tuinb shut it down
    left = [k["id"] for k in gateway.api("GET", "api/kernels").json()]
    assert kernel_id not in left


async def test_a_wrong_gateway_token_is_one_sentence(gateway: RunningServer) -> None:
    with pytest.raises(ServerAuthError) as caught:
        await KernelsAPI(gateway_connection(gateway, token="wrong")).kernelspecs()
    assert "kernel gateway" in str(caught.value)
    assert "wrong" not in str(caught.value)


def test_tuinb_run_on_a_gateway_keeps_the_notebook_here(
    gateway: RunningServer, tmp_path: Path
) -> None:
    from tests.headless.test_run import write_notebook
    from tuinb.cli import main

    path = write_notebook(tmp_path / "here.ipynb", "import os\nprint(os.getpid() != 0)", "1 / 0")
    args = ["run", str(path), "--gateway-url", gateway.url, "--token", gateway.token]
    assert main(args) == 1  # the second cell fails, as on a local kernel
    cells = json.loads(path.read_text())["cells"]
    assert "".join(cells[0]["outputs"][0]["text"]) == "True\n"
    assert cells[1]["outputs"][0]["ename"] == "ZeroDivisionError"
    assert gateway.api("GET", "api/kernels").json() == []  # tuinb shut its kernel down


def test_the_config_file_s_gateway_url_is_used_when_no_option_names_one(
    gateway: RunningServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    from tuinb.cli import main

    Path(os.environ["TUINB_CONFIG_FILE"]).write_text(f'gateway_url = "{gateway.url}"\n')
    monkeypatch.setenv("JUPYTER_GATEWAY_AUTH_TOKEN", gateway.token)
    monkeypatch.delenv("JUPYTER_GATEWAY_URL", raising=False)
    assert main(["kernels"]) == 0
    out = capsys.readouterr().out
    assert "(default)" in out  # the gateway's list, not the local kernelspecs' (with paths)


def test_the_config_file_s_server_url_serves_kernels_as_a_gateway_does(
    server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from tests.headless.test_run import write_notebook
    from tuinb.cli import main

    Path(os.environ["TUINB_CONFIG_FILE"]).write_text(f'server_url = "{server.url}"\n')
    monkeypatch.setenv("JUPYTER_TOKEN", server.token)
    for name in ("JUPYTER_GATEWAY_URL", "JUPYTER_GATEWAY_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    path = write_notebook(tmp_path / "local.ipynb", "import os\nprint(os.getcwd())")
    assert main(["run", str(path)]) == 0
    cells = json.loads(path.read_text())["cells"]
    assert "".join(cells[0]["outputs"][0]["text"]) == f"{server.root}\n"  # ran on the server
    assert server.api("GET", "api/kernels").json() == []
