"""Running cells from the notebook screen: the run actions and the bridge's messages.

`RunActions` is mixed into `NotebookScreen`. Its actions ask the app's engine
to run cells or control the kernel; its handlers take the bridge's messages
(`tuinb.ui.screen.bridge`), keep `RunMarks` up to date and repaint from the model.
Repaints are coalesced by a token bucket: a short burst of changes (one quick
cell) repaints at once, a stream of them at most once per `REPAINT_INTERVAL`.

A cell's first result (its first output, or its end if it printed nothing) is
painted as soon as the view has taken it, not at the next tick of Textual's
frame timer: that timer ticks on a 1/60 s grid and, right after a frame
(the key's own, or the kernel's status), waits 17 to 33 ms for its next tick.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

from textual import events
from textual.timer import Timer

from tuinb.engine.kernels import kernelspec_metadata, running_kernel
from tuinb.engine.protocols import EngineLike
from tuinb.render.marks import RunMarks, format_duration
from tuinb.ui.screen import bridge
from tuinb.ui.screen.kernel_actions import KernelActions
from tuinb.ui.screen.notify import LONG_CELL_SECONDS, notify_finished

if TYPE_CHECKING:
    from tuinb.ui.screen.notebook_screen import NotebookScreen

REPAINT_INTERVAL = 1 / 30
"""Seconds between repaints while outputs stream in."""
SOON = 0.03
"""Seconds a mark or a kernel state may wait for a cell's first output to share its frame.

