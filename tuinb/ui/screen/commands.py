"""Command palette provider: every action of the editor, with its keys."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tuinb.ui.keys import all_bindings, key_display
from tuinb.ui.screen.notebook_screen import NotebookScreen

Command = tuple[str, str, Callable[[], object]]
"""A palette command: its label, its help text (a binding id), what it runs."""


class ListedCommands(Provider):
    """A provider whose commands are a list (`_commands`), matched against the query."""

    def _commands(self) -> list[Command]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        """All commands, for an empty query."""
        for label, help_text, run in self._commands():
            yield DiscoveryHit(label, run, help=help_text)

    async def search(self, query: str) -> Hits:
        """Commands matching the query."""
        matcher = self.matcher(query)
        for label, help_text, run in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), run, help=help_text)


class NotebookCommands(ListedCommands):
    """Offers every binding of the editor as a command."""

    def _commands(self) -> list[Command]:
        screen = self.screen
        keymap = screen.owner.keymap_applied if isinstance(screen, NotebookScreen) else None
        commands: list[Command] = []
        for mode, binding in all_bindings():
            if binding.id in ("app.palette", "app.help_key", "cursor.home"):
                continue
            if mode not in ("command", "edit", "any"):
                continue  # a popup's, a bar's, a panel's or a dialog's own keys
            action = binding.action
            if action.startswith("chord("):
                continue
            action = action.replace("screen.chord(", "screen.chord_now(")
            label = f"{binding.description}  ({key_display(binding, keymap)})"
            run = partial(self.app.run_action, action, screen)
            commands.append((label, binding.id or action, run))
        return commands
