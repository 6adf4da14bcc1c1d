"""The contents API of a Jupyter server: notebooks, folders and checkpoints.

Thin typed calls over `ServerConnection`; what a notebook editor does with
them (conflict checks, checkpoint on save, trust marks) is in
`tuinb.server.store`. Paths are the server's (`dir/nb.ipynb`, relative to
its root, `/`-separated); models are the server's JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tuinb.server.address import contents_api, normalise_path
from tuinb.server.errors import NotANotebook, ServerNotFound, ServerRequestError, server_text
from tuinb.server.http import ServerConnection

EntryType = str
"""`notebook`, `directory` or `file`."""


@dataclass(frozen=True)
class ContentEntry:
    """One item of a folder listing (for a picker)."""

    name: str
    path: str
    type: EntryType
    last_modified: str
    writable: bool

    @classmethod
    def from_model(cls, model: dict[str, Any]) -> ContentEntry:
        return cls(
            name=str(model.get("name", "")),
            path=str(model.get("path", "")),
            type=str(model.get("type", "file")),
            last_modified=str(model.get("last_modified", "")),
            writable=bool(model.get("writable", True)),
        )


_api = contents_api


class Contents:
    """The `/api/contents` endpoints of one server."""

    def __init__(self, connection: ServerConnection) -> None:
        self.connection = connection

    def _missing(self, path: str, what: str = "notebook") -> ServerNotFound:
        return ServerNotFound(
            f"There is no {what} {path!r} on {self.connection.where()}; check the path "
            "(it is relative to the folder the server was started in)."
        )

    async def model(self, path: str, *, content: bool = False, kind: str | None = None) -> Any:
        """The server's model of `path` (with its content if asked)."""
        query = {"content": "1" if content else "0"}
        if kind is not None:
            query["type"] = kind
        return await self.connection.request(
            "GET", _api(path), query=query, subject=f"read {path!r}", not_found=self._missing(path)
        )

    async def notebook(self, path: str) -> dict[str, Any]:
        """The model of the notebook at `path`, content included.

        Raises `ServerNotFound`, or `NotANotebook` for a folder or another kind of file.
        """
        try:
            model = await self.model(path, content=True, kind="notebook")
        except ServerRequestError as exc:
            if exc.status != 400:
                raise
            raise await self._not_a_notebook(path, exc.reason) from None
        if not isinstance(model, dict) or model.get("type") != "notebook":
            raise await self._not_a_notebook(path, "")
        return model

    async def _not_a_notebook(self, path: str, refusal: str) -> NotANotebook:
        info = await self.model(path)
        kind = info.get("type") if isinstance(info, dict) else None
        if kind == "directory":
            return NotANotebook(
                f"{path!r} on {self.connection.where()} is a folder; "
                "give the path of a notebook (.ipynb) in it."
            )
        if kind == "notebook":  # a .ipynb the server cannot read
            detail = f" ({server_text(refusal)})" if refusal else ""
            return NotANotebook(
                f"{path!r} on {self.connection.where()} is not a readable notebook{detail}; "
                "repair it or restore a checkpoint."
            )
        return NotANotebook(
            f"{path!r} on {self.connection.where()} is a file but not a notebook; "
            "open an .ipynb file."
        )

    async def save_notebook(self, path: str, content: dict[str, Any]) -> dict[str, Any]:
        """Write `content` (nbformat JSON) as the notebook at `path`; the new model."""
        body = {"type": "notebook", "format": "json", "content": content}
        model = await self.connection.request(
            "PUT",
            _api(path),
            body=body,
            subject=f"save {path!r}",
            not_found=self._missing(path.rpartition("/")[0] or "/", "folder"),
        )
        return model if isinstance(model, dict) else {}

    async def new_notebook(self, folder: str) -> dict[str, Any]:
        """A new `Untitled*.ipynb` in `folder` (the server picks the name); its model."""
        model = await self.connection.request(
            "POST",
            _api(folder),
            body={"type": "notebook"},
            subject=f"create a notebook in {folder!r}",
            not_found=self._missing(folder, "folder"),
        )
        return model if isinstance(model, dict) else {}

    async def rename(self, path: str, new_path: str) -> dict[str, Any]:
        """Move `path` to `new_path`; the new model."""
        model = await self.connection.request(
            "PATCH",
            _api(path),
            body={"path": normalise_path(new_path)},
            subject=f"rename {path!r} to {new_path!r}",
            not_found=self._missing(path),
        )
        return model if isinstance(model, dict) else {}

    async def exists(self, path: str) -> bool:
        """Whether anything is at `path`."""
        try:
            await self.model(path)
        except ServerNotFound:
            return False
        return True

    async def listing(self, folder: str = "") -> list[ContentEntry]:
        """The folder's notebooks, subfolders and files: folders first, then by name."""
        model = await self.model(folder, content=True, kind="directory")
        items = model.get("content") if isinstance(model, dict) else None
        entries = [ContentEntry.from_model(m) for m in items or [] if isinstance(m, dict)]
        return sorted(entries, key=lambda e: (e.type != "directory", e.name.lower()))

    async def checkpoints(self, path: str) -> list[dict[str, Any]]:
        """The notebook's checkpoints (`id`, `last_modified`)."""
        found = await self.connection.request(
            "GET",
            _api(path, "checkpoints"),
            subject=f"list the checkpoints of {path!r}",
            not_found=self._missing(path),
        )
        return [c for c in found or [] if isinstance(c, dict)]

    async def create_checkpoint(self, path: str) -> dict[str, Any]:
        """Keep a checkpoint of the notebook as saved; its model."""
        model = await self.connection.request(
            "POST",
            _api(path, "checkpoints"),
            subject=f"make a checkpoint of {path!r}",
            not_found=self._missing(path),
        )
        return model if isinstance(model, dict) else {}

    async def restore_checkpoint(self, path: str, checkpoint_id: str) -> None:
        """Put checkpoint `checkpoint_id` back as the notebook."""
        await self.connection.request(
            "POST",
            _api(path, "checkpoints", checkpoint_id),
            subject=f"restore a checkpoint of {path!r}",
            not_found=self._missing(path, "checkpoint of the notebook"),
        )
