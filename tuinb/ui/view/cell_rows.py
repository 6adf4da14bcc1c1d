"""Stored outputs as rows of the notebook view.

What an output shows is planned in `tuinb.render.outputs` and drawn by
`tuinb.ui.view.rich_outputs`. This module adapts it to the Line API view:
folded outputs (and short unfolded ones) are rendered whole;
a long unfolded text output is kept as raw lines that the view turns into a
row only when the row is painted, so unfolding 200,000 lines costs a split,
not 200,000 renders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import RenderableType
from textual.strip import Strip

from tuinb.render.outputs import MAX_LINES, output_height_estimate, output_text
from tuinb.ui.view.rich_outputs import STDERR_STYLE, render_output, render_outputs

__all__ = ["LAZY_ROWS", "LazyRow", "Row", "output_rows"]

LAZY_ROWS = 2000
"""Unfolded outputs estimated above this many rows are painted lazily, row by row."""

LazyRow = tuple[str, str]
"""A raw line of untrusted text and its style, rendered when painted."""

Row = Strip | LazyRow


def output_rows(
    outputs: list[dict[str, Any]],
    *,
    folded: bool,
    width: int,
    to_strips: Callable[[RenderableType], list[Strip]],
    max_lines: int = MAX_LINES,
) -> list[Row]:
    """The rows of a cell's outputs: strips, or raw lines for long unfolded text.

    `max_lines`: the lines a folded output shows."""
    if folded or output_height_estimate(outputs, folded=False) <= LAZY_ROWS:
        rendered = render_outputs(outputs, width=width, folded=folded, max_lines=max_lines)
        return list(to_strips(rendered))
    rows: list[Row] = []
    for output in outputs:
        text = output_text(output)
        if text is None:
            rows.extend(to_strips(render_output(output, width=width, folded=False)))
        else:
            raw, error = text
            style = STDERR_STYLE if error else ""
            rows.extend((line, style) for line in raw.removesuffix("\n").split("\n"))
    return rows
