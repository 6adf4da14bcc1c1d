"""The notebook screen: the view, the one live editor over it, the status bar.

This is where Textual delivers keys and engine messages, and where the parts
are put together. What a key does is done by one of the action groups, each
given what it needs through a typed host protocol (this screen is every
host): `CursorActions` (moving, selecting), `EditActions` (edit mode),
`CellActions` (cell operations), `RunActions` (running cells) and
`KernelActions` (the kernel, stdin). A key's binding (`tuinb.ui.keys`) names
an `action_*` method here, which hands it to its group in one line, so the
command palette and remapped keys reach the same code. When the screen
paints is the `FramePacer`'s business (`tuinb.ui.screen.pacing`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container
from textual.widgets import TextArea

from tuinb.render.marks import RunMarks
from tuinb.render.status import TrustMark, kernel_status
from tuinb.ui.editor.cell_editor import CellEditor
from tuinb.ui.keys import GLOBAL_BINDINGS
from tuinb.ui.screen import bridge
from tuinb.ui.screen.cell_actions import CellActions
from tuinb.ui.screen.chords import Chords
from tuinb.ui.screen.cursor_actions import CursorActions
from tuinb.ui.screen.edit_actions import EditActions
from tuinb.ui.screen.kernel_actions import KernelActions
from tuinb.ui.screen.notify import notify_finished
from tuinb.ui.screen.output_actions import OutputActions
from tuinb.ui.screen.pacing import FramePacer
from tuinb.ui.screen.run_actions import RunActions
from tuinb.ui.screen.statusbar import StatusBar
from tuinb.ui.screen.tool_keys import ToolKeys
from tuinb.ui.screen.tools import Tools
from tuinb.ui.textual_compat import PacedScreen, write_to_terminal
from tuinb.ui.view.notebook_view import NotebookView

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen
    from textual.widget import Widget

    from tuinb.config import Config
    from tuinb.engine.protocols import EngineLike
    from tuinb.model import Cell, Notebook
    from tuinb.render.termgraphics import Capabilities
    from tuinb.ui.dialogs.stdin_prompt import StdinPrompt

T = TypeVar("T")


class NotebookOwner(Protocol):
    """What the notebook screen needs from the app that shows it (`TuinbApp`)."""

    cell_clipboard: list[Cell]
    """Cells copied or cut with c / x."""
    kernel_name: str | None
    """The `--kernel` choice, if any."""
    keymap_applied: dict[str, str]
    """The keys the user's config remapped, by binding id (as given to `App.set_keymap`)."""

    @property
    def config(self) -> Config: ...
    @property
    def display_name(self) -> str: ...
    @property
    def kernel_display_name(self) -> str: ...
    @property
    def read_only(self) -> bool:
        """The file is marked read-only or cannot be written (the `[RO]` mark)."""
        ...

    def graphics(self) -> Capabilities:
        """How the terminal draws images (detected at start, or forced by the config)."""
        ...

    def start_save(self) -> None: ...
    def start_save_as(self) -> None: ...
    def start_quit(self) -> None: ...
    def start_detach(self) -> None: ...
    def freeze_startup_objects(self) -> None: ...


