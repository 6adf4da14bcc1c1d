"""The kernel picker: every installed kernelspec; dismisses with the chosen name.

The list comes from `tuinb.engine.kernels.list_kernels()` (the UI never reads
kernelspecs itself). The current kernel is highlighted; enter picks, escape
cancels (None).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tuinb.engine.kernels import KernelChoice


class KernelPicker(ModalScreen[str | None]):
    """Choose the notebook's kernel."""

    DEFAULT_CSS: ClassVar[str] = """
    KernelPicker { align: center middle; }
    #picker-dialog {
        width: 72; height: auto; max-height: 80%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    #picker-list { height: auto; max-height: 20; }
    """

    def __init__(
        self, choices: list[KernelChoice], *, current: str | None = None, reason: str = ""
    ) -> None:
        super().__init__(id="kernel-picker")
        self.choices = choices
        """The kernels offered, in order."""
        self.current = current
        """The notebook's kernel now (highlighted)."""
        self.reason = reason
        """Why the picker is shown (e.g. the kernel could not start), if not asked for."""

    def compose(self) -> ComposeResult:
        """A title line and the list."""
        with Vertical(id="picker-dialog"):
            title = self.reason or "Choose this notebook's kernel (enter picks, escape cancels)."
            yield Static(Text(title), id="picker-title")
            if not self.choices:
                yield Static(
                    Text("No kernel is installed: install ipykernel (pip install ipykernel)."),
                    id="picker-empty",
                )
            options = [
                Option(Text(f"{c.display_name}  ({c.name}, {c.language or '?'})"), id=c.name)
                for c in self.choices
            ]
            yield OptionList(*options, id="picker-list")

    def on_mount(self) -> None:
        """Highlight the current kernel."""
        listing = self.query_one(OptionList)
        names = [c.name for c in self.choices]
        if self.current in names:
            listing.highlighted = names.index(self.current)
        listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter: pick."""
        event.stop()
        self.dismiss(event.option.id)

    def on_key(self, event: events.Key) -> None:
        """Escape: keep the kernel."""
        if event.key == "escape":
            event.stop()
            self.dismiss(None)
