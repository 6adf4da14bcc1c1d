"""Running cells: the run keys, and what the screen shows as cells run.

The actions ask the engine to run cells (`EngineLike.run_cells`); the
engine's events come back through the bridge (`tuinb.ui.screen.bridge`) and
keep the execution marks (`RunMarks`) up to date. Every change is shown by
syncing the view from the model through the screen's `FramePacer`. A cell's
first result (its first output, or its end if it printed nothing) asks the
pacer for a frame at once; marks wait a moment for company.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol

from tuinb.engine.events import CellStatus
from tuinb.render.marks import format_duration
from tuinb.ui.screen.hosts import NotebookParts, Notifier
from tuinb.ui.screen.notify import LONG_CELL_SECONDS

if TYPE_CHECKING:
    from tuinb.engine.protocols import EngineLike
    from tuinb.render.marks import RunMarks
    from tuinb.ui.screen.cursor_actions import CursorActions
    from tuinb.ui.screen.edit_actions import EditActions
    from tuinb.ui.screen.pacing import FramePacer

NOT_RUNNING = "The kernel is not running: restart it with 0 0 or choose another with alt+k."
NO_KERNEL = "This editor was started without a kernel."

RunScope = Literal["all", "above", "below"]
"""Which cells `run_many` runs, relative to the cursor."""


class RunHost(NotebookParts, Notifier, Protocol):
    """What running cells needs from the notebook screen."""

    @property
    def engine(self) -> EngineLike | None:
        """Runs the cells; None: this editor runs nothing."""
        ...

    def ring(self, title: str, body: str) -> None:
        """Ring the terminal's bell and send a desktop notification (a long cell ended)."""
        ...


class RunActions:
    """The run keys; the cell events of the engine (queued, started, outputs, finished)."""

    def __init__(
        self,
        host: RunHost,
        *,
        cursor: CursorActions,
        editing: EditActions,
        marks: RunMarks,
        pacer: FramePacer,
    ) -> None:
        self.host = host
        self.cursor = cursor
        self.editing = editing
        self.marks = marks
        self.pacer = pacer
        self.long_cell_seconds = LONG_CELL_SECONDS
        """Ring the bell and notify when a cell that ran this long finishes."""
        self._awaiting_result: set[str] = set()

    # ---- running --------------------------------------------------------------

    def usable_engine(self) -> EngineLike | None:
        """The engine if it can run cells now; else None, with a notice saying why."""
        engine = self.host.engine
        if engine is None:
            self.host.tell(NO_KERNEL, severity="warning")
            return None
        if engine.kernel_state in ("dead", "shutdown"):
            self.host.tell(NOT_RUNNING, severity="error", timeout=6)
            return None
        return engine

    def run_ids(self, cell_ids: list[str]) -> bool:
        """Queue cells on the engine (leaving edit mode); False (with a notice) if none can run."""
        engine = self.usable_engine()
        if engine is None:
            return False
        self.editing.to_command_mode()
        engine.run_cells(cell_ids)
        return True

    def run_selected(self) -> None:
        """ctrl+enter / ctrl+j / alt+r: run the selected cells, stay on them."""
        self.editing.commit()
        self.run_ids(self.host.view.selected_ids())

    def run_and_advance(self) -> None:
        """shift+enter / alt+j: run the selected cells and select the cell below."""
        self.editing.commit()
        below = max(self.host.view.selection) + 1
        if not self.run_ids(self.host.view.selected_ids()):
            return
        notebook = self.host.notebook
        if below >= len(notebook.cells):
            cell = notebook.insert_cell(below, "code")
            self.cursor.show_changes(cell.id)
        else:
            self.cursor.select(below)

    def run_and_insert(self) -> None:
        """alt+enter / alt+o: run the selected cells, insert a cell below and edit it."""
        self.editing.commit()
        below = max(self.host.view.selection) + 1
        if not self.run_ids(self.host.view.selected_ids()):
            return
        cell = self.host.notebook.insert_cell(below, "code")
        self.cursor.show_changes(cell.id)
        self.editing.start()

    def run_many(self, scope: RunScope) -> None:
        """Run every cell, those above the cursor, or the cursor's and those below."""
        cells = self.host.notebook.cells
        cursor = self.host.view.cursor
        if scope == "all":
            self.editing.commit()
            chosen = cells
        else:
            chosen = cells[:cursor] if scope == "above" else cells[cursor:]
        self.run_ids([cell.id for cell in chosen])

    # ---- the engine's cell events -----------------------------------------------

    def _first_result(self, cell_id: str) -> bool:
        """True once per run of a cell: its first output, or its end if it printed nothing."""
        if cell_id not in self._awaiting_result:
            return False
        self._awaiting_result.discard(cell_id)
        return True

    def outputs_changed(self, cell_id: str) -> None:
        """New outputs in the model: sync (coalesced).

        A cell whose outputs were just cleared as it starts can wait a moment:
        its first output usually follows within milliseconds and then shares
        the frame instead of waiting for the next one.
        """
        try:
            empty = not self.host.notebook.cell(cell_id).outputs
        except KeyError:
            empty = True
        if not empty and self._first_result(cell_id):
            self.pacer.paint_at_once()
        self.pacer.model_changed(soon=empty)

    def queued(self, cell_id: str) -> None:
        """Mark the cell queued."""
        self.marks.queue(cell_id)
        self.pacer.model_changed(soon=True)

    def started(self, cell_id: str) -> None:
        """Mark the cell running; remember its source (for the stale mark)."""
        try:
            source = self.host.notebook.cell(cell_id).source
        except KeyError:
            return
        self.marks.start(cell_id, source)
        self._awaiting_result.add(cell_id)
        self.pacer.model_changed(soon=True)

    def finished(self, cell_id: str, status: CellStatus, duration: float | None) -> None:
        """Unmark the cell; tell about a long one."""
        self.marks.finish(cell_id, status, duration)
        if duration is not None and duration >= self.long_cell_seconds:
            self._tell_long_cell(cell_id, status, duration)
        if self._first_result(cell_id):
            self.pacer.paint_at_once()
        self.pacer.model_changed()

    def _tell_long_cell(self, cell_id: str, status: CellStatus, duration: float) -> None:
        try:
            number = self.host.notebook.index_of(cell_id) + 1
        except KeyError:
            number = 0
        result = {"ok": "finished", "error": "failed", "aborted": "stopped"}[status]
        self.host.ring("tuinb", f"cell {number} {result} after {format_duration(duration)}")
