"""Which cells collapsed headings hide, decided once for the view and the first frame.

JupyterLab's collapsible headings (`tuinb.model.outline`): a collapsed
heading cell hides the cells of its section; the heading stays, with a note
of how many cells it hides (`tuinb.render.notes.hidden_note`). A notebook
without a collapsed heading (most of them) costs one look at each markdown
cell's metadata, and `tuinb.model.outline` (2.7 ms to import, for its
patterns) is imported only when one is collapsed: the first frame pays
nothing for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from tuinb.model import Notebook
    from tuinb.model.outline import Outline

__all__ = ["COLLAPSED_KEYS", "NO_SECTIONS", "Sections", "plan_sections"]

COLLAPSED_KEYS = ("jp-MarkdownHeadingCollapsed", "heading_collapsed")
"""`tuinb.model.outline.COLLAPSED_KEY` and `LEGACY_COLLAPSED_KEY` (a test holds them equal)."""


class Sections(NamedTuple):
    """The cells hidden by collapsed headings, and how many each shown heading hides."""

    hidden: frozenset[str]
    """Ids of the hidden cells (under a collapsed heading, nested ones included)."""
    folded: Mapping[str, int]
    """Id of each collapsed heading that shows -> how many cells its section hides."""


NO_SECTIONS = Sections(frozenset(), MappingProxyType({}))
"""Nothing collapsed."""


def _any_collapsed(notebook: Notebook) -> bool:
    first, legacy = COLLAPSED_KEYS
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            metadata = cell.metadata
            if metadata.get(first) is True or metadata.get(legacy) is True:
                return True
    return False


def plan_sections(notebook: Notebook, outline: Outline | None = None) -> Sections:
    """The collapsed sections of `notebook` (`outline`: one already kept for it)."""
    if not _any_collapsed(notebook):
        return NO_SECTIONS
    from tuinb.model.outline import Outline, is_collapsed

    outline = outline if outline is not None else Outline(notebook)
    hidden = outline.hidden()
    folded: dict[str, int] = {}
    for index, cell in enumerate(notebook.cells):
        if cell.id not in hidden and cell.cell_type == "markdown" and is_collapsed(cell):
            count = len(outline.section(index))
            if count:
                folded[cell.id] = count
    return Sections(frozenset(hidden), MappingProxyType(folded))
