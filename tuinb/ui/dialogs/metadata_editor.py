"""The metadata editor (`alt+m` for the cell, `alt+n` for the notebook): JSON in a text box.

The box starts with the metadata as JupyterLab shows it (indented JSON,
`tuinb.model.tags.metadata_json`). `ctrl+s` applies it through `apply`
(`apply_cell_metadata` / `apply_notebook_metadata`: one undo step, merged key
by key so a key changed meanwhile by a run is kept): JSON that does not parse,
or a value the notebook format refuses, is refused with the reason in one
sentence, and the box keeps the text as typed. Escape closes without a change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from tuinb.ui.keys import DIALOG_BINDINGS

__all__ = ["MetadataEditor"]


class MetadataEditor(ModalScreen[bool]):
    """Edit metadata as JSON; dismisses with True once a change is applied."""

    BINDINGS: ClassVar[list[BindingType]] = [*DIALOG_BINDINGS["metadata"]]

    DEFAULT_CSS: ClassVar[str] = """
    MetadataEditor { align: center middle; }
    #metadata-dialog {
        width: 90%; height: 80%; border: thick $accent; background: $surface; padding: 0 1;
    }
    #metadata-text { height: 1fr; }
    #metadata-problem { color: $error; height: auto; }
    #metadata-hint { color: $text-muted; }
    """

    def __init__(self, title: str, text: str, apply: Callable[[str], str | None]) -> None:
        super().__init__(id="metadata-editor")
        self.title_text = title
        """What is edited ("Metadata of cell 3")."""
        self.text = text
        """The JSON the box starts with."""
        self.apply = apply
        """Takes the edited text; returns why it is refused, or None once applied."""

    def compose(self) -> ComposeResult:
        """Title, the JSON, the problem line, the hint."""
        with Vertical(id="metadata-dialog"):
            yield Static(Text(self.title_text), id="metadata-title")
            yield TextArea(self.text, id="metadata-text", tab_behavior="indent", soft_wrap=False)
            yield Static(id="metadata-problem")
            yield Static(
                Text("ctrl+s: apply · escape: close without changing anything"), id="metadata-hint"
            )

    def on_mount(self) -> None:
        """The box has the keys."""
        self.query_one("#metadata-text", TextArea).focus()

    @property
    def edited(self) -> str:
        """The text in the box."""
        return self.query_one("#metadata-text", TextArea).text

    def action_apply(self) -> None:
        """Apply the text, or say why not (the box keeps it)."""
        problem = self.apply(self.edited)
        if problem is not None:
            self.query_one("#metadata-problem", Static).update(Text(problem))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without a change."""
        self.dismiss(False)
