"""The find bar (`ctrl+f`, `alt+f` with the replace box): two boxes, the toggles, the count.

It sits between the notebook and the status bar (in the screen's vertical
layout, not docked: two widgets docked at one edge would overlap).

A widget only: what the keys do is `tuinb.ui.screen.find_actions`. Its boxes
carry the find keys (`tuinb.ui.keys.FIND_BINDINGS`: enter, shift+enter,
escape, the toggles, replace all), whose actions are the screen's, so a
remapped key and the command palette reach the same code. The query is
shown back only through `Input` (never parsed as markup); the count or the
reason a query is refused is plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from tuinb.model.find import FindOptions
from tuinb.ui.keys import FIND_BINDINGS, pass_on_alt, run_own_binding

__all__ = ["FindBar", "FindInput"]

TOGGLES = (
    ("case_sensitive", "Aa", "alt+c"),
    ("whole_word", "W", "alt+w"),
    ("regex", ".*", "alt+r"),
    ("in_outputs", "out", "alt+o"),
)
"""(option, label, key) of each toggle, in the bar's order (shown reversed when on; the
keys are in the help, `?`)."""


class FindInput(Input):
    """A box of the find bar: the find keys work in it, and the screen's alt keys."""

    BINDINGS: ClassVar[list[BindingType]] = [*FIND_BINDINGS]

    async def on_key(self, event: events.Key) -> None:
        """The bar's keys in order with the typing around them; alt keys are not typed."""
        if not await run_own_binding(self, event):
            pass_on_alt(event)


class FindBar(Vertical):
    """Docked above the status bar while finding; hidden otherwise."""

    on_query: Callable[[str], None] | None = None
    """Called with the find box's text each time it changes (the search)."""

    DEFAULT_CSS: ClassVar[str] = """
    FindBar { height: auto; display: none; background: $panel; }
    FindBar #replace-row { display: none; }
    FindBar Horizontal { height: 1; }
    FindBar .find-label { width: 8; color: $text-muted; padding: 0 0 0 1; }
    FindBar Input {
        width: 1fr; min-width: 12; max-width: 48; height: 1; border: none; padding: 0 1;
        background: $surface;
    }
    FindBar Input:focus { border: none; background: $boost; }
    FindBar #find-count { width: auto; max-width: 60%; height: 1; padding: 0 1; }
    FindBar #find-toggles { width: auto; height: 1; padding: 0 1 0 0; }
    FindBar #replace-hint { width: auto; padding: 0 1; color: $text-muted; }
    FindBar #find-count.-error { color: $error; }
    """

    def compose(self) -> ComposeResult:
        """The find row, then the replace row (shown with `alt+f`)."""
        with Horizontal(id="find-row"):
            yield Static("Find", classes="find-label")
            yield FindInput(placeholder="text or expression", id="find-query")
            yield Static(id="find-count")
            yield Static(id="find-toggles")
        with Horizontal(id="replace-row"):
            yield Static("Replace", classes="find-label")
            yield FindInput(placeholder="replacement", id="find-replacement")
            yield Static(Text("enter: replace this one · alt+a: replace all"), id="replace-hint")

    @property
    def query_box(self) -> FindInput:
        """The find box."""
        return self.query_one("#find-query", FindInput)

    @property
    def replace_box(self) -> FindInput:
        """The replace box."""
        return self.query_one("#find-replacement", FindInput)

    @property
    def is_open(self) -> bool:
        """Whether the bar shows."""
        return bool(self.display)

    @property
    def replacing(self) -> bool:
        """Whether the replace box shows."""
        return bool(self.query_one("#replace-row").display)

    def open(self, *, replace: bool) -> None:
        """Show the bar (and the replace box with `replace`), the find box focused."""
        row = self.query_one("#replace-row")
        row.display = replace or (self.is_open and self.replacing)
        self.display = True
        self.query_box.focus()

    def close(self) -> None:
        """Hide the bar."""
        self.display = False

    def on_input_changed(self, event: Input.Changed) -> None:
        """The find box changed: search (the replace box is read when replacing)."""
        event.stop()
        if event.input.id == "find-query" and self.on_query is not None:
            self.on_query(event.value)

    def show_state(self, options: FindOptions, label: str, *, error: bool) -> None:
        """Show the toggles' states and the count ("3 of 17"), or why the query is refused."""
        toggles = Text(no_wrap=True, overflow="ellipsis")
        states = asdict(options)
        for name, text, _key in TOGGLES:
            toggles.append(" ")
            toggles.append(f" {text} ", style="reverse" if states[name] else "dim")
        self.query_one("#find-toggles", Static).update(toggles)
        count = self.query_one("#find-count", Static)
        count.update(Text(label, no_wrap=True, overflow="ellipsis"))
        count.set_class(error, "-error")
