"""Saving: ctrl+s and save as, with the questions a save may need, in either kind of editor.

A save is tried, and its answer (`tuinb.session.saving.SaveStatus`) may be a
question to ask before trying again: the file changed on disk since it was
read (overwrite, reload, or cancel), it is marked read-only (write over it?
asked once per file: the answer holds until tuinb ends), or save as found a
notebook at the new name (overwrite?). In a session the host writes its copy
(`SessionClient.save`, `save_as`); otherwise the editor writes its own
(`tuinb.session.saving.save_here`), the same answers either way.

A failure is one sentence; where it says to save under another name, the
save-as keys are named in it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tuinb.model import NotebookError, load, recovery
from tuinb.session.saving import SaveResult, save_here
from tuinb.ui.dialogs.choice import external_change_modal, overwrite_modal, read_only_modal
from tuinb.ui.dialogs.save_as import SaveAsPrompt
from tuinb.ui.keys import GLOBAL_BINDINGS, key_display

if TYPE_CHECKING:
    from tuinb.ui.flows.host import FlowHost
    from tuinb.ui.flows.recovery import RecoveryCopies

ANOTHER_NAME = "save under another name"


def save_as_keys() -> str:
    """The save-as keys as the help shows them (``ctrl+shift+s / alt+s``)."""
    binding = next(b for b in GLOBAL_BINDINGS if b.id == "notebook.save_as")
    return key_display(binding)


def with_save_as_keys(message: str) -> str:
    """A failed save's sentence, its "save under another name" naming the save-as keys."""
    if ANOTHER_NAME not in message:
        return message
    return message.replace(ANOTHER_NAME, f"{ANOTHER_NAME} ({save_as_keys()})", 1)


class Saving:
    """ctrl+s, save as and reload (see the module docstring)."""

    def __init__(self, host: FlowHost, recovery_copies: RecoveryCopies) -> None:
        self.host = host
        self.recovery = recovery_copies
        self.read_only_agreed: set[Path] = set()
        """Files the user agreed to write over although marked read-only (asked once)."""

    async def _try(
        self, *, path: Path | None, overwrite: bool, allow_read_only: bool
    ) -> SaveResult:
        host = self.host
        if host.config.output.save_widget_state and host.engine is not None:
            # as JupyterLab's "Save Widget State Automatically": the models go into the file
            host.engine.widgets.store.save_into(host.notebook.metadata)
        session = host.session
        if session is not None:  # attached, or the host gone: it saves the copy here then
            if path is not None:
                return await session.save_as(
                    path, overwrite=overwrite, allow_read_only=allow_read_only
                )
            return await session.save(overwrite=overwrite, allow_read_only=allow_read_only)
        return save_here(
            self.host.notebook, path=path, overwrite=overwrite, allow_read_only=allow_read_only
        )

    async def _until_saved(self, target: Path | None) -> bool:
        """Try saving (to `target`: save as), asking what each answer needs, until it is
        written (True) or the user says no, or it failed (told in one sentence)."""
        host = self.host
        path = target or host.path
        overwrite = False
        allow_read_only = path in self.read_only_agreed
        while True:
            result = await self._try(
                path=target, overwrite=overwrite, allow_read_only=allow_read_only
            )
            if result.status == "saved":
                return True
            if result.status == "changed":  # (plain saves only)
                choice = await host.ask(external_change_modal(host.display_name))
                if choice == "reload":
                    self.reload()
                if choice != "overwrite":
                    return False
                overwrite = True
            elif result.status == "exists":  # (save as only)
                if await host.ask(overwrite_modal(path.name)) != "overwrite":
                    return False
                overwrite = True
            elif result.status == "read-only":
                if await host.ask(read_only_modal(path.name)) != "write":
                    return False
                self.read_only_agreed.add(path)
                allow_read_only = True
            else:
                host.tell(with_save_as_keys(result.message), severity="error", timeout=10)
                return False

    async def save(self, *, quiet: bool = False) -> bool:
        """ctrl+s: save the notebook, asking what must be asked; True if it was written."""
        host = self.host
        host.commit_editor()
        if not await self._until_saved(None):
            return False
        self._saved(host.path)
        if not quiet:
            host.tell(f"Saved {host.display_name}.", timeout=2)
        return True

    async def save_as(self) -> bool:
        """Save as: ask for the path, save there, and edit that file from now on."""
        host = self.host
        host.commit_editor()
        target = await host.ask(SaveAsPrompt(host.path))
        if target is None:
            return False
        old = host.path
        if not await self._until_saved(target):
            return False
        self._saved(old)
        self._saved(host.path)
        host.tell(f"Saved as {host.display_name}; editing it from now on.", timeout=4)
        return True

    def _saved(self, path: Path) -> None:
        """The file at `path` holds this editor's work: its recovery copy can go."""
        if self.host.session is None or self.host.session.lost is not None:
            recovery.note_saved(path)  # (a session's host does this itself)
        self.recovery.saved()
        self.host.path_changed()

    def reload(self) -> None:
        """Read the file again, dropping the changes made here."""
        host = self.host
        try:
            fresh = load(host.path)
        except NotebookError as err:
            host.tell(str(err), severity="error", timeout=8)
            return
        host.replace_notebook(fresh)
        recovery.discard_recovery(host.path)
        host.path_changed()
        host.tell(f"Reloaded {host.display_name} from disk.", timeout=3)
