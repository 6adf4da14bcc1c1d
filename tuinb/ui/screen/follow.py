"""Scroll-follow: while a running cell's output grows past the screen, the view follows it.

When a cell starts running with its top on screen (in command mode), the
view keeps the end of its output in sight as the output grows (and, after a
`shift+enter`, the first rows of the cursor cell below it). It stops
following as soon as the user moves: a key that moves the cursor or
scrolls, or edit mode. Checked after each sync of the view from the model
(`NotebookScreen.sync_view`), so it costs nothing between outputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tuinb.ui.screen.hosts import NotebookParts

if TYPE_CHECKING:
    pass

CURSOR_ROWS = 3
"""Rows of the cursor cell kept in sight below a followed cell."""


class FollowHost(NotebookParts, Protocol):
    """What following needs from the notebook screen."""

    @property
    def mode(self) -> str:
        """ "command" or "edit"."""
        ...


class ScrollFollow:
    """Which running cell the view follows, and where the user left the view."""

    def __init__(self, host: FollowHost) -> None:
        self.host = host
        self.cell_id: str | None = None
        """The cell followed, if any."""
        self._left: tuple[int, int] = (0, 0)

    def _place(self) -> tuple[int, int]:
        view = self.host.view
        return view.cursor, round(view.scroll_y)

    def started(self, cell_id: str) -> None:
        """A cell started running: follow it if its top is on screen."""
        view = self.host.view
        self.cell_id = None
        if self.host.mode != "command":
            return
        try:
            index = self.host.notebook.index_of(cell_id)
        except KeyError:
            return
        top = view.cell_top(index)
        scroll = round(view.scroll_y)
        if scroll <= top < scroll + view.scrollable_content_region.height:
            self.cell_id = cell_id
            self._left = self._place()

    def synced(self) -> None:
        """The view re-read the model: scroll to the followed cell's end if it grew past."""
        if self.cell_id is None:
            return
        if self.host.mode != "command" or self._place() != self._left:
            self.cell_id = None  # the user moved: leave the view where they put it
            return
        view = self.host.view
        try:
            index = self.host.notebook.index_of(self.cell_id)
        except KeyError:
            self.cell_id = None
            return
        view.ensure_measured(index)
        end = view.cell_top(index + 1)  # the row after the cell (tops end with the total)
        if view.cursor == index + 1:
            view.ensure_measured(index + 1)
            end = min(end + CURSOR_ROWS, view.cell_top(index + 2))
        height = view.scrollable_content_region.height
        scroll = round(view.scroll_y)
        if end > scroll + height:
            view.scroll_to(y=end - height, animate=False, immediate=True, force=True)
        self._left = self._place()
