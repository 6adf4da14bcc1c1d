"""Output plans as Rich renderables: how the notebook view draws what an output shows.

What an output shows (the MIME choice, the fold, placeholders) is decided in
`tuinb.render.outputs`; this module only draws a plan:

- `render_outputs(outputs, *, width, folded=True, max_lines=MAX_LINES)` -> a
  `Group` of every output of a cell, in order.
- `render_output(output, *, width, folded=True, max_lines=MAX_LINES)` -> one.
- `draw_plan(plan)` -> the renderable of one `OutputPlan`.

Every string from a notebook goes through `tuinb.sanitize` and into a
`Text` (never Rich markup, so ``[/INST]`` is just text): ANSI text through
`ansi_text` (colours kept), the rest as plain text. Folded text does not
wrap (long lines end in "…"); unfolded text wraps. Markdown is Rich's
`Markdown`, tables Rich's `Table`, JSON coloured by Rich's highlighter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.highlighter import JSONHighlighter
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from tuinb.render.html_tables import TablePlan
from tuinb.render.media import image_summary, latex_to_unicode
from tuinb.render.outputs import (
    MAX_LINES,
    MIME_PRIORITY,
    MIME_RENDERERS,
    Fold,
    OutputPlan,
    ShownMarkdown,
    ShownTables,
    ShownText,
    fold_lines,
    fold_note,
    pick_mime,
    plan_output,
)
from tuinb.sanitize import plain_text
from tuinb.ui.sanitize import ansi_text

__all__ = [
    "MAX_LINES",
    "MIME_PRIORITY",
    "MIME_RENDERERS",
    "STDERR_STYLE",
    "Fold",
    "draw_plan",
    "fold_lines",
    "image_summary",
    "latex_to_unicode",
    "pick_mime",
    "render_output",
    "render_outputs",
]

STDERR_STYLE = "red"
"""Rich style of error text (stderr, an error without a traceback)."""
_FOLD_STYLE = "dim italic"
_PLACEHOLDER_STYLE = "dim"


def _fold_line(hidden: int, unit: str = "lines") -> Text:
    return Text(fold_note(hidden, unit), style=_FOLD_STYLE)


def _text(shown: ShownText) -> RenderableType:
    """Untrusted text as Text: one part, or head, fold line and tail."""
    style = STDERR_STYLE if shown.error else ""

    def make(part: str) -> Text:
        text = ansi_text(part, style=style) if shown.ansi else Text(plain_text(part), style=style)
        text.end = "\n"
        if not shown.wrap:
            text.no_wrap = True
            text.overflow = "ellipsis"
        if shown.json:
            JSONHighlighter().highlight(text)
        return text

    fold = shown.fold
    if not fold.hidden:
        return make(fold.head)
    parts: list[RenderableType] = [make(fold.head), _fold_line(fold.hidden)]
    if fold.tail:
        parts.append(make(fold.tail))
    return Group(*parts)


def _table(plan: TablePlan, *, folded: bool) -> Table:
    table = Table(show_edge=False, pad_edge=False, expand=False, header_style="bold")
    for title in plan.titles:
        table.add_column(Text(title), overflow="ellipsis", no_wrap=folded)
    table.show_header = plan.show_header
    for row in plan.rows:
        if row is None:
            table.add_row(_fold_line(plan.hidden, "rows"))
        else:
            table.add_row(*(Text(text, style="bold" if bold else "") for text, bold in row))
    return table


def draw_plan(plan: OutputPlan, *, folded: bool = True) -> RenderableType:
    """The renderable of one output's plan (`folded`: table cells do not wrap)."""
    if isinstance(plan, ShownText):
        return _text(plan)
    if isinstance(plan, ShownMarkdown):
        return Markdown(plan.source, hyperlinks=False)
    if isinstance(plan, ShownTables):
        parts: list[RenderableType] = [] if plan.outside is None else [_text(plan.outside)]
        parts.extend(_table(table, folded=folded) for table in plan.tables)
        return Group(*parts)
    return Text(plan.message, style=_PLACEHOLDER_STYLE, no_wrap=True, overflow="ellipsis")


def render_output(
    output: Mapping[str, Any], *, width: int, folded: bool = True, max_lines: int = MAX_LINES
) -> RenderableType:
    """One stored output (an nbformat v4 dict) as a renderable at most `width` wide."""
    return draw_plan(plan_output(output, folded=folded, max_lines=max_lines), folded=folded)


def render_outputs(
    outputs: Iterable[Mapping[str, Any]],
    *,
    width: int,
    folded: bool = True,
    max_lines: int = MAX_LINES,
) -> Group:
    """Every output of a cell, one after the other."""
    return Group(
        *(render_output(out, width=width, folded=folded, max_lines=max_lines) for out in outputs)
    )
