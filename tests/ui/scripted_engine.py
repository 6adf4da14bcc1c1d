"""A scripted engine for UI tests: the test decides every event.

`ScriptedEngine` has the interface of `tuinb.engine.Engine` that the editor
uses. Requests (`run_cells`, `interrupt`, `restart`, `provide_input`, ...) are
recorded in `calls`; `run_cells` also emits `CellQueued` as the real engine
does. The test then plays the kernel: it changes the model (`outputs()` helps)
and emits events with `emit(...)`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any

from tuinb.engine import events as ev
from tuinb.engine.comms import OfflineWidgets
from tuinb.engine.completion import Completion, Help
from tuinb.model import Notebook


class ScriptedBackend:
    """Records kernel switches (the `SwitchableKernel` part the picker uses)."""

    def __init__(self) -> None:
        self.switched: list[str] = []

    def switch_to(self, name: str) -> None:
        """Remember the switch."""
        self.switched.append(name)


class ScriptedEngine:
    """Feeds the events the test chooses; records what the UI asked for."""

    def __init__(self, notebook: Notebook, *, state: ev.KernelState = "idle") -> None:
        self.notebook = notebook
        self.backend = ScriptedBackend()
        self.kernel_state: ev.KernelState = state
        self.calls: list[tuple[str, Any]] = []
        """Every request, as (name, argument)."""
        self.queued: list[str] = []
        self.inputs: list[str] = []
        """Answers given to `InputRequested`."""
        self.fail_restart: str | None = None
        """If set, `restart()` emits KernelStartFailed with this text and raises."""
        self._events: asyncio.Queue[ev.EngineEvent | None] = asyncio.Queue()
        self.widgets = OfflineWidgets()
        """Widget models the test puts in `widgets.store`."""
        self.completions: dict[tuple[str, int], Completion] = {}
        """What `complete(code, cursor_pos)` answers (else "unavailable")."""
        self.help: dict[tuple[str, int], Help] = {}
        """What `inspect(code, cursor_pos)` answers (else "unavailable")."""

    # ---- the test's side ----------------------------------------------------------

    def emit(self, *events: ev.EngineEvent) -> None:
        """Send events to the UI, in order."""
        for event in events:
            if isinstance(event, ev.KernelStatusChanged):
                self.kernel_state = event.state
            self._events.put_nowait(event)

    def outputs(self, cell_id: str, *outputs: dict[str, Any]) -> None:
        """Append outputs to the model as the router would, then emit OutputsChanged."""
        for output in outputs:
            self.notebook.append_output(cell_id, output)
        self.emit(ev.OutputsChanged(cell_id))

    def calls_named(self, name: str) -> list[Any]:
        """Arguments of every recorded request called `name`."""
        return [argument for called, argument in self.calls if called == name]

    # ---- the Engine interface -------------------------------------------------------

    async def events(self) -> AsyncIterator[ev.EngineEvent]:
        """Every emitted event until `shutdown()`."""
        while True:
            event = await self._events.get()
            if event is None:
                return
            yield event

    async def start(self, client: Any = None) -> None:
        """Record the start; the test emits KernelStarted when it wants."""
        self.calls.append(("start", None))

    def replace_notebook(self, notebook: Notebook) -> None:
        self.calls.append(("replace_notebook", notebook))
        self.notebook = notebook

    def run_cell(self, cell_id: str) -> None:
        """Queue one cell."""
        self.run_cells([cell_id])

    def run_cells(self, cell_ids: Iterable[str]) -> None:
        """Record the request and emit CellQueued for each code cell."""
        ids = list(cell_ids)
        self.calls.append(("run_cells", ids))
        for cell_id in ids:
            if self.notebook.cell(cell_id).cell_type == "code" and cell_id not in self.queued:
                self.queued.append(cell_id)
                self.emit(ev.CellQueued(cell_id))

    def cancel_queue(self) -> None:
        """Record the request."""
        self.calls.append(("cancel_queue", None))

    async def interrupt(self) -> None:
        """Record the request."""
        self.calls.append(("interrupt", None))

    async def restart(self) -> None:
        """Record the request; emit restarting then idle (or a failure)."""
        self.calls.append(("restart", None))
        self.emit(ev.KernelStatusChanged("restarting"))
        if self.fail_restart is not None:
            self.emit(ev.KernelStartFailed(self.fail_restart), ev.KernelStatusChanged("dead"))
            raise RuntimeError(self.fail_restart)
        self.emit(ev.KernelStatusChanged("idle"), ev.KernelStarted({"name": "python"}))

    async def complete(self, code: str, cursor_pos: int) -> Completion:
        """The scripted completion for this text and position."""
        self.calls.append(("complete", (code, cursor_pos)))
        return self.completions.get((code, cursor_pos), Completion("unavailable", code, cursor_pos))

    async def inspect(self, code: str, cursor_pos: int, detail_level: int = 0) -> Help:
        """The scripted help for this text and position."""
        self.calls.append(("inspect", (code, cursor_pos, detail_level)))
        return self.help.get((code, cursor_pos), Help("unavailable"))

    async def provide_input(self, value: str) -> None:
        """Record the answer."""
        self.calls.append(("provide_input", value))
        self.inputs.append(value)

    async def shutdown(self) -> None:
        """Record the request and end `events()`."""
        self.calls.append(("shutdown", None))
        self.kernel_state = "shutdown"
        self._events.put_nowait(None)
