"""A keystroke in the find bar at 1,000 cells: matches and highlight spans, in milliseconds.

Loads `large.ipynb` (1,000 cells, code cells with ~20-line stored outputs,
written by `/work/shared/tools/make_notebooks.py` into a temporary folder, or
given with `--notebook`), then types queries one character at a time. Each
keystroke is what the find bar does: `Finder.search()` over the whole
notebook, then the highlight spans of the cells on screen (`--visible`,
default 12, around the current match). Target: well under 50 ms.

    .venv/bin/python benchmarks/bench_find.py [--runs 5] [--notebook large.ipynb]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tuinb.model import Notebook, load
from tuinb.model.find import Finder, FindOptions

MAKE_NOTEBOOKS = Path("/work/shared/tools/make_notebooks.py")

CASES: list[tuple[str, str, FindOptions]] = [
    ("literal", "vals_123", FindOptions()),
    ("literal, case", "MARKER", FindOptions(case_sensitive=True)),
    ("whole word", "item two", FindOptions(whole_word=True)),
    ("regex", r"vals_\d+\[r", FindOptions(regex=True)),
    ("literal, outputs", "cell123 ", FindOptions(in_outputs=True)),
    ("regex, outputs", r"0\.0\d5", FindOptions(regex=True, in_outputs=True)),
]


def large_notebook(given: Path | None) -> Path:
    if given is not None:
        return given
    folder = Path(tempfile.mkdtemp(prefix="bench-find-"))
    subprocess.run([sys.executable, str(MAKE_NOTEBOOKS), str(folder)], check=True)
    return folder / "large.ipynb"


def keystroke(finder: Finder, query: str, options: FindOptions, visible: int) -> None:
    finder.search(query, options)
    hit = finder.current
    start = finder.notebook.index_of(hit.cell_id) if hit is not None else 0
    for cell in finder.notebook.cells[start : start + visible]:
        finder.line_spans(cell.id)


def measure(notebook: Notebook, runs: int, visible: int) -> None:
    print(f"{len(notebook.cells)} cells; one figure per keystroke (ms)")
    for name, query, options in CASES:
        times: list[float] = []
        counts = 0
        for _ in range(runs):
            finder = Finder(notebook)
            for end in range(1, len(query) + 1):
                began = time.perf_counter()
                keystroke(finder, query[:end], options, visible)
                times.append((time.perf_counter() - began) * 1000)
            counts = finder.count
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"{name:<18} median {statistics.median(times):6.2f}  p95 {p95:6.2f}  "
            f"max {times[-1]:6.2f}  (n={len(times)}, {counts} matches at the end)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--visible", type=int, default=12)
    parser.add_argument("--notebook", type=Path)
    args = parser.parse_args()
    notebook = load(large_notebook(args.notebook))
    measure(notebook, args.runs, args.visible)


if __name__ == "__main__":
    main()
