"""When the notebook screen paints: one pacer that keys and running both go through.

Three speeds, decided here (the Textual plumbing is `tuinb.ui.textual_compat`):

- **Frames** come from the screen's `FrameTimer`: any change on screen (a
  key's, a run's) is composed at most 60 times a second, and at once when
  the previous frame is 1/60 s old. A key asks for nothing more: the widget
  it changed reports to the screen, whose timer paints it.
- **Syncs** re-read the model into the view (`PacerHost.sync_view`) when a
  run changed it: `model_changed()` coalesces them by a token bucket. A
  short burst of changes (one quick cell makes ~6) syncs at once; a stream
  of them at most once per `SYNC_INTERVAL`; a change that can wait for
  company (a mark, a kernel state) waits up to `SOON` for the output that
  usually follows, so one frame carries both.
- **Urgent frames**: `paint_at_once()` (a cell's first result) has the next
  change of the view composed as soon as the view has reported it, at the
  screen's next idle moment, without waiting for the frame timer: right after
  a frame (the key's own, or the kernel's status) it waits 17 to 33 ms for
  its next tick.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

SYNC_INTERVAL = 1 / 30
"""Seconds between syncs while outputs stream in."""
SOON = 0.03
"""Seconds a mark or a kernel state may wait for a cell's first output to share its frame.

A fresh kernel's first output comes ~15 ms after the request: a frame of marks
painted then would hold up the output's frame by its own 5 to 10 ms.
"""
SYNC_BURST = 8.0
"""Syncs allowed at once before the interval applies (one short cell makes ~6)."""
URGENT_WINDOW = 0.25
"""Seconds an urgent frame waits for the view to report its change."""


class Stoppable(Protocol):
    """A timer that can be stopped (Textual's `Timer`)."""

    def stop(self) -> None: ...


class PacerHost(Protocol):
    """What the pacer needs from the notebook screen."""

    def set_timer(self, delay: float, callback: Callable[[], None]) -> Stoppable:
        """Call `callback` once after `delay` seconds."""
        ...

    def sync_view(self) -> None:
        """Re-read the model into the view and the status bar (if the screen is up)."""
        ...

    def view_unpainted(self) -> bool:
        """Whether the view changed since the last frame, the screen being on top."""
        ...


class FramePacer:
    """Coalesces the view's syncs from the model and asks for urgent frames (see the module)."""

    def __init__(self, host: PacerHost) -> None:
        self.host = host
        self.urgent_until = 0.0
        """Until when (`time.monotonic()`) an urgent frame is wanted; 0: none is."""
        self._timer: Stoppable | None = None
        self._timer_soon: bool | None = None
        self._tokens = 0.0
        self._token_time = 0.0

    def _refill(self) -> None:
        now = time.monotonic()
        gained = (now - self._token_time) / SYNC_INTERVAL
        self._tokens = min(SYNC_BURST, self._tokens + gained)
        self._token_time = now

    def model_changed(self, *, soon: bool = False) -> None:
        """Sync the view now while the burst allowance lasts, else once per `SYNC_INTERVAL`.

        `soon`: a change that can wait `SOON` seconds for company (a mark).
        """
        if self._timer is not None:
            if soon or self._timer_soon is None:
                return
            self._timer.stop()  # something real arrived: sync it now
            self._timer = None
        self._timer_soon = None
        self._refill()
        if soon:
            self._timer_soon = True
            self._timer = self.host.set_timer(SOON, self._sync)
        elif self._tokens >= 1:
            self._sync()
        else:
            wait = (1 - self._tokens) * SYNC_INTERVAL
            self._timer = self.host.set_timer(wait, self._sync)

    def _sync(self) -> None:
        self._timer = None
        self._timer_soon = None
        self._refill()
        self._tokens = max(0.0, self._tokens - 1)
        self.host.sync_view()

    def paint_at_once(self) -> None:
        """Compose the view's next change as soon as it has reported it (not at a frame tick)."""
        self.urgent_until = time.monotonic() + URGENT_WINDOW

    def frame_wanted_now(self) -> bool:
        """At the screen's idle moment: whether to compose the urgent frame now.

        The view reports its change to the screen a moment after it happened
        (as a message); until then the answer is no, and the next idle moment
        comes after the report.
        """
        if not self.urgent_until:
            return False
        if time.monotonic() > self.urgent_until:
            self.urgent_until = 0.0
            return False
        if not self.host.view_unpainted():
            return False
        self.urgent_until = 0.0
        return True
