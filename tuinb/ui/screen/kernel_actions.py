"""The kernel: interrupt, restart (asked first), change kernel, its state, and stdin.

`KernelActions` acts on the engine's kernel rather than on cells, shows the
kernel's state (the status bar reads `state`), answers a cell's `input()`
through the stdin prompt, and reacts to the engine's kernel events (started,
failed to start, died).
"""

from __future__ import annotations

import asyncio
import shlex
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from tuinb.engine.backends import owns_kernel
from tuinb.engine.kernels import (
    KernelChoice,
    change_kernel,
    kernelspec_metadata,
    list_kernels,
    running_kernel,
)
from tuinb.engine.running import (
    AttachRefused,
    RunningChoice,
    attach_kernel,
    can_attach,
    refusal,
    running_choices,
)
from tuinb.sanitize import printable
from tuinb.ui.dialogs.choice import attach_modal, foreign_restart_modal, restart_modal
from tuinb.ui.dialogs.kernel_picker import KernelPicker
from tuinb.ui.dialogs.stdin_prompt import StdinPrompt

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from tuinb.engine.protocols import EngineLike
    from tuinb.model import Notebook
    from tuinb.render.marks import RunMarks
    from tuinb.ui.screen.edit_actions import EditActions
    from tuinb.ui.screen.pacing import FramePacer
    from tuinb.ui.screen.run_actions import RunActions

T = TypeVar("T")

AFTER_START_FAILED = "Choose another kernel with alt+k (or the command palette)."


class KernelHost(Protocol):
    """What kernel control needs from the notebook screen."""

    @property
    def notebook(self) -> Notebook: ...
    @property
    def engine(self) -> EngineLike | None:
        """Runs the cells; None: this editor runs nothing."""
        ...

    def tell(
        self, message: str, *, severity: SeverityLevel = "information", timeout: float = 5
    ) -> None:
        """Show a notice."""
        ...

    def start_work(
        self, work: Coroutine[Any, Any, None], group: str, *, exclusive: bool = False
    ) -> None:
        """Run `work` in the background (`exclusive`: cancelling the group's earlier work)."""
        ...

    async def ask(self, dialog: Screen[T]) -> T:
        """Show a modal dialog and wait for its answer."""
        ...

    def show_prompt(self, prompt: StdinPrompt, answered: Callable[[str | None], None]) -> None:
        """Show the stdin prompt; `answered(value)` gets its answer (None: escape)."""
        ...

    def close_prompt(self, prompt: StdinPrompt) -> None:
        """Close the stdin prompt if it is on top, without an answer."""
        ...

    def kernel_chosen(self) -> None:
        """A kernel was picked for the notebook: forget `--kernel`, show its name."""
        ...

    def startup_over(self) -> None:
        """The kernel is up: the start-up objects may be frozen out of the collector."""
        ...


