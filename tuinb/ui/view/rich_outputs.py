"""Output plans as Rich renderables: how the notebook view draws what an output shows.

What an output shows (the MIME choice, the fold, placeholders) is decided in
`tuinb.render.outputs`; this module only draws a plan:

- `draw_plan(plan, shift=..., width=...)` -> the renderable of one
  `OutputPlan` (an image as its placeholder: the view puts the pixels in
  its place once they are ready, `tuinb.ui.view.cell_rows`);
- `render_output(output, *, width, folded=True, max_lines=MAX_LINES)` and
  `render_outputs(...)`: plan and draw stored outputs (tests, the full-screen
  viewer's text).

Every string from a notebook goes through `tuinb.sanitize` and into a
`Text` (never Rich markup, so ``[/INST]`` is just text): ANSI text through
`ansi_text` (colours kept), the rest as plain text. Folded text does not
wrap (long lines end in "…"); unfolded text wraps. Markdown is Rich's
`Markdown` with links whose targets `safe_links` makes safe; HTML is read by
`tuinb.render.html` into markdown blocks and tables, which are drawn as
aligned rows that never wrap (`shift` scrolls them sideways); JSON is
coloured by Rich's highlighter.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.highlighter import JSONHighlighter
from rich.markdown import Markdown
from rich.segment import Segment
from rich.text import Text

from tuinb.render.html import HtmlBlock, MarkdownBlock, Table, html_blocks
from tuinb.render.imagefit import DEFAULT_LAYOUT, ImageLayout, image_rows
from tuinb.render.outputs import (
    MAX_LINES,
    OutputPlan,
    ShownHtml,
    ShownImage,
    ShownMarkdown,
    ShownText,
    ShownWidget,
    fold_note,
    plan_output,
)
from tuinb.sanitize import link_target, plain_text
from tuinb.ui.sanitize import ansi_text

__all__ = [
    "MAX_LINES",
    "STDERR_STYLE",
    "draw_plan",
    "image_placeholder",
    "read_html",
    "render_output",
    "render_outputs",
    "safe_links",
    "shift_limit",
    "table_lines",
]

STDERR_STYLE = "red"
"""Rich style of error text (stderr, an error without a traceback)."""
FOLD_STYLE = "dim italic"
NOTE_STYLE = "dim"
SIDEWAYS_NOTE = "(wider than the screen: right and left scroll it sideways)"
"""Said under a table that does not fit (the keys are `output.scroll_right` / `_left`)."""


def _fold_line(hidden: int, unit: str = "lines") -> Text:
    return Text(fold_note(hidden, unit), style=FOLD_STYLE, no_wrap=True, overflow="ellipsis")


def _note(text: str) -> Text:
    return Text(text, style=NOTE_STYLE, no_wrap=True, overflow="ellipsis")


def _text(shown: ShownText) -> RenderableType:
    """Untrusted text as Text: one part, or head, fold line and tail (and its note)."""
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
    parts: list[RenderableType] = [make(fold.head)]
    if fold.hidden:
        parts.append(_fold_line(fold.hidden))
        if fold.tail:
            parts.append(make(fold.tail))
    if shown.note:
        parts.append(_note(shown.note))
    return parts[0] if len(parts) == 1 else Group(*parts)


def markdown(source: str) -> Markdown:
    """Sanitised markdown as the view draws it (links: see `safe_links`)."""
    return Markdown(source, hyperlinks=True)


def safe_links(lines: Iterable[list[Segment]]) -> list[list[Segment]]:
    """Rendered lines with every hyperlink's target made safe (`link_target`), or dropped
    (relative, ``file:``, ``javascript:`` links stay text)."""
    out: list[list[Segment]] = []
    for line in lines:
        if not any(segment.style is not None and segment.style.link for segment in line):
            out.append(line)
            continue
        fixed = []
        for text, style, control in line:
            if style is not None and style.link:
                style = style.update_link(link_target(style.link))
            fixed.append(Segment(text, style, control))
        out.append(fixed)
    return out


# ---- tables -----------------------------------------------------------------------------


def _folded(table: Table, max_lines: int) -> tuple[Table, int]:
    """The table with its body cut to its first and last rows, and the rows left out."""
    body = table.body_rows
    if len(body) <= max_lines + 1:
        return table, 0
    keep = max_lines - max_lines // 2
    tail = max_lines // 2
    cut = body[:keep] + (body[len(body) - tail :] if tail else ())
    return dataclasses.replace(table, body_rows=cut), len(body) - keep - tail


def table_lines(
    table: Table, *, folded: bool, max_lines: int = MAX_LINES, first_column: int | None = None
) -> list[Text]:
    """A table as rows of text: header rows bold, a rule, body rows with the index columns
    bold; a long body folded; from `first_column` on (the index columns stay)."""
    shown, hidden = _folded(table, max_lines) if folded else (table, 0)
    lines = shown.lines(first_column=first_column)
    widths = shown.column_widths()
    index_width = sum(widths[: shown.index_columns]) + 2 * shown.index_columns
    heads = len(shown.header_rows)
    rows: list[Text] = []
    if table.caption:
        rows.append(Text(table.caption, style="italic"))
    for number, line in enumerate(lines):
        text = Text(line, no_wrap=True, overflow="ellipsis")
        if number < heads:
            text.stylize("bold")
        elif number == heads and heads:
            text.stylize("dim")
        elif index_width:
            text.stylize("bold", 0, index_width)
        rows.append(text)
        keep = max_lines - max_lines // 2
        if hidden and number == heads + (1 if heads else 0) + keep - 1:
            rows.append(_fold_line(hidden, "rows"))
    return rows


@functools.lru_cache(maxsize=64)
def read_html(html: str) -> tuple[HtmlBlock, ...]:
    """`html_blocks`, kept for the last outputs read (a cell is drawn again when it scrolls
    sideways or a widget beside it changes; a DataFrame takes ~10 ms to read)."""
    return tuple(html_blocks(html))


def shift_limit(plan: ShownHtml) -> int:
    """How far the plan's tables can scroll sideways (columns past their index)."""
    tables = [block for block in read_html(plan.html) if isinstance(block, Table)]
    return max((t.column_count - t.index_columns - 1 for t in tables), default=0)


