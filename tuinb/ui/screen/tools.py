"""The editor's tools put together: find, outline, tags and metadata, clipboard, completion.

`Tools` is made by the notebook screen with what the tools need of it (the
`ToolsHost` protocol below) and is, in turn, the host of each tool's action
group (`FindActions`, `OutlineActions`, `MetaActions`, `ClipboardActions`,
`CompleteActions`, `ScrollFollow`): it owns their widgets (the find bar, the
outline panel, the popups over the editor) and answers their protocols from
the screen's parts. The screen's keys reach the groups through
`tuinb.ui.screen.tool_keys.ToolKeys`; the screen tells `Tools` when the
model, the editor or the cursor changed (`synced`, `text_changed`,
`cursor_moved`, `cell_started`, `notebook_replaced`).

The user's config is applied here at mount: line numbers and the fold
length (`ViewOptions`, which the first frame drew too), the editor's tab
width, soft wrap and closing brackets, the long-cell notification threshold.
"""

from __future__ import annotations

import math
from collections.abc import Coroutine, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from textual.geometry import Region

from tuinb.config import Config
from tuinb.render.notes import cell_note
from tuinb.render.options import ViewOptions
from tuinb.ui.editor.popups import CompletionPopup, HelpPopup
from tuinb.ui.screen.clipboard_actions import ClipboardActions
from tuinb.ui.screen.complete_actions import CompleteActions
from tuinb.ui.screen.find_actions import FindActions
from tuinb.ui.screen.find_bar import FindBar
from tuinb.ui.screen.follow import ScrollFollow
from tuinb.ui.screen.hosts import (
    Background,
    EditorPart,
    NotebookParts,
    Notifier,
    StatusRefresh,
    TerminalWriter,
)
from tuinb.ui.screen.meta_actions import MetaActions
from tuinb.ui.screen.outline_actions import OutlineActions
from tuinb.ui.screen.outline_panel import OutlinePanel

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen
    from textual.widget import Widget

    from tuinb.engine.protocols import EngineLike
    from tuinb.model import Cell, Notebook
    from tuinb.ui.editor.cell_editor import CellEditor
    from tuinb.ui.screen.cursor_actions import CursorActions
    from tuinb.ui.screen.edit_actions import EditActions
    from tuinb.ui.screen.run_actions import RunActions
    from tuinb.ui.view.notebook_view import NotebookView

T = TypeVar("T")


class ToolsHost(
    NotebookParts, EditorPart, Notifier, Background, StatusRefresh, TerminalWriter, Protocol
):
    """What the tools need from the notebook screen."""

    @property
    def engine(self) -> EngineLike | None: ...
    @property
    def mode(self) -> str:
        """ "command" or "edit"."""
        ...


class ToolsOwner(Protocol):
    """What the tools read of the app (`TuinbApp`)."""

    keymap_applied: dict[str, str]
    """The keys the user remapped, by binding id."""

    @property
    def config(self) -> Config:
        """The user's config file."""
        ...