class KernelActions:
    """Interrupt, restart, kernel change, the kernel's state and the stdin prompt."""

    def __init__(
        self,
        host: KernelHost,
        *,
        running: RunActions,
        editing: EditActions,
        marks: RunMarks,
        pacer: FramePacer,
    ) -> None:
        self.host = host
        self.running = running
        self.editing = editing
        self.marks = marks
        self.pacer = pacer
        self.state = "starting"
        """The kernel's state as last reported (shown in the status bar)."""
        self.unanswered: str | None = None
        """The cell that went on running after an interrupt ("" if unknown), until it ends
        or the kernel's state changes: the status bar offers the restart."""
        self.connection = "connected"
        """The connection to a server's or gateway's kernel (`KernelConnectionChanged`):
        `connected`, `reconnecting` or `closed`; a local kernel's is always `connected`."""
        self._stdin: StdinPrompt | None = None
        self._stdin_cell: str | None = None

    # ---- actions -----------------------------------------------------------------

    def interrupt(self) -> None:
        """i i: interrupt the running cell (KeyboardInterrupt in Python)."""
        if self.host.engine is not None:
            self.host.start_work(self._interrupt(), "kernel-interrupt")

    async def _interrupt(self) -> None:
        engine = self.host.engine
        if engine is None:
            return
        try:
            await engine.interrupt()
        except Exception as err:
            self.host.tell(f"Could not interrupt the kernel: {err}", severity="error")

    def restart(self, *, run_all: bool = False, clear: bool = False) -> None:
        """0 0 (and its variants): restart the kernel, after asking."""
        if self.host.engine is None:
            self.host.tell("This editor was started without a kernel.", severity="warning")
            return
        if run_all:
            question = "Restart the kernel and run all cells"
        elif clear:
            question = "Restart the kernel and clear all outputs"
        else:
            question = "Restart the kernel"
        flow = self._restart_flow(question, run_all=run_all, clear=clear)
        self.host.start_work(flow, "kernel", exclusive=True)

    async def _restart_flow(self, question: str, *, run_all: bool, clear: bool) -> None:
        engine = self.host.engine
        ours = engine is None or owns_kernel(engine.backend)
        dialog = restart_modal(question) if ours else foreign_restart_modal(question)
        if await self.host.ask(dialog) == "restart":
            await self.restart_now(run_all=run_all, clear=clear)

    async def restart_now(self, *, run_all: bool = False, clear: bool = False) -> bool:
        """Restart without asking; True when the kernel is up again."""
        engine = self.host.engine
        if engine is None:
            return False
        notebook = self.host.notebook
        if clear:
            self.editing.commit()
            notebook.clear_outputs([cell.id for cell in notebook.cells])
            self.marks.failed.clear()
            self.marks.aborted.clear()
            self.marks.durations.clear()
            self.pacer.model_changed()
        try:
            await engine.restart()
        except Exception:  # the engine reported it as KernelStartFailed
            return False
        if run_all:
            self.running.run_ids([cell.id for cell in notebook.cells])
        return True

    def pick(self) -> None:
        """alt+k: choose another kernel for this notebook."""
        self.host.start_work(self._pick_flow(), "kernel", exclusive=True)

    async def _pick_flow(self, reason: str = "") -> None:
        engine = self.host.engine
        choices, running = await asyncio.gather(
            asyncio.to_thread(list_kernels), running_choices(engine)
        )
        notebook = self.host.notebook
        spec = notebook.metadata.get("kernelspec")
        current = spec.get("name") if isinstance(spec, dict) else None
        picker = KernelPicker(choices, current=current, reason=reason, running=running)
        picked = await self.host.ask(picker)
        if picked is None:
            return
        attached = next((r for r in running if r.key == picked), None)
        if attached is not None:
            await self._attach_flow(attached, choices)
            return
        choice = next(c for c in choices if c.name == picked)
        notebook.metadata["kernelspec"] = kernelspec_metadata(choice)
        notebook.mark_unsaved()
        self.host.kernel_chosen()
        if engine is None:
            return
        try:
            await change_kernel(engine, picked, cwd=self._folder())
        except Exception:  # reported by the engine as KernelStartFailed
            return
        self.host.tell(f"Now using the kernel {choice.display_name}.", timeout=3)

    def _folder(self) -> Path | None:
        """The notebook's folder, where a new kernel of its own starts (None: not a folder
        here, as a server notebook's stand-in path)."""
        path = self.host.notebook.path
        return path.parent if path is not None and path.parent.is_dir() else None

    def _as_typed(self) -> str:
        """The notebook's path as a command line would name it (from the current folder)."""
        path = self.host.notebook.path
        if path is None:
            return "NOTEBOOK"
        try:
            named = str(path.resolve().relative_to(Path.cwd()))
        except (ValueError, OSError):
            named = str(path)
        return shlex.quote(named)

    async def _attach_flow(self, attached: RunningChoice, choices: list[KernelChoice]) -> None:
        """Run the notebook on a running kernel: refused in a session (said how instead);
        asked first when cells run; the kernel the editor ran is shut down if it was tuinb's."""
        engine = self.host.engine
        if engine is None:
            self.host.tell("This editor was started without a kernel.", severity="warning")
            return
        if not can_attach(engine):
            self.host.tell(refusal(self._as_typed(), attached), severity="warning", timeout=15)
            return
        running, queued = len(self.marks.running), len(self.marks.queued)
        if (running or queued) and await self.host.ask(attach_modal(running, queued)) != "attach":
            return
        try:
            await attach_kernel(engine, attached, notebook=self._as_typed())
        except AttachRefused as err:
            self.host.tell(str(err), severity="warning", timeout=15)
            return
        except Exception:  # reported by the engine as KernelStartFailed
            return
        known = next((c for c in choices if c.name == attached.kernel_name), None)
        if known is not None:
            self.host.notebook.metadata["kernelspec"] = kernelspec_metadata(known)
            self.host.notebook.mark_unsaved()
            self.host.kernel_chosen()
        self.host.tell(
            f"Attached to the running kernel {printable(attached.label)}; "
            "quitting leaves it running.",
            timeout=5,
        )

    # ---- the engine's kernel events ------------------------------------------------

    def status_changed(self, state: str) -> None:
        """Show the kernel's state.

        busy/idle can wait a moment for company: busy comes just before a
        cell's first output and idle just after its last, and a frame of its
        own would hold up the output's frame by a few milliseconds.
        """
        self.state = state
        if state != "busy":
            self.unanswered = None
        if state in ("restarting", "dead", "shutdown"):
            self.marks.forget_all()
        self.pacer.model_changed(soon=state in ("busy", "idle"))

    def started(self, language_info: dict[str, Any]) -> None:
        """The kernel is ready; a notebook that names no kernel gets this one's spec."""
        self.state = "idle"
        self.host.startup_over()  # no long collector pause while cells run
        engine = self.host.engine
        choice = running_kernel(engine) if engine is not None else None
        metadata = self.host.notebook.metadata
        if choice is not None and "kernelspec" not in metadata:
            metadata["kernelspec"] = kernelspec_metadata(choice)
            if language_info:
                metadata["language_info"] = dict(language_info)
        self.pacer.model_changed(soon=True)  # a queued cell's first output may come with it

    def start_failed(self, text: str) -> None:
        """Say why the kernel did not start; the notebook stays editable."""
        self.state = "dead"
        self.host.tell(f"{text}\n{AFTER_START_FAILED}", severity="error", timeout=20)
        self.pacer.model_changed()

    def died(self, reason: str) -> None:
        """Say that the kernel died; outputs stay; offer the restart."""
        self.state = "dead"
        self.close_stdin()
        self.host.tell(
            f"The kernel died ({reason.rstrip('.')}); the outputs so far are kept. "
            "Restart it with 0 0 and run the cells again.",
            severity="error",
            timeout=20,
        )
        self.pacer.model_changed()

    def connection_changed(self, state: str, reason: str) -> None:
        """A server's or gateway's kernel: its connection dropped (it is retried: the
        bar says so), came back (said once), or was closed."""
        before, self.connection = self.connection, state
        if state == "reconnecting" and before != "reconnecting":
            detail = f" ({reason.rstrip('.')})" if reason else ""
            self.host.tell(
                f"The connection to the kernel dropped{detail}; reconnecting. "
                "Outputs sent meanwhile arrive once it is back.",
                severity="warning",
                timeout=8,
            )
        elif state == "connected" and before == "reconnecting":
            self.host.tell("Reconnected to the kernel.", timeout=3)
        self.pacer.model_changed()

    def interrupt_unanswered(self, seconds: float, cell_id: str | None) -> None:
        """The cell still runs `seconds` after an interrupt: say so, offer the restart."""
        self.unanswered = cell_id or ""
        try:
            where = f"cell {self.host.notebook.index_of(cell_id) + 1}" if cell_id else "the cell"
        except KeyError:
            where = "the cell"
        self.host.tell(
            f"The kernel is still running {where} {seconds:g} s after the interrupt "
            "(the code may not stop for it); press 0 0 to restart the kernel.",
            severity="warning",
            timeout=15,
        )
        self.pacer.model_changed()

    # ---- stdin ------------------------------------------------------------------

    def input_requested(self, cell_id: str, text: str, *, password: bool) -> None:
        """Open the stdin prompt (`text` is the code's prompt); the answer goes to the kernel."""
        self.close_stdin()
        try:
            number = self.host.notebook.index_of(cell_id) + 1
        except KeyError:
            number = 0
        prompt = StdinPrompt(text, password=password, cell_label=f"Cell {number}")
        self._stdin = prompt
        self._stdin_cell = cell_id

        def answered(value: str | None) -> None:
            if self._stdin is prompt:
                self._stdin = None
                self._stdin_cell = None
            if value is None:
                self.host.start_work(self._interrupt(), "kernel-interrupt")
            else:
                self.host.start_work(self._send_input(value), "stdin")

        self.host.show_prompt(prompt, answered)

    async def _send_input(self, value: str) -> None:
        engine = self.host.engine
        if engine is None:
            return
        try:
            await engine.provide_input(value)
        except Exception as err:
            self.host.tell(str(err), severity="error")

    def cell_finished(self, cell_id: str) -> None:
        """A cell ended: its stdin prompt, if open, has no one to answer; an interrupt it
        ignored no longer matters."""
        if self._stdin_cell == cell_id:
            self.close_stdin()
        if self.unanswered is not None and self.unanswered in (cell_id, ""):
            self.unanswered = None

    def close_stdin(self) -> None:
        """Close an open stdin prompt without answering (its cell ended or was interrupted)."""
        prompt, self._stdin, self._stdin_cell = self._stdin, None, None
        if prompt is not None:
            self.host.close_prompt(prompt)
