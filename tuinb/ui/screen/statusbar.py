"""The status bar: file name, `[RO]` and untrusted marks, unsaved mark, mode, kernel and its
state (or its connection's), cell n/N."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tuinb.render.status import status_parts


class StatusBar(Static):
    """One line at the bottom of the notebook screen.

    Its text starts with the file name once the editor is ready, which is
    what end-to-end tests wait for. What it shows is `tuinb.render.status`'s,
    as on the first frame.
    """

    _shown: tuple[str, bool, str, str, int, int, bool, bool] | None = None
    _plain = ""

    def show(
        self,
        *,
        name: str,
        dirty: bool,
        mode: str,
        kernel: str,
        cell: int,
        cells: int,
        read_only: bool = False,
        untrusted: bool = False,
    ) -> None:
        """Repaint with the current state, if it changed (typing would repaint the bar on
        every key). The names are sanitised (`status_parts`)."""
        shown = (name, dirty, mode, kernel, cell, cells, read_only, untrusted)
        if shown == self._shown:
            return
        self._shown = shown
        text = Text(no_wrap=True, overflow="ellipsis")
        parts = status_parts(
            name=name,
            dirty=dirty,
            mode=mode,
            kernel=kernel,
            cell=cell,
            cells=cells,
            read_only=read_only,
            untrusted=untrusted,
        )
        for part, style in parts:
            text.append(part, style=style)
        self._plain = text.plain
        self.update(text, layout=False)  # one line, always: no re-layout

    @property
    def plain(self) -> str:
        """The bar's text (for tests)."""
        return self._plain
