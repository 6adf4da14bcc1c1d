"""Session figures on the real screen: the installed `tuinb` in tmux, through tui_probe.

Run: `.venv/bin/python benchmarks/bench_session_screen.py [--runs 10]` (`--runs 1`: a
smoke run), or as part of `benchmarks/bench_session.py`.

Each figure is measured in one run against the single-process editor
(``--no-detach``), with fresh data, config and session folders per probe:

1. Key to output: `j ctrl+j` on a warm kernel until the cell's printed number is
   on screen, five times per probe, in alternating probes of the editor with a
   session host and without (`tuinb --no-detach`); the difference of the
   medians is what the host adds.
2. Attach to a screen with all outputs: `tuinb attach NOTEBOOK` until the status
   bar is on screen (the first frame, drawn with the notebook the host sent,
   outputs included), for small.ipynb (its cells run first, so it has outputs)
   and large.ipynb (1,000 cells with stored outputs); beside it, opening a copy
   of the same file without a session (`tuinb --no-detach`).
3. A 200,000-line flood printed while nobody is attached: `tuinb attach` until
   the last line is on screen; the host's peak memory.

tui_probe times a phase from the last key it sent (or from start) until its
marker is on screen, polling every `--poll-ms` (a figure reads up to that much
late). The screens of each probe are kept beside its notebook.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench_exec import POLL_MS, PROBE, step_ms, write_kernelspec, write_notebook  # beside it

BASE = 111111110
WARM_CELLS = [f"print({BASE} + {k})" for k in range(6)]
"""Cell k prints BASE + k, a number that is not in any source (a marker)."""


def tuinb_command() -> str:
    """The installed `tuinb` beside this interpreter."""
    found = Path(sys.executable).parent / "tuinb"
    return str(found) if found.exists() else shutil.which("tuinb") or "tuinb"


def private_env(run: Path, jupyter: Path) -> dict[str, str]:
    """Fresh folders for one probe (no recovery question, no other session in the way)."""
    run.mkdir(parents=True, exist_ok=True)
    short = Path(tempfile.mkdtemp(prefix="s", dir=SHORT))
    return {
        "TUINB_DATA_DIR": str(run / "data"),
        "TUINB_CONFIG_FILE": str(run / "config.toml"),
        "TUINB_RUNTIME_DIR": str(short / "rt"),
        "JUPYTER_RUNTIME_DIR": str(run / "runtime"),
        "JUPYTER_PATH": str(jupyter),
        "TEXTUAL_ANIMATIONS": "none",
    }


@contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """This process with `env` set (for hosts it starts and sessions it stops)."""
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def stop_sessions(env: dict[str, str]) -> None:
    """End every session of a probe's runtime folder (a killed editor leaves its host)."""
    from tuinb.session.commands import stop_all

    with environment(env):
        stop_all()


def probe(
    run: Path,
    env: dict[str, str],
    command: list[str],
    marker: str,
    steps: list[tuple[str, str]] = (),  # type: ignore[assignment]
    *,
    timeout: float = 60,
) -> dict[str, Any]:
    """One tui_probe run of `command`; its JSON record."""
    out = run / "result.jsonl"
    argv = [sys.executable, str(PROBE), "--runs", "1", "--marker", marker, "--json", str(out)]
    argv += ["--timeout", str(timeout), "--cwd", str(run), "--poll-ms", str(poll_ms())]
    for key, value in env.items():
        argv += ["--env", f"{key}={value}"]
    for keys, step_marker in steps:
        argv += ["--step", keys, step_marker]
    argv += ["--screens", str(run / "screen"), "--", *command]
    subprocess.run(argv, check=False, capture_output=True, text=True, timeout=600)
    record: dict[str, Any] = json.loads(out.read_text().splitlines()[-1])
    first = record["runs"][0]
    if not first["ok"]:
        final = run / "screen.run1.final.txt"
        shown = final.read_text() if final.exists() else "(no screen)"
        print(f"probe failed: {first.get('error')}\n{shown.rstrip()}", file=sys.stderr)
    return record


def summary(values: list[float]) -> str:
    """median / min / max of milliseconds."""
    if not values:
        return "no samples"
    ordered = sorted(values)
    median = statistics.median(ordered)
    return f"median {median:.1f} ms, min {ordered[0]:.1f}, max {ordered[-1]:.1f} (n={len(ordered)})"


# ---- 1. key to output ---------------------------------------------------------------


def key_to_output(work: Path, jupyter: Path, runs: int) -> None:
    """`j ctrl+j` to the printed number, with and without a session host."""
    steps = [("C-j", str(BASE))] + [("j C-j", str(BASE + k)) for k in range(1, len(WARM_CELLS))]
    samples: dict[str, list[float]] = {"single process": [], "session host": []}
    for number in range(runs):
        for mode, extra in (("single process", ["--no-detach"]), ("session host", [])):
            run = work / f"keys-{number}-{mode.split()[0]}"
            env = private_env(run, jupyter)
            notebook = run / "keys.ipynb"
            write_notebook(notebook, WARM_CELLS)
            try:
                record = probe(run, env, [tuinb_command(), str(notebook), *extra], "(idle)", steps)
            finally:
                stop_sessions(env)
            names = [event["name"] for event in record["runs"][0]["events"]]
            for name in names[2:]:  # the load, then the first (cold) run, are not counted
                value = step_ms(record, name)
                if value is not None:
                    samples[mode].append(value)
    for mode, values in samples.items():
        print(f"key -> print output on screen, {mode:<14}: {summary(values)}")
    if all(samples.values()):
        difference = statistics.median(samples["session host"]) - statistics.median(
            samples["single process"]
        )
        print(f"  the host adds (difference of medians): {difference:.1f} ms")


