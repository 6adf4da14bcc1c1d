"""Session host benchmarks: a run through the host against one in process; attach; flood; idle.

Run: `.venv/bin/python benchmarks/bench_session.py [--runs 20]` (`--runs 1`: a smoke run)

Measured at the interface the editor uses here, then on the real screen
(`benchmarks/bench_session_screen.py`: the installed `tuinb` in tmux, against
`tuinb --no-detach` in the same run; `--no-screen` skips it). What each
interface figure is:

1. Run to output: from `run_cells` until the editor's copy of the notebook
   holds the cell's `print` output (the `OutputsChanged` that brings it), on
   a warm ipykernel: an `Engine` in this process against a `SessionClient`
   whose engine is in a host process, in alternating blocks. The difference
   of the medians is what the host adds to "key to output".
2. Attach: connect, handshake, receive the notebook and the engine's state,
   rebuild the editor's copy (`launch.attach` + `SessionClient`), for
   small.ipynb and large.ipynb of `make_notebooks.py`, each held by a live
   host; beside it, reading the same file in process (`tuinb.model.load`).
3. Flood: 200,000 lines printed while nobody is attached; then attach, wait
   until the copy has every line; the host's peak memory (VmHWM).
4. Idle host: its CPU time over `--idle-seconds` with nothing running and no
   client attached, and its memory (VmRSS, VmHWM). The kernel's own process
   is not counted. Idle means no polling: the kernel's death watch waits on
   the process's exit (a pidfd) and pings only a kernel at work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tuinb.engine import Engine, OutputsChanged
from tuinb.engine.kernels import make_engine
from tuinb.kernel.liveness import QUIET_AFTER
from tuinb.model import Notebook, load, save
from tuinb.session.client import SessionClient
from tuinb.session.launch import attach, attach_frame, query, start_host
from tuinb.session.places import SessionFiles, SessionInfo

TOOLS = Path(os.environ.get("TUINB_BENCH_TOOLS", "/work/shared/tools"))
"""Where make_notebooks.py lives."""
BLOCK = 5
MARK = "print(123456 * 1000 + {n})"


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered) * 1000:.1f} ms, min {ordered[0] * 1000:.1f}, "
        f"p95 {p95 * 1000:.1f}, max {ordered[-1] * 1000:.1f} (n={len(ordered)})"
    )


def _proc(pid: int, field: str) -> int:
    """A VmRSS/VmHWM figure of a process, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _notebook(path: Path, *sources: str) -> Notebook:
    cells = [
        {"id": f"c{i}", "cell_type": "code", "source": s, "metadata": {}, "outputs": []}
        for i, s in enumerate(sources)
    ]
    notebook = Notebook.from_dict(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    )
    save(notebook, path)
    return load(path)


async def _until(predicate: Any, what: str, seconds: float = 120) -> None:
    async with asyncio.timeout(seconds):
        while not predicate():  # noqa: ASYNC110 (bounded by the timeout)
            await asyncio.sleep(0.002)


class Runner:
    """Runs the one cell of a notebook and times until its output is in the copy."""

    def __init__(self, engine: Any, notebook: Notebook) -> None:
        self.engine = engine
        self.notebook = notebook
        self.changed = asyncio.Event()
        self.started = asyncio.Event()
        self._task = asyncio.create_task(self._follow())

    async def _follow(self) -> None:
        async for event in self.engine.events():
            if type(event).__name__ == "KernelStarted":
                self.started.set()
            if isinstance(event, OutputsChanged):
                self.changed.set()

    async def once(self, n: int) -> float:
        cell = self.notebook.cells[0]
        self.notebook.set_source(cell.id, MARK.format(n=n))
        expected = f"{123456 * 1000 + n}\n"
        begin = time.perf_counter()
        self.engine.run_cells([cell.id])
        while True:
            self.changed.clear()
            outputs = cell.outputs
            if outputs and outputs[0].get("text") == expected:
                return time.perf_counter() - begin
            await asyncio.wait_for(self.changed.wait(), 30)


async def _session(path: Path, **options: Any) -> tuple[SessionClient, SessionFiles]:
    starting = start_host(path, kernel="python3", **options)
    client = SessionClient(load(path), connect=lambda f: attach_frame(starting.wait_ready(), f))
    await client.start()
    return client, SessionFiles.for_notebook(path)


