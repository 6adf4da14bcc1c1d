"""The outline panel (`alt+t`): the notebook's headings, indented by level, at the right.

A widget only: `tuinb.ui.screen.outline_actions` fills it and acts on its
keys (`tuinb.ui.keys.OUTLINE_BINDINGS`: enter jumps to the heading's cell,
left and right collapse and expand its section, escape gives the keys back
to the notebook). The heading of the section the cursor is in is marked
with ``▶``; a collapsed heading shows ``▸``. Heading texts come from the
notebook: plain text (`tuinb.model.outline` makes them so), given to Textual
as `Text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tuinb.model.outline import Heading
from tuinb.ui.keys import OUTLINE_BINDINGS

__all__ = ["OutlinePanel"]

INDENT = 2
"""Columns of indentation per heading level."""


class OutlinePanel(OptionList):
    """The table of contents; hidden until `alt+t`."""

    BINDINGS: ClassVar[list[BindingType]] = [*OUTLINE_BINDINGS]

    DEFAULT_CSS: ClassVar[str] = """
    OutlinePanel {
        dock: right; width: 34; display: none; height: 100%;
        border: none; border-left: vkey $panel; background: $surface; padding: 0;
    }
    OutlinePanel:focus { border: none; border-left: vkey $accent; }
    """

    on_act: Callable[[str, Heading | None], None] | None = None
    """Called with what a key of the panel asks for: `jump`, `collapse` or `expand` on the
    highlighted heading, or `back` (no heading)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.headings: list[Heading] = []
        """The headings listed, in notebook order."""
        self._shown: tuple[object, ...] | None = None

    def show_headings(
        self, headings: Sequence[Heading], current: Heading | None, folded: set[str]
    ) -> None:
        """List `headings`; `current` is marked, `folded` (heading cell ids) are collapsed."""
        shown = (tuple(headings), current, frozenset(folded))
        if shown == self._shown:
            return
        self._shown = shown
        keep = self.highlighted
        self.headings = list(headings)
        self.clear_options()
        options: list[Option] = []
        for heading in self.headings:
            text = Text(no_wrap=True, overflow="ellipsis")
            text.append("▶ " if heading == current else "  ", style="bold")
            text.append(" " * (INDENT * (heading.level - 1)))
            text.append("▸ " if heading.cell_id in folded else "  ", style="dim")
            text.append(
                heading.text or "(empty heading)", style="bold" if heading.level == 1 else ""
            )
            options.append(Option(text))
        if not options:
            options.append(
                Option(
                    Text("No headings: add markdown cells with # titles.", style="dim"),
                    disabled=True,
                )
            )
        self.add_options(options)
        if self.headings:
            index = keep if keep is not None and keep < len(self.headings) else None
            if index is None and current is not None:
                index = self.headings.index(current)
            self.highlighted = index or 0

    @property
    def chosen(self) -> Heading | None:
        """The highlighted heading."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self.headings):
            return None
        return self.headings[index]

    def action_jump(self) -> None:
        """Go to the highlighted heading's cell."""
        self._act("jump", self.chosen)

    def action_collapse(self) -> None:
        """Collapse the highlighted heading's section."""
        self._act("collapse", self.chosen)

    def action_expand(self) -> None:
        """Expand the highlighted heading's section."""
        self._act("expand", self.chosen)

    def action_back(self) -> None:
        """Give the keys back to the notebook (the panel stays)."""
        self._act("back", None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click on a heading: go there."""
        event.stop()
        self._act("jump", self.chosen)

    def _act(self, what: str, heading: Heading | None) -> None:
        if self.on_act is not None:
            self.on_act(what, heading)
