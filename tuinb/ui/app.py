"""The Textual app: one notebook, its screen, and the flows that keep work safe.

`TuinbApp(notebook, engine=...)` takes everything it shows by constructor:
the document (already loaded by `tuinb.ui.launch`) and, for execution, an
engine (a real one in production, a scripted one in tests). The app itself
owns what must never lose work: saving (with the changed-on-disk question),
quitting (with the unsaved-changes question), and recovery copies written
on a timer and on SIGHUP/SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App
from textual.command import Provider
from textual.css.query import NoMatches

from tuinb.config import Config, LoadedConfig
from tuinb.model import (
    Cell,
    Notebook,
    NotebookError,
    changed_on_disk,
    load,
    recovery,
    save,
    validate_later,
)
from tuinb.render.status import kernel_name
from tuinb.ui.screen.bridge import pump_events
from tuinb.ui.screen.notebook_screen import NotebookScreen
from tuinb.ui.themes import register_themes

if TYPE_CHECKING:
    from collections.abc import Callable

    from tuinb.engine.protocols import EngineLike
    from tuinb.render.termgraphics import Capabilities

RECOVERY_INTERVAL = 3.0
"""Seconds between recovery copies while there is unsaved work."""
VALIDATE_WHEN_QUIET = 1.0
"""Seconds without a key, with the kernel idle, before nbformat checks the file.

The check (importing nbformat: 0.1 s, 1.7 s where jupyter-server is installed)
runs in a thread but holds the interpreter: started at the first frame, it
delayed the first keys and the first cell's output by 10 to 40 ms. A save
before it has run imports nbformat itself; the check only adds warnings.
"""
_KERNEL_AT_WORK = ("starting", "busy", "restarting")
SWITCH_INTERVAL = 0.001
"""Python's thread switch interval while the editor runs (seconds; the default is 0.005).

