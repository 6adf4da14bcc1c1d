"""`tuinb run` against a real ipykernel, with nbclient as the reference."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tests.kernel_support import assert_kernels_gone, process_exists, wait_gone
from tuinb.headless import run as headless
from tuinb.headless.execute import SHUTDOWN_WAIT, RunOutcome, execute_notebook
from tuinb.headless.kernels import kernels_command
from tuinb.headless.progress import Progress
from tuinb.kernel.kernelspec import get_kernel_spec
from tuinb.kernel.manager import KernelManager
from tuinb.model import Notebook, load

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("python3_kernelspec")]

DATA = Path(__file__).parent.parent / "data"


def make_backend() -> KernelManager:
    return KernelManager(get_kernel_spec("python3"))


def write_notebook(path: Path, *cells: str | tuple[str, list[str]]) -> Path:
    """A v4.5 notebook of code cells (source, or (source, tags)) on the python3 kernel."""
    entries: list[dict[str, Any]] = []
    for number, cell in enumerate(cells):
        source, tags = (cell, []) if isinstance(cell, str) else cell
        entries.append(
            {
                "cell_type": "code",
                "id": f"cell-{number}",
                "metadata": {"tags": tags} if tags else {},
                "source": source,
                "outputs": [],
                "execution_count": None,
            }
        )
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    document = {
        "cells": entries,
        "metadata": {"kernelspec": kernelspec},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return path


async def run_tuinb(
    path: Path, *, allow_errors: bool = False, time_limit: float | None = None
) -> tuple[RunOutcome, Notebook]:
    notebook = load(path)
    outcome = await execute_notebook(
        notebook,
        make_backend(),
        time_limit=time_limit,
        allow_errors=allow_errors,
        progress_stream=io.StringIO(),
    )
    return outcome, notebook


async def run_nbclient(path: Path, *, allow_errors: bool = False) -> dict[str, Any]:
    nb = nbformat.read(str(path), as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        nb,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(path.parent)}},
    )
    with contextlib.suppress(CellExecutionError):
        await client.async_execute()
    text: str = nbformat.writes(nb)  # type: ignore[no-untyped-call]
    return json.loads(text)  # type: ignore[no-any-return]


def summary(cells: list[dict[str, Any]]) -> list[Any]:
    """What must match nbclient, per code cell: non-stream outputs in order, stream text."""
    result: list[Any] = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        others: list[tuple[str, ...]] = []
        streams: dict[str, str] = {}
        for output in cell["outputs"]:
            kind = output["output_type"]
            if kind == "stream":
                text = output["text"]
                streams[output["name"]] = streams.get(output["name"], "") + (
                    text if isinstance(text, str) else "".join(text)
                )
            elif kind == "error":
                others.append((kind, output["ename"], output["evalue"]))
            else:
                plain = output.get("data", {}).get("text/plain", "")
                others.append((kind, plain if isinstance(plain, str) else "".join(plain)))
        result.append((cell["execution_count"], others, sorted(streams.items())))
    return result


PARITY = [
    ("jupyter__nbclient__tests__files__HelloWorld.ipynb", False),
    ("jupyter__nbclient__tests__files__Factorials.ipynb", False),
    ("jupyter__nbclient__tests__files__Unicode.ipynb", False),
    ("jupyter__nbclient__tests__files__Clear_Output.ipynb", False),
    ("jupyter__nbclient__tests__files__update-display-id.ipynb", False),
    ("jupyter__nbclient__tests__files__Empty_Cell.ipynb", False),
    ("jupyter__nbclient__tests__files__SVG.ipynb", False),
    ("jupyter__nbclient__tests__files__Error.ipynb", True),
    ("jupyter__nbclient__tests__files__Skip_Exceptions.ipynb", True),
    ("jupyter__nbclient__tests__files__Skip_Exceptions_with_Cell_Tags.ipynb", False),
    ("jupyter__nbclient__tests__files__Disable_Stdin.ipynb", True),
]


@pytest.mark.parametrize(("name", "allow_errors"), PARITY)
async def test_outputs_match_nbclient(name: str, allow_errors: bool, tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    shutil.copy(DATA / name, path)
    expected = await run_nbclient(path, allow_errors=allow_errors)
    outcome, notebook = await run_tuinb(path, allow_errors=allow_errors)
    assert outcome.exit_code == 0, outcome.message
    assert summary(notebook.to_dict()["cells"]) == summary(expected["cells"])
    assert notebook.metadata["language_info"]["name"] == "python"


async def test_mixed_outputs_match_nbclient(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "mixed.ipynb",
        "import sys\nprint('out'); print('err', file=sys.stderr)",
        "from IPython.display import display, HTML\ndisplay(HTML('<b>x</b>'))\n6 * 7",
        "for i in range(3):\n    print(i)",
        "'last'",
    )
    expected = await run_nbclient(path)
    outcome, notebook = await run_tuinb(path)
    assert outcome == RunOutcome(0)
    assert summary(notebook.to_dict()["cells"]) == summary(expected["cells"])


async def test_stops_at_the_first_error_and_keeps_what_ran(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "e.ipynb", "print('before')", "1/0", "print('after')")
    outcome, notebook = await run_tuinb(path)
    assert outcome.exit_code == 1
    assert outcome.message == "cell 2: ZeroDivisionError: division by zero"
    assert outcome.save
    first, failed, after = notebook.cells
    assert first.outputs[0]["text"] == "before\n"
    assert failed.outputs[0]["ename"] == "ZeroDivisionError"
    assert after.outputs == []
    assert after.execution_count is None


async def test_allow_errors_goes_on(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "e.ipynb", "1/0", "print('after')")
    outcome, notebook = await run_tuinb(path, allow_errors=True)
    assert outcome.exit_code == 0
    assert notebook.cells[1].outputs[0]["text"] == "after\n"


async def test_tags_skip_execution_and_raises_exception(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "t.ipynb",
        ("raise KeyError('expected')", ["raises-exception"]),
        ("print('skipped')", ["skip-execution"]),
        "print('ran')",
    )
    outcome, notebook = await run_tuinb(path)
    assert outcome.exit_code == 0, outcome.message
    raised, skipped, ran = notebook.cells
    assert raised.outputs[0]["ename"] == "KeyError"
    assert skipped.outputs == []
    assert skipped.execution_count is None
    assert ran.outputs[0]["text"] == "ran\n"


async def test_timeout_interrupts_the_cell(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)", "print('no')")
    began = time.monotonic()
    outcome, notebook = await run_tuinb(path, time_limit=1)
    assert time.monotonic() - began < 20
    assert outcome.exit_code == 1
    assert outcome.message is not None
    assert outcome.message.startswith("cell 1: CellTimeoutError: the cell did not finish within 1")
    assert notebook.cells[0].outputs[-1]["ename"] == "KeyboardInterrupt"
    assert notebook.cells[1].outputs == []


async def test_input_fails_the_cell_instead_of_hanging(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "i.ipynb", "name = input('name? ')")
    outcome, _ = await run_tuinb(path)
    assert outcome.exit_code == 1
    assert outcome.message is not None
    assert outcome.message.startswith("cell 1: StdinNotImplementedError: ")


async def test_timing_metadata_like_nbclient(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "m.ipynb", "1 + 1")
    expected = await run_nbclient(path)
    _, notebook = await run_tuinb(path)
    ours = notebook.cells[0].metadata["execution"]
    theirs = expected["cells"][0]["metadata"]["execution"]
    assert set(theirs) <= set(ours)
    assert all(value.endswith("Z") and "T" in value for value in ours.values())


# -- the command itself --------------------------------------------------------


def test_missing_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = headless.run_command(
        tmp_path / "nope.ipynb", output=None, kernel=None, timeout=None, allow_errors=False
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "nope.ipynb" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text", ["{not json", '{"cells": 3, "metadata": {}}'])
def test_an_unreadable_notebook_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_text(text, encoding="utf-8")
    code = headless.run_command(path, output=None, kernel=None, timeout=None, allow_errors=False)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "bad.ipynb" in err
    assert path.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ipynb"]


def test_unknown_kernel_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_notebook(tmp_path / "k.ipynb", "1")
    before = path.read_bytes()
    out = tmp_path / "out.ipynb"
    code = headless.run_command(
        path, output=out, kernel="no-such-kernel", timeout=None, allow_errors=False
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "no-such-kernel" in err
    assert "python3" in err
    assert not out.exists()
    assert path.read_bytes() == before


def test_output_file_leaves_the_input_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_notebook(tmp_path / "in.ipynb", "print('hi')")
    before = path.read_bytes()
    out = tmp_path / "out.ipynb"
    code = headless.run_command(path, output=out, kernel=None, timeout=None, allow_errors=False)
    assert code == 0, capsys.readouterr().err
    assert path.read_bytes() == before
    saved = json.loads(out.read_text())
    assert saved["cells"][0]["outputs"][0]["text"] == ["hi\n"]
    assert saved["metadata"]["language_info"]["name"] == "python"


def test_installed_command_in_place_with_error(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "cli.ipynb", "x = 2", "x / 0", "print('never')")
    tuinb = Path(sys.executable).parent / "tuinb"
    done = subprocess.run(
        [str(tuinb), "run", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "tuinb run: cell 2: ZeroDivisionError: division by zero"
    )
    saved = json.loads(path.read_text())
    assert saved["cells"][0]["execution_count"] == 1
    assert saved["cells"][1]["outputs"][0]["ename"] == "ZeroDivisionError"
    assert saved["cells"][2]["outputs"] == []


def children_of(pid: int) -> list[int]:
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_signal_shuts_the_kernel_down(tmp_path: Path, signum: int, code: int) -> None:
    path = write_notebook(tmp_path / "s.ipynb", "import time\ntime.sleep(30)")
    before = path.read_bytes()
    tuinb = Path(sys.executable).parent / "tuinb"
    proc = subprocess.Popen(
        [str(tuinb), "run", str(path)], stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # plain progress lines: stderr is a pipe
            if "[1/1] cell 1" in line:
                break
        kernels = children_of(proc.pid)
        assert kernels, "the kernel process was not found"
        proc.send_signal(signum)
        assert proc.wait(timeout=30) == code
        assert "interrupted" in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
    assert_kernels_gone(kernels)
    assert path.read_bytes() == before


def test_kernels_lists_the_python3_spec(
    python3_kernelspec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kernels_command() == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "DISPLAY", "NAME", "LANGUAGE", "PATH"]
    row = next(line for line in lines if line.startswith("python3 "))
    assert "python" in row.split()
    assert row.endswith(str(python3_kernelspec))


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_live_line_on_a_terminal_and_plain_lines_otherwise() -> None:
    from tuinb.engine import CellFinished

    terminal, pipe = FakeTerminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress(2, stream)
        progress.cell_started(1, 3)
        progress.cell_finished(3, CellFinished("a", "ok", 1, 0.25))
        progress.cell_started(2, 5)
        progress.cell_finished(5, CellFinished("b", "error", 2, 0.5, "E", "v"))
        progress.close()
    live = terminal.getvalue()
    assert live.count("\n") == 1
    assert live.endswith("\n")
    assert "\r\x1b[K" in live
    assert "1/2 cell 3" in live
    assert "2/2 done" in live
    assert pipe.getvalue().splitlines() == [
        "tuinb run: [1/2] cell 3 ...",
        "tuinb run: cell 3 ok (0.25s)",
        "tuinb run: [2/2] cell 5 ...",
        "tuinb run: cell 5 error (0.50s)",
    ]


class RecordingManager(KernelManager):
    """A real kernel manager that notes the polite wait each shutdown was given."""

    def __init__(self) -> None:
        super().__init__(get_kernel_spec("python3"))
        self.waits: list[float] = []

    async def shutdown(self, *, timeout: float = 5) -> None:  # noqa: ASYNC109 (the kernel contract)
        self.waits.append(timeout)
        await super().shutdown(timeout=timeout)


async def test_short_shutdown_leaves_no_kernel_behind(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", "import os\nos.getpid()")
    notebook = load(path)
    backend = RecordingManager()
    outcome = await execute_notebook(
        notebook, backend, time_limit=None, allow_errors=False, progress_stream=io.StringIO()
    )
    assert outcome.exit_code == 0
    assert backend.waits[0] == SHUTDOWN_WAIT < 5
    (result,) = notebook.cells[0].outputs
    pid = int(result["data"]["text/plain"])
    await wait_gone(pid, within=2.0)  # the kernel and its process group
    assert not process_exists(pid)
