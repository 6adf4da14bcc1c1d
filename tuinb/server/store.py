"""A notebook on a Jupyter server, as the editor's `NotebookStore` (see `tuinb.model.store`).

As JupyterLab does against the same server:

- load with `GET /api/contents/PATH?type=notebook&content=1`, keeping the
  server's `last_modified`;
- before saving, ask the server for `last_modified` again: newer than ours by
  more than half a second (JupyterLab's margin) means someone saved meanwhile,
  and `SaveConflict` lets the editor ask overwrite / reload / cancel;
- save with `PUT` (`type: notebook`, `format: json`), each code cell marked
  `metadata.trusted` so the server signs what may be trusted; then make a
  checkpoint, as JupyterLab's save command does, for "revert to checkpoint".
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuinb.model.errors import NotebookSaveError
from tuinb.model.store import Checkpoint, NotebookStore, SaveConflict
from tuinb.server.address import normalise_path, stand_in_path
from tuinb.server.contents import Contents
from tuinb.server.errors import ServerNotFound
from tuinb.server.http import ServerConnection

if TYPE_CHECKING:
    from tuinb.model import Notebook

CONFLICT_MARGIN = 0.5
"""Seconds the server's `last_modified` may be ahead of ours before it counts as a change
(JupyterLab's `lastModifiedCheckMargin`: clocks and file systems round)."""


def _moment(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return None


def newer(theirs: str | None, ours: str | None) -> bool:
    """Whether `theirs` is later than `ours` by more than the margin (unknown: changed)."""
    mine, other = _moment(ours), _moment(theirs)
    if mine is None or other is None:
        return theirs != ours
    return (other - mine).total_seconds() > CONFLICT_MARGIN


class ServerNotebookStore:
    """One notebook on one server (also a `CheckpointStore` and a `RenamingStore`)."""

    def __init__(self, connection: ServerConnection, path: str, *, checkpoint_on_save: bool = True):
        self.connection = connection
        self.contents = Contents(connection)
        self.path = normalise_path(path) or ""
        """The notebook's path on the server."""
        self.checkpoint_on_save = checkpoint_on_save
        """Make a checkpoint after each save (JupyterLab's save command does)."""
        self.last_modified: str | None = None
        """The server's `last_modified` when we last loaded or saved (None: never)."""

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    @property
    def location(self) -> str:
        return self.connection.address.with_path(self.path).page_url()

    @property
    def server(self) -> str:
        """`the Jupyter server at URL`, for questions and messages."""
        return self.connection.where()

    @property
    def stand_in(self) -> Path:
        """The local path the editor knows the notebook by (`stand_in_path`)."""
        return stand_in_path(self.connection.address.base_url, self.path)

    async def load(self) -> Notebook:
        from tuinb.model.nbio import from_server_content

        model = await self.contents.notebook(self.path)
        notebook = from_server_content(model.get("content"), self.location)
        self.last_modified = _text(model.get("last_modified"))
        return notebook

    async def changed_elsewhere(self, notebook: Notebook) -> bool:
        if self.last_modified is None:
            return await self.contents.exists(self.path)  # new here, yet someone made it
        try:
            model = await self.contents.model(self.path)
        except ServerNotFound:
            return True
        return newer(_text(model.get("last_modified")), self.last_modified)

    async def save(self, notebook: Notebook, *, overwrite: bool = False) -> None:
        from tuinb.model.nbio import to_server_content

        if not overwrite and await self.changed_elsewhere(notebook):
            raise SaveConflict(
                f"{self.path} was changed on {self.connection.where()} since it was opened "
                "here (by JupyterLab?); overwrite it, reload it, or save under another name."
            )
        revision = notebook.revision
        model = await self.contents.save_notebook(self.path, to_server_content(notebook))
        self.last_modified = _text(model.get("last_modified"))
        if notebook.revision == revision:  # (an edit made while it was sent is not saved)
            notebook.mark_saved()
        if self.checkpoint_on_save:
            await self.create_checkpoint()

    # ------------------------------------------------------------ checkpoints

    async def checkpoints(self) -> list[Checkpoint]:
        found = await self.contents.checkpoints(self.path)
        points = [Checkpoint(str(c.get("id", "")), str(c.get("last_modified", ""))) for c in found]
        return sorted(points, key=lambda c: c.last_modified)

    async def create_checkpoint(self) -> Checkpoint:
        model = await self.contents.create_checkpoint(self.path)
        return Checkpoint(str(model.get("id", "")), str(model.get("last_modified", "")))

    async def restore_checkpoint(self, checkpoint: Checkpoint) -> Notebook:
        await self.contents.restore_checkpoint(self.path, checkpoint.id)
        return await self.load()

    # ------------------------------------------------------------ other names

    async def save_as(self, notebook: Notebook, location: str) -> NotebookStore:
        target = normalise_path(location) or ""
        if await self.contents.exists(target):
            raise NotebookSaveError(
                f"Could not save as {target}: something of that name is already on "
                f"{self.connection.where()}; choose another name."
            )
        other = ServerNotebookStore(
            self.connection, target, checkpoint_on_save=self.checkpoint_on_save
        )
        await other.save(notebook, overwrite=True)
        return other

    async def rename(self, location: str) -> NotebookStore:
        model = await self.contents.rename(self.path, location)
        moved = ServerNotebookStore(
            self.connection, _text(model.get("path")) or location, checkpoint_on_save=True
        )
        moved.last_modified = _text(model.get("last_modified"))
        return moved


def _text(value: Any) -> str | None:
    return str(value) if value else None
