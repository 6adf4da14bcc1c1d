"""Kernel control from the notebook screen: interrupt, restart (asked first), change
kernel, and the stdin prompt (a cell's `input()` answered by the user).

`KernelActions` is the part of the screen's `RunActions` mixin that acts on
the kernel rather than on cells.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from tuinb.engine.kernels import change_kernel, kernelspec_metadata, list_kernels
from tuinb.ui.dialogs.choice import restart_modal
from tuinb.ui.dialogs.kernel_picker import KernelPicker
from tuinb.ui.dialogs.stdin_prompt import StdinPrompt

if TYPE_CHECKING:
    from tuinb.engine.protocols import EngineLike
    from tuinb.render.marks import RunMarks
    from tuinb.ui.screen import bridge
    from tuinb.ui.screen.notebook_screen import NotebookScreen


class KernelActions:
    """Interrupt, restart, kernel-change and stdin (a mixin; see `RunActions`)."""

    _stdin: StdinPrompt | None = None
    _stdin_cell: str | None = None

    if TYPE_CHECKING:

        @property
        def _ns(self) -> NotebookScreen: ...
        @property
        def engine(self) -> EngineLike | None: ...
        @property
        def run_marks(self) -> RunMarks: ...
        def schedule_repaint(self) -> None: ...
        def run_ids(self, cell_ids: list[str]) -> bool: ...

    def action_interrupt_kernel(self) -> None:
        """i i: interrupt the running cell (KeyboardInterrupt in Python)."""
        if self.engine is None:
            return
        self._ns.run_worker(self._interrupt(), group="kernel-interrupt")

    async def _interrupt(self) -> None:
        engine = self.engine
        if engine is None:
            return
        try:
            await engine.interrupt()
        except Exception as err:
            self._ns.notify(f"Could not interrupt the kernel: {err}", severity="error")

    def action_restart_kernel(self) -> None:
        """0 0: restart the kernel (asks first)."""
        self._start_restart("Restart the kernel")

    def action_restart_and_run_all(self) -> None:
        """Restart the kernel, then run every cell (asks first)."""
        self._start_restart("Restart the kernel and run all cells", run_all=True)

    def action_restart_and_clear(self) -> None:
        """Restart the kernel and clear every output (asks first)."""
        self._start_restart("Restart the kernel and clear all outputs", clear=True)

    def _start_restart(self, question: str, *, run_all: bool = False, clear: bool = False) -> None:
        if self.engine is None:
            self._ns.notify("This editor was started without a kernel.", severity="warning")
            return
        self._ns.run_worker(
            self._restart_flow(question, run_all=run_all, clear=clear),
            group="kernel",
            exclusive=True,
        )

    async def _restart_flow(self, question: str, *, run_all: bool, clear: bool) -> None:
        screen = self._ns
        choice = await screen.app.push_screen_wait(restart_modal(question))
        if choice != "restart":
            return
        await self.restart_now(run_all=run_all, clear=clear)

    async def restart_now(self, *, run_all: bool = False, clear: bool = False) -> bool:
        """Restart without asking; True when the kernel is up again."""
        engine = self.engine
        screen = self._ns
        if engine is None:
            return False
        if clear:
            screen.commit_editor()
            screen.notebook.clear_outputs([cell.id for cell in screen.notebook.cells])
            self.run_marks.failed.clear()
            self.run_marks.aborted.clear()
            self.run_marks.durations.clear()
            self.schedule_repaint()
        try:
            await engine.restart()
        except Exception:  # the engine reported it as KernelStartFailed
            return False
        if run_all:
            self.run_ids([cell.id for cell in screen.notebook.cells])
        return True

    def action_pick_kernel(self) -> None:
        """alt+k: choose another kernel for this notebook."""
        self._ns.run_worker(self._pick_flow(), group="kernel", exclusive=True)

    async def _pick_flow(self, reason: str = "") -> None:
        screen = self._ns
        choices = await asyncio.to_thread(list_kernels)
        spec = screen.notebook.metadata.get("kernelspec")
        current = spec.get("name") if isinstance(spec, dict) else None
        picked = await screen.app.push_screen_wait(
            KernelPicker(choices, current=current, reason=reason)
        )
        if picked is None:
            return
        choice = next(c for c in choices if c.name == picked)
        screen.notebook.metadata["kernelspec"] = kernelspec_metadata(choice)
        screen.notebook.mark_unsaved()
        app = screen.app
        if hasattr(app, "kernel_name"):
            app.kernel_name = None
        screen.refresh_status()
        engine = self.engine
        if engine is None:
            return
        try:
            await change_kernel(engine, picked)
        except Exception:  # reported by the engine as KernelStartFailed
            return
        screen.notify(f"Now using the kernel {choice.display_name}.", timeout=3)

    # ---- stdin ------------------------------------------------------------------

    def on_input_requested(self, message: bridge.InputRequested) -> None:
        """Open the stdin prompt; the answer goes back to the kernel."""
        self._close_stdin()
        try:
            number = self._ns.notebook.index_of(message.cell_id) + 1
        except KeyError:
            number = 0
        prompt = StdinPrompt(message.prompt, password=message.password, cell_label=f"Cell {number}")
        self._stdin = prompt
        self._stdin_cell = message.cell_id

        def answered(value: str | None) -> None:
            if self._stdin is prompt:
                self._stdin = None
                self._stdin_cell = None
            if value is None:
                self._ns.run_worker(self._interrupt(), group="kernel-interrupt")
            else:
                self._ns.run_worker(self._send_input(value), group="stdin")

        self._ns.app.push_screen(prompt, answered)

    async def _send_input(self, value: str) -> None:
        engine = self.engine
        if engine is None:
            return
        try:
            await engine.provide_input(value)
        except Exception as err:
            self._ns.notify(str(err), severity="error")

    def _close_stdin(self) -> None:
        """Close an open stdin prompt without answering (its cell ended or was interrupted)."""
        prompt, self._stdin, self._stdin_cell = self._stdin, None, None
        if prompt is not None and prompt.is_attached and prompt.app.screen is prompt:
            prompt.app.pop_screen()
