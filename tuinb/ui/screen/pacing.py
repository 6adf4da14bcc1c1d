"""The notebook screen's frame timer: a frame as soon as something changed, at most 60 a second.

Textual's screen paints on an interval timer that is paused while nothing
changes. Resumed, it waits for the next point of its fixed 1/60 s grid, and
the grid is set by when the previous frame ended: a key that arrives 5 to 15 ms
after a frame waited up to 12 ms before anything was painted (measured on a
`j` at 1,000 cells). This timer keeps the same rate limit but counts it from
the previous frame: a key that comes after a quiet 1/60 s is painted at once.
"""

from __future__ import annotations

import asyncio
from time import monotonic

from textual.timer import EventTargetGone, Timer


class FrameTimer(Timer):
    """Ticks as soon as it is resumed, but never within `interval` of its last tick."""

    async def _run(self) -> None:
        count = 0
        last = monotonic() - self._interval
        while self._repeat is None or count < self._repeat:
            await self._active.wait()
            wait = last + self._interval - monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
                await self._active.wait()
            self._reset = False
            last = monotonic()
            count += 1
            try:
                await self._tick(next_timer=last, count=count)
            except EventTargetGone:
                break
