"""The tag editor (`t`): a cell's tags, added and removed one undo step at a time.

Tags go straight into the model (`tuinb.model.tags.add_tag` / `remove_tag`,
one undo step each), so closing the dialog loses nothing. The box completes
a tag from the ones used elsewhere in the notebook, then the tags tools act
on (`tag_suggestions`: `right` or `end` takes the suggestion, as in any
Textual input); enter adds the tag, and a tag the notebook format refuses
(empty, with a comma or a space) is refused in one sentence. In the list,
delete or backspace removes the chosen tag. Tags are shown as `Text`,
never as markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tuinb.model import Notebook
from tuinb.model.tags import add_tag, remove_tag, tag_suggestions, tags_of
from tuinb.sanitize import plain_text
from tuinb.ui.keys import DIALOG_BINDINGS

__all__ = ["TagEditor"]


class TagSuggester(Suggester):
    """Completes a tag from the notebook's tags, then the known ones."""

    def __init__(self, notebook: Notebook, cell_id: str) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.notebook = notebook
        self.cell_id = cell_id

    async def get_suggestion(self, value: str) -> str | None:
        """The first tag starting with `value` that the cell does not have yet."""
        if not value:
            return None
        found = tag_suggestions(self.notebook, value, cell_id=self.cell_id)
        return found[0] if found else None


class TagEditor(ModalScreen[None]):
    """Add and remove one cell's tags."""

    BINDINGS: ClassVar[list[BindingType]] = [*DIALOG_BINDINGS["tags"]]

    DEFAULT_CSS: ClassVar[str] = """
    TagEditor { align: center middle; }
    #tags-dialog {
        width: 64; height: auto; max-height: 80%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    #tags-list { height: auto; max-height: 12; }
    #tags-problem { color: $error; }
    #tags-hint { color: $text-muted; }
    """

    def __init__(self, notebook: Notebook, cell_id: str, *, cell_label: str = "") -> None:
        super().__init__(id="tag-editor")
        self.notebook = notebook
        self.cell_id = cell_id
        self.cell_label = cell_label
        """Which cell, e.g. "cell 3"."""

    def compose(self) -> ComposeResult:
        """Title, the tags, the box, the problem line, the hint."""
        with Vertical(id="tags-dialog"):
            yield Static(Text(f"Tags of {self.cell_label or 'the cell'}"), id="tags-title")
            yield OptionList(id="tags-list")
            yield Input(
                placeholder="new tag",
                id="tags-input",
                suggester=TagSuggester(self.notebook, self.cell_id),
            )
            yield Static(id="tags-problem")
            yield Static(
                Text(
                    "enter: add · right: take the suggestion · tab, then delete: "
                    "remove a tag · escape: close"
                ),
                id="tags-hint",
            )

    def on_mount(self) -> None:
        """List the tags; the box has the keys."""
        self._show_tags()
        self.query_one("#tags-input", Input).focus()

    @property
    def tags(self) -> list[str]:
        """The cell's tags now."""
        return tags_of(self.notebook.cell(self.cell_id))

    def _show_tags(self) -> None:
        listing = self.query_one("#tags-list", OptionList)
        listing.clear_options()
        tags = self.tags
        if tags:
            listing.add_options([Option(Text(plain_text(tag))) for tag in tags])
            listing.highlighted = 0
        else:
            listing.add_options([Option(Text("no tags yet", style="dim"), disabled=True)])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: add the typed tag."""
        event.stop()
        problem = add_tag(self.notebook, self.cell_id, event.value)
        self.query_one("#tags-problem", Static).update(Text(problem or ""))
        if problem is None:
            event.input.value = ""
            self._show_tags()

    def action_remove(self) -> None:
        """Delete or backspace in the list: remove the chosen tag."""
        listing = self.query_one("#tags-list", OptionList)
        if not listing.has_focus:
            box = self.query_one("#tags-input", Input)
            if box.has_focus:  # backspace edits the box
                box.action_delete_left()
            return
        tags = self.tags
        index = listing.highlighted
        if index is not None and 0 <= index < len(tags):
            remove_tag(self.notebook, self.cell_id, tags[index])
            self._show_tags()
            if self.tags:
                listing.highlighted = min(index, len(self.tags) - 1)

    def action_close(self) -> None:
        """Escape: close (every change is already in the notebook)."""
        self.dismiss(None)
