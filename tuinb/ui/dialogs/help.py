"""The help screen: every binding with its keys, and notes on keys terminals may not send."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuinb.ui.keys import KEY_NOTES, all_bindings, key_display


def help_table(keymap: Mapping[str, str] | None = None) -> Table:
    """All bindings as a table of mode, keys (as `keymap` remapped them), action and id."""
    table = Table(title="tuinb keys", expand=True, show_edge=False)
    table.add_column("mode")
    table.add_column("keys")
    table.add_column("action")
    table.add_column("id")
    for mode, binding in all_bindings():
        keys = Text(key_display(binding, keymap))
        table.add_row(mode, keys, Text(binding.description), binding.id or "")
    return table


class HelpScreen(ModalScreen[None]):
    """Lists every key; escape, q, ? or f1 closes it."""

    BINDINGS: ClassVar = [
        Binding("escape,q,question_mark,f1", "dismiss_help", "Close", id="help.close"),
    ]

    def __init__(self, keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap
        """The keys the user remapped (the table shows them)."""

    def compose(self) -> ComposeResult:
        """The table and the notes, scrollable."""
        with VerticalScroll(id="help-body"):
            yield Static(help_table(self.keymap), id="help-table")
            notes = Text()
            for note in KEY_NOTES:
                notes.append(f"\n• {note}")
            yield Static(notes, id="help-notes")

    def action_dismiss_help(self) -> None:
        """Close the help."""
        self.dismiss(None)
