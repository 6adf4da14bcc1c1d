"""Stress test: does any cell after a failing cell run under `tuinb run`? (not a timed test)

Issue 9's reproduction: a notebook whose first cell raises and whose later
cells each create a marker file, run RUNS times with `tuinb run NB -o OUT`
while BURNERS processes (`while 1: pass`) keep every core busy. A run is
counted as bad when any marker file appears (a cell after the error ran), and
as misreported when the saved file does not show a cell whose marker exists
(its outputs or count missing) or shows one that did not run. Expected: 0 bad,
0 misreported.

    .venv/bin/python benchmarks/stress_stop_on_error.py [--runs 100] [--cells 20]
        [--burners 2] [--sleep-before-raise] [--timeout 120]

Bounded: each run has a timeout, and the burners are stopped (and waited for)
however the script ends.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def make_notebook(path: Path, marks: Path, cells: int, *, sleep_first: bool) -> None:
    """Cell 1 raises; cells 2..N each create `marks/ran_N`."""
    first = "import time; time.sleep(0.001)\n" if sleep_first else ""
    sources = [first + "raise ValueError('x')"]
    sources += [f"open({str(marks / f'ran_{n}')!r}, 'w').close()" for n in range(2, cells + 1)]
    document = {
        "cells": [
            {
                "cell_type": "code",
                "id": f"c{n}",
                "metadata": {},
                "source": source,
                "outputs": [],
                "execution_count": None,
            }
            for n, source in enumerate(sources, start=1)
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


@contextlib.contextmanager
def burning(count: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` processes spinning a core each, stopped (and reaped) on the way out."""
    burners: list[subprocess.Popen[bytes]] = []
    try:
        burners.extend(
            subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(count)
        )
        yield burners
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait(timeout=10)


def misreported(saved: Path, ran: set[int], cells: int) -> list[int]:
    """Cells whose saved state disagrees with what ran (an executed cell has a count)."""
    try:
        document = json.loads(saved.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return list(range(1, cells + 1))
    wrong = []
    for number, cell in enumerate(document["cells"], start=1):
        executed = cell.get("execution_count") is not None
        if number == 1:
            executed = executed and any(o.get("output_type") == "error" for o in cell["outputs"])
            if not executed:
                wrong.append(number)
        elif executed != (number in ran):
            wrong.append(number)
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--cells", type=int, default=20)
    parser.add_argument("--burners", type=int, default=2)
    parser.add_argument("--sleep-before-raise", action="store_true")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per run")
    args = parser.parse_args()
    tuinb = str(Path(sys.executable).parent / "tuinb")
    bad = wrong = failed = 0
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tuinb-stress-") as tmp:
        folder = Path(tmp)
        marks = folder / "marks"
        marks.mkdir()
        source, saved = folder / "nb.ipynb", folder / "out.ipynb"
        make_notebook(source, marks, args.cells, sleep_first=args.sleep_before_raise)
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(folder / "runtime"))
        with burning(args.burners):
            for run in range(1, args.runs + 1):
                for mark in marks.iterdir():
                    mark.unlink()
                saved.unlink(missing_ok=True)
                try:
                    done = subprocess.run(
                        [tuinb, "run", str(source), "-o", str(saved)],
                        capture_output=True,
                        env=env,
                        timeout=args.timeout,
                    )
                except subprocess.TimeoutExpired:
                    failed += 1
                    print(f"run {run}: timed out after {args.timeout:g} s")
                    continue
                if done.returncode != 1:
                    failed += 1
                    print(f"run {run}: exit {done.returncode}: {done.stderr.decode()[-300:]}")
                    continue
                ran = {int(mark.name.split("_")[1]) for mark in marks.iterdir()}
                if ran:
                    bad += 1
                    print(f"run {run}: cells {sorted(ran)} ran after the error")
                disagree = misreported(saved, ran, args.cells)
                if disagree:
                    wrong += 1
                    print(f"run {run}: the saved file misreports cells {disagree}")
    took = time.monotonic() - began
    print(
        f"{args.runs} runs of a {args.cells}-cell notebook whose first cell raises,"
        f" {args.burners} CPU burners, {took:.0f} s:"
    )
    print(f"  a later cell ran:        {bad}")
    print(f"  saved file misreported:  {wrong}")
    print(f"  run failed or timed out: {failed}")


if __name__ == "__main__":
    main()