def _html(plan: ShownHtml, shift: int, width: int | None) -> RenderableType:
    parts: list[RenderableType] = []
    for block in read_html(plan.html):
        if isinstance(block, MarkdownBlock):
            parts.append(markdown(block.text))
            continue
        scrollable = max(0, block.column_count - block.index_columns - 1)
        first = block.index_columns + min(max(shift, 0), scrollable)
        rows = table_lines(block, folded=plan.folded, max_lines=plan.max_lines, first_column=first)
        parts.extend(rows)
        wide = max((row.cell_len for row in rows), default=0)
        if (width is not None and wide > width) or first > block.index_columns:
            parts.append(_note(SIDEWAYS_NOTE))
    if not parts:
        return Text("")
    return Group(*parts)


# ---- the plan of one output -------------------------------------------------------------


def image_placeholder(
    plan: ShownImage, width: int, layout: ImageLayout, problem: str = ""
) -> RenderableType:
    """The image's stand-in: its summary, then blank rows (as many as the image takes),
    or the summary and why it cannot be drawn."""
    if problem:
        return Group(_note(plan.summary), _note(plain_text(problem)))
    rows = image_rows(plan.size, width, layout)
    return Group(_note(plan.summary), *[Text("") for _ in range(rows - 1)])


def draw_plan(
    plan: OutputPlan,
    *,
    shift: int = 0,
    width: int | None = None,
    layout: ImageLayout = DEFAULT_LAYOUT,
) -> RenderableType:
    """The renderable of one output's plan (a widget, drawn from the widget store by the
    view, is its model id here). `shift`: table columns scrolled sideways."""
    if isinstance(plan, ShownText):
        return _text(plan)
    if isinstance(plan, ShownMarkdown):
        return markdown(plan.source)
    if isinstance(plan, ShownHtml):
        return _html(plan, shift, width)
    if isinstance(plan, ShownImage):
        return image_placeholder(plan, width or 80, layout)
    if isinstance(plan, ShownWidget):
        return _note(f"[widget {plain_text(plan.model_id)}]")
    return Text(plan.message, style=NOTE_STYLE, no_wrap=True, overflow="ellipsis")


def render_output(
    output: Mapping[str, Any], *, width: int, folded: bool = True, max_lines: int = MAX_LINES
) -> RenderableType:
    """One stored output (an nbformat v4 dict) as a renderable at most `width` wide."""
    plan = plan_output(output, folded=folded, max_lines=max_lines)
    return draw_plan(plan, width=width)


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
