"""`tuinb run` with requests sent ahead (pipelined), its start-up and its progress."""

from __future__ import annotations

import asyncio
import io
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.headless.test_run import (
    children_of,
    make_backend,
    run_nbclient,
    run_tuinb,
    summary,
    write_notebook,
)
from tests.kernel_support import assert_kernels_gone
from tuinb.engine import CellFinished
from tuinb.headless import run as headless
from tuinb.headless.execute import RunOutcome, execute_notebook
from tuinb.headless.progress import Progress, Reporter
from tuinb.model import load

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("python3_kernelspec")]


def test_start_lines_wait_for_the_previous_cells_end() -> None:
    stream = io.StringIO()
    reporter = Reporter([(1, "a"), (3, "b"), (4, "c")], Progress(3, stream))
    reporter.begun("a")
    reporter.begun("b")  # the kernel began b before a's result was in
    reporter.begun("c")
    reporter.finished(CellFinished("a", "ok", 1, 0.5))
    reporter.finished(CellFinished("b", "ok", 2, 0.25))
    reporter.finished(CellFinished("c", "error", 3, 0.125, "E", "v"))
    assert stream.getvalue().splitlines() == [
        "tuinb run: [1/3] cell 1 ...",
        "tuinb run: cell 1 ok (0.50s)",
        "tuinb run: [2/3] cell 3 ...",
        "tuinb run: cell 3 ok (0.25s)",
        "tuinb run: [3/3] cell 4 ...",
        "tuinb run: cell 4 error (0.12s)",
    ]


# -- pipelined runs: requests sent ahead, the kernel aborts after an error ------


def with_old_results(path: Path) -> Path:
    """Give every cell of the notebook at `path` an old output, count and timing."""
    document = json.loads(path.read_text(encoding="utf-8"))
    for number, cell in enumerate(document["cells"]):
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "old\n"}]
        cell["execution_count"] = 90 + number
        cell["metadata"]["execution"] = {"iopub.status.busy": "2020-01-01T00:00:00.000000Z"}
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return path


async def test_a_longer_pipelined_run_matches_nbclient(tmp_path: Path) -> None:
    kinds = [
        "x{i} = {i} * 2",
        "print('cell {i}', x{j})",
        "x{j} + {i}",
        "from IPython.display import HTML, display\ndisplay(HTML('<b>{i}</b>'))",
        "import sys\nprint({i}, file=sys.stderr)\n[k * {i} for k in range(3)]",
    ]
    sources = [kinds[i % 5].format(i=i, j=i - i % 5) for i in range(40)]
    path = with_old_results(write_notebook(tmp_path / "long.ipynb", *sources))
    expected = await run_nbclient(path)
    outcome, notebook = await run_tuinb(path)
    assert outcome == RunOutcome(0)
    assert summary(notebook.to_dict()["cells"]) == summary(expected["cells"])
    assert [cell.execution_count for cell in notebook.cells] == list(range(1, 41))


async def test_cells_after_an_error_keep_their_old_results_and_never_run(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "ran"
    path = with_old_results(
        write_notebook(
            tmp_path / "e.ipynb",
            "print('before')",
            "1/0",
            f"open({str(marker)!r}, 'w').close()\nprint('after')",
            "print('last')",
        )
    )
    old = load(path)
    outcome, notebook = await run_tuinb(path)
    assert outcome == RunOutcome(1, "cell 2: ZeroDivisionError: division by zero")
    first, failed, after, last = notebook.cells
    assert first.outputs[0]["text"] == "before\n"
    assert first.execution_count == 1
    assert failed.outputs[0]["ename"] == "ZeroDivisionError"
    assert failed.execution_count == 2
    for cell, before in zip((after, last), old.cells[2:], strict=True):
        assert cell.outputs == before.outputs
        assert cell.execution_count == before.execution_count
        assert cell.metadata == before.metadata
    assert not marker.exists(), "the kernel ran a cell queued after the error"


async def test_allow_errors_runs_every_cell_after_errors(tmp_path: Path) -> None:
    path = with_old_results(
        write_notebook(tmp_path / "e.ipynb", "1/0", "print('after')", "raise KeyError('k')", "2")
    )
    outcome, notebook = await run_tuinb(path, allow_errors=True)
    assert outcome == RunOutcome(0)
    assert [cell.execution_count for cell in notebook.cells] == [1, 2, 3, 4]
    assert notebook.cells[1].outputs[0]["text"] == "after\n"
    assert notebook.cells[2].outputs[0]["ename"] == "KeyError"
    assert notebook.cells[3].outputs[0]["data"]["text/plain"] == "2"


async def test_the_time_limit_counts_from_when_the_cell_begins(tmp_path: Path) -> None:
    nap = "import time\ntime.sleep(1.0)"
    path = write_notebook(tmp_path / "naps.ipynb", nap, nap, "'woke'")
    outcome, notebook = await run_tuinb(path, time_limit=1.6)  # 2 s since the 2nd was sent
    assert outcome == RunOutcome(0), outcome.message
    assert notebook.cells[2].outputs[0]["data"]["text/plain"] == "'woke'"


async def test_progress_reports_each_cell_when_it_begins_and_ends(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "p.ipynb", "1", "print(2)", "3")
    stream = io.StringIO()
    outcome = await execute_notebook(
        load(path), make_backend(), time_limit=None, allow_errors=False, progress_stream=stream
    )
    assert outcome == RunOutcome(0)
    lines = [line.rsplit(" (", 1)[0] for line in stream.getvalue().splitlines()]
    assert lines == [
        "tuinb run: [1/3] cell 1 ...",
        "tuinb run: cell 1 ok",
        "tuinb run: [2/3] cell 2 ...",
        "tuinb run: cell 2 ok",
        "tuinb run: [3/3] cell 3 ...",
        "tuinb run: cell 3 ok",
    ]


def test_a_notebook_nbformat_must_repair_still_runs_and_saves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.ipynb"
    document = {  # nbformat 4.5 with a repeated cell id: only nbformat's full read repairs it
        "cells": [
            {
                "cell_type": "code",
                "id": "same",
                "metadata": {},
                "source": source,
                "outputs": [],
                "execution_count": None,
            }
            for source in ("print('one')", "print('two')")
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "P", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    code = headless.run_command(path, output=None, kernel=None, timeout=None, allow_errors=False)
    assert code == 0, capsys.readouterr().err
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert [cell["outputs"][0]["text"] for cell in saved["cells"]] == [["one\n"], ["two\n"]]
    ids = [cell["id"] for cell in saved["cells"]]
    assert len(set(ids)) == 2


async def first_children(pid: int) -> list[int]:
    """The children of `pid`, as soon as it has any."""
    async with asyncio.timeout(30):
        while not (found := children_of(pid)):  # noqa: ASYNC110 (bounded by the timeout)
            await asyncio.sleep(0.002)
    return found


def test_a_signal_just_after_the_kernel_launched_still_stops_it(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "early.ipynb", "print('hi')")
    before = path.read_bytes()
    tuinb = Path(sys.executable).parent / "tuinb"
    proc = subprocess.Popen(
        [str(tuinb), "run", str(path)], stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        kernels = asyncio.run(first_children(proc.pid))  # launched before most of tuinb loads
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 143
    finally:
        proc.kill()
        proc.wait()
    assert_kernels_gone(kernels)
    assert path.read_bytes() == before
