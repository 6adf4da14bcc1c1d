"""The stdin prompt: a cell called `input()` or `getpass()` and waits for a line.

`StdinPrompt(prompt, password=...)` dismisses with the typed answer on enter,
or with None on escape (the caller then interrupts the kernel, since a kernel
waiting for input cannot be told "no answer" any other way).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tuinb.ui.sanitize import ansi_text


class StdinPrompt(ModalScreen[str | None]):
    """Ask for one line of input for the kernel (masked for passwords)."""

    DEFAULT_CSS: ClassVar[str] = """
    StdinPrompt { align: center bottom; }
    #stdin-dialog {
        width: 90%; height: auto; margin-bottom: 2;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    #stdin-hint { color: $text-muted; }
    """

    def __init__(self, prompt: str, *, password: bool = False, cell_label: str = "") -> None:
        super().__init__(id="stdin-prompt")
        self.prompt = prompt
        """The prompt the code gave (untrusted text: shown sanitised)."""
        self.password = password
        """Mask the typed characters."""
        self.cell_label = cell_label
        """Which cell asks, e.g. "cell 3"."""

    def compose(self) -> ComposeResult:
        """The prompt, the input line, one hint line."""
        with Vertical(id="stdin-dialog"):
            yield Static(ansi_text(self.prompt or "Input:"), id="stdin-label")
            yield Input(password=self.password, id="stdin-input")
            who = f"{self.cell_label} is" if self.cell_label else "The kernel is"
            yield Static(
                Text(f"{who} waiting for input: enter sends it, escape interrupts the cell."),
                id="stdin-hint",
            )

    def on_mount(self) -> None:
        """Type straight away."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: send the answer."""
        event.stop()
        self.dismiss(event.value)

    def on_key(self, event: events.Key) -> None:
        """Escape: no answer."""
        if event.key == "escape":
            event.stop()
            self.dismiss(None)

    @property
    def value(self) -> str:
        """What is typed so far (for tests)."""
        return self.query_one(Input).value