Textual writes each frame from its own thread, which needs the GIL: while the
event loop keeps busy (a kernel's messages, the next key) a finished frame
waited up to 5 ms, and rarely much longer, before it reached the terminal.
"""


def _notebook_commands() -> type[Provider]:
    from tuinb.ui.screen.commands import NotebookCommands  # imported when the palette opens

    return NotebookCommands


class TuinbApp(App[int]):
    """The notebook editor."""

    CSS_PATH: ClassVar = "tuinb.tcss"
    TITLE = "tuinb"
    COMMANDS: ClassVar = App.COMMANDS | {_notebook_commands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        notebook: Notebook,
        *,
        engine: EngineLike | None = None,
        kernel_name: str | None = None,
        recovery_interval: float = RECOVERY_INTERVAL,
        check_recovery: bool = True,
        config: LoadedConfig | None = None,
    ) -> None:
        """`notebook` must have a `path` (where it is saved).

        `engine` runs the cells: its kernel starts in the background once the
        screen is up, and it is shut down when the app ends. `kernel_name`
        overrides the notebook's kernel in the status bar (the `--kernel` option).
        """
        super().__init__()
        self.loaded_config = config or LoadedConfig(Config(), Path("config.toml"))
        """The user's config file as read (its warnings are shown at start)."""
        self.notebook = notebook
        """The document being edited (replaced on reload or restore)."""
        self.engine = engine
        """Runs cells; None: the editor runs nothing."""
        self.engine_shutdown_timeout = 3.0
        """Seconds the kernel gets to stop politely when the app ends."""
        self.kernel_name = kernel_name
        """The `--kernel` choice, if any."""
        self.recovery_interval = recovery_interval
        """Seconds between recovery copies while dirty."""
        self.check_recovery = check_recovery
        """Offer a newer recovery copy at start."""
        self.cell_clipboard: list[Cell] = []
        """Cells copied or cut with c / x."""
        self._recovery_revision: int | None = None
        self._recovery_writing = False
        self._saves = 0
        self._signals: list[int] = []
        self._last_key = time.monotonic()
        self._switch_interval: float | None = None
        self.terminal_graphics: Callable[[], Capabilities] | None = None
        """What the terminal answered to the first frame's queries (set by `launch`)."""

    @property
    def config(self) -> Config:
        """The options of the user's config file (defaults where it says nothing)."""
        return self.loaded_config.config

    def graphics(self) -> Capabilities:
        """How images are drawn: what the terminal answered at start, or the config's
        ``images`` when it is not ``auto``; half blocks in a test without a terminal."""
        from tuinb.render.termgraphics import (
            Capabilities,
            Replies,
            decide,
            environment_hints,
            images_setting,
        )

        setting = images_setting(self.config.output.images)
        if self.terminal_graphics is not None:
            return self.terminal_graphics()
        if setting == "auto" and self.is_headless:
            return Capabilities("halfblock", reason="no terminal to ask (headless)")
        return decide(setting, environment_hints(), Replies())

    # ---- names ------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """Where the notebook is saved."""
        assert self.notebook.path is not None
        return self.notebook.path

    @property
    def display_name(self) -> str:
        """The file name shown in the status bar."""
        return self.path.name

    @property
    def kernel_display_name(self) -> str:
        """The kernel's name for the status bar."""
        return kernel_name(self.notebook.metadata, self.kernel_name)

    @property
    def notebook_screen(self) -> NotebookScreen:
        """The notebook screen (under any modal)."""
        for screen in self.screen_stack:
            if isinstance(screen, NotebookScreen):
                return screen
        raise LookupError("the notebook screen is not mounted")

    # ---- start and stop ---------------------------------------------------------

    def on_mount(self) -> None:
        """Themes, the screen, the recovery timer and the signal handlers."""
        self._register_themes()
        for warning in self.loaded_config.warnings:
            self.notify(str(warning), severity="warning", timeout=10, markup=False)
        screen = NotebookScreen(self.notebook, owner=self, engine=self.engine)
        self.push_screen(screen)
        if self.engine is not None:
            self.run_worker(pump_events(self.engine, screen), group="engine-bridge")
            self.call_after_refresh(self._start_kernel)
        # nbformat checks the file once the user and the kernel are quiet (start-up cost)
        self._last_key = time.monotonic()
        self._validation = self.set_interval(VALIDATE_WHEN_QUIET / 4, self._validate_when_quiet)
        self.call_after_refresh(self.freeze_startup_objects)
        self.set_interval(self.recovery_interval, self._recovery_tick)
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL))
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, self.on_terminate_signal, signum)
            except (NotImplementedError, RuntimeError, ValueError):
                continue
            self._signals.append(signum)
        if self.check_recovery and recovery.has_recovery(self.path):
            self.run_worker(self._offer_recovery(), group="recovery")

    def _register_themes(self) -> None:
        try:
            register_themes(self)
        except (OSError, ValueError) as err:  # a broken theme file must not stop the editor
            self.notify(f"Themes could not be loaded: {err}", severity="warning", markup=False)

    async def on_event(self, event: events.Event) -> None:
        """Note when the last key came (the background check waits for a quiet moment)."""
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        await super().on_event(event)

    def _validate_when_quiet(self) -> None:
        if time.monotonic() - self._last_key < VALIDATE_WHEN_QUIET:
            return
        if self.engine is not None:
            try:
                state = self.notebook_screen.kernel.state
            except LookupError:  # the screen is not up yet
                return
            if state in _KERNEL_AT_WORK:
                return
        self._validation.stop()
        validate_later(self.notebook)

    def freeze_startup_objects(self) -> None:
        """Keep the objects made so far out of the garbage collector's full passes.

        Start-up leaves hundreds of thousands of long-lived objects (modules,
        classes, styles); each full collection walked them all, a 30 to 70 ms
        pause on the event loop, the first one about when the kernel became
        ready. Called after the first frame and again when the kernel is up.
        Not in a headless app (tests), where many apps share one process and
        frozen garbage would never be freed.
        """
        if not self.is_headless:
            gc.freeze()

    def _start_kernel(self) -> None:
        """After the first paint: start the kernel in the background."""
        if self.engine is not None:
            self.run_worker(self._start_engine(self.engine), group="engine-start")

    async def _start_engine(self, engine: EngineLike) -> None:
        with contextlib.suppress(Exception):  # reported through KernelStartFailed
            await engine.start()

    async def shutdown_engine(self) -> None:
        """Stop the kernel (politely, then by force); idempotent."""
        engine = self.engine
        if engine is None:
            return
        with contextlib.suppress(Exception):
            async with asyncio.timeout(self.engine_shutdown_timeout):
                await engine.shutdown()

    async def on_unmount(self) -> None:
        """Stop the kernel; give the signals and the thread switch interval back."""
        await self.shutdown_engine()
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None
        loop = asyncio.get_running_loop()
        for signum in self._signals:
            loop.remove_signal_handler(signum)
        self._signals.clear()

    def on_terminate_signal(self, signum: int) -> None:
        """SIGHUP/SIGTERM: keep unsaved work in a recovery copy, then exit."""
        self.write_recovery_if_needed(force=True)
        self.exit(return_code=128 + signum)

    async def action_quit(self) -> None:
        """ctrl+q (also Textual's own quit): ask about unsaved work first."""
        self.start_quit()

    # ---- recovery ---------------------------------------------------------------

    def _commit_editor(self) -> None:
        try:
            self.notebook_screen.editing.commit()
        except (LookupError, NoMatches):  # no screen yet, or its widgets not (or no more) mounted
            return

    def _recovery_tick(self) -> None:
        """Timer: snapshot the notebook here, write the copy in a thread.

        Serialising a 3 MB notebook takes ~150 ms, too long to block typing;
        taking the snapshot (`to_dict`, a deep copy) takes ~12 ms.
        """
        self._commit_editor()
        notebook = self.notebook
        if self._recovery_writing or not notebook.dirty or self._busy("recovery"):
            return  # (while an offer is open, the offered copy must not be overwritten)
        if notebook.revision == self._recovery_revision:
            return
        self._recovery_writing = True
        self.run_worker(self._write_recovery_copy(notebook), group="recovery-write")

    async def _write_recovery_copy(self, notebook: Notebook) -> None:
        revision = notebook.revision
        saves = self._saves
        snapshot = notebook.to_dict()
        path = self.path

        try:
            await asyncio.to_thread(recovery.write_recovery, snapshot, path)
        except OSError as err:
            self.notify(f"Could not write a recovery copy: {err}", severity="warning", markup=False)
            return
        finally:
            self._recovery_writing = False
        if self._saves != saves or notebook is not self.notebook or not notebook.dirty:
            recovery.discard_recovery(path)  # saved or replaced meanwhile: the copy is stale
            return
        self._recovery_revision = revision

    def write_recovery_if_needed(self, *, force: bool = False) -> bool:
        """Write a recovery copy now (on this thread) if there is unsaved work not in one."""
        self._commit_editor()
        notebook = self.notebook
        if not notebook.dirty:
            return False
        if not force and notebook.revision == self._recovery_revision:
            return False
        try:
            recovery.write_recovery(notebook, self.path)
        except OSError as err:
            self.notify(f"Could not write a recovery copy: {err}", severity="warning", markup=False)
            return False
        self._recovery_revision = notebook.revision
        self._refresh_status()
        return True

    async def _offer_recovery(self) -> None:
        from tuinb.ui.dialogs.choice import recovery_modal

        offer = await asyncio.to_thread(recovery.find_recovery, self.path)  # reads both files
        if offer is None:  # the copies hold nothing the file lacks
            return
        choice = await self.push_screen_wait(recovery_modal(offer.question()))
        if choice == "restore":
            try:
                restored = recovery.load_recovery(self.path, offer.copy)
            except NotebookError as err:
                self.notify(str(err), severity="error", markup=False)
                return
            self._replace(restored)
            self.notify("Restored the unsaved work; save to keep it.", timeout=4)
        elif choice == "discard":
            recovery.discard_recovery(self.path, offer.copy)
        else:  # later: kept for the next start, out of the way of this session's copies
            recovery.set_aside(self.path, offer.copy)

    def _replace(self, notebook: Notebook) -> None:
        self.notebook = notebook
        self._recovery_revision = None
        if self.engine is not None:
            self.engine.replace_notebook(notebook)
        self.notebook_screen.replace_notebook(notebook)

    def _refresh_status(self) -> None:
        try:
            self.notebook_screen.refresh_status()
        except LookupError:
            return

    # ---- save and quit ------------------------------------------------------------

    def start_save(self, *, then_quit: bool = False) -> None:
        """Save in a worker (it may have to ask a question)."""
        if not self._busy("save"):
            self.run_worker(self.save_flow(then_quit=then_quit), group="save")

    async def save_flow(self, *, then_quit: bool = False) -> bool:
        """Save the notebook; True if it was written."""
        self._commit_editor()
        notebook = self.notebook
        if changed_on_disk(notebook):
            from tuinb.ui.dialogs.choice import external_change_modal

            choice = await self.push_screen_wait(external_change_modal(self.display_name))
            if choice == "reload":
                self.reload()
                return False
            if choice != "overwrite":
                return False
        if self.config.output.save_widget_state and self.engine is not None:
            # as JupyterLab's "Save Widget State Automatically": the models go into the file
            self.engine.widgets.store.save_into(notebook.metadata)
        try:
            save(notebook)
        except NotebookError as err:
            self.notify(str(err), severity="error", timeout=8, markup=False)
            return False
        self._saves += 1
        recovery.note_saved(self.path)  # the save holds this session's work
        self._recovery_revision = None
        self._refresh_status()
        if then_quit:
            self.exit()
        else:
            self.notify(f"Saved {self.display_name}.", timeout=2, markup=False)
        return True

    def reload(self) -> None:
        """Read the file again, dropping the changes made here."""
        try:
            fresh = load(self.path)
        except NotebookError as err:
            self.notify(str(err), severity="error", timeout=8, markup=False)
            return
        self._replace(fresh)
        recovery.discard_recovery(self.path)
        self.notify(f"Reloaded {self.display_name} from disk.", timeout=3, markup=False)

    def start_quit(self) -> None:
        """Quit, asking first if there is unsaved work."""
        if not self._busy("quit") and not self._busy("save"):
            self.run_worker(self._quit_flow(), group="quit")

    def _busy(self, group: str) -> bool:
        return any(w.group == group and not w.is_finished for w in self.workers)

    async def _quit_flow(self) -> None:
        self._commit_editor()
        if not self.notebook.dirty:
            self.exit()
            return
        from tuinb.ui.dialogs.choice import quit_modal

        choice = await self.push_screen_wait(quit_modal(self.display_name))
        if choice == "save":
            await self.save_flow(then_quit=True)
        elif choice == "discard":
            for worker in [w for w in self.workers if w.group == "recovery-write"]:
                await worker.wait()  # a copy being written would outlive the discard
            recovery.discard_recovery(self.path)
            self.exit()
