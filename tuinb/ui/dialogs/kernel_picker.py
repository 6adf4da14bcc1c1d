"""The kernel picker: every installed kernelspec, then the running kernels; dismisses with
the chosen kernelspec's name or running kernel's key.

The lists come from `tuinb.engine.kernels.list_kernels()` and
`tuinb.engine.running.running_choices()` (the UI never reads kernelspecs or
connection files itself). The current kernel is highlighted; enter picks,
escape cancels (None). A running kernel's key (`RunningChoice.key`) has a
colon, which no kernelspec name has.
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
from tuinb.engine.running import RunningChoice
from tuinb.sanitize import printable

RUNNING_TITLE = "Running kernels (not tuinb's: quitting leaves them running)"


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
        self,
        choices: list[KernelChoice],
        *,
        current: str | None = None,
        reason: str = "",
        running: list[RunningChoice] | None = None,
    ) -> None:
        super().__init__(id="kernel-picker")
        self.choices = choices
        """The kernels offered, in order."""
        self.current = current
        """The notebook's kernel now (highlighted)."""
        self.reason = reason
        """Why the picker is shown (e.g. the kernel could not start), if not asked for."""
        self.running = running
        """The running kernels offered after the kernelspecs (None: no such section)."""

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
            options: list[Option | None] = [
                Option(Text(f"{c.display_name}  ({c.name}, {c.language or '?'})"), id=c.name)
                for c in self.choices
            ]
            if self.running is not None:
                options += [None, Option(Text(RUNNING_TITLE, style="bold"), disabled=True)]
                options += [Option(Text(printable(r.label)), id=r.key) for r in self.running]
                if not self.running:
                    options.append(Option(Text("(none found)", style="dim"), disabled=True))
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
