"""Popups laid over the cell editor, under its cursor: completions, and help on a name.

Neither takes the focus: the editor keeps the keys (typing goes on into the
cell and filters the completions), and the screen's completion group
(`tuinb.ui.screen.complete_actions`) hands them the keys that drive them
through the editor's `key_hook`. Both are placed by `place_under`: below the
cursor's row, or above it when there is no room below.

Everything shown comes from a kernel: match texts and types are made plain
(`tuinb.sanitize.plain_text`), help text keeps only its SGR colours
(`tuinb.ui.sanitize.ansi_text`), and both are given to Textual as `Text`,
never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.widgets import Static

from tuinb.sanitize import plain_text
from tuinb.ui.sanitize import ansi_text

if TYPE_CHECKING:
    from textual.geometry import Offset, Region

    from tuinb.engine.completion import Match

__all__ = ["CompletionPopup", "HelpPopup", "place_under"]

ROWS_SHOWN = 10
"""Completions listed at once; the list scrolls with the choice."""
WIDEST = 60
"""Columns a completion popup takes at most."""
HELP_ROWS = 14
"""Rows of help shown under the cursor (the pager shows it all)."""
HELP_WIDTH = 84
"""Columns the help popup takes at most."""


def place_under(popup: Static, cursor: Offset, area: Region, width: int, height: int) -> None:
    """Put `popup` (`width` x `height`) under the screen position `cursor`, inside `area`
    (the region the popup's offsets count from), or above the cursor if it fits better."""
    x = max(0, min(cursor.x - area.x, area.width - width))
    below = cursor.y - area.y + 1
    if below + height > area.height and cursor.y - area.y - height >= 0:
        y = cursor.y - area.y - height
    else:
        y = below
    popup.styles.width = width
    popup.styles.height = height
    popup.styles.offset = (x, y)


class CompletionPopup(Static):
    """The kernel's completions: text, then type, the chosen one highlighted."""

    DEFAULT_CSS: ClassVar[str] = """
    CompletionPopup {
        position: absolute; display: none; padding: 0 1;
        background: $panel; color: $text;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.matches: list[Match] = []
        """The completions listed."""
        self.choice = 0
        """Index of the chosen completion."""
        self.hint = ""
        """A few words shown instead of a list ("kernel busy")."""
        self._top = 0

    @property
    def is_open(self) -> bool:
        """Whether the popup shows a list of completions."""
        return bool(self.display and self.matches)

    @property
    def shows_hint(self) -> bool:
        """Whether the popup shows a hint instead of completions."""
        return bool(self.display and self.hint)

    @property
    def chosen(self) -> Match | None:
        """The chosen completion, if the list is open."""
        return self.matches[self.choice] if self.is_open else None

    def show(self, matches: Sequence[Match], cursor: Offset, area: Region) -> None:
        """List `matches` under the cursor, the first one chosen."""
        self.matches = list(matches)
        self.hint = ""
        self.choice = 0
        self._top = 0
        self._draw()
        texts = [len(plain_text(match.text)) for match in self.matches]
        kinds = [len(plain_text(match.type)) for match in self.matches]
        width = min(WIDEST, max(texts, default=1) + max(kinds, default=0) + 4)
        place_under(self, cursor, area, width, min(ROWS_SHOWN, len(self.matches)))
        self.display = True

    def show_hint(self, hint: str, cursor: Offset, area: Region) -> None:
        """One line under the cursor (why there is nothing to list); closes at the next key."""
        self.matches = []
        self.hint = plain_text(hint)
        self.update(Text(self.hint, style="italic"))
        place_under(self, cursor, area, len(self.hint) + 2, 1)
        self.display = True

    def refine(self, matches: Sequence[Match]) -> None:
        """Show the completions still fitting the typed text (the chosen one kept if it is)."""
        chosen = self.chosen
        self.matches = list(matches)
        self.choice = self.matches.index(chosen) if chosen in self.matches else 0
        self._top = min(self._top, self.choice)
        self.styles.height = min(ROWS_SHOWN, len(self.matches))
        self._draw()

    def move(self, step: int) -> None:
        """Choose the completion `step` places down (up if negative), wrapping."""
        if not self.matches:
            return
        self.choice = (self.choice + step) % len(self.matches)
        self._draw()

    def close(self) -> None:
        """Hide the popup."""
        self.matches = []
        self.hint = ""
        self.display = False

    def _draw(self) -> None:
        if self.choice < self._top:
            self._top = self.choice
        elif self.choice >= self._top + ROWS_SHOWN:
            self._top = self.choice - ROWS_SHOWN + 1
        shown = self.matches[self._top : self._top + ROWS_SHOWN]
        width = max((len(plain_text(match.text)) for match in shown), default=0)
        text = Text(no_wrap=True, overflow="ellipsis")
        for number, match in enumerate(shown, start=self._top):
            if number > self._top:
                text.append("\n")
            style = "reverse" if number == self.choice else ""
            text.append(plain_text(match.text).ljust(width), style=style)
            if match.type:
                text.append("  " + plain_text(match.type), style="dim")
        self.update(text)


class HelpPopup(Static):
    """The signature and start of the docstring of a name (the pager shows the rest)."""

    DEFAULT_CSS: ClassVar[str] = """
    HelpPopup {
        position: absolute; display: none; padding: 0 1;
        background: $panel; color: $text;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        """The help as the kernel gave it (SGR colours kept), or a hint."""

    @property
    def is_open(self) -> bool:
        """Whether help shows."""
        return bool(self.display)

    def show(self, text: str, cursor: Offset, area: Region, *, more: str) -> None:
        """Show the first rows of `text` under the cursor, then `more` (how to see it all)."""
        self.text = text
        lines = text.split("\n")
        shown = "\n".join(lines[:HELP_ROWS])
        body = ansi_text(shown)
        body.no_wrap = True
        body.overflow = "ellipsis"
        body.append(f"\n{more}", style="dim italic")
        width = min(
            HELP_WIDTH,
            max(16, area.width),
            max(len(plain_text(line)) for line in [*lines[:HELP_ROWS], more]) + 2,
        )
        self.update(body)
        place_under(self, cursor, area, width, min(HELP_ROWS, len(lines)) + 1)
        self.display = True

    def close(self) -> None:
        """Hide the popup."""
        self.display = False
