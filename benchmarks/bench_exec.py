"""Running cells in the editor: key to output on screen, a key at first paint, a flood.

Drives the installed `tuinb` in tmux through `/work/shared/tools/tui_probe.py`
(one fresh notebook and private data folders per run, so no recovery question
gets in the way), and measures the raw protocol round trip in the same run:

- warm: `ctrl+j` on a cell printing a number, on a kernel that already ran one
  cell, until the number is on screen; against our KernelManager's round trip
  (execute_request to the stream message) on a warm kernel;
- first paint: `ctrl+j` sent the moment the status bar appears (the kernel is
  still starting); is the result ever lost, and how long until it shows;
- flood: a cell printing 200,000 lines; while it streams, `j`/`k` until the
  status bar's cell number changes (key-to-screen p50/p95); the flood's end;
  peak RSS of the tuinb process and of the kernel.

    .venv/bin/python benchmarks/bench_exec.py [--runs 5] [--tuinb PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROBE = Path("/work/shared/tools/tui_probe.py")
WARM_CELLS = ["print(111111111 + 12345678)", "print(900000000 + 87654321)"]
FLOOD_CELLS = ["for i in range(200000):\n    print(i)", "x = 1"]
FLOOD_KEYS = 10


def write_notebook(path: Path, sources: list[str]) -> None:
    """A notebook of code cells on the `python3` kernel."""
    cells: list[dict[str, Any]] = [
        {
            "cell_type": "code",
            "id": f"c{i}",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": source,
        }
        for i, source in enumerate(sources)
    ]
    spec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": spec},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")


def write_kernelspec(root: Path) -> None:
    """`python3` for this interpreter's ipykernel under `root/kernels`."""
    folder = root / "kernels" / "python3"
    folder.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": "Python 3", "language": "python"}
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")


def probe(
    tuinb: str, work: Path, sources: list[str], marker: str, steps: list[tuple[str, str]], **kw: Any
) -> dict[str, Any]:
    """One tui_probe run in fresh folders; returns its JSON record."""
    run = Path(tempfile.mkdtemp(dir=work))
    notebook = run / "bench.ipynb"
    write_notebook(notebook, sources)
    out = run / "result.jsonl"
    env = {
        "TUINB_DATA_DIR": str(run / "data"),
        "TUINB_CONFIG_FILE": str(run / "config.toml"),
        "JUPYTER_RUNTIME_DIR": str(run / "runtime"),
        "JUPYTER_PATH": str(work / "jupyter"),
        "TEXTUAL_ANIMATIONS": "none",
    }
    argv = [sys.executable, str(PROBE), "--runs", "1", "--marker", marker, "--json", str(out)]
    argv += ["--timeout", str(kw.get("timeout", 60)), "--cwd", str(run)]
    for key, value in env.items():
        argv += ["--env", f"{key}={value}"]
    for keys, step_marker in steps:
        argv += ["--step", keys, step_marker]
    if "linger_ms" in kw:
        argv += ["--linger-ms", str(kw["linger_ms"])]
    argv += ["--screens", str(run / "screen"), "--", tuinb, str(notebook)]
    subprocess.run(argv, check=False, capture_output=True, text=True, timeout=300)
    record: dict[str, Any] = json.loads(out.read_text().splitlines()[-1])
    if not record["runs"][0]["ok"]:
        final = run / "screen.run1.final.txt"
        shown = final.read_text() if final.exists() else "(no screen)"
        print(f"run failed: {record['runs'][0].get('error')}\n{shown.rstrip()}", file=sys.stderr)
    return record


def step_ms(record: dict[str, Any], name: str) -> float | None:
    """Milliseconds of one phase of the (single) run, None if its marker never came."""
    for event in record["runs"][0]["events"]:
        if event["name"] == name:
            value = event["ms"]
            return float(value) if value is not None else None
    return None