async def run_to_output(folder: Path, runs: int) -> None:
    here_nb = _notebook(folder / "here.ipynb", "1")
    engine: Engine = make_engine(here_nb, "python3", cwd=folder)
    here = Runner(engine, here_nb)
    await engine.start()
    _notebook(folder / "hosted.ipynb", "1")
    client, _files = await _session(folder / "hosted.ipynb")
    hosted = Runner(client, client.notebook)
    await asyncio.wait_for(hosted.started.wait(), 60)
    for n in range(5):  # warm both kernels
        await here.once(n)
        await hosted.once(n)
    times: dict[str, list[float]] = {"in process": [], "through the host": []}
    n = 10
    while len(times["through the host"]) < runs:
        for name, runner in (("in process", here), ("through the host", hosted)):
            for _ in range(min(BLOCK, runs)):
                n += 1
                times[name].append(await runner.once(n))
    for name, samples in times.items():
        print(f"run -> print output, {name:<17}: {_ms(samples[:runs])}")
    difference = statistics.median(times["through the host"]) - statistics.median(
        times["in process"]
    )
    print(f"  the host adds (difference of medians): {difference * 1000:.1f} ms")
    await engine.shutdown()
    await client.end("discard")


async def attach_times(folder: Path, runs: int) -> None:
    notebooks = folder / "nb"
    await asyncio.to_thread(
        subprocess.run,
        [sys.executable, str(TOOLS / "make_notebooks.py"), str(notebooks)],
        check=True,
        capture_output=True,
    )
    for name in ("small.ipynb", "large.ipynb"):
        path = notebooks / name
        client, files = await _session(path)
        await client.detach()
        loads, attaches = [], []
        for _ in range(runs):
            begin = time.perf_counter()
            load(path)
            loads.append(time.perf_counter() - begin)
            begin = time.perf_counter()
            attachment = await asyncio.to_thread(attach, files)
            assert attachment.notebook is not None
            attached = SessionClient(attachment.notebook, attachment)
            attaches.append(time.perf_counter() - begin)
            await attached.start()
            await attached.detach()
        print(f"attach, {name:<12} {_ms(attaches)}")
        print(f"  (reading the file in process: {_ms(loads)})")
        again = attach(files)
        final = SessionClient(again.notebook or Notebook.new(), again)
        await final.start()
        await final.end("discard")


async def flood(folder: Path) -> None:
    path = _notebook(folder / "flood.ipynb", "for i in range(200_000):\n    print(i)\n").path
    assert path is not None
    client, files = await _session(path)
    info = SessionInfo.read(files)
    assert info is not None
    client.run_cells(["c0"])
    await client.detach()
    begin = time.perf_counter()

    def done() -> bool:
        status = query(files)
        return not status["running"] and not status["queued"] and status["dirty"]

    await _until(done, "the flood to end")
    ran = time.perf_counter() - begin
    begin = time.perf_counter()
    attachment = await asyncio.to_thread(attach, files)
    assert attachment.notebook is not None
    back = SessionClient(attachment.notebook, attachment)
    text = back.notebook.cells[0].outputs[0]["text"]
    attached = time.perf_counter() - begin
    assert text == "".join(f"{i}\n" for i in range(200_000)), "lines are missing"
    print(f"flood of 200,000 lines while detached: ran {ran:.2f} s", end="; ")
    print(f"attach with all of it {attached * 1000:.0f} ms")
    peak, now = _proc(info.pid, "VmHWM") / 1024, _proc(info.pid, "VmRSS") / 1024
    print(f"  host memory: peak {peak:.0f} MB, now {now:.0f} MB")
    await back.start()
    await back.end("discard")


async def idle(folder: Path, seconds: float) -> None:
    path = _notebook(folder / "idle.ipynb", "x = 1").path
    assert path is not None
    client, files = await _session(path)
    client.run_cells(["c0"])
    await _until(lambda: bool(client.notebook.cells[0].execution_count), "the cell to run")
    await client.save()
    await client.detach()
    info = SessionInfo.read(files)
    assert info is not None
    await asyncio.sleep(QUIET_AFTER + 0.5)  # the kernel is still pinged this long after its
    before = _cpu_seconds(info.pid)  # last message (the cell, the save): then it is idle
    await asyncio.sleep(seconds)  # a measurement period, not a wait for something
    used = _cpu_seconds(info.pid) - before
    rss, peak = _proc(info.pid, "VmRSS") / 1024, _proc(info.pid, "VmHWM") / 1024
    print(
        f"idle host (detached, kernel idle): CPU {used * 1000:.0f} ms over {seconds:g} s", end="; "
    )
    print(f"RSS {rss:.0f} MB (peak {peak:.0f} MB)")
    back = attach(files)
    final = SessionClient(back.notebook or Notebook.new(), back)
    await final.start()
    await final.end("discard")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--no-screen", action="store_true", help="skip the screen figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tsb-", dir="/tmp") as scratch:
        folder = Path(scratch)
        os.environ["TUINB_RUNTIME_DIR"] = str(folder / "rt")
        os.environ["TUINB_DATA_DIR"] = str(folder / "data")
        await run_to_output(folder, args.runs)
        await attach_times(folder, args.runs)
        await flood(folder)
        await idle(folder, 1.0 if args.runs == 1 else args.idle_seconds)
    if not args.no_screen:
        import bench_session_screen  # beside this script

        await asyncio.to_thread(bench_session_screen.run_all, args.runs)


if __name__ == "__main__":
    asyncio.run(main())
