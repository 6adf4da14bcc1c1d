"""The Textual app: one notebook, its screen, and the flows that keep work safe.

`TuinbApp(notebook, engine=...)` takes everything it shows by constructor:
the document (already loaded by `tuinb.ui.launch`) and, for execution, an
engine: one in this process, a session host's client
(`tuinb.session.client.SessionClient`, then `session` is set), or a scripted
one in tests. The app owns what must never lose work, in the flows of
`tuinb.ui.flows`: saving and save as (`Saving`), recovery copies on a timer
and on the way out (`RecoveryCopies`), quitting, detaching and the
session's end (`Leaving`); it hands them what they need (`FlowHost`).
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

from textual import events, on
from textual.app import App
from textual.command import Provider
from textual.css.query import NoMatches

from tuinb.config import Config, LoadedConfig
from tuinb.model import Cell, Notebook, recovery, validate_later, write_access
from tuinb.render.status import is_read_only, kernel_name
from tuinb.session.client import SessionClient
from tuinb.ui.flows.leaving import Leaving
from tuinb.ui.flows.recovery import RecoveryCopies
from tuinb.ui.flows.remote import remote_saving
from tuinb.ui.flows.saving import Saving
from tuinb.ui.remap import install_keymap
from tuinb.ui.screen import bridge
from tuinb.ui.screen.bridge import pump_events
from tuinb.ui.screen.notebook_screen import NotebookScreen
from tuinb.ui.themes import register_themes

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Sequence
    from typing import Any, TypeVar

    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from tuinb.engine.protocols import EngineLike
    from tuinb.model.store import NotebookStore
    from tuinb.render.termgraphics import Capabilities

    T = TypeVar("T")

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


def _server_commands() -> type[Provider]:
    from tuinb.ui.flows.remote import ServerCommands  # (offers nothing for a local file)

    return ServerCommands


class TuinbApp(App[int]):
    """The notebook editor."""

    CSS_PATH: ClassVar = "tuinb.tcss"
    TITLE = "tuinb"
    COMMANDS: ClassVar = App.COMMANDS | {_notebook_commands, _server_commands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        notebook: Notebook,
        *,
        engine: EngineLike | None = None,
        kernel_name: str | None = None,
        recovery_interval: float | None = None,
        check_recovery: bool = True,
        config: LoadedConfig | None = None,
        notices: Sequence[str] = (),
        store: NotebookStore | None = None,
    ) -> None:
        """`notebook` must have a `path` (where it is saved).

        `engine` runs the cells: its kernel starts in the background once the
        screen is up, and it is shut down when the app ends. `kernel_name`
        overrides the notebook's kernel in the status bar (the `--kernel` option).
        `notices` are shown once the screen is up (start-up said something).
        `store` keeps a notebook that is not a local file (a Jupyter server's: its
        `path` is then a stand-in, `tuinb.ui.launch_remote.stand_in_path`).
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
        self.recovery_interval = (
            self.loaded_config.config.recovery_interval
            if recovery_interval is None
            else recovery_interval
        )
        """Seconds between recovery copies while dirty (the config's unless given)."""
        self.check_recovery = check_recovery
        """Offer a newer recovery copy at start."""
        self.session = engine if isinstance(engine, SessionClient) else None
        """The engine, when it is a session host's client: the kernel outlives the editor."""
        self.cell_clipboard: list[Cell] = []
        """Cells copied or cut with c / x."""
        self.guard_exit = False
        """Set by the CLI's launch: this process is the editor's own (`Leaving.terminated`
        then ends it within `EXIT_GRACE` even if leaving hangs)."""
        self.exit_message: str | None = None
        """Printed on the terminal once the editor's screen is gone (taken over, detached)."""
        self.read_only = False
        """The file is marked read-only or cannot be written (the status bar's `[RO]`)."""
        self.recovery = RecoveryCopies(self)
        self.saving = (
            Saving(self, self.recovery)
            if store is None
            else remote_saving(self, self.recovery, store)
        )
        self.leaving = Leaving(self, self.saving, self.recovery)
        self._notices = tuple(notices)
        self.keymap_applied: dict[str, str] = {}
        """The keys the config's `[keys]` remapped, by binding id (set at mount)."""
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
        for notice in self._notices:
            self.notify(notice, severity="warning", timeout=10, markup=False)
        self.read_only = is_read_only(write_access(self.path))
        self.keymap_applied = install_keymap(self, self.loaded_config)
        screen = NotebookScreen(self.notebook, owner=self, engine=self.engine)
        self.push_screen(screen)
        if self.engine is not None:
            self.run_worker(pump_events(self.engine, screen), group="engine-bridge")
            self.call_after_refresh(self._start_kernel)
        # nbformat checks the file once the user and the kernel are quiet (start-up cost)
        self._last_key = time.monotonic()
        self._validation = self.set_interval(VALIDATE_WHEN_QUIET / 4, self._validate_when_quiet)
        self.call_after_refresh(self.freeze_startup_objects)
        self.set_interval(self.recovery_interval, self.recovery.tick)
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
            self.run_worker(self.recovery.offer(), group="recovery")

    def _register_themes(self) -> None:
        where = self.loaded_config.where("theme")
        try:
            register_themes(self, select=self.config.theme, where=where)
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
        """Stop the kernel (politely, then by force); idempotent.

        A session's kernel is not this editor's to stop: it ends only when
        quitting says so (`Leaving`); any other way out detaches (an editor
        that crashes must not take a two-hour run with it).
        """
        engine = self.engine
        if engine is None:
            return
        with contextlib.suppress(Exception):
            async with asyncio.timeout(self.engine_shutdown_timeout):
                if self.session is not None:
                    await self.session.detach()
                else:
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
        """SIGHUP/SIGTERM: detach from a session; else keep a recovery copy and exit."""
        self.leaving.terminated(signum)

    async def action_quit(self) -> None:
        """ctrl+q (also Textual's own quit): ask about unsaved work first."""
        self.start_quit()

    # ---- what the flows need (`tuinb.ui.flows.host.FlowHost`) ------------------------

    def tell(
        self, message: str, *, severity: SeverityLevel = "information", timeout: float = 5
    ) -> None:
        """Show a notice (never read as markup: it may quote a notebook or a path)."""
        self.notify(message, severity=severity, timeout=timeout, markup=False)

    async def ask(self, dialog: Screen[T]) -> T:
        """Show a modal dialog and wait for its answer."""
        return await self.push_screen_wait(dialog)

    def start_work(self, work: Coroutine[Any, Any, Any], group: str) -> None:
        """Run `work` in a worker of the named group."""
        self.run_worker(work, group=group)

    def busy(self, group: str) -> bool:
        """Whether a worker of that group is still running."""
        return any(w.group == group and not w.is_finished for w in self.workers)

    async def wait_work(self, group: str) -> None:
        """Wait until the workers of that group have finished."""
        for worker in [w for w in self.workers if w.group == group]:
            await worker.wait()

    def commit_editor(self) -> None:
        """Put the live editor's text into the notebook."""
        try:
            self.notebook_screen.editing.commit()
        except (LookupError, NoMatches):  # no screen yet, or its widgets not (or no more) mounted
            return

    def path_changed(self) -> None:
        """Look at the file's write access again (the `[RO]` mark), and show the name."""
        self.read_only = is_read_only(write_access(self.path))
        self._refresh_status()

    def replace_notebook(self, notebook: Notebook, *, tell_engine: bool = True) -> None:
        """Edit and show `notebook` from now on (reloaded, restored, the host's)."""
        self.notebook = notebook
        self.recovery.revision = None
        if tell_engine and self.engine is not None:
            self.engine.replace_notebook(notebook)
        self.notebook_screen.replace_notebook(notebook)
        self._refresh_status()

    def leave(self, *, return_code: int = 0, message: str | None = None) -> None:
        """Exit; `message` is printed once the screen is gone (`tuinb.ui.launch`)."""
        if message is not None:
            self.exit_message = message
        self.exit(return_code=return_code)

    def _refresh_status(self) -> None:
        try:
            self.notebook_screen.refresh_status()
        except (LookupError, NoMatches):
            return

    # ---- the flows' entry points --------------------------------------------------------

    def write_recovery_if_needed(self, *, force: bool = False) -> bool:
        """Write a recovery copy now if there is unsaved work not in one (`RecoveryCopies`)."""
        written = self.recovery.write_if_needed(force=force)
        if written:
            self._refresh_status()
        return written

    def start_save(self) -> None:
        """ctrl+s: save in a worker (it may have to ask a question)."""
        if not self.busy("save"):
            self.run_worker(self.save_flow(), group="save")

    async def save_flow(self) -> bool:
        """Save the notebook; True if it was written (`Saving.save`)."""
        return await self.saving.save()

    def start_save_as(self) -> None:
        """Save as: ask for the path in a worker."""
        if not self.busy("save"):
            self.run_worker(self.saving.save_as(), group="save")

    def reload(self) -> None:
        """Read the file again, dropping the changes made here."""
        self.saving.reload()

    def start_quit(self) -> None:
        """Quit, asking first what must be asked (`Leaving.quit`); during a save, once the
        save has ended (the key is not lost while the file is written)."""
        if not self.busy("quit"):
            self.run_worker(self._quit_after_save(), group="quit")

    async def _quit_after_save(self) -> None:
        await self.wait_work("save")
        await self.leaving.quit()

    def start_detach(self) -> None:
        """The detach key: leave the session running without this editor."""
        if not self.busy("quit"):
            self.run_worker(self.leaving.detach(), group="quit")

    # ---- the session's messages ----------------------------------------------------------

    @on(bridge.SessionAttached)
    def _session_attached(self, message: bridge.SessionAttached) -> None:
        """Attached: what happened while away, and the marks of the cells that ran."""
        event = message.event
        try:
            marks = self.notebook_screen.run_marks
        except LookupError:
            return
        marks.ran_source.update(event.ran_source)
        summary = event.away.summary() if event.away is not None else None
        if summary:
            self.tell(f"While you were away: {summary}.", timeout=10)
        self.notebook_screen.sync_view()

    @on(bridge.SessionLost)
    def _session_lost(self, message: bridge.SessionLost) -> None:
        self.leaving.lost(message.event)
        self._refresh_status()

    @on(bridge.NotebookReplaced)
    def _notebook_replaced(self, message: bridge.NotebookReplaced) -> None:
        """The host already had this notebook (another editor started it): show its copy."""
        self.replace_notebook(message.event.notebook, tell_engine=False)
        self.path_changed()
