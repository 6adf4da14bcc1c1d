"""Where a notebook is kept: a file here, or a Jupyter server's contents API.

`NotebookStore` is what an editor needs from either: load, ask whether
someone else changed it since, save (refusing with `SaveConflict` unless told
to overwrite). Abilities only some stores have are their own protocols:
`CheckpointStore` (a server's checkpoints: revert to the last one) and
`RenamingStore` (save as, rename). `FileStore` is the local file; the server's
store is `tuinb.server.store.ServerNotebookStore`.

The model defines these so that both the editor and the server layer see
them; the model itself never imports the server layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from tuinb.model.diskstate import changed_on_disk
from tuinb.model.document import Notebook
from tuinb.model.errors import NotebookSaveError


class SaveConflict(NotebookSaveError):
    """Someone else saved the notebook since it was loaded or saved here; nothing was written.

    The editor asks: overwrite (`save(..., overwrite=True)`), reload (`load()`), or cancel.
    """


@dataclass(frozen=True)
class Checkpoint:
    """A copy of the notebook the store kept (a server's `.ipynb_checkpoints`)."""

    id: str
    last_modified: str
    """ISO 8601 time, as the server says it."""


class NotebookStore(Protocol):
    """Where one notebook lives."""

    @property
    def name(self) -> str:
        """The notebook's file name (`analysis.ipynb`), for the status bar."""
        ...

    @property
    def location(self) -> str:
        """Its full location, for messages: a path, or a server URL (never with a token)."""
        ...

    async def load(self) -> Notebook:
        """Read the notebook; raises `NotebookReadError` (or the store's own one-sentence error)."""
        ...

    async def changed_elsewhere(self, notebook: Notebook) -> bool:
        """Whether it was changed (or deleted) by someone else since `notebook` was loaded
        or last saved here."""
        ...

    async def save(self, notebook: Notebook, *, overwrite: bool = False) -> None:
        """Write the notebook; `SaveConflict` if changed elsewhere and not `overwrite`."""
        ...


@runtime_checkable
class CheckpointStore(Protocol):
    """A store that keeps checkpoints (a Jupyter server does; saving makes one)."""

    async def checkpoints(self) -> list[Checkpoint]:
        """The checkpoints there are, oldest first."""
        ...

    async def create_checkpoint(self) -> Checkpoint:
        """Keep a copy of the notebook as it is saved now."""
        ...

    async def restore_checkpoint(self, checkpoint: Checkpoint) -> Notebook:
        """Put the checkpoint back as the notebook, and return it loaded."""
        ...


@runtime_checkable
class RenamingStore(Protocol):
    """A store that can save under another name and rename."""

    async def save_as(self, notebook: Notebook, location: str) -> NotebookStore:
        """Write the notebook to `location` (refused if something is there); the new store."""
        ...

    async def rename(self, location: str) -> NotebookStore:
        """Move the notebook to `location`; the store for its new place."""
        ...


class FileStore:
    """A notebook file on this machine (what `tuinb.model.load` and `save` do)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def location(self) -> str:
        return str(self.path)

    async def load(self) -> Notebook:
        import asyncio  # (not at import: a server notebook's first frame does without it)

        from tuinb.model.nbio import load

        return await asyncio.to_thread(load, self.path)

    async def changed_elsewhere(self, notebook: Notebook) -> bool:
        return changed_on_disk(notebook)

    async def save(self, notebook: Notebook, *, overwrite: bool = False) -> None:
        from tuinb.model.saving import save

        if not overwrite and changed_on_disk(notebook):
            raise SaveConflict(
                f"{self.path} was changed on disk since it was opened; "
                "overwrite it, reload it, or save under another name.",
                self.path,
            )
        save(notebook, self.path)
