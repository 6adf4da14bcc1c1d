"""The line under a cell, decided once: a collapsed section, the last run's timing, the tags.

Every cell ends with one blank row (`tuinb.render.cells`); this is what is
written on it, for the view and the first frame alike: how many cells a
collapsed heading hides, the timing of the cell's last run
(`tuinb.render.marks.RunMarks.note`), and its tags (`metadata.tags`, as
JupyterLab shows them in the cell toolbar), joined by a dot. Tags come from
the file, so each is made plain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuinb.sanitize import plain_text

if TYPE_CHECKING:
    from tuinb.model import Cell

__all__ = ["SEPARATOR", "cell_note", "hidden_note", "tags_note"]

SEPARATOR = "  ·  "
"""Between the parts of a note."""
MOST_TAGS_SHOWN = 8
"""Tags listed before "+N more"."""


def hidden_note(count: int) -> str:
    """The part saying a collapsed heading hides `count` cells, and how to show them."""
    return f"▸ {count} cell{'' if count == 1 else 's'} hidden (right arrow shows them)"


def tags_note(cell: Cell) -> str | None:
    """The cell's tags as shown (``tags: parameters, slow``), None without any."""
    tags = cell.metadata.get("tags")
    if not isinstance(tags, list):
        return None
    names = [" ".join(plain_text(tag).split()) for tag in tags if isinstance(tag, str)]
    names = [name for name in names if name]
    if not names:
        return None
    shown = ", ".join(names[:MOST_TAGS_SHOWN])
    if len(names) > MOST_TAGS_SHOWN:
        shown += f" +{len(names) - MOST_TAGS_SHOWN} more"
    return f"tags: {shown}"


def cell_note(cell: Cell, *, timing: str | None = None, hidden: int = 0) -> str | None:
    """What a cell's last row says, or None: hidden cells, then timing, then tags."""
    parts = [hidden_note(hidden) if hidden else None, timing, tags_note(cell)]
    shown = [part for part in parts if part]
    return SEPARATOR.join(shown) if shown else None
