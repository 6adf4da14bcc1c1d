"""Copying to the system clipboard over SSH (`ctrl+c`, `alt+c`; `ctrl+c` in the editor).

The terminal keeps the clipboard: tuinb writes an OSC 52 sequence
(`tuinb.clipboard.osc52`: text made plain first, refused above ~75 KB rather
than cut) and the terminal stores the text, wherever tuinb runs (in tmux
with `set -g set-clipboard on`). What can be copied: the cursor cell's
source, the editor's selection, the text of the cursor cell's outputs
(streams, tracebacks, `text/plain`, as the find bar searches them). The
cells clipboard of `c` / `x` / `v` is another thing and stays as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tuinb.clipboard import osc52
from tuinb.model.find import output_text
from tuinb.ui.screen.hosts import EditorPart, NotebookParts, Notifier, TerminalWriter

if TYPE_CHECKING:
    pass

NO_TERMINAL = "Not copied: there is no terminal to hand the text to."


class ClipboardHost(NotebookParts, EditorPart, Notifier, TerminalWriter, Protocol):
    """What copying needs from the notebook screen."""


class ClipboardActions:
    """Copy a cell's source, the selection or a cell's output text through OSC 52."""

    def __init__(self, host: ClipboardHost) -> None:
        self.host = host

    def copy(self, text: str, what: str) -> bool:
        """Send `text` to the clipboard and say so; False (with the reason) if it was not."""
        copy = osc52(text, what=what)
        if copy.sequence is None:
            self.host.tell(copy.message, severity="warning")
            return False
        if not self.host.write_terminal(copy.sequence):
            self.host.tell(NO_TERMINAL, severity="warning")
            return False
        self.host.tell(copy.message, timeout=2)
        return True

    def copy_source(self) -> None:
        """`ctrl+c` (command mode): the cursor cell's source."""
        cells = self.host.notebook.cells
        if cells:
            self.copy(cells[self.host.view.cursor].source, "the cell's source")

    def copy_output(self) -> None:
        """`alt+c`: the text of the cursor cell's outputs."""
        cells = self.host.notebook.cells
        if not cells:
            return
        texts = [output_text(output) for output in cells[self.host.view.cursor].outputs]
        text = "\n".join(part.removesuffix("\n") for part in texts if part)
        if not text:
            self.host.tell("This cell has no output text to copy.", timeout=2)
            return
        self.copy(text, "the cell's output")

    def copy_selection(self) -> None:
        """`ctrl+c` (edit mode): the selected text."""
        selected = self.host.editor.selected_text
        if not selected:
            self.host.tell("Nothing is selected: select with shift and the arrow keys.", timeout=2)
            return
        self.copy(selected, "the selection")
