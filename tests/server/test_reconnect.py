"""A dropped connection to a server's kernel is reported, retried and resumed: no output lost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.engine.support import make_notebook
from tests.server.engine_support import TcpProxy, remote_engine, text_of
from tests.server.support import RunningServer, launch, running_server, stop_server
from tuinb.engine import KernelDied
from tuinb.server.address import parse_server_url
from tuinb.server.http import ServerConnection
from tuinb.server.remote import RemoteKernel

pytestmark = [pytest.mark.kernel, pytest.mark.timeout(180)]

COUNTING = "import time\nfor i in range(16):\n    print(i, flush=True)\n    time.sleep(0.2)"
EXPECTED = "".join(f"{i}\n" for i in range(16))


@pytest.fixture
async def proxy(server: RunningServer) -> AsyncIterator[TcpProxy]:
    running = TcpProxy(server.port)
    await running.start()
    yield running
    await running.close()


async def test_a_connection_cut_mid_cell_resumes_with_every_output(
    server: RunningServer, proxy: TcpProxy
) -> None:
    address = parse_server_url(f"http://127.0.0.1:{proxy.port}/", token=server.token, environ={})
    backend = RemoteKernel(
        ServerConnection(address), kernel_name="python3", session_path="cut.ipynb", owns_kernel=True
    )
    notebook = make_notebook(COUNTING, "print('after')")
    async with remote_engine(notebook, backend) as run:
        assert backend.client is not None
        session = backend.client.session
        run.engine.run_cell("c0")
        await run.until(lambda: "2\n" in text_of(notebook, "c0"), "the first lines")
        proxy.refuse = True  # the server is unreachable for a while
        proxy.cut()
        await run.until(lambda: "reconnecting" in run.connection_states(), "the drop reported")
        assert run.engine.connection_state == "reconnecting"
        await run.until(lambda: proxy.refused >= 5, "a few failed attempts while it runs on")
        while_away = text_of(notebook, "c0")
        proxy.refuse = False
        await run.until(lambda: run.connection_states()[-1:] == ["connected"], "the reconnection")
        await run.until(lambda: "c0" in run.finished(), "the cell to end", 30)
        assert run.finished()["c0"].status == "ok"
        assert text_of(notebook, "c0") == EXPECTED  # what the server kept arrived, once, in order
        assert len(while_away) < len(EXPECTED)  # ... and some of it was made while we were away
        assert backend.client is not None
        assert backend.client.session == session  # resumed, not a new session
        assert backend.client.socket.reconnects == 1
        assert (await run.run("c1", "a cell after the reconnection")).status == "ok"
        assert not any(isinstance(e, KernelDied) for e in run.seen)


async def test_a_restarted_server_is_noticed_and_a_restart_gives_a_new_kernel(
    tmp_path: Path,
) -> None:
    with running_server(tmp_path / "srv") as server:
        backend = RemoteKernel(
            ServerConnection(server.address()), kernel_name="python3", session_path="r.ipynb"
        )
        notebook = make_notebook("x = 1", "print('on the new server')")
        async with remote_engine(notebook, backend) as run:
            await run.run("c0", "x = 1")
            stop_server(server)  # its kernels end with it
            await run.until(
                lambda: (
                    "reconnecting" in run.connection_states()
                    or any(isinstance(e, KernelDied) for e in run.seen)
                ),
                "the drop reported",
            )
            launch(server)  # the same port again
            await run.until(
                lambda: any(isinstance(e, KernelDied) for e in run.seen),
                "the kernel reported gone",
                10,
            )
            await run.engine.restart()
            assert (await run.run("c1", "a cell on the restarted server")).status == "ok"
            assert text_of(notebook, "c1") == "on the new server\n"
