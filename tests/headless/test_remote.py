"""`tuinb run URL` and `tuinb kernels --server URL` against a real Jupyter Server."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.headless.test_run import write_notebook
from tests.server.support import RunningServer, free_port, kernel_processes, running_server
from tuinb.cli import main

pytestmark = [pytest.mark.kernel, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("run-server")) as running:
        yield running


@pytest.fixture
def token_env(server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The token in the environment, as the README recommends."""
    monkeypatch.setenv("JUPYTER_TOKEN", server.token)


def saved(path: Path) -> dict[str, object]:
    return dict(json.loads(path.read_text()))


def outputs_of(path: Path) -> list[list[str]]:
    """Each cell's outputs: stream text, or the output type."""
    cells = saved(path)["cells"]
    assert isinstance(cells, list)
    return [["".join(o.get("text", o.get("output_type"))) for o in c["outputs"]] for c in cells]


@pytest.mark.usefixtures("token_env")
def test_run_executes_a_server_notebook_and_saves_it_back(
    server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    (server.root / "work").mkdir(exist_ok=True)
    path = write_notebook(
        server.root / "work" / "r.ipynb", "import os\nprint(os.getcwd())", "1 + 1"
    )
    assert main(["run", f"{server.url}lab/tree/work/r.ipynb"]) == 0
    document = saved(path)
    assert outputs_of(path)[0] == [f"{server.root / 'work'}\n"]  # ran in the notebook's folder
    cells = document["cells"]
    assert isinstance(cells, list)
    assert cells[1]["outputs"][0]["data"]["text/plain"] == ["2"]
    assert document["metadata"]["language_info"]["name"] == "python"  # type: ignore[index]
    assert server.api("GET", "api/kernels").json() == []  # its kernel was shut down
    assert server.token not in capsys.readouterr().err


@pytest.mark.usefixtures("token_env")
def test_a_failing_cell_exits_1_and_what_ran_is_saved(server: RunningServer) -> None:
    path = write_notebook(server.root / "fail.ipynb", "print('before')", "1 / 0", "print('never')")
    assert main(["run", f"{server.url}notebooks/fail.ipynb"]) == 1
    assert outputs_of(path)[0] == ["before\n"]
    assert outputs_of(path)[2] == []


@pytest.mark.usefixtures("token_env")
def test_output_to_a_local_file_or_another_server_path(
    server: RunningServer, tmp_path: Path
) -> None:
    path = write_notebook(server.root / "o.ipynb", "print('o')")
    before = path.read_bytes()
    local = tmp_path / "executed.ipynb"
    assert main(["run", f"{server.url}lab/tree/o.ipynb", "-o", str(local)]) == 0
    assert outputs_of(local) == [["o\n"]]
    assert path.read_bytes() == before
    assert (
        main(["run", f"{server.url}lab/tree/o.ipynb", "-o", f"{server.url}lab/tree/o-run.ipynb"])
        == 0
    )
    assert outputs_of(server.root / "o-run.ipynb") == [["o\n"]]


@pytest.mark.usefixtures("token_env")
def test_a_notebook_saved_on_the_server_meanwhile_is_not_overwritten(
    server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    touch = (
        "import pathlib, time\ntime.sleep(1.2)\n"
        "p = pathlib.Path('c.ipynb')\np.write_text(p.read_text())"
    )
    path = write_notebook(server.root / "c.ipynb", touch)
    before = path.read_text()
    assert main(["run", f"{server.url}lab/tree/c.ipynb"]) == 2
    assert path.read_text() == before
    assert "was saved on the server while it ran" in capsys.readouterr().err


def test_unusable_servers_and_notebooks_exit_2_with_one_line(
    server: RunningServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_notebook(server.root / "u.ipynb", "print('u')")
    before = path.read_bytes()
    (server.root / "folder").mkdir(exist_ok=True)
    cases = [
        ([f"{server.url}lab/tree/u.ipynb", "--token", "wrong-token"], "refused the token (403)"),
        ([f"{server.url}lab/tree/u.ipynb"], "wants a token"),
        ([f"{server.url}lab/tree/missing.ipynb", "--token", server.token], "There is no notebook"),
        ([f"{server.url}lab/tree/folder", "--token", server.token], "is a folder"),
        ([f"http://127.0.0.1:{free_port()}/lab/tree/u.ipynb", "--token", "t"], "Cannot reach"),
    ]
    monkeypatch.delenv("JUPYTER_TOKEN", raising=False)
    for args, words in cases:
        assert main(["run", *args]) == 2, args
        err = capsys.readouterr().err
        assert words in err
        assert err.count("\n") == 1
        assert "wrong-token" not in err
    assert path.read_bytes() == before
    assert server.api("GET", "api/kernels").json() == []


def test_kernels_of_a_server(server: RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kernels", "--server", server.url, "--token", server.token]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "DISPLAY", "NAME", "LANGUAGE"]
    assert any(line.startswith("python3 ") and "(default)" in line for line in lines)
    assert main(["kernels", "--server", server.url, "--token", "nope"]) == 2
    assert "refused the token" in capsys.readouterr().err


def test_a_token_on_the_command_line_does_not_stay_in_ps(server: RunningServer) -> None:
    write_notebook(server.root / "slow.ipynb", "import time\ntime.sleep(4)")
    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_TOKEN"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tuinb", "run", f"{server.url}lab/tree/slow.ipynb",
         "--token", server.token],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not kernel_processes(server):  # the run is under way: past the scrubbing
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the run's kernel never started"
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(0.05)
        shown = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        assert server.token.encode() not in shown
        assert b"--token" in shown
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
