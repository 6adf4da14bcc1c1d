"""The picker of a Jupyter server's folders and notebooks (`tuinb --server URL`, no path).

`pick_notebook(folder)` shows the folder the URL named (the server's root
for a bare URL) and returns the server path of the notebook chosen, or None.
Enter on a folder goes into it, on ``..`` up, on a notebook picks it; escape
(or ctrl+q) leaves without one. Only folders and notebooks are listed: the
editor opens nothing else. A server that fails while browsing says so in the
picker's title line, in one sentence; the picker stays (escape leaves).

Names come from the server: each one goes through `tuinb.sanitize.plain_text`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tuinb.sanitize import plain_text

if TYPE_CHECKING:
    from tuinb.engine.sources import ServerFolder

UP = ".."
"""The option id of the way up."""


def parent_of(folder: str) -> str:
    """The server folder above `folder` (`""`: the root)."""
    return folder.rpartition("/")[0]


class ServerPicker(Screen[str | None]):
    """Browse a server's folders; dismiss with the notebook picked (None: left)."""

    DEFAULT_CSS: ClassVar[str] = """
    ServerPicker { align: center middle; }
    #server-picker-dialog {
        width: 90%; height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    #server-picker-title { height: auto; }
    #server-picker-list { height: 1fr; }
    #server-picker-hint { color: $text-muted; }
    """

    def __init__(self, folder: ServerFolder) -> None:
        super().__init__(id="server-picker")
        self.connection = folder.connection
        self.root = folder
        self.folder = folder.folder
        """The server folder shown (`""`: the root)."""
        self.loaded = False
        """The current folder's listing is shown (for tests)."""

    def compose(self) -> ComposeResult:
        """Title, the listing, one hint line."""
        with Vertical(id="server-picker-dialog"):
            yield Static(Text(""), id="server-picker-title")
            yield OptionList(id="server-picker-list")
            yield Static(
                Text("enter opens a notebook or a folder, escape leaves without opening one."),
                id="server-picker-hint",
            )

    def on_mount(self) -> None:
        """List the folder the URL named."""
        self.query_one(OptionList).focus()
        self.show(self.folder)

    def _title(self, text: str) -> None:
        self.query_one("#server-picker-title", Static).update(Text(text))

    def show(self, folder: str) -> None:
        """List `folder` (in the background: it is a request)."""
        self.folder = folder
        self.loaded = False
        self.run_worker(self._list(folder), group="listing", exclusive=True)

    async def _list(self, folder: str) -> None:
        from tuinb.engine.sources import ServerFolder
        from tuinb.server.errors import ServerError

        where = self.connection.where()
        shown = plain_text("/" + folder)
        self._title(f"Notebooks on {where}, in {shown} (listing...)")
        try:
            entries = await ServerFolder(self.connection, folder, self.root.source).entries()
        except ServerError as err:
            self._title(str(err))
            return
        listing = self.query_one(OptionList)
        listing.clear_options()
        options: list[Option] = []
        if folder:
            options.append(Option(Text("../"), id=UP))
        for entry in entries:
            name = plain_text(entry.name)
            if entry.type == "directory":
                options.append(Option(Text(f"{name}/", style="bold"), id="d:" + entry.path))
            elif entry.type == "notebook":
                options.append(Option(Text(name), id="n:" + entry.path))
        listing.add_options(options)
        if options:
            listing.highlighted = 0
        count = sum(1 for o in options if o.id and o.id.startswith("n:"))
        none = "" if count else " (no notebook here)"
        self._title(f"Notebooks on {where}, in {shown}{none}")
        self.loaded = True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter: into a folder, up, or pick a notebook."""
        event.stop()
        chosen = event.option.id or ""
        if chosen == UP:
            self.show(parent_of(self.folder))
        elif chosen.startswith("d:"):
            self.show(chosen[2:])
        elif chosen.startswith("n:"):
            self.dismiss(chosen[2:])

    def on_key(self, event: events.Key) -> None:
        """Escape: leave without a notebook; backspace: up a folder."""
        if event.key == "escape":
            event.stop()
            self.dismiss(None)
        elif event.key == "backspace" and self.folder:
            event.stop()
            self.show(parent_of(self.folder))


class ServerPickerApp(App[str | None]):
    """The picker on its own, before the editor starts."""

    TITLE = "tuinb"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "leave", "Leave", id="picker.quit", priority=True)
    ]
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, folder: ServerFolder) -> None:
        super().__init__()
        self.folder = folder

    def on_mount(self) -> None:
        """Show the picker; its answer is the app's."""
        self.push_screen(ServerPicker(self.folder), self._picked)

    def _picked(self, path: str | None) -> None:
        self.exit(path)

    def action_leave(self) -> None:
        """ctrl+q: leave without a notebook."""
        self.exit(None)

    async def on_unmount(self) -> None:
        """Close the HTTP client this loop made."""
        await self.folder.connection.aclose()


def pick_notebook(folder: ServerFolder) -> str | None:
    """Run the picker; the server path of the notebook chosen (None: left without one)."""
    return ServerPickerApp(folder).run()