# ---- 2. attach to a screen with all outputs ----------------------------------------


async def _hosted(path: Path, *, run_all: bool) -> None:
    """Start a host for `path`, run its cells (and save) if asked, and detach (the host
    goes on)."""
    from tuinb.engine import CellFinished
    from tuinb.model import load
    from tuinb.session.client import SessionClient
    from tuinb.session.launch import attach_frame, start_host

    starting = start_host(path, kernel="python3")
    client = SessionClient(load(path), connect=lambda f: attach_frame(starting.wait_ready(), f))
    await client.start()
    if run_all:
        ids = [cell.id for cell in client.notebook.cells if cell.cell_type == "code"]
        client.run_cells(ids)
        finished = 0
        async with asyncio.timeout(120):
            async for event in client.events():
                if isinstance(event, CellFinished):
                    finished += 1
                    if finished == len(ids):
                        break
        await client.save()  # the copy opened without a session gets the same outputs
    await client.detach()


def attach_screen(work: Path, jupyter: Path, notebooks: Path, runs: int) -> None:
    """`tuinb attach` until the screen is drawn, against opening the file in one process."""
    for name, cells, run_all in (("small.ipynb", 5, True), ("large.ipynb", 1000, False)):
        run = work / f"attach-{name.split('.')[0]}"
        env = private_env(run, jupyter)
        path = run / name
        shutil.copy(notebooks / name, path)
        alone = run / f"alone-{name}"
        marker = f"cell 1/{cells}"
        attached: list[float] = []
        opened: list[float] = []
        try:
            with environment(env):
                asyncio.run(_hosted(path, run_all=run_all))
            shutil.copy(path, alone)  # the same cells and outputs, opened without a session
            for number in range(runs):
                for label, command, samples in (
                    ("attach", [tuinb_command(), "attach", str(path)], attached),
                    ("alone", [tuinb_command(), str(alone), "--no-detach"], opened),
                ):
                    probe_run = run / f"{label}-{number}"
                    probe_run.mkdir()
                    record = probe(probe_run, env, command, marker)
                    value = step_ms(record, "load")
                    if value is not None:
                        samples.append(value)
        finally:
            stop_sessions(env)
        print(f"attach to the screen with its outputs, {name:<12}: {summary(attached)}")
        print(f"  (opening the file without a session: {summary(opened)})")


# ---- 3. a flood while detached ------------------------------------------------------


async def _flood(path: Path) -> int:
    """Run the flood in a new host, detach at once, wait for its end; the host's pid."""
    from tuinb.model import load
    from tuinb.session.client import SessionClient
    from tuinb.session.launch import attach_frame, query, start_host
    from tuinb.session.places import SessionFiles, SessionInfo

    starting = start_host(path, kernel="python3")
    client = SessionClient(load(path), connect=lambda f: attach_frame(starting.wait_ready(), f))
    await client.start()
    client.run_cells(["c0"])
    await client.detach()
    files = SessionFiles.for_notebook(path)
    info = SessionInfo.read(files)
    assert info is not None
    async with asyncio.timeout(300):
        while True:
            status = await asyncio.to_thread(query, files)
            if status["dirty"] and not status["running"] and not status["queued"]:
                return info.pid
            await asyncio.sleep(0.2)  # the host's state, looked at now and then


def flood_screen(work: Path, jupyter: Path) -> None:
    """200,000 lines made while detached, then `tuinb attach` until the last is on screen."""
    run = work / "flood"
    env = private_env(run, jupyter)
    path = run / "flood.ipynb"
    write_notebook(path, ["for i in range(200_000):\n    print(i)"])
    try:
        with environment(env):
            pid = asyncio.run(_flood(path))
        record = probe(run, env, [tuinb_command(), "attach", str(path)], "199999", timeout=120)
        shown = step_ms(record, "load")
        peak = _vm(pid, "VmHWM")
    finally:
        stop_sessions(env)
    print(f"attach after a 200,000-line flood made while detached, last line on screen: "
          f"{shown if shown is None else f'{shown:.0f} ms'}; host peak {peak:.0f} MB")  # fmt: skip


def _vm(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def make_notebooks(folder: Path) -> None:
    """small.ipynb and large.ipynb from make_notebooks.py."""
    tool = PROBE.parent / "make_notebooks.py"
    subprocess.run([sys.executable, str(tool), str(folder)], check=True, capture_output=True)


def run_all(runs: int) -> None:
    """Every screen figure, in fresh folders."""
    global SHORT
    with (
        tempfile.TemporaryDirectory(prefix="tbss-") as scratch,
        tempfile.TemporaryDirectory(prefix="tbs-", dir="/tmp") as short,
    ):
        SHORT = Path(short)
        work = Path(scratch)
        jupyter = work / "jupyter"
        write_kernelspec(jupyter)
        notebooks = work / "nb"
        make_notebooks(notebooks)
        key_to_output(work, jupyter, runs)
        attach_screen(work, jupyter, notebooks, runs)
        flood_screen(work, jupyter)


def poll_ms() -> float:
    """tui_probe's screen polling period: `--poll-ms`, else bench_exec's."""
    return float(os.environ.get("BENCH_POLL_MS", POLL_MS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--poll-ms", type=float, default=POLL_MS, help="tui_probe's screen polling period"
    )
    args = parser.parse_args()
    os.environ["BENCH_POLL_MS"] = str(args.poll_ms)
    run_all(args.runs)


if __name__ == "__main__":
    main()
