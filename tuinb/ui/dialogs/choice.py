"""Small modal questions: save / discard / cancel and the like.

A `ChoiceModal` shows one sentence and a button per choice; each choice has a
key (its first letter unless given), and escape picks the cancel choice. It
dismisses with the chosen id.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ChoiceModal(ModalScreen[str]):
    """Ask one question; dismiss with the id of the chosen answer."""

    DEFAULT_CSS: ClassVar[str] = ""

    def __init__(
        self,
        question: str,
        choices: list[tuple[str, str, str]],
        *,
        cancel: str,
        modal_id: str,
    ) -> None:
        """`choices` are (id, label, key); `cancel` is the id escape picks."""
        super().__init__(id=modal_id, classes="choice-modal")
        self.question = question
        self.choices = choices
        self.cancel = cancel
        self.answered = False
        """An answer was given (a second key before the dialog is gone is ignored: a
        second dismiss raises in Textual)."""

    def answer(self, choice: str) -> None:
        """Dismiss with `choice`, once."""
        if not self.answered:
            self.answered = True
            self.dismiss(choice)

    def compose(self) -> ComposeResult:
        """The question, then a row of buttons."""
        with Vertical(id="choice-dialog"):
            yield Static(Text(self.question), id="choice-question")
            with Horizontal(id="choice-buttons"):
                for choice, label, key in self.choices:
                    yield Button(Text(f"{label} ({key})"), id=f"choice-{choice}")

    def on_mount(self) -> None:
        """Focus the first button."""
        self.query(Button).first().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button answers the question."""
        event.stop()
        if event.button.id:
            self.answer(event.button.id.removeprefix("choice-"))

    def on_key(self, event: events.Key) -> None:
        """Answer keys: each choice's letter; escape cancels."""
        if event.key == "escape":
            event.stop()
            self.answer(self.cancel)
            return
        for choice, _label, key in self.choices:
            if event.key == key:
                event.stop()
                self.answer(choice)
                return


def quit_modal(name: str) -> ChoiceModal:
    """Unsaved changes at quit."""
    return ChoiceModal(
        f"{name} has unsaved changes. Save them before quitting?",
        [("save", "Save", "s"), ("discard", "Discard", "d"), ("cancel", "Cancel", "c")],
        cancel="cancel",
        modal_id="quit-modal",
    )


def restart_modal(what: str) -> ChoiceModal:
    """Confirm a restart (variables are lost)."""
    return ChoiceModal(
        f"{what}? Every variable in the kernel is lost.",
        [("restart", "Restart", "r"), ("cancel", "Cancel", "c")],
        cancel="cancel",
        modal_id="restart-modal",
    )


def recovery_modal(question: str) -> ChoiceModal:
    """A recovery copy differs from the file (`RecoveryCopy.question()` says how).

    Escape decides later: only "discard" deletes the copy.
    """
    return ChoiceModal(
        question,
        [("restore", "Restore", "r"), ("discard", "Discard it", "d"), ("later", "Later", "l")],
        cancel="later",
        modal_id="recovery-modal",
    )


def external_change_modal(name: str, *, server: str | None = None) -> ChoiceModal:
    """The file changed on disk since it was read or saved (`server`: the notebook is on
    that Jupyter server, and someone saved it there, in JupyterLab perhaps)."""
    changed, source = "on disk by another program", "disk"
    if server is not None:
        changed, source = f"on {server} (by JupyterLab?)", "the server"
    return ChoiceModal(
        f"{name} was changed {changed} since it was opened. "
        f"Overwrite it with this version, reload it from {source}, or cancel the save?",
        [("overwrite", "Overwrite", "o"), ("reload", "Reload", "r"), ("cancel", "Cancel", "c")],
        cancel="cancel",
        modal_id="external-modal",
    )


def read_only_modal(name: str) -> ChoiceModal:
    """Saving a notebook marked read-only: asked once per file, escape cancels the save."""
    return ChoiceModal(
        f"{name} is marked read-only. Write over the read-only file? (It stays marked read-only.)",
        [("write", "Write over it", "w"), ("cancel", "Cancel", "c")],
        cancel="cancel",
        modal_id="read-only-modal",
    )


def overwrite_modal(name: str) -> ChoiceModal:
    """Save as onto a notebook that exists."""
    return ChoiceModal(
        f"{name} already exists. Overwrite it with this notebook?",
        [("overwrite", "Overwrite", "o"), ("cancel", "Cancel", "c")],
        cancel="cancel",
        modal_id="overwrite-modal",
    )


def _at_work(running: int, queued: int) -> str:
    """`2 cells running and 1 queued`."""
    parts = []
    if running:
        parts.append(f"{running} cell{'s' if running != 1 else ''} running")
    if queued:
        parts.append(f"{queued} queued")
    return " and ".join(parts)


def keep_running_modal(name: str, running: int, queued: int) -> ChoiceModal:
    """Quitting while cells run or wait in a session: keep them going without the editor?"""
    return ChoiceModal(
        f"{name} has {_at_work(running, queued)}. Keep running in the background "
        "(`tuinb attach` comes back to it), stop the kernel and quit, or cancel?",
        [("keep", "Keep running", "k"), ("stop", "Stop and quit", "s"), ("cancel", "Cancel", "c")],
        cancel="cancel",
        modal_id="keep-running-modal",
    )


def attach_modal(running: int, queued: int) -> ChoiceModal:
    """Attaching to another kernel while cells run or wait: they stop."""
    return ChoiceModal(
        f"This notebook has {_at_work(running, queued)}; attaching to another kernel stops "
        "them. Attach anyway?",
        [("attach", "Attach", "a"), ("cancel", "Cancel", "c")],
        cancel="cancel",
        modal_id="attach-modal",
    )


def revert_modal(name: str, when: str) -> ChoiceModal:
    """Put a server notebook's last checkpoint back (the changes since are lost)."""
    return ChoiceModal(
        f"Revert {name} to its checkpoint of {when}? The notebook on the server and here "
        "becomes that version; every change since is lost.",
        [("revert", "Revert", "r"), ("cancel", "Cancel", "c")],
        cancel="cancel",
        modal_id="revert-modal",
    )


def foreign_restart_modal(what: str) -> ChoiceModal:
    """Restart a kernel tuinb did not start (`--existing`, a server's shared kernel)."""
    return ChoiceModal(
        f"This kernel is not tuinb's (it was running before, or others share it); "
        f"{what[:1].lower()}{what[1:]} anyway? Every variable in it is lost, for everyone "
        "using it.",
        [("restart", "Restart", "r"), ("cancel", "Cancel", "c")],
        cancel="cancel",
        modal_id="restart-modal",
    )
