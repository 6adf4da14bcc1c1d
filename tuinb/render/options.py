"""How cells are drawn, as the user's config and toggles say: one value both drawings take.

The notebook view and the first frame both lay cells out with a `ViewOptions`
(from `config.toml`: `[editor] line_numbers`, `[output] fold_lines`; `shift+l`
toggles the line numbers while tuinb runs), so the first frame draws what
the view will draw. A named tuple: it is part of the view's cache keys.

Line numbers are laid out as the cell editor (Textual's `TextArea`) draws
them, so the editor laid over a cell lines up with the rows it covers: the
number right-aligned in the width of the largest one, then two spaces.
"""

from __future__ import annotations

from typing import NamedTuple

from tuinb.render.outputs import MAX_LINES

__all__ = ["DEFAULT_OPTIONS", "ViewOptions", "line_number", "line_number_width"]

NUMBER_MARGIN = 2
"""Spaces after a line number (as `TextArea` draws its gutter)."""


class ViewOptions(NamedTuple):
    """The user's choices that change how a cell is laid out."""

    line_numbers: bool = False
    """Number the lines of code cells."""
    fold_lines: int = MAX_LINES
    """Lines a folded output shows (half before the fold line, half after)."""


DEFAULT_OPTIONS = ViewOptions()
"""No line numbers, outputs folded at `MAX_LINES`."""


def line_number_width(lines: int) -> int:
    """Columns the numbers of a cell of `lines` lines take, margin included."""
    return len(str(max(1, lines))) + NUMBER_MARGIN


def line_number(number: int, width: int) -> str:
    """The number of one line, laid out in `width` columns (`line_number_width`)."""
    return f"{number:>{width - NUMBER_MARGIN}}" + " " * NUMBER_MARGIN
