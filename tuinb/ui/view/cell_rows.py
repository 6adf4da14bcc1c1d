"""Stored outputs as rows of the notebook view.

What an output shows is planned in `tuinb.render.outputs` and drawn by
`tuinb.ui.view.rich_outputs`; images come from the `ImageDrawer` (a
placeholder of the right height until they are ready) and widgets from the
widget store (`tuinb.ui.view.widget_view`), both through the cell's
`OutputLook`. This module adapts it all to the Line API view: folded
outputs (and short unfolded ones) are rendered whole; a long unfolded text
output is kept as raw lines that the view turns into a row only when the
row is painted, so unfolding 200,000 lines costs a split, not 200,000
renders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import RenderableType
from textual.strip import Strip

from tuinb.render.outputs import (
    MAX_LINES,
    ShownImage,
    ShownWidget,
    output_height_estimate,
    output_text,
    plan_output,
)
from tuinb.ui.view.output_look import OutputLook
from tuinb.ui.view.rich_outputs import STDERR_STYLE, draw_plan, image_placeholder
from tuinb.ui.view.widget_view import draw_widget

__all__ = ["LAZY_ROWS", "LazyRow", "Row", "output_rows"]

LAZY_ROWS = 2000
"""Unfolded outputs estimated above this many rows are painted lazily, row by row."""

LazyRow = tuple[str, str]
"""A raw line of untrusted text and its style, rendered when painted."""

Row = Strip | LazyRow


class _Drawing:
    """One cell's outputs being drawn at one width."""

    def __init__(
        self,
        look: OutputLook,
        cell_id: str,
        *,
        folded: bool,
        width: int,
        max_lines: int,
        to_strips: Callable[[RenderableType], list[Strip]],
    ) -> None:
        self.look = look
        self.cell_id = cell_id
        self.folded = folded
        self.width = width
        self.max_lines = max_lines
        self.to_strips = to_strips

    def outputs(self, outputs: list[dict[str, Any]], depth: int = 0) -> list[Strip]:
        rows: list[Strip] = []
        for output in outputs:
            rows.extend(self.output(output, depth))
        return rows

    def output(self, output: dict[str, Any], depth: int = 0) -> list[Strip]:
        look = self.look
        plan = plan_output(
            output,
            folded=self.folded,
            max_lines=self.max_lines,
            images=look.layout.draw,
            widgets=look.widgets,
        )
        if isinstance(plan, ShownImage):
            return self.image(plan)
        if isinstance(plan, ShownWidget):
            return draw_widget(
                look,
                self.cell_id,
                plan.model_id,
                self.width,
                to_strips=self.to_strips,
                draw_outputs=self.outputs,
                depth=depth,
            )
        shift = look.shifts.get(self.cell_id, 0)
        return self.to_strips(draw_plan(plan, shift=shift, width=self.width, layout=look.layout))

    def image(self, plan: ShownImage) -> list[Strip]:
        look = self.look
        drawn = None
        if look.images is not None:
            drawn = look.images.rows(
                self.cell_id, plan.mime, plan.data, self.width, look.background
            )
        if isinstance(drawn, list):
            return [strip.extend_cell_length(self.width) for strip in drawn]
        placeholder = image_placeholder(plan, self.width, look.layout, problem=drawn or "")
        return self.to_strips(placeholder)


def output_rows(
    outputs: list[dict[str, Any]],
    *,
    folded: bool,
    width: int,
    to_strips: Callable[[RenderableType], list[Strip]],
    look: OutputLook | None = None,
    cell_id: str = "",
    max_lines: int = MAX_LINES,
) -> list[Row]:
    """The rows of a cell's outputs: strips, or raw lines for long unfolded text."""
    look = look if look is not None else OutputLook()
    look.forget_cell(cell_id)
    drawing = _Drawing(
        look, cell_id, folded=folded, width=width, max_lines=max_lines, to_strips=to_strips
    )
    draw = look.layout.draw
    if folded or output_height_estimate(outputs, folded=False, images=draw) <= LAZY_ROWS:
        return list(drawing.outputs(outputs))
    rows: list[Row] = []
    for output in outputs:
        text = output_text(output, images=draw)
        if text is None:
            rows.extend(drawing.output(output))
        else:
            raw, error = text
            style = STDERR_STYLE if error else ""
            rows.extend((line, style) for line in raw.removesuffix("\n").split("\n"))
    return rows
