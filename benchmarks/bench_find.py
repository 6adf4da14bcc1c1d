"""A keystroke in the find bar at 1,000 cells, in milliseconds: the search, and through the UI.

Loads `large.ipynb` (1,000 cells, code cells with ~20-line stored outputs,
written by `/work/shared/tools/make_notebooks.py` into a temporary folder, or
given with `--notebook`), then types queries one character at a time:

- **search**: what the find bar's search does, without a screen:
  `Finder.search()` over the whole notebook, then the highlight spans of the
  cells on screen (`--visible`, default 12, around the current match);
- **through the UI**: the editor (`TuinbApp`, headless, 120x40) with the
  find bar open; each character is posted to the find box as the terminal's
  key, and the time runs until the search has run, the bar shows the count
  and the view's rows on screen are painted with their marks (the view's part
  of the next frame: `render_lines` over the whole view, as the compositor
  asks for it).

Target: ≤ 50 ms per keystroke, through the UI.

    .venv/bin/python benchmarks/bench_find.py [--runs 5] [--notebook large.ipynb] [--no-ui]
"""

from __future__ import annotations

import argparse
import asyncio
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


def report(name: str, times: list[float], note: str) -> None:
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"{name:<18} median {statistics.median(times):6.2f}  p95 {p95:6.2f}  "
        f"max {times[-1]:6.2f}  (n={len(times)}{note})"
    )


async def measure_ui(path: Path, runs: int) -> None:
    """Keystrokes in the editor's find bar, key to the view's rows painted."""
    import os

    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    from textual import events
    from textual.geometry import Region

    from tuinb.ui.app import TuinbApp

    notebook = load(path)
    app = TuinbApp(notebook, check_recovery=False)
    print("through the UI (120x40, headless): key posted to the find box -> rows painted (ms)")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.notebook_screen
        await pilot.press("ctrl+f")
        await pilot.pause()
        tools = screen.tools
        box = tools.find_bar.query_box
        view = screen.view
        crop = Region(0, 0, view.size.width, view.scrollable_content_region.height)
        view.render_lines(crop)
        for name, query, options in CASES:
            times: list[float] = []
            for _ in range(runs):
                box.value = ""
                tools.finding.search("")
                if tools.finding.finder is not None:
                    tools.finding.finder.search("", options)
                await pilot.pause()
                view.render_lines(crop)
                for end in range(1, len(query) + 1):
                    typed = query[:end]
                    char = query[end - 1]
                    began = time.perf_counter()
                    box.post_message(events.Key(char if char.isalnum() else "x", char))
                    finder = tools.finding.finder
                    while finder is None or finder.query != typed:
                        await asyncio.sleep(0)
                        finder = tools.finding.finder
                    view.render_lines(crop)
                    times.append((time.perf_counter() - began) * 1000)
            count = tools.finding.finder.count if tools.finding.finder is not None else 0
            report(name, times, f", {count} matches at the end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--visible", type=int, default=12)
    parser.add_argument("--notebook", type=Path)
    parser.add_argument("--no-ui", action="store_true", help="only the search, no editor")
    args = parser.parse_args()
    path = large_notebook(args.notebook)
    notebook = load(path)
    measure(notebook, args.runs, args.visible)
    if not args.no_ui:
        asyncio.run(measure_ui(path, args.runs))


if __name__ == "__main__":
    main()
