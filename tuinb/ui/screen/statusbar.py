"""The status bar: file name, dirty mark, mode, kernel name, cell n/N."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tuinb.sanitize import plain_text


class StatusBar(Static):
    """One line at the bottom of the notebook screen.

    Its text starts with the file name once the editor is ready, which is
    what end-to-end tests wait for.
    """

    def show(
        self, *, name: str, dirty: bool, mode: str, kernel: str, cell: int, cells: int
    ) -> None:
        """Repaint with the current state.

        The file and kernel names come from the file system and the notebook's
        metadata: their escape sequences and control characters are dropped.
        """
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {plain_text(name)}", style="bold")
        text.append(" [+]" if dirty else "    ")
        text.append(f"  {mode.upper()}", style="bold reverse" if mode == "edit" else "bold")
        text.append(f"  {plain_text(kernel)}")
        text.append(f"  cell {cell}/{cells}")
        self.update(text, layout=False)  # one line, always: no re-layout

    @property
    def plain(self) -> str:
        """The bar's text (for tests)."""
        content = self.content
        return content.plain if hasattr(content, "plain") else str(content)