A fresh kernel's first output comes ~15 ms after the request: a frame of marks
painted then would hold up the output's frame by its own 5 to 10 ms.
"""
REPAINT_BURST = 8.0
"""Repaints allowed at once before the interval applies (one short cell makes ~6)."""
PAINT_NOW_WINDOW = 0.25
"""Seconds a "paint at once" request waits for the view to report its change."""

NOT_RUNNING = "The kernel is not running: restart it with 0 0 or choose another with alt+k."


class RunActions(KernelActions):
    """Run keys and execution events for the notebook screen (a mixin)."""

    long_cell_seconds: float = LONG_CELL_SECONDS
    """Ring the bell and notify when a cell that ran this long finishes."""
    _run_marks: RunMarks | None = None
    _repaint_timer: Timer | None = None
    _token_time: float = 0.0
    _repaint_soon: bool | None = None
    _repaint_tokens: float = 0.0
    _paint_now_until: float = 0.0
    _awaiting_result: set[str] | None = None
    kernel_state: str = "starting"
    """The kernel's state as last reported (shown in the status bar)."""

    # ---- plumbing -----------------------------------------------------------------

    @property
    def _ns(self) -> NotebookScreen:
        return cast("NotebookScreen", self)

    @property
    def run_marks(self) -> RunMarks:
        """Queued/running/stale state of the cells."""
        if self._run_marks is None:
            self._run_marks = RunMarks()
        return self._run_marks

    @property
    def engine(self) -> EngineLike | None:
        """The app's engine (None: this editor runs nothing)."""
        return cast("EngineLike | None", getattr(self._ns.app, "engine", None))

    def _usable_engine(self) -> EngineLike | None:
        engine = self.engine
        if engine is None:
            self._ns.notify("This editor was started without a kernel.", severity="warning")
            return None
        if engine.kernel_state in ("dead", "shutdown"):
            self._ns.notify(NOT_RUNNING, severity="error", timeout=6)
            return None
        return engine

    def _refill(self) -> None:
        now = time.monotonic()
        gained = (now - self._token_time) / REPAINT_INTERVAL
        self._repaint_tokens = min(REPAINT_BURST, self._repaint_tokens + gained)
        self._token_time = now

    def schedule_repaint(self, *, soon: bool = False) -> None:
        """Repaint now while the burst allowance lasts, else once per `REPAINT_INTERVAL`.

        `soon`: a change that can wait `SOON` seconds for company (a mark).
        """
        if self._repaint_timer is not None:
            if soon or self._repaint_soon is None:
                return
            self._repaint_timer.stop()  # something real arrived: paint it now
            self._repaint_timer = None
        self._repaint_soon = None
        self._refill()
        if soon:
            self._repaint_soon = True
            self._repaint_timer = self._ns.set_timer(SOON, self._repaint)
        elif self._repaint_tokens >= 1:
            self._repaint()
        else:
            wait = (1 - self._repaint_tokens) * REPAINT_INTERVAL
            self._repaint_timer = self._ns.set_timer(wait, self._repaint)

    def paint_now(self) -> None:
        """Put the next change of the view on the terminal without waiting for a frame tick.

        The view reports its change to the screen a moment later (as a
        message); `on_idle` then composes and writes the frame at once.
        """
        self._paint_now_until = time.monotonic() + PAINT_NOW_WINDOW

    def on_idle(self, event: events.Idle) -> None:
        """The screen has no messages left: paint an urgent view change now.

        Runs before Textual's own idle handler, which would otherwise resume
        the frame timer and leave the frame to its next 1/60 s grid point.
        """
        if not self._paint_now_until:
            return
        if time.monotonic() > self._paint_now_until:
            self._paint_now_until = 0.0
            return
        screen = self._ns
        dirty = getattr(screen, "_dirty_widgets", None)
        compose = getattr(screen, "_on_timer_update", None)  # what Pilot calls to paint
        if dirty is None or compose is None:
            self._paint_now_until = 0.0
            return
        if screen.view not in dirty or not screen.is_current:
            return  # the view has not reported yet: the next idle comes after it has
        self._paint_now_until = 0.0
        compose()

    def _first_result(self, cell_id: str) -> bool:
        """True once per run of a cell: its first output, or its end if it printed nothing."""
        waiting = self._awaiting_result
        if waiting is None or cell_id not in waiting:
            return False
        waiting.discard(cell_id)
        return True

    def _repaint(self) -> None:
        self._repaint_timer = None
        self._repaint_soon = None
        self._refill()
        self._repaint_tokens = max(0.0, self._repaint_tokens - 1)
        screen = self._ns
        if not screen.is_attached:
            return
        screen.view.sync()
        screen.place_editor()
        screen.refresh_status()

    # ---- running --------------------------------------------------------------

    def run_ids(self, cell_ids: list[str]) -> bool:
        """Queue cells on the engine; False (with a notice) if nothing can run."""
        engine = self._usable_engine()
        if engine is None:
            return False
        screen = self._ns
        if screen.mode == "edit":
            screen.action_command_mode()
        engine.run_cells(cell_ids)
        return True

    def action_run_cell(self) -> None:
        """ctrl+enter / ctrl+j: run the selected cells, stay on them."""
        self._ns.commit_editor()
        self.run_ids(self._ns.selected_ids())

    def action_run_selected(self) -> None:
        """Run the selected cells (command mode)."""
        self.action_run_cell()

    def action_run_and_advance(self) -> None:
        """shift+enter / alt+j: run the selected cells and select the cell below."""
        screen = self._ns
        screen.commit_editor()
        below = max(screen.view.selection) + 1
        if not self.run_ids(screen.selected_ids()):
            return
        if below >= len(screen.notebook.cells):
            cell = screen.notebook.insert_cell(below, "code")
            screen._changed(cell.id)
        else:
            screen._select(below)

    def action_run_and_insert(self) -> None:
        """alt+enter / alt+o: run the selected cells, insert a cell below and edit it."""
        screen = self._ns
        screen.commit_editor()
        below = max(screen.view.selection) + 1
        if not self.run_ids(screen.selected_ids()):
            return
        cell = screen.notebook.insert_cell(below, "code")
        screen._changed(cell.id)
        screen.action_edit_cell()

    def action_run_all(self) -> None:
        """Run every cell, top to bottom."""
        self._ns.commit_editor()
        self.run_ids([cell.id for cell in self._ns.notebook.cells])

    def action_run_above(self) -> None:
        """Run every cell above the cursor."""
        screen = self._ns
        self.run_ids([cell.id for cell in screen.notebook.cells[: screen.view.cursor]])

    def action_run_below(self) -> None:
        """Run the cursor cell and every cell below it."""
        screen = self._ns
        self.run_ids([cell.id for cell in screen.notebook.cells[screen.view.cursor :]])

    # ---- the bridge's messages ------------------------------------------------

    def on_cell_outputs_changed(self, message: bridge.CellOutputsChanged) -> None:
        """New outputs in the model: repaint (coalesced).

        A cell whose outputs were just cleared as it starts can wait a moment:
        its first output usually follows within milliseconds and then shares
        the frame instead of waiting for the next one.
        """
        try:
            empty = not self._ns.notebook.cell(message.cell_id).outputs
        except KeyError:
            empty = True
        if not empty and self._first_result(message.cell_id):
            self.paint_now()
        self.schedule_repaint(soon=empty)

    def on_cell_queued(self, message: bridge.CellQueued) -> None:
        """Mark the cell queued."""
        self.run_marks.queue(message.cell_id)
        self.schedule_repaint(soon=True)

    def on_cell_started(self, message: bridge.CellStarted) -> None:
        """Mark the cell running; remember its source (for the stale mark)."""
        try:
            source = self._ns.notebook.cell(message.cell_id).source
        except KeyError:
            return
        self.run_marks.start(message.cell_id, source)
        if self._awaiting_result is None:
            self._awaiting_result = set()
        self._awaiting_result.add(message.cell_id)
        self.schedule_repaint(soon=True)

    def on_cell_finished(self, message: bridge.CellFinished) -> None:
        """Unmark the cell; close its stdin prompt; tell about long cells."""
        self.run_marks.finish(message.cell_id, message.status, message.duration)
        if self._stdin_cell == message.cell_id:
            self._close_stdin()
        if message.duration is not None and message.duration >= self.long_cell_seconds:
            self._tell_long_cell(message)
        if self._first_result(message.cell_id):
            self.paint_now()
        self.schedule_repaint()

    def _tell_long_cell(self, message: bridge.CellFinished) -> None:
        screen = self._ns
        try:
            number = screen.notebook.index_of(message.cell_id) + 1
        except KeyError:
            number = 0
        took = format_duration(message.duration or 0.0)
        result = {"ok": "finished", "error": "failed", "aborted": "stopped"}[message.status]
        notify_finished(screen.app, "tuinb", f"cell {number} {result} after {took}")

    def on_kernel_status_changed(self, message: bridge.KernelStatusChanged) -> None:
        """Show the kernel's state.

        busy/idle can wait a moment for company: busy comes just before a
        cell's first output and idle just after its last, and a frame of its
        own would hold up the output's frame by a few milliseconds.
        """
        self.kernel_state = message.state
        if message.state in ("restarting", "dead", "shutdown"):
            self.run_marks.forget_all()
        self.schedule_repaint(soon=message.state in ("busy", "idle"))

    def on_kernel_started(self, message: bridge.KernelStarted) -> None:
        """The kernel is ready; a notebook that names no kernel gets this one's spec."""
        self.kernel_state = "idle"
        freeze = getattr(self._ns.app, "freeze_startup_objects", None)
        if freeze is not None:
            freeze()  # start-up is over: no long collector pause while cells run
        engine = self.engine
        choice = running_kernel(engine) if engine is not None else None
        metadata = self._ns.notebook.metadata
        if choice is not None and "kernelspec" not in metadata:
            metadata["kernelspec"] = kernelspec_metadata(choice)
            if message.language_info:
                metadata["language_info"] = dict(message.language_info)
        self.schedule_repaint(soon=True)  # a queued cell's first output may come with it

    def on_kernel_start_failed(self, message: bridge.KernelStartFailed) -> None:
        """Say why the kernel did not start; the notebook stays editable."""
        self.kernel_state = "dead"
        self._ns.notify(
            f"{message.text}\nChoose another kernel with alt+k (or the command palette).",
            severity="error",
            timeout=20,
        )
        self.schedule_repaint()

    def on_kernel_died(self, message: bridge.KernelDied) -> None:
        """Say that the kernel died; outputs stay; offer the restart."""
        self.kernel_state = "dead"
        self._close_stdin()
        reason = message.reason.rstrip(".")
        self._ns.notify(
            f"The kernel died ({reason}); the outputs so far are kept. "
            "Restart it with 0 0 and run the cells again.",
            severity="error",
            timeout=20,
        )
        self.schedule_repaint()

    # ---- status -----------------------------------------------------------------

    def kernel_status_text(self, name: str) -> str:
        """The status bar's kernel part: name and state."""
        if self.engine is None:
            return name
        state = self.kernel_state
        if state == "dead":
            state = "dead: 0 0 restarts"
        return f"{name} ({state})"
