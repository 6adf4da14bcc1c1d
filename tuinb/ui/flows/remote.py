"""Saving a notebook that lives on a Jupyter server, as JupyterLab does against the same server.

`RemoteSaving` is `Saving` with the store in place of the file
(`tuinb.model.store.NotebookStore`, here `tuinb.server.store.ServerNotebookStore`):

- ctrl+s asks the server whether someone saved since we loaded (its
  `last_modified`); if so, the same overwrite / reload / cancel question as
  for a file changed on disk, then `PUT` through the contents API, then a
  checkpoint, as JupyterLab's save does;
- save as writes the notebook under another path on the same server (refused,
  in one sentence, when something is there) and edits that one from then on;
- "Revert to checkpoint" (the command palette) puts the last checkpoint back,
  after asking;
- reload reads the server's version again.

A server error is one sentence (`tuinb.server.errors`), and nothing here is
lost by it: the notebook stays dirty, and recovery copies go on being kept
under the notebook's stand-in path (`tuinb.server.address.stand_in_path`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from tuinb.model import NotebookError, recovery
from tuinb.model.store import CheckpointStore, RenamingStore, SaveConflict
from tuinb.ui.dialogs.choice import external_change_modal, revert_modal
from tuinb.ui.dialogs.save_as import SaveAsPrompt
from tuinb.ui.flows.saving import Saving, with_save_as_keys
from tuinb.ui.screen.commands import Command, ListedCommands

if TYPE_CHECKING:
    from tuinb.model.store import NotebookStore
    from tuinb.ui.flows.host import FlowHost
    from tuinb.ui.flows.recovery import RecoveryCopies


def _server_error(err: Exception) -> bool:
    from tuinb.server.errors import ServerError  # (only a server notebook gets here)

    return isinstance(err, ServerError)


@runtime_checkable
class OnServer(Protocol):
    """A store on a Jupyter server (`tuinb.server.store.ServerNotebookStore`)."""

    @property
    def path(self) -> str:
        """The notebook's path on the server."""
        ...

    @property
    def server(self) -> str:
        """`the Jupyter server at URL`."""
        ...

    @property
    def stand_in(self) -> Path:
        """The local path the editor knows it by (`tuinb.server.address.stand_in_path`)."""
        ...


class RemoteSaving(Saving):
    """ctrl+s, save as, reload and revert for a notebook kept in a `NotebookStore`."""

    def __init__(
        self, host: FlowHost, recovery_copies: RecoveryCopies, store: NotebookStore
    ) -> None:
        super().__init__(host, recovery_copies)
        self.store = store
        """Where the notebook is kept now (another one after save as)."""

    @property
    def server(self) -> str | None:
        """`the Jupyter server at URL`, when the notebook is on one."""
        return self.store.server if isinstance(self.store, OnServer) else None

    def _follow(self, store: NotebookStore) -> None:
        """Edit the notebook in `store` from now on (its stand-in path names it)."""
        self.store = store
        if isinstance(store, OnServer):
            self.host.notebook.path = store.stand_in

    async def _until_saved(self, target: Path | None) -> bool:
        """Save (asking overwrite / reload / cancel when the server's copy changed)."""
        host = self.host
        overwrite = False
        while True:
            try:
                await self.store.save(host.notebook, overwrite=overwrite)
            except SaveConflict:
                question = external_change_modal(host.display_name, server=self.server)
                choice = await host.ask(question)
                if choice == "reload":
                    await self.reload_now()
                if choice != "overwrite":
                    return False
                overwrite = True
                continue
            except Exception as err:
                if not (_server_error(err) or isinstance(err, NotebookError)):
                    raise
                host.tell(with_save_as_keys(str(err)), severity="error", timeout=10)
                return False
            return True

    async def save_as(self) -> bool:
        """Save under another path on the same server, and edit that one from then on."""
        host = self.host
        host.commit_editor()
        store = self.store
        if not isinstance(store, RenamingStore):
            host.tell("This notebook cannot be saved under another name.", severity="warning")
            return False
        current = Path("/", store.path if isinstance(store, OnServer) else host.display_name)
        target = await host.ask(SaveAsPrompt(current, cwd=Path("/")))
        if target is None:
            return False
        location = "/".join(part for part in target.parts if part != "/")
        old = host.path
        try:
            moved = await store.save_as(host.notebook, location)
        except Exception as err:
            if not (_server_error(err) or isinstance(err, NotebookError)):
                raise
            host.tell(str(err), severity="error", timeout=10)
            return False
        self._follow(moved)
        self._saved(old)
        self._saved(host.path)
        host.tell(f"Saved as {host.display_name}; editing it from now on.", timeout=4)
        return True

    def reload(self) -> None:
        """Read the server's version again (in the background: it is a request)."""
        self.host.start_work(self.reload_now(), "save")

    async def reload_now(self) -> None:
        """Read the server's version again, dropping the changes made here."""
        host = self.host
        try:
            fresh = await self.store.load()
        except Exception as err:
            if not (_server_error(err) or isinstance(err, NotebookError)):
                raise
            host.tell(str(err), severity="error", timeout=8)
            return
        self._replace(fresh)
        host.tell(f"Reloaded {host.display_name} from the server.", timeout=3)

    def _replace(self, fresh: object) -> None:
        from tuinb.model import Notebook

        assert isinstance(fresh, Notebook)
        host = self.host
        fresh.path = host.notebook.path
        host.replace_notebook(fresh)
        recovery.discard_recovery(host.path)
        self.recovery.saved()
        host.path_changed()

    async def revert(self) -> None:
        """ "Revert to checkpoint": put the last checkpoint back, after asking."""
        host = self.host
        store = self.store
        if not isinstance(store, CheckpointStore):
            host.tell("This notebook has no checkpoints.", severity="warning")
            return
        try:
            points = await store.checkpoints()
            if not points:
                host.tell(
                    f"{host.display_name} has no checkpoint yet (each save makes one).",
                    severity="warning",
                )
                return
            latest = points[-1]
            when = latest.last_modified.replace("T", " ")[:19]
            if await host.ask(revert_modal(host.display_name, when)) != "revert":
                return
            fresh = await store.restore_checkpoint(latest)
        except Exception as err:
            if not (_server_error(err) or isinstance(err, NotebookError)):
                raise
            host.tell(str(err), severity="error", timeout=8)
            return
        self._replace(fresh)
        host.tell(f"Reverted {host.display_name} to its checkpoint of {when}.", timeout=4)


def remote_saving(
    host: FlowHost, recovery_copies: RecoveryCopies, store: NotebookStore
) -> RemoteSaving:
    """The saving flow of a notebook kept in `store` (the app's, for a server notebook)."""
    return RemoteSaving(host, recovery_copies, store)


@runtime_checkable
class SavingHost(Protocol):
    """An app with a saving flow (`TuinbApp`), as the palette's server commands see it."""

    @property
    def saving(self) -> Saving: ...

    def start_work(self, work: object, group: str) -> None: ...


class ServerCommands(ListedCommands):
    """The command palette's commands for a server notebook (none for a local file)."""

    def _commands(self) -> list[Command]:
        app = self.app
        if not isinstance(app, SavingHost) or not isinstance(app.saving, RemoteSaving):
            return []
        saving = app.saving

        def revert() -> None:
            app.start_work(saving.revert(), "save")

        return [
            ("Revert to checkpoint", "server.revert_checkpoint", revert),
            ("Reload from the server", "server.reload", saving.reload),
        ]
