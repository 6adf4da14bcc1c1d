"""Completion in the editor on a real kernel: `tab` to the kernel's reply, and reply to popup.

The editor (`TuinbApp`, headless, 120x40) with a real ipykernel started by
tuinb's own launcher, in edit mode at the end of ``os.pa`` (after
``import os``). Each run presses `tab` and notes three moments on the
monotonic clock:

- the key is posted;
- the kernel's reply is back in the editor (`EngineLike.complete` returns);
- the popup's rows are rendered by a frame (Textual's compositor asks the
  popup for its lines).

Reported: key -> reply (the kernel's work, jedi's mostly) and reply -> popup
painted, which should be at most one frame (1/60 s, 16.7 ms, the editor's
frame pacing) whatever the kernel took. The first run warms jedi up and is
left out (its reply may miss the editor's 1 s deadline).

    .venv/bin/python benchmarks/bench_complete.py [--runs 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

FRAME_MS = 1000 / 60
CODE = "import os\nos.pa"


def summary(name: str, values: list[float]) -> None:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    print(
        f"{name:<22} median {statistics.median(values):7.2f}  p95 {p95:7.2f}  "
        f"max {values[-1]:7.2f}  (n={len(values)})"
    )


async def measure(runs: int) -> None:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    from textual import events

    from tuinb.engine.completion import Completion
    from tuinb.engine.kernels import make_engine
    from tuinb.model import Notebook
    from tuinb.ui.app import TuinbApp
    from tuinb.ui.editor.popups import CompletionPopup

    folder = Path(tempfile.mkdtemp(prefix="bench-complete-"))
    notebook = Notebook.new()
    notebook.set_source(notebook.cells[0].id, CODE)
    notebook.path = folder / "c.ipynb"
    engine = make_engine(notebook, "python3", cwd=folder)
    marks: dict[str, float] = {}
    asked = engine.complete

    async def timed_complete(code: str, cursor_pos: int) -> Completion:
        result = await asked(code, cursor_pos)
        marks["reply"] = time.perf_counter()
        return result

    engine.complete = timed_complete  # type: ignore[method-assign]
    render_lines = CompletionPopup.render_lines
    show_hint = CompletionPopup.show_hint
    shown = asyncio.Event()

    def painted(self: CompletionPopup, crop: Any) -> Any:
        if "reply" in marks and "paint" not in marks and self.is_open:
            marks["paint"] = time.perf_counter()
            shown.set()
        return render_lines(self, crop)

    def hinted(self: CompletionPopup, *args: Any) -> None:
        show_hint(self, *args)
        shown.set()

    CompletionPopup.render_lines = painted  # type: ignore[method-assign]
    CompletionPopup.show_hint = hinted  # type: ignore[method-assign]
    app = TuinbApp(notebook, engine=engine, check_recovery=False)
    to_reply: list[float] = []
    to_paint: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.notebook_screen
        async with asyncio.timeout(60):
            while "(idle)" not in screen.status.plain:
                await pilot.pause(0.05)
        await pilot.press("enter")
        editor = screen.editor
        popup = screen.tools.completion_popup
        for run in range(runs + 1):
            editor.cursor_location = (1, 5)
            await pilot.pause(0.05)
            marks.clear()
            shown.clear()
            began = time.perf_counter()
            editor.post_message(events.Key("tab", "\t"))
            async with asyncio.timeout(10):
                await shown.wait()
            if run and "paint" in marks:
                to_reply.append((marks["reply"] - began) * 1000)
                to_paint.append((marks["paint"] - marks["reply"]) * 1000)
            elif run:
                print(f"run {run}: no list ({popup.hint})")
            await pilot.press("escape")
        await pilot.press("escape")
    print(f"{len(to_paint)} completions on a real ipykernel (ms; one frame is {FRAME_MS:.1f})")
    if to_paint:
        summary("tab -> kernel reply", to_reply)
        summary("reply -> popup painted", to_paint)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(measure(args.runs))


if __name__ == "__main__":
    main()
