"""What the flows need from the app (`tuinb.ui.app.TuinbApp` is their host)."""

from __future__ import annotations

from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from tuinb.config import Config
    from tuinb.engine.protocols import EngineLike
    from tuinb.model import Notebook
    from tuinb.session.client import SessionClient
    from tuinb.ui.screen.notebook_screen import NotebookScreen

T = TypeVar("T")


class FlowHost(Protocol):
    """The app, as the save, recovery and leaving flows use it."""

    notebook: Notebook
    """The document being edited (replaced on reload, restore, the host's notebook)."""
    guard_exit: bool
    """The process is the editor's own (the CLI's): after SIGHUP or SIGTERM it may end
    itself if leaving hangs. Never in a test's process."""

    @property
    def config(self) -> Config:
        """The options of the user's config file."""
        ...

    @property
    def engine(self) -> EngineLike | None:
        """Runs the cells (None: nothing runs)."""
        ...

    @property
    def session(self) -> SessionClient | None:
        """The engine, when it is a session host's client (else None)."""
        ...

    @property
    def path(self) -> Path:
        """Where the notebook is saved."""
        ...

    @property
    def display_name(self) -> str:
        """The file name shown to the user."""
        ...

    @property
    def notebook_screen(self) -> NotebookScreen:
        """The notebook screen (LookupError before it is mounted)."""
        ...

    def tell(
        self, message: str, *, severity: SeverityLevel = "information", timeout: float = 5
    ) -> None:
        """Show a notice (never read as markup)."""
        ...

    async def ask(self, dialog: Screen[T]) -> T:
        """Show a modal dialog and wait for its answer."""
        ...

    def start_work(self, work: Coroutine[Any, Any, Any], group: str) -> None:
        """Run `work` in the background, in the named group."""
        ...

    def busy(self, group: str) -> bool:
        """Whether work of that group is still running."""
        ...

    async def wait_work(self, group: str) -> None:
        """Wait until the work of that group has finished."""
        ...

    def commit_editor(self) -> None:
        """Put the live editor's text into the notebook (shipped to a session host at once)."""
        ...

    def path_changed(self) -> None:
        """The notebook's file changed (saved, saved as): look at its write access again."""
        ...

    def replace_notebook(self, notebook: Notebook, *, tell_engine: bool = True) -> None:
        """Edit and show `notebook` from now on (`tell_engine`: the engine writes into it too)."""
        ...

    def leave(self, *, return_code: int = 0, message: str | None = None) -> None:
        """Exit the editor; `message` is printed on the terminal once the screen is gone."""
        ...