async def raw_round_trip(repeat: int) -> list[float]:
    """execute_request to the stream output with our kernel layer, warm kernel (ms)."""
    from tuinb.kernel import KernelManager, get_kernel_spec

    manager = KernelManager(get_kernel_spec("python3"))
    client = await manager.start()
    times: list[float] = []
    try:
        for attempt in range(repeat + 1):
            started = time.perf_counter()
            msg_id = await client.execute("print(123456789)")
            async for message in client.messages():
                if message.parent_id == msg_id and message.msg_type == "stream":
                    break
            if attempt:  # the first one warms the kernel
                times.append((time.perf_counter() - started) * 1000)
            async for message in client.messages():
                done = getattr(message.content, "execution_state", None) == "idle"
                if message.parent_id == msg_id and done:
                    break
    finally:
        await manager.shutdown()
    return times


def summary(values: list[float]) -> str:
    if not values:
        return "no successful runs"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(values):.0f} ms, min {ordered[0]:.0f}, "
        f"p95 {p95:.0f}, max {ordered[-1]:.0f} (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tuinb", default=str(Path(sys.executable).parent / "tuinb"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-exec-") as tmp:
        work = Path(tmp)
        write_kernelspec(work / "jupyter")
        os.environ["JUPYTER_PATH"] = str(work / "jupyter")
        os.environ["JUPYTER_RUNTIME_DIR"] = str(work / "raw-runtime")
        raw = asyncio.run(raw_round_trip(20 * args.runs))

        warm: list[float] = []
        cold: list[float] = []
        first_paint: list[float] = []
        lost = 0
        flood_keys: list[float] = []
        flood_end: list[float] = []
        tuinb_rss: list[float] = []
        kernel_rss: list[float] = []
        for _ in range(args.runs):
            record = probe(
                args.tuinb,
                work,
                WARM_CELLS,
                "(idle)",
                [("C-j", "123456789"), ("j C-j", "987654321")],
            )
            for name, into in (("step1", cold), ("step2", warm)):
                value = step_ms(record, name)
                if value is not None:
                    into.append(value)

            record = probe(args.tuinb, work, WARM_CELLS, "bench.ipynb", [("C-j", "123456789")])
            value = step_ms(record, "step1")
            if value is None:
                lost += 1
            else:
                first_paint.append(value)

            steps = [("C-j", "(busy)")]
            steps += [
                ("j", "cell 2/2") if n % 2 == 0 else ("k", "cell 1/2") for n in range(FLOOD_KEYS)
            ]
            steps.append(("", "[1]:"))
            record = probe(
                args.tuinb, work, FLOOD_CELLS, "(idle)", steps, timeout=120, linger_ms=500
            )
            for n in range(FLOOD_KEYS):
                value = step_ms(record, f"step{n + 2}")
                if value is not None:
                    flood_keys.append(value)
            end = [step_ms(record, f"step{n}") for n in range(2, FLOOD_KEYS + 3)]
            if all(v is not None for v in end):
                flood_end.append(sum(v for v in end if v is not None))
            for proc in record["runs"][0].get("procs", []):
                into = kernel_rss if "ipykernel" in proc["cmd"] else tuinb_rss
                into.append(float(proc["hwm_mb"]))

    print(f"raw round trip (our kernel layer, warm): {summary(raw)}")
    print(f"key -> output, first cell:               {summary(cold)}")
    print(f"key -> output, warm kernel:              {summary(warm)}")
    print(
        f"key at first paint -> output:            {summary(first_paint)}; lost {lost}/{args.runs}"
    )
    print(f"key -> screen during a 200,000-line flood: {summary(flood_keys)}")
    print(f"flood start -> finished on screen:       {summary(flood_end)}")
    if tuinb_rss:
        print(f"peak RSS after the flood: tuinb {max(tuinb_rss):.0f} MB", end="")
        print(f", kernel {max(kernel_rss):.0f} MB" if kernel_rss else "")


if __name__ == "__main__":
    main()
