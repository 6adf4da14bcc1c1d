"""Running cells in the editor: key to output on screen, a key at first paint, a flood.

Drives the installed `tuinb` in tmux through `/work/shared/tools/tui_probe.py`
(one fresh notebook and private data folders per run, so no recovery question
gets in the way), and measures the raw protocol round trip in the same run:

- warm: `ctrl+j` on a cell printing a number, on a kernel that already ran one
  cell, until the number is on screen; against our KernelManager's round trip
  (execute_request to the stream message) on a warm kernel;
- first paint: `ctrl+j` sent the moment the status bar appears (the kernel is
  still starting); is the result ever lost, and how long until it shows; and
  how long after the kernel became ready: a small import hook (`HOOK`, put on
  the tuinb process's PYTHONPATH as `sitecustomize`) notes on CLOCK_MONOTONIC
  when the bridge receives `KernelStarted`, when the execute_request is sent,
  when the first stream message arrives and when a frame holding the result is
  flushed to the terminal. tmux and tui_probe's 10 ms polling add to that
  what the warm run shows: its screen time minus the same hook's key read to
  frame written. Compared with the raw protocol: the first execute on a fresh
  kernel, from our KernelManager's start() returning;
- flood: a cell printing 200,000 lines; while it streams, `j`/`k` until the
  status bar's cell number changes (key-to-screen p50/p95); the flood's end;
  peak RSS of the tuinb process and of the kernel.

    .venv/bin/python benchmarks/bench_exec.py [--runs 5] [--tuinb PATH] [--poll-ms 10]

With the default 10 ms polls a screen time is read on a ~10.5 ms grid (a
result on screen 12 to 20 ms after the key reads as ~21 ms); `--poll-ms 2`
reads it finer, at the cost of more tmux work on the machine.
To time a given commit rather than the work tree: `git archive COMMIT tuinb |
tar -x -C DIR` and run with `PYTHONPATH=DIR`.
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
RESULT = "123456789"
POLL_MS = 10
"""tui_probe's screen polling period (`--poll-ms`); a time on screen reads up to this much late."""

HOOK = '''"""bench_exec's probe inside tuinb (written by benchmarks/bench_exec.py).

Notes the first time of a few moments on CLOCK_MONOTONIC in $TUINB_BENCH_TRACE,
patching modules as they are imported so start-up is not changed.
"""
import os
import sys
import time

PATH = os.environ.get("TUINB_BENCH_TRACE")
MARKER = os.environ.get("TUINB_BENCH_MARKER", "")
SEEN = set()


def note(name):
    if name not in SEEN:
        SEEN.add(name)
        with open(PATH, "a") as out:
            out.write(f"{name} {time.monotonic():.6f}\\n")


def writer_thread(module):
    class File:
        def __init__(self, file):
            self.file = file
            self.hit = False

        def write(self, text):
            self.hit = self.hit or MARKER in text
            return self.file.write(text)

        def flush(self):
            self.file.flush()
            if self.hit:
                note("output_written")

        def __getattr__(self, name):
            return getattr(self.file, name)

    init = module.WriterThread.__init__

    def __init__(self, file):
        init(self, File(file))

    module.WriterThread.__init__ = __init__


def linux_driver(module):
    from textual import events

    process = module.LinuxDriver.process_message

    def process_message(self, message):
        if isinstance(message, events.Key) and message.key == "ctrl+j":
            note("key_read")
        return process(self, message)

    module.LinuxDriver.process_message = process_message


def bridge(module):
    to_message = module.to_message

    def traced(event):
        if type(event).__name__ == "KernelStarted":
            note("kernel_ready")
        return to_message(event)

    module.to_message = traced


def client(module):
    execute = module.KernelClient.execute
    deserialize = module.deserialize

    async def traced_execute(self, *args, **kwargs):
        result = await execute(self, *args, **kwargs)
        note("execute_sent")
        return result

    def traced_deserialize(*args, **kwargs):
        message = deserialize(*args, **kwargs)
        stream = message is not None and message.header.get("msg_type") == "stream"
        if stream and "execute_sent" in SEEN:
            note("first_stream")
        return message

    module.KernelClient.execute = traced_execute
    module.deserialize = traced_deserialize


PATCHES = {
    "textual.drivers._writer_thread": writer_thread,
    "textual.drivers.linux_driver": linux_driver,
    "tuinb.ui.screen.bridge": bridge,
    "tuinb.kernel.client": client,
}


class Finder:
    def find_spec(self, name, path=None, target=None):
        if name not in PATCHES:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        exec_module = spec.loader.exec_module

        def patched(module):
            exec_module(module)
            PATCHES[name](module)

        spec.loader.exec_module = patched
        return spec


ARGV = getattr(sys, "orig_argv", sys.argv)
if PATH and any(os.path.basename(arg) == "tuinb" for arg in ARGV[:2]):
    sys.meta_path.insert(0, Finder())
'''


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
    """One tui_probe run in fresh folders; returns its JSON record.

    `moments=True`: run tuinb with `HOOK` and add its notes as `record["moments"]`.
    """
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
    moments = run / "moments.txt"
    if kw.get("moments"):
        hook = work / "hook"
        hook.mkdir(exist_ok=True)
        (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
        path = os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))
        env |= {
            "PYTHONPATH": path,
            "TUINB_BENCH_TRACE": str(moments),
            "TUINB_BENCH_MARKER": RESULT,
        }
    argv = [sys.executable, str(PROBE), "--runs", "1", "--marker", marker, "--json", str(out)]
    argv += ["--timeout", str(kw.get("timeout", 60)), "--cwd", str(run), "--quiet-cpu", "50"]
    for key, value in env.items():
        argv += ["--env", f"{key}={value}"]
    for keys, step_marker in steps:
        argv += ["--step", keys, step_marker]
    argv += ["--poll-ms", str(POLL_MS)]
    if "linger_ms" in kw:
        argv += ["--linger-ms", str(kw["linger_ms"])]
    argv += ["--screens", str(run / "screen"), "--", tuinb, str(notebook)]
    subprocess.run(argv, check=False, capture_output=True, text=True, timeout=300)
    record: dict[str, Any] = json.loads(out.read_text().splitlines()[-1])
    if moments.exists():
        lines = (line.split() for line in moments.read_text().splitlines())
        record["moments"] = {name: float(value) for name, value in lines}
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


