"""Moving the cursor and the selection over the cells (`j`, `k`, `g g`, `shift+j`, ...).

Every other group of actions ends here too: after a change to the model,
`show_changes` has the view re-read it and puts the cursor on a cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tuinb.ui.screen.hosts import NotebookParts, StatusRefresh

if TYPE_CHECKING:
    pass


class CursorHost(NotebookParts, StatusRefresh, Protocol):
    """What moving the cursor needs from the notebook screen (the status bar shows
    `cell n/N`)."""


class CursorActions:
    """Cursor and selection moves; `select` and `show_changes` for the other groups."""

    def __init__(self, host: CursorHost) -> None:
        self.host = host

    def select(self, index: int, *, extend: bool = False, repaint: bool = True) -> None:
        """Put the cursor on cell `index` (clamped), scrolled into sight.

        `extend`: keep the selection's other end (shift+j); `repaint`: repaint
        the whole view, else only the cells whose bar changed (a `j`).
        """
        view = self.host.view
        before = set(view.selection)
        scroll = view.scroll_y
        index = max(0, min(index, len(self.host.notebook.cells) - 1))
        if view.collapsed.hidden:
            index = self._shown(index, forward=index > view.cursor)
        view.cursor = index
        if not extend:
            view.selection_anchor = view.cursor
        view.scroll_to_cell(view.cursor)
        if round(view.scroll_y) != round(scroll):
            pass  # scrolling repainted the whole view already
        elif repaint:
            view.refresh()
        else:
            view.refresh_cells(before | set(view.selection))
        self.host.refresh_status()

    def _shown(self, index: int, *, forward: bool) -> int:
        """The nearest cell to `index` not hidden under a collapsed heading, looking the way
        the cursor moves first (the cell before a hidden section is its heading)."""
        view = self.host.view
        count = len(self.host.notebook.cells)
        step = 1 if forward else -1
        for start, way in ((index, step), (index, -step)):
            at = start
            while 0 <= at < count:
                if not view.is_hidden(at):
                    return at
                at += way
        return index

    def show_changes(self, cursor_id: str | None = None, *, index: int | None = None) -> None:
        """After a model operation: re-read it, put the cursor on a cell (by id or index)."""
        view = self.host.view
        view.sync()
        if cursor_id is not None:
            try:
                index = self.host.notebook.index_of(cursor_id)
            except KeyError:
                index = None
        self.select(view.cursor if index is None else index)

    def down(self) -> None:
        """Next cell."""
        self.select(self.host.view.cursor + 1, repaint=False)

    def up(self) -> None:
        """Previous cell."""
        self.select(self.host.view.cursor - 1, repaint=False)

    def first(self) -> None:
        """First cell."""
        self.select(0)

    def last(self) -> None:
        """Last cell."""
        self.select(len(self.host.notebook.cells) - 1)

    def extend_down(self) -> None:
        """Grow (or shrink) the selection downwards."""
        self.select(self.host.view.cursor + 1, extend=True, repaint=False)

    def extend_up(self) -> None:
        """Grow (or shrink) the selection upwards."""
        self.select(self.host.view.cursor - 1, extend=True, repaint=False)
