"""Progress of `tuinb run` on stderr: a live line on a terminal, plain lines otherwise.

No Textual, no Rich: `tuinb run` must work where no terminal UI can start.
"""

from __future__ import annotations

import time
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from tuinb.engine import CellFinished


class Progress:
    """Progress on stderr: a live line on a terminal, plain lines otherwise."""

    def __init__(self, total: int, stream: IO[str]) -> None:
        self.total = total
        self.stream = stream
        self.live = stream.isatty()
        self.done = 0
        self.current = ""
        self.started = time.monotonic()

    def _line(self) -> str:
        width = 20
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        elapsed = time.monotonic() - self.started
        return f"[{bar}] {self.done}/{self.total} {self.current}  {elapsed:.1f}s"

    def draw(self) -> None:
        """Repaint the live line (a no-op when stderr is not a terminal)."""
        if self.live:
            self.stream.write("\r\x1b[K" + self._line())
            self.stream.flush()

    def cell_started(self, number: int, position: int) -> None:
        """Code cell `number` of `total` (cell `position` of the notebook) started."""
        self.current = f"cell {position}"
        if self.live:
            self.draw()
        else:
            self.stream.write(f"tuinb run: [{number}/{self.total}] cell {position} ...\n")
            self.stream.flush()

    def cell_finished(self, position: int, result: CellFinished) -> None:
        """A cell ended."""
        self.done += 1
        if self.live:
            self.draw()
        else:
            took = f"{result.duration:.2f}s" if result.duration is not None else "-"
            self.stream.write(f"tuinb run: cell {position} {result.status} ({took})\n")
            self.stream.flush()

    def close(self) -> None:
        """End the live line."""
        self.current = "done" if self.done == self.total else self.current
        if self.live:
            self.stream.write("\r\x1b[K" + self._line() + "\n")
            self.stream.flush()

    async def tick(self) -> None:
        """Repaint the live line every 0.2 s (the elapsed time moves)."""
        import asyncio

        while self.live:
            await asyncio.sleep(0.2)
            self.draw()


class Reporter:
    """Progress per cell, in notebook order, though the kernel may begin a cell early.

    With requests sent ahead, the kernel begins cell n+1 before cell n's
    result is in: its start line waits until cell n's end is reported.
    """

    def __init__(self, cells: list[tuple[int, str]], progress: Progress) -> None:
        self.progress = progress
        """Where the lines go."""
        self.order = [cell_id for _position, cell_id in cells]
        """The ids of the cells the run executes, in order."""
        self.where = {
            cell_id: (number, position) for number, (position, cell_id) in enumerate(cells, start=1)
        }
        """cell id -> (its number among the cells run, its 1-based position in the notebook)."""
        self._begun: set[str] = set()
        self._next = 0  # index in `order` of the next start line to print
        self._ended = -1  # index in `order` of the last end line printed

    def begun(self, cell_id: str) -> None:
        """The kernel began `cell_id`."""
        self._begun.add(cell_id)
        self._flush()

    def finished(self, result: CellFinished) -> None:
        """`result` is the next cell's result, in order."""
        index = self.order.index(result.cell_id, self._ended + 1)
        if result.status != "aborted":
            self._begun.add(result.cell_id)
            self._flush()
        self._next = max(self._next, index + 1)
        self._ended = index
        self.progress.cell_finished(self.where[result.cell_id][1], result)
        self._flush()

    def _flush(self) -> None:
        while (
            self._next < len(self.order)
            and self.order[self._next] in self._begun
            and self._ended == self._next - 1
        ):
            self.progress.cell_started(*self.where[self.order[self._next]])
            self._next += 1
