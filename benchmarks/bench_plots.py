"""A notebook of 50 stored plots in the editor: first screen, images drawn, `j` once drawn.

Run: `.venv/bin/python benchmarks/bench_plots.py [--runs 5] [--quiet-cpu 50]`
(smoke-test with `--runs 1`; figures come from a quiet machine).

The notebook (written by this script) has 50 code cells, each with a real
matplotlib PNG as `%matplotlib inline` stores it (6x4 in at 72 dpi, tight
bounding box: ~370x250 px, 15-25 KB). Every figure is taken by
``/work/shared/tools/tui_probe.py`` (120x40 tmux, see bench_editor.py):

- first screen: start until the first cell's source is on screen (the first
  frame: image placeholders of the right height, nothing decoded);
- first plot drawn: from the first screen until half blocks are on screen
  (tmux is the half-block path: plain tmux, no passthrough);
- `j` once drawn: every plot is drawn once first (`j` through the notebook,
  then a pause for the last images and `g g`), then `j` ten times, each timed
  until the status bar says ``cell n/50``; the median is the figure to hold to
  20 ms.

`--tuinb` names another installation (for instance main's) to compare the
first screen with: the target is "no slower than before images were drawn".
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import sys
import tempfile
from pathlib import Path

from bench_editor import QUIET_CPU, Program, busy, compile_bytecode, median, probe, step_median

from tuinb.model import Notebook, save

CELLS = 50
KEY_PRESSES = 10


def plot_png(seed: int) -> str:
    """One inline-backend figure (base64 PNG), a different curve per cell."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    import numpy as np

    rng = np.random.default_rng(seed)
    fig, ax = plt.subplots(figsize=(6, 4), dpi=72)
    x = np.linspace(0, 10, 200)
    for k in range(3):
        ax.plot(x, np.sin(x + k) + rng.normal(0, 0.1, x.size), label=f"run {k}")
    ax.set_title(f"plot {seed}")
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def write_plots(path: Path) -> Path:
    """The 50-plot notebook."""
    notebook = Notebook.new(kernelspec={"name": "python3", "display_name": "Python 3"})
    first = notebook.cells[0]
    notebook.set_source(first.id, "print('MARKER_FIRST')\nplt.plot(series[0])")
    for index in range(1, CELLS):
        notebook.insert_cell(index, "code", f"plt.plot(series[{index}])")
    for index, cell in enumerate(notebook.cells):
        output = {
            "output_type": "display_data",
            "data": {"image/png": plot_png(index), "text/plain": "<Figure size 432x288>"},
            "metadata": {},
        }
        notebook.append_output(cell.id, output)
        cell.execution_count = index + 1
    save(notebook, path)
    return path


def main() -> int:
    """Write the notebook, run the scenarios, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tuinb", default=str(Path(sys.executable).parent / "tuinb"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--quiet-cpu", type=float, metavar="PCT")
    parser.add_argument("--poll-ms", type=float, default=10)
    args = parser.parse_args()
    if args.quiet_cpu:
        QUIET_CPU[:] = ["--quiet-cpu", str(args.quiet_cpu)]
    QUIET_CPU.extend(["--poll-ms", str(args.poll_ms)])
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-plots-"))
    out.mkdir(parents=True, exist_ok=True)
    notebook = write_plots(out / "plots.ipynb")
    compile_bytecode(Path(args.tuinb))
    private = f'TUINB_DATA_DIR="{out}/data/$TUIPROBE_RUN" exec "$@"'
    program = Program("tuinb", ["sh", "-c", private, "sh", args.tuinb])
    results: dict[str, float | None] = {}

    first = probe(
        program, notebook, marker="MARKER_FIRST", steps=[("", "▀")], runs=args.runs,
        label="plots first screen", out=out, timeout=60,
    )  # fmt: skip
    results["first screen, 50 plots"] = median(first, "load_ms") if first else None
    results["first plot drawn, after the first screen"] = step_median(first)

    warm = [("", "(idle)")] + [("j", f"cell {n}/{CELLS}") for n in range(2, CELLS + 1)]
    warm.append(("sleep:3000 g g", f"cell 1/{CELLS}"))
    timed = [("j", f"cell {n}/{CELLS}") for n in range(2, 2 + KEY_PRESSES)]
    keys = probe(
        program, notebook, marker="MARKER_FIRST", steps=warm + timed, runs=max(1, args.runs // 2),
        label="plots j", out=out, timeout=90,
    )  # fmt: skip
    results["`j` once drawn, 50 plots"] = step_median(keys, skip=len(warm))
    print()
    for what, value in results.items():
        shown = "failed" if value is None else f"{value:.1f} ms"
        print(f"{what:45} {shown:>10}")
    print(f"machine: {busy(keys)}; screens and raw JSON: {out}")
    (out / "figures.json").write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