async def raw_first_execute() -> float:
    """A fresh kernel's first execute with our kernel layer: start() returned to the stream (ms)."""
    from tuinb.kernel import KernelManager, get_kernel_spec

    manager = KernelManager(get_kernel_spec("python3"))
    client = await manager.start()
    try:
        started = time.perf_counter()
        msg_id = await client.execute(f"print({RESULT})")
        async for message in client.messages():
            if message.parent_id == msg_id and message.msg_type == "stream":
                break
        return (time.perf_counter() - started) * 1000
    finally:
        await manager.shutdown()


def between(record: dict[str, Any], start: str) -> dict[str, float]:
    """Milliseconds from the moment `start` (noted in tuinb by `HOOK`) to the later ones."""
    moments = record.get("moments", {})
    origin = moments.get(start)
    if origin is None:
        return {}
    return {
        name: (moments[name] - origin) * 1000
        for name in ("execute_sent", "first_stream", "output_written")
        if name in moments
    }


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
    parser.add_argument(
        "--poll-ms", type=int, default=POLL_MS, help="tui_probe's screen polling period"
    )
    args = parser.parse_args()
    globals()["POLL_MS"] = args.poll_ms
    with tempfile.TemporaryDirectory(prefix="bench-exec-") as tmp:
        work = Path(tmp)
        write_kernelspec(work / "jupyter")
        os.environ["JUPYTER_PATH"] = str(work / "jupyter")
        os.environ["JUPYTER_RUNTIME_DIR"] = str(work / "raw-runtime")
        raw = asyncio.run(raw_round_trip(20 * args.runs))
        raw_first = [asyncio.run(raw_first_execute()) for _ in range(args.runs)]

        warm: list[float] = []
        cold: list[float] = []
        first_paint: list[float] = []
        lost = 0
        ready: dict[str, list[float]] = {}
        cold_inside: list[float] = []
        terminal: list[float] = []
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
                [("C-j", RESULT), ("j C-j", "987654321")],
                moments=True,
            )
            for name, into in (("step1", cold), ("step2", warm)):
                value = step_ms(record, name)
                if value is not None:
                    into.append(value)
            inside = between(record, "key_read").get("output_written")
            screen = step_ms(record, "step1")
            if inside is not None and screen is not None:
                cold_inside.append(inside)
                terminal.append(screen - inside)

            record = probe(
                args.tuinb, work, WARM_CELLS, "bench.ipynb", [("C-j", RESULT)], moments=True
            )
            value = step_ms(record, "step1")
            if value is None:
                lost += 1
            else:
                first_paint.append(value)
            for name, ms in between(record, "kernel_ready").items():
                ready.setdefault(name, []).append(ms)

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
    print(f"  in the program (key read -> frame written): {summary(cold_inside)}")
    print(f"  tmux and 10 ms polls (screen - program):    {summary(terminal)}")
    print(f"key -> output, warm kernel:              {summary(warm)}")
    print(
        f"key at first paint -> output:            {summary(first_paint)}; lost {lost}/{args.runs}"
    )
    print("  in the program, from the kernel being ready (KernelStarted reaching the UI) to:")
    for name, label in (
        ("execute_sent", "execute_request sent"),
        ("first_stream", "first stream message in"),
        ("output_written", "result frame written to the terminal"),
    ):
        print(f"    {label + ':':40}{summary(ready.get(name, []))}")
    print(f"raw first execute on a fresh kernel:     {summary(raw_first)}")
    print(f"key -> screen during a 200,000-line flood: {summary(flood_keys)}")
    print(f"flood start -> finished on screen:       {summary(flood_end)}")
    if tuinb_rss:
        print(f"peak RSS after the flood: tuinb {max(tuinb_rss):.0f} MB", end="")
        print(f", kernel {max(kernel_rss):.0f} MB" if kernel_rss else "")


if __name__ == "__main__":
    main()
