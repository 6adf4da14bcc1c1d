"""Tags and metadata (`t`, `alt+m`, `alt+n`): the dialogs that edit them, and the view after.

The dialogs (`tuinb.ui.dialogs.tag_editor`, `metadata_editor`) change the
model through `tuinb.model.tags` (validated, one undo step per change,
merged key by key); this group opens them on the cursor cell or the notebook
and lets the view show the result (the tags under the cell, a new kernel
name in the status bar).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from tuinb.model.tags import apply_cell_metadata, apply_notebook_metadata, metadata_json
from tuinb.ui.dialogs.metadata_editor import MetadataEditor
from tuinb.ui.dialogs.tag_editor import TagEditor
from tuinb.ui.screen.hosts import Background, NotebookParts, StatusRefresh

if TYPE_CHECKING:
    from tuinb.ui.screen.cursor_actions import CursorActions
    from tuinb.ui.screen.edit_actions import EditActions

T = TypeVar("T")


class MetaHost(NotebookParts, Background, StatusRefresh, Protocol):
    """What editing tags and metadata needs from the notebook screen (the status bar's
    kernel name comes from the metadata)."""


class MetaActions:
    """Open the tag and metadata editors; show what they changed."""

    def __init__(self, host: MetaHost, *, cursor: CursorActions, editing: EditActions) -> None:
        self.host = host
        self.cursor = cursor
        self.editing = editing

    def _cursor_cell(self) -> tuple[str, str] | None:
        cells = self.host.notebook.cells
        if not cells:
            return None
        index = self.host.view.cursor
        return cells[index].id, f"cell {index + 1}"

    def edit_tags(self) -> None:
        """`t`: the cursor cell's tags."""
        found = self._cursor_cell()
        if found is not None:
            self.host.start_work(self._tags(*found), "metadata", exclusive=True)

    async def _tags(self, cell_id: str, label: str) -> None:
        await self.host.ask(TagEditor(self.host.notebook, cell_id, cell_label=label))
        self.cursor.show_changes(cell_id)

    def edit_cell_metadata(self) -> None:
        """`alt+m`: the cursor cell's metadata as JSON."""
        found = self._cursor_cell()
        if found is None:
            return
        cell_id, label = found
        notebook = self.host.notebook
        original = dict(notebook.cell(cell_id).metadata)

        def apply(text: str) -> str | None:
            return apply_cell_metadata(notebook, cell_id, text, original)

        dialog = MetadataEditor(f"Metadata of {label} (JSON)", metadata_json(original), apply)
        self.host.start_work(self._metadata(dialog, cell_id), "metadata", exclusive=True)

    def edit_notebook_metadata(self) -> None:
        """`alt+n`: the notebook's metadata as JSON."""
        self.editing.commit()
        notebook = self.host.notebook
        original = dict(notebook.metadata)

        def apply(text: str) -> str | None:
            return apply_notebook_metadata(notebook, text, original)

        dialog = MetadataEditor("Metadata of the notebook (JSON)", metadata_json(original), apply)
        self.host.start_work(self._metadata(dialog, None), "metadata", exclusive=True)

    async def _metadata(self, dialog: MetadataEditor, cell_id: str | None) -> None:
        if await self.host.ask(dialog):
            self.cursor.show_changes(cell_id)
            self.host.refresh_status()
