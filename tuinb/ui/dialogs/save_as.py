"""The save-as question: where to write the notebook from now on.

`SaveAsPrompt(current)` shows one line with the notebook's path (relative to
the current folder when it is inside it), selected so that typing replaces
it. Enter answers with the path typed (`~` expanded, relative to the current
folder, ``.ipynb`` added to a name without a suffix); escape cancels (None).
What the path is (a folder, a file that is not a notebook, a notebook to
overwrite, a read-only one) is for the save to find out and ask about.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tuinb.sanitize import plain_text

SUFFIX = ".ipynb"


def shown_path(path: Path, cwd: Path) -> str:
    """`path` as the prompt shows it: relative to `cwd` when it is inside it."""
    try:
        return str(path.absolute().relative_to(cwd))
    except ValueError:
        return str(path)


def chosen_path(text: str, cwd: Path) -> Path | None:
    """The absolute path typed (None: nothing typed)."""
    text = text.strip()
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.suffix and not text.endswith("/"):
        path = path.with_name(path.name + SUFFIX)
    return path if path.is_absolute() else cwd / path


class SaveAsPrompt(ModalScreen[Path | None]):
    """Ask for the path to save the notebook under."""

    DEFAULT_CSS: ClassVar[str] = """
    SaveAsPrompt { align: center middle; }
    #save-as-dialog {
        width: 80%; height: auto;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    #save-as-hint { color: $text-muted; }
    """

    def __init__(self, current: Path, *, cwd: Path | None = None) -> None:
        super().__init__(id="save-as-prompt")
        self.cwd = cwd or Path.cwd()
        """Relative paths are taken from here (the folder tuinb was started in)."""
        self.current = current
        """The notebook's path now."""

    def compose(self) -> ComposeResult:
        """The question, the path line, one hint line."""
        with Vertical(id="save-as-dialog"):
            yield Static(Text("Save the notebook as:"), id="save-as-label")
            yield Input(
                plain_text(shown_path(self.current, self.cwd)),
                id="save-as-input",
                select_on_focus=True,
            )
            yield Static(
                Text("enter saves (and edits the new file from then on), escape cancels."),
                id="save-as-hint",
            )

    def on_mount(self) -> None:
        """Type straight away (the path is selected: typing replaces it)."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: that path (nothing typed: stay open)."""
        event.stop()
        path = chosen_path(event.value, self.cwd)
        if path is not None:
            self.dismiss(path)

    def on_key(self, event: events.Key) -> None:
        """Escape: no save."""
        if event.key == "escape":
            event.stop()
            self.dismiss(None)

    @property
    def value(self) -> str:
        """What is typed so far (for tests)."""
        return self.query_one(Input).value
