"""What the screen's action groups ask of their host, in pieces they share.

Each action group declares its host as a protocol (`CellsHost`, `FindHost`,
...) so no group reaches into the screen beyond it. Most of them need the
same few things (the notebook and its view, the editor, a notice, work in
the background, a question); those are declared once here and each host
protocol is made of the pieces it needs plus what only it needs.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen
    from textual.widget import Widget

    from tuinb.model import Notebook
    from tuinb.ui.editor.cell_editor import CellEditor
    from tuinb.ui.view.notebook_view import NotebookView

T = TypeVar("T")


class NotebookParts(Protocol):
    """The notebook being edited and the view that shows it."""

    @property
    def notebook(self) -> Notebook: ...
    @property
    def view(self) -> NotebookView: ...


class EditorPart(Protocol):
    """The one live cell editor, and giving a widget the keys."""

    @property
    def editor(self) -> CellEditor: ...
    def focus_widget(self, widget: Widget) -> None:
        """Give `widget` the keys now (the next key of a burst goes to it)."""
        ...


class Notifier(Protocol):
    """Notices to the user."""

    def tell(
        self, message: str, *, severity: SeverityLevel = "information", timeout: float = 5
    ) -> None:
        """Show a notice."""
        ...


class Background(Protocol):
    """Work that outlives a key press, and questions."""

    def start_work(
        self, work: Coroutine[Any, Any, None], group: str, *, exclusive: bool = False
    ) -> None:
        """Run `work` in the background (`exclusive`: cancelling the group's earlier work)."""
        ...

    async def ask(self, dialog: Screen[T]) -> T:
        """Show a modal dialog and wait for its answer."""
        ...


class StatusRefresh(Protocol):
    """The status bar."""

    def refresh_status(self) -> None:
        """Repaint the status bar (mode, cursor cell, unsaved mark, kernel)."""
        ...


class TerminalWriter(Protocol):
    """Escape sequences straight to the terminal (clipboard copies, kitty images)."""

    def write_terminal(self, text: str) -> bool:
        """Write `text` now, in order with the frames; False without a terminal."""
        ...
