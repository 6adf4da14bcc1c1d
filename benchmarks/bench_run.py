"""`tuinb run` vs nbclient on the same 100-cell notebook, wall time, in the same run.

Both run as fresh subprocesses (as a user would run them), alternating, so
start-up and kernel launch are included: `tuinb run NB -o OUT` against
`python -c "nbclient.NotebookClient(nb).execute()"` (what `jupyter execute`
does). Prints the median and min of REPEAT runs each, and the ratio.

    .venv/bin/python benchmarks/bench_run.py [--cells 100] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NBCLIENT = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, kernel_name="python3").execute()
nbformat.write(nb, sys.argv[2])
"""


def make_notebook(path: Path, cells: int) -> None:
    """Code cells of the usual kinds: assignments, prints, results, a display, loops."""
    sources = []
    for i in range(cells):
        kind = i % 5
        if kind == 0:
            sources.append(f"x{i} = {i} * 2")
        elif kind == 1:
            sources.append(f"print('cell {i}', x{i - 1})")
        elif kind == 2:
            sources.append(f"x{i - 2} + {i}")
        elif kind == 3:
            sources.append(f"from IPython.display import HTML\nHTML('<b>{i}</b>')")
        else:
            sources.append(f"total = 0\nfor k in range(1000):\n    total += k * {i}\ntotal")
    document = {
        "cells": [
            {
                "cell_type": "code",
                "id": f"c{i}",
                "metadata": {},
                "source": source,
                "outputs": [],
                "execution_count": None,
            }
            for i, source in enumerate(sources)
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def bytecode_env(cache: Path) -> dict[str, str]:
    """The environment for both commands: .pyc files written (once, by the warm-up) to `cache`.

    An installed tuinb has its .pyc files, as nbclient in site-packages has;
    with PYTHONDONTWRITEBYTECODE set (as in some CI and sandbox shells) an
    editable tuinb would be compiled from source on every run, which is not
    what a user waits for.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def timed(argv: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=env)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tuinb = str(Path(sys.executable).parent / "tuinb")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "bench.ipynb"
        make_notebook(source, args.cells)
        out_t, out_n = Path(tmp) / "t.ipynb", Path(tmp) / "n.ipynb"
        env = bytecode_env(Path(tmp) / "pycache")
        run_t = [tuinb, "run", str(source), "-o", str(out_t)]
        run_n = [sys.executable, "-c", NBCLIENT, str(source), str(out_n)]
        ours: list[float] = []
        theirs: list[float] = []
        # one warm-up each (page cache, .pyc files), not counted
        timed(run_t, env)
        timed(run_n, env)
        for _ in range(args.repeat):
            ours.append(timed(run_t, env))
            theirs.append(timed(run_n, env))
        saved = json.loads(out_t.read_text())
        assert all(c["execution_count"] for c in saved["cells"]), "tuinb run left cells unrun"
    med_t, med_n = statistics.median(ours), statistics.median(theirs)
    print(f"{args.cells}-cell notebook, {args.repeat} runs each, wall time in seconds")
    print(f"{'':10} {'median':>8} {'min':>8}")
    print(f"{'tuinb run':10} {med_t:8.2f} {min(ours):8.2f}")
    print(f"{'nbclient':10} {med_n:8.2f} {min(theirs):8.2f}")
    print(f"ratio tuinb/nbclient (median): {med_t / med_n:.2f}x")
    pairs = sorted(t / n for t, n in zip(ours, theirs, strict=True))
    print(
        f"ratio of each back-to-back pair: median {statistics.median(pairs):.2f}x,"
        f" range {pairs[0]:.2f}-{pairs[-1]:.2f}x"
    )


if __name__ == "__main__":
    main()
