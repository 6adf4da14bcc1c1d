"""The full help on a name (`shift+tab` twice, or `alt+h`), in a scrollable pager.

The text is the kernel's (`inspect_reply`): shown with its SGR colours only
(`tuinb.ui.sanitize.ansi_text`), never as markup. Arrow keys, page keys and
the mouse scroll; escape or `q` closes it and the editor has the keys again.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuinb.ui.keys import DIALOG_BINDINGS
from tuinb.ui.sanitize import ansi_text


class HelpPager(ModalScreen[None]):
    """Help on a name, full screen."""

    BINDINGS: ClassVar[list[BindingType]] = [*DIALOG_BINDINGS["help pager"]]

    DEFAULT_CSS: ClassVar[str] = """
    HelpPager { align: center middle; }
    #pager-body {
        width: 100%; height: 100%; border: thick $accent; background: $surface; padding: 0 1;
    }
    #pager-hint { dock: bottom; height: 1; color: $text-muted; }
    """

    def __init__(self, text: str, *, title: str = "") -> None:
        super().__init__(id="help-pager")
        self.text = text
        """The help as the kernel gave it (SGR colours kept)."""
        self.title_text = title
        """What the help is about (the name), shown on the border."""

    def compose(self) -> ComposeResult:
        """The text, scrollable, and one line saying how to close it."""
        with VerticalScroll(id="pager-body") as body:
            body.border_title = Text(self.title_text)
            yield Static(ansi_text(self.text), id="pager-text")
        yield Static(Text("arrows, page up/down: scroll · escape or q: close"), id="pager-hint")

    def on_mount(self) -> None:
        """Scroll with the keys at once."""
        self.query_one("#pager-body").focus()

    def action_close(self) -> None:
        """Back to the editor."""
        self.dismiss(None)