class NotebookScreen(ToolKeys, PacedScreen):
    """Shows one notebook and runs every editing and running action on it."""

    BINDINGS: ClassVar[list[BindingType]] = [*GLOBAL_BINDINGS]

    def __init__(
        self, notebook: Notebook, *, owner: NotebookOwner, engine: EngineLike | None = None
    ) -> None:
        super().__init__(id="notebook-screen")
        self.notebook = notebook
        """The document on screen (the app's)."""
        self.owner = owner
        self.engine = engine
        """Runs the cells; None: this editor runs nothing."""
        self.run_marks = RunMarks()
        """Queued/running/stale state of the cells (the gutter's marks)."""
        self.pacer = FramePacer(self)
        self.moving = CursorActions(self)
        self.editing = EditActions(self, self.moving)
        self.cells = CellActions(self, self.moving)
        self.running = RunActions(
            self, cursor=self.moving, editing=self.editing, marks=self.run_marks, pacer=self.pacer
        )
        self.kernel = KernelActions(
            self, running=self.running, editing=self.editing, marks=self.run_marks, pacer=self.pacer
        )
        self.chords = Chords(lambda: self.app.active_bindings, self.run_action)
        self.tools = Tools(self, owner, cursor=self.moving, editing=self.editing, run=self.running)
        self.outputs = OutputActions(self)
        self.trust_mark = TrustMark()
        """Whether the bar says the notebook is not trusted (`tuinb.model.trust`)."""

    # ---- parts ------------------------------------------------------------------

    @property
    def view(self) -> NotebookView:
        """The notebook view."""
        return self.query_one(NotebookView)

    @property
    def editor(self) -> CellEditor:
        """The live cell editor."""
        return self.query_one(CellEditor)

    @property
    def status(self) -> StatusBar:
        """The status bar."""
        return self.query_one(StatusBar)

    @property
    def mode(self) -> str:
        """The mode: "command" or "edit" (`EditActions.mode`)."""
        return self.editing.mode

    def compose(self) -> ComposeResult:
        """View with the editor laid over it, status bar below."""
        with Container(id="body"):
            yield NotebookView(self.notebook, id="view")
            editor = CellEditor(id="editor", soft_wrap=False, tab_behavior="indent")
            editor.display = False
            yield editor
            yield from self.tools.body_widgets()
        yield StatusBar(id="status")
        yield from self.tools.screen_widgets()

    def on_mount(self) -> None:
        """Paint the cells and hand the keys to command mode."""
        view = self.view
        view.on_scrolled = self.editing.place_editor
        view.take_key = self.key_in_view
        view.marks = self.run_marks
        view.cell_note = self.run_marks.note
        self.tools.mounted()
        graphics = self.owner.graphics()
        in_tmux = bool(os.environ.get("TMUX"))
        self.outputs.setup(graphics, self.owner.config.output, tmux=in_tmux)
        view.on_sideways = self.outputs.scroll_tables
        self.call_after_refresh(self.outputs.release)  # images once the first frame is out
        view.sync()
        view.focus()
        self.refresh_status()

    def on_unmount(self) -> None:
        """Stop decoding images; free the terminal's copies of them."""
        self.outputs.close()

    def on_resize(self, event: events.Resize) -> None:
        """The terminal changed size: lay the editor over its cell again."""
        self.call_after_refresh(self.editing.place_editor)

    # ---- what the action groups and the app ask of the screen --------------------

    @property
    def clipboard(self) -> list[Cell]:
        """Cells copied or cut (the app's)."""
        return self.owner.cell_clipboard

    @clipboard.setter
    def clipboard(self, cells: list[Cell]) -> None:
        self.owner.cell_clipboard = cells

    def write_terminal(self, text: str) -> bool:
        """Escape sequences for the terminal (a clipboard copy, kitty images), in order with
        the frames."""
        return write_to_terminal(self.app, text)

    def refresh_status(self) -> None:
        """Show the current state in the status bar."""
        state = self.kernel.state if self.engine is not None else None
        kernel = kernel_status(
            self.owner.kernel_display_name,
            state,
            unanswered=self.kernel.unanswered is not None,
            connection=self.kernel.connection,
        )
        self.status.show(
            name=self.owner.display_name,
            dirty=self.notebook.dirty or self.editing.typed(),
            mode=self.mode,
            kernel=kernel,
            cell=min(self.view.cursor + 1, len(self.notebook.cells)),
            cells=len(self.notebook.cells),
            read_only=self.owner.read_only,
            untrusted=self.trust_mark.untrusted(self.notebook),
        )
        self.tools.cell_moved()

    def sync_view(self) -> None:
        """Re-read the model into the view, the editor's place and the status bar."""
        if not self.is_attached:
            return
        self.view.sync()
        self.editing.place_editor()
        self.refresh_status()
        self.tools.synced()

    def view_unpainted(self) -> bool:
        """Whether the view changed since the last frame, this screen being on top."""
        return self.is_current and self.is_unpainted(self.view)

    def frame_wanted_at_idle(self) -> bool:
        """Compose a frame now if the pacer wants one (a cell's first result)."""
        return self.pacer.frame_wanted_now()

    def focus_widget(self, widget: Widget) -> None:
        """Give `widget` the keys now."""
        self.app.set_focus(widget)

    def tell(
        self, message: str, *, severity: SeverityLevel = "information", timeout: float = 5
    ) -> None:
        """Show a notice (never read as markup: it may quote a notebook)."""
        self.notify(message, severity=severity, timeout=timeout, markup=False)

    def ring(self, title: str, body: str) -> None:
        """The terminal's bell and a desktop notification."""
        notify_finished(self.app, title, body)

    def show_screen(self, screen: Screen[Any]) -> None:
        """Put a screen on top (the full-screen output viewer)."""
        self.app.push_screen(screen)

    def start_work(
        self, work: Coroutine[Any, Any, None], group: str, *, exclusive: bool = False
    ) -> None:
        """Run `work` in the background (`exclusive`: cancelling the group's earlier work)."""
        self.run_worker(work, group=group, exclusive=exclusive)

    async def ask(self, dialog: Screen[T]) -> T:
        """Show a modal dialog and wait for its answer."""
        return await self.app.push_screen_wait(dialog)

    def show_prompt(self, prompt: StdinPrompt, answered: Callable[[str | None], None]) -> None:
        """Show the stdin prompt."""
        self.app.push_screen(prompt, answered)

    def close_prompt(self, prompt: StdinPrompt) -> None:
        """Close the stdin prompt if it is on top."""
        if prompt.is_attached and self.app.screen is prompt:
            self.app.pop_screen()

    def kernel_chosen(self) -> None:
        """A kernel was picked: the notebook's own kernel shows, not `--kernel`."""
        self.owner.kernel_name = None
        self.refresh_status()

    def startup_over(self) -> None:
        """The kernel is up: freeze the start-up objects out of the collector."""
        self.owner.freeze_startup_objects()

    def replace_notebook(self, notebook: Notebook) -> None:
        """Show another document (after reload or restore)."""
        if self.mode == "edit":
            self.editing.leave(commit=False)
        self.notebook = notebook
        self.view.notebook = notebook
        self.outputs.load_saved_widgets()
        self.view.invalidate()
        self.moving.select(0)
        self.tools.notebook_replaced()

    # ---- keys the view and the screen see first -----------------------------------

    def key_in_view(self, event: events.Key) -> bool:
        """A key reached the view: True if it goes to the editor instead (it came in the
        same burst as the key that began edit mode); else it may break a chord."""
        editor = self.editor
        if self.view.editing_id is not None and editor.display:
            editor.post_message(events.Key(event.key, event.character))
            return True
        if self.outputs.take_key(event):  # a widget control has the keys
            return True
        self.chords.key_pressed(event.key)
        return False

    def on_key(self, event: events.Key) -> None:
        """Any other key breaks a pending two-key chord."""
        self.chords.key_pressed(event.key)

    async def action_chord(self, binding_id: str, action: str) -> None:
        """First press arms the chord, the second runs `action` (`tuinb.ui.screen.chords`)."""
        await self.chords.press(binding_id, action)

    async def action_chord_now(self, binding_id: str, action: str) -> None:
        """Run a chord's action at once (from the command palette)."""
        await self.run_action(action)

    # ---- keys: each action is its group's ----------------------------------------

    def action_cursor_down(self) -> None:
        self.moving.down()

    def action_cursor_up(self) -> None:
        self.moving.up()

    def action_first_cell(self) -> None:
        self.moving.first()

    def action_last_cell(self) -> None:
        self.moving.last()

    def action_extend_down(self) -> None:
        self.moving.extend_down()

    def action_extend_up(self) -> None:
        self.moving.extend_up()

    def action_edit_cell(self) -> None:
        self.editing.start()

    def action_command_mode(self) -> None:
        self.editing.to_command_mode()

    def action_split_cell(self) -> None:
        self.editing.split()

    def action_insert_above(self) -> None:
        self.cells.insert_above()

    def action_insert_below(self) -> None:
        self.cells.insert_below()

    def action_delete_cells(self) -> None:
        self.cells.delete()

    def action_undo(self) -> None:
        self.cells.undo()

    def action_redo(self) -> None:
        self.cells.redo()

    def action_copy_cells(self) -> None:
        self.cells.copy()

    def action_cut_cells(self) -> None:
        self.cells.cut()

    def action_paste_below(self) -> None:
        self.cells.paste_below()

    def action_paste_above(self) -> None:
        self.cells.paste_above()

    def action_to_markdown(self) -> None:
        self.cells.change_type("markdown")

    def action_to_code(self) -> None:
        self.cells.change_type("code")

    def action_to_raw(self) -> None:
        self.cells.change_type("raw")

    def action_merge_cells(self) -> None:
        self.cells.merge()

    def action_move_up(self) -> None:
        self.cells.move(-1)

    def action_move_down(self) -> None:
        self.cells.move(1)

    def action_toggle_fold(self) -> None:
        self.cells.toggle_fold()

    def action_sideways(self, delta: int) -> None:
        """left / right: scroll the cursor cell's wide tables or math sideways when it has
        some; otherwise collapse (left) or expand (right) its heading's section."""
        if self.outputs.scroll_tables(delta):
            return
        if delta < 0:
            self.tools.outlining.collapse_at_cursor()
        else:
            self.tools.outlining.expand_at_cursor()

    def action_focus_widget(self, step: int) -> None:
        self.outputs.focus_control(step)

    def action_full_screen_output(self) -> None:
        self.outputs.full_screen()

    def action_run_cell(self) -> None:
        self.running.run_selected()

    def action_run_selected(self) -> None:
        self.running.run_selected()

    def action_run_and_advance(self) -> None:
        self.running.run_and_advance()

    def action_run_and_insert(self) -> None:
        self.running.run_and_insert()

    def action_run_all(self) -> None:
        self.running.run_many("all")

    def action_run_above(self) -> None:
        self.running.run_many("above")

    def action_run_below(self) -> None:
        self.running.run_many("below")

    def action_interrupt_kernel(self) -> None:
        self.kernel.interrupt()

    def action_restart_kernel(self) -> None:
        self.kernel.restart()

    def action_restart_and_run_all(self) -> None:
        self.kernel.restart(run_all=True)

    def action_restart_and_clear(self) -> None:
        self.kernel.restart(clear=True)

    def action_pick_kernel(self) -> None:
        self.kernel.pick()

    def action_save(self) -> None:
        self.owner.start_save()

    def action_save_as(self) -> None:
        self.owner.start_save_as()

    def action_quit_editor(self) -> None:
        self.owner.start_quit()

    def action_detach(self) -> None:
        self.owner.start_detach()

    def action_help(self) -> None:
        from tuinb.ui.dialogs.help import HelpScreen

        self.app.push_screen(HelpScreen(self.owner.keymap_applied))

    # ---- messages from the view, the editor and the engine ---------------------------

    @on(NotebookView.CellClicked)
    def _clicked(self, event: NotebookView.CellClicked) -> None:
        if self.mode == "edit":
            self.editing.leave(commit=True)
        self.moving.select(event.index)

    @on(TextArea.Changed, "#editor")
    def _editor_changed(self, event: TextArea.Changed) -> None:
        self.editing.text_changed()
        self.tools.text_changed()

    @on(TextArea.SelectionChanged, "#editor")
    def _editor_moved(self, event: TextArea.SelectionChanged) -> None:
        self.editing.cursor_moved()
        self.tools.cursor_moved()

    @on(bridge.EngineMessage)
    def _engine_message(self, message: bridge.EngineMessage) -> None:
        bridge.deliver(message, running=self.running, kernel=self.kernel, outputs=self.outputs)
        if isinstance(message, bridge.CellStarted):
            self.tools.cell_started(message.cell_id)