class Tools:
    """The tools' widgets and action groups, and the host each group gets."""

    def __init__(
        self,
        host: ToolsHost,
        owner: ToolsOwner,
        *,
        cursor: CursorActions,
        editing: EditActions,
        run: RunActions,
    ) -> None:
        self.host = host
        self.owner = owner
        self.running = run
        self.find_bar = FindBar(id="find-bar")
        self.outline_panel = OutlinePanel(id="outline")
        self.completion_popup = CompletionPopup(id="completions")
        self.help_popup = HelpPopup(id="help-popup")
        self.finding = FindActions(self, cursor=cursor, editing=editing)
        self.outlining = OutlineActions(self, cursor=cursor, editing=editing)
        self.meta = MetaActions(self, cursor=cursor, editing=editing)
        self.copying = ClipboardActions(self)
        self.completing = CompleteActions(self)
        self.follow = ScrollFollow(self)

    # ---- put together --------------------------------------------------------------------

    def body_widgets(self) -> Iterator[Widget]:
        """The widgets laid over or beside the view (after the editor, so they draw on top)."""
        yield self.outline_panel
        yield self.completion_popup
        yield self.help_popup

    def screen_widgets(self) -> Iterator[Widget]:
        """The widgets docked on the screen (the find bar, above the status bar)."""
        yield self.find_bar

    def mounted(self) -> None:
        """Apply the user's config; plug the tools into the view and the editor."""
        config = self.owner.config
        view = self.host.view
        view.options = ViewOptions(config.editor.line_numbers, config.output.fold_lines)
        view.sections = self.outlining.sections
        view.cell_note = self.note
        editor = self.host.editor
        editor.indent_width = config.editor.tab_width
        editor.soft_wrap = config.editor.soft_wrap
        editor.auto_close = config.editor.auto_close_brackets
        editor.key_hook = self.completing.key
        editor.blur_hook = self.completing.close
        self.running.long_cell_seconds = config.notify_after or math.inf
        self.find_bar.on_query = self.finding.search
        self.outline_panel.on_act = self.outlining.acted

    def toggle_line_numbers(self) -> None:
        """`shift+l`: number the lines of code cells, or stop (the view and the editor)."""
        view = self.host.view
        old = view.options
        view.options = ViewOptions(line_numbers=not old.line_numbers, fold_lines=old.fold_lines)
        editor = self.host.editor
        if editor.cell_id is not None:
            code = self.host.notebook.cell(editor.cell_id).cell_type == "code"
            editor.show_line_numbers = view.options.line_numbers and code
        view.sync()

    def note(self, cell: Cell) -> str | None:
        """A cell's last row: hidden cells of a collapsed heading, timing, tags."""
        hidden = self.host.view.collapsed.folded.get(cell.id, 0)
        return cell_note(cell, timing=self.running.marks.note(cell), hidden=hidden)

    # ---- what the screen tells the tools ---------------------------------------------------

    def synced(self) -> None:
        """The view re-read the model."""
        self.finding.model_changed()
        self.outlining.refresh()
        self.follow.synced()

    def text_changed(self) -> None:
        """The editor's text changed."""
        self.completing.text_changed()

    def cursor_moved(self) -> None:
        """The editor's cursor moved."""
        self.completing.cursor_moved()

    def cell_moved(self) -> None:
        """The cursor cell or the status changed (after a cell operation too): the outline
        marks the cursor's section, the find bar's count follows edits."""
        self.outlining.cursor_moved()
        self.finding.model_changed()

    def cell_started(self, cell_id: str) -> None:
        """A cell started running (the view may follow its output)."""
        self.follow.started(cell_id)

    def notebook_replaced(self) -> None:
        """Another document is on screen."""
        self.completing.close()
        self.finding.notebook_replaced()
        self.outlining.refresh()

    # ---- what the groups ask (their host protocols) --------------------------------------

    @property
    def notebook(self) -> Notebook:
        """The document on screen."""
        return self.host.notebook

    @property
    def view(self) -> NotebookView:
        """The notebook view."""
        return self.host.view

    @property
    def editor(self) -> CellEditor:
        """The live cell editor."""
        return self.host.editor

    @property
    def engine(self) -> EngineLike | None:
        """The engine (completion, help)."""
        return self.host.engine

    @property
    def mode(self) -> str:
        """ "command" or "edit"."""
        return self.host.mode

    @property
    def popup_area(self) -> Region:
        """The region the popups' offsets count from (the notebook's body)."""
        return self.host.view.region

    @property
    def keymap(self) -> Mapping[str, str]:
        """The keys the user remapped."""
        return self.owner.keymap_applied

    def focus_widget(self, widget: Widget) -> None:
        """Give `widget` the keys."""
        self.host.focus_widget(widget)

    def tell(
        self, message: str, *, severity: SeverityLevel = "information", timeout: float = 5
    ) -> None:
        """Show a notice."""
        self.host.tell(message, severity=severity, timeout=timeout)

    def start_work(
        self, work: Coroutine[Any, Any, None], group: str, *, exclusive: bool = False
    ) -> None:
        """Run `work` in the background."""
        self.host.start_work(work, group, exclusive=exclusive)

    async def ask(self, dialog: Screen[T]) -> T:
        """Show a modal dialog and wait for its answer."""
        return await self.host.ask(dialog)

    def refresh_status(self) -> None:
        """Repaint the status bar."""
        self.host.refresh_status()

    def write_terminal(self, text: str) -> bool:
        """Write to the terminal (OSC 52)."""
        return self.host.write_terminal(text)

    def show_pager(self, text: str, title: str) -> None:
        """The help on a name, full screen."""
        from tuinb.ui.dialogs.help_pager import HelpPager

        self.host.start_work(self.host.ask(HelpPager(text, title=title)), "pager")
