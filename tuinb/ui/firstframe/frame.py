"""The first frame: the notebook drawn by tuinb's own code while Textual loads.

Importing Textual takes ~0.45 s here, so `tuinb.ui.launch` writes this frame
to the terminal first, then imports Textual, whose first frame draws the same
screen over it. Only the standard library and Rich-free tuinb modules are
imported, and only the rows that fit on the screen are laid out.

The frame copies the notebook view's first frame, drawing the same plans
(`tuinb.render`: gutter labels, which representation of an output shows,
folds, placeholders, notes, height estimates, the status bar's text): the
gutter (``[n]:``, ``md``, ``raw`` and the cursor bar on the first cell), code
uncoloured (the view colours it once its lexer is compiled, a moment after
its first frame), markdown and outputs laid out as Rich lays them out
(`tuinb.ui.firstframe.lines`), and the status bar. Content it does not
reproduce exactly (HTML tables, Markdown outputs, rarer Markdown in cells)
ends the frame there: the rows below stay blank until Textual draws them, so
nothing on screen moves.
Colours come from the theme files (``tuinb-dark`` unless a user theme of that
name replaces it), through `tuinb.ui.firstframe.colours`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuinb.render.cells import GUTTER, estimate_rows, gutter_label, label_cells, source_kind
from tuinb.render.imagefit import DEFAULT_LAYOUT, ImageLayout, image_rows
from tuinb.render.mimes import WIDGET_VIEW, choose_mime
from tuinb.render.notes import cell_note
from tuinb.render.options import DEFAULT_OPTIONS, ViewOptions, line_number, line_number_width
from tuinb.render.outputs import (
    MAX_LINES,
    Placeholder,
    ShownImage,
    ShownText,
    fold_note,
    plan_output,
)
from tuinb.render.sections import plan_sections
from tuinb.render.status import (
    TrustMark,
    is_read_only,
    kernel_name,
    kernel_status,
    status_parts,
)
from tuinb.sanitize import has_controls, plain_text, printable, sanitize
from tuinb.ui.firstframe.colours import Palette, load_palette
from tuinb.ui.firstframe.lines import (
    RESET,
    Unsupported,
    ansi_rows,
    expand_tabs,
    fit,
    markdown_rows,
    wrap_rows,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from tuinb.model import Cell, Notebook

__all__ = ["GUTTER", "Palette", "frame", "load_palette", "status_text", "view_rows"]

SCROLLBAR = 2
"""Columns the view keeps for its scrollbar (``scrollbar-gutter: stable``, Textual's size 2)."""

_FOLD_STYLE = "2;3"
_DIM = "2"
_NUMBER = "2"
"""Line numbers: dim, as the view draws them."""
_RED = "31"
Row = tuple[str, bool, str]
"""A view row: gutter label, whether the cursor bar is drawn, content (text and SGR)."""


# ---- cells ------------------------------------------------------------------------------


def _text_rows(shown: ShownText, width: int) -> list[str]:
    """A `ShownText` as rows cut with "…" (the first frame shows outputs folded)."""
    style = _RED if shown.error else ""

    def rows(part: str) -> list[str]:
        clean = sanitize(part) if shown.ansi else plain_text(part)
        return ansi_rows(clean, width, style=style)

    fold = shown.fold
    note = [_dim_row(shown.note, width)] if shown.note else []
    if not fold.hidden:
        return rows(fold.head) + note
    fold_line = fold_note(fold.hidden)
    if len(fold_line) > width:
        raise Unsupported("a fold line wider than the screen")
    tail = rows(fold.tail) if fold.tail else []
    return [*rows(fold.head), f"\x1b[{_FOLD_STYLE}m{fold_line}{RESET}", *tail, *note]


def _dim_row(text: str, width: int) -> str:
    return f"\x1b[{_DIM}m{fit(text, width, ellipsis=True)}{RESET}"


_LAID_OUT_BY_RICH = frozenset({"text/markdown", "text/html", "text/latex"})
"""Representations the first frame leaves to the view (and whose conversion, LaTeX or
HTML, would import a library the first frame must not wait for)."""


def output_rows(
    output: Mapping[str, Any],
    width: int,
    max_lines: int = MAX_LINES,
    images: ImageLayout = DEFAULT_LAYOUT,
) -> list[str]:
    """One stored output, folded, as the view draws its plan (`tuinb.render.outputs`).

    An image is its placeholder: the summary line and blank rows, as many as
    the view gives the image (the view draws it there once decoded).
    """
    data = output.get("data")
    if isinstance(data, dict):
        if WIDGET_VIEW in data:
            raise Unsupported("a widget")  # drawn from the widget store
        if choose_mime(data, images=images.draw) in _LAID_OUT_BY_RICH:
            raise Unsupported("Markdown, HTML or LaTeX in an output")
    plan = plan_output(output, folded=True, max_lines=max_lines, images=images.draw)
    if isinstance(plan, ShownText):
        return _text_rows(plan, width)
    if isinstance(plan, Placeholder):
        return [_dim_row(plan.message, width)]
    if isinstance(plan, ShownImage):
        rows = image_rows(plan.size, width, images)
        return [_dim_row(plan.summary, width)] + [""] * (rows - 1)
    raise Unsupported("an output Rich lays out")


def _source_rows(cell: Cell, width: int, limit: int, options: ViewOptions) -> list[str]:
    source = cell.source
    kind = source_kind(cell)
    if kind == "markdown":
        if has_controls(source):
            raise Unsupported("control characters in markdown")
        if "$" in source or "\\begin" in source:
            raise Unsupported("math, which the view shows as Unicode")
        return markdown_rows(source, width)
    head = "\n".join(source.split("\n", limit)[:limit])
    if kind != "code":
        return wrap_rows(printable(head), width)
    if not options.line_numbers:
        return [
            fit(expand_tabs(line), width, ellipsis=False) for line in printable(head).split("\n")
        ]
    numbers = line_number_width(source.count("\n") + 1)
    text_width = max(1, width - numbers)
    return [
        f"\x1b[{_NUMBER}m{line_number(row, numbers)}{RESET}"
        + fit(expand_tabs(line), text_width, ellipsis=False)
        for row, line in enumerate(printable(head).split("\n"), start=1)
    ]


def cell_rows(
    cell: Cell,
    width: int,
    limit: int,
    options: ViewOptions = DEFAULT_OPTIONS,
    images: ImageLayout = DEFAULT_LAYOUT,
) -> tuple[list[str], bool]:
    """(content rows of a cell including its blank last row, whether they are complete).

    At most about `limit` rows are laid out; incomplete rows end at content the
    first frame does not reproduce, or at the limit.
    """
    try:
        rows = _source_rows(cell, width, limit, options) or [""]
    except Unsupported:
        return [], False
    if len(rows) >= limit:
        return rows, False
    for output in cell.outputs:
        try:
            rows.extend(output_rows(output, width, options.fold_lines, images))
        except Unsupported:
            return rows, False
        if len(rows) >= limit:
            return rows, False
    rows.append("")
    return rows, True


def _note(cell: Cell, hidden: int) -> str | None:
    timing = None
    if "execution" in cell.metadata:
        from tuinb.render.marks import RunMarks  # datetime: only for cells with timings

        timing = RunMarks().note(cell)
    return cell_note(cell, timing=timing, hidden=hidden)


def view_rows(
    notebook: Notebook,
    width: int,
    height: int,
    options: ViewOptions = DEFAULT_OPTIONS,
    images: ImageLayout = DEFAULT_LAYOUT,
) -> list[Row]:
    """The rows of the view's first frame (cursor on the first cell), at most `height`."""
    return _layout(notebook, width, height, options, images)[0]


def _layout(
    notebook: Notebook, width: int, height: int, options: ViewOptions, images: ImageLayout
) -> tuple[list[Row], int]:
    """The rows that fit, and the notebook's height for the scrollbar (estimated past them,
    as far as it changes the thumb)."""
    rows: list[Row] = []
    done = complete_rows = 0
    sections = plan_sections(notebook)  # the first cell is never hidden: it has the cursor
    for index, cell in enumerate(notebook.cells):
        if cell.id in sections.hidden:
            done = index + 1
            continue
        content, complete = cell_rows(cell, width, height - len(rows), options, images)
        note = _note(cell, sections.folded.get(cell.id, 0)) if complete else None
        if note:  # the timing line of a cell that ran, its tags, on its last row
            content[-1] = f"\x1b[{_DIM}m{note[:width]}{RESET}"
        label = gutter_label(cell)
        for number, line in enumerate(content[: max(0, height - len(rows))]):
            last = complete and number == len(content) - 1
            rows.append((label if number == 0 else "", index == 0 and not last, line))
        if not complete:
            break
        done, complete_rows = index + 1, complete_rows + len(content)
        if len(rows) >= height:
            break
    total = complete_rows
    for cell in notebook.cells[done:]:
        if total >= height * height:  # the scrollbar's thumb is one row from here on
            break
        if cell.id not in sections.hidden:
            total += estimate_rows(cell, max_lines=options.fold_lines)
    return rows, total


# ---- the frame --------------------------------------------------------------------------


def kernel_label(notebook: Notebook, kernel: str | None, state: str = "starting") -> str:
    """The kernel part of the status bar at start (starting; an attached session's kernel
    is in the state its host said)."""
    return kernel_status(kernel_name(notebook.metadata, kernel), state)


def status_text(
    notebook: Notebook, kernel: str | None, state: str = "starting"
) -> list[tuple[str, bool]]:
    """The status bar's runs of text and whether each is bold (`tuinb.render.status`)."""
    from tuinb.model import write_access

    name = notebook.path.name if notebook.path is not None else ""
    cells = len(notebook.cells)
    parts = status_parts(
        name=name,
        dirty=notebook.dirty,
        mode="command",
        kernel=kernel_label(notebook, kernel, state),
        cell=min(1, cells),
        cells=cells,
        read_only=notebook.path is not None and is_read_only(write_access(notebook.path)),
        untrusted=TrustMark().untrusted(notebook),
    )
    return [(text, style.startswith("bold")) for text, style in parts]


def _status_row(
    notebook: Notebook, kernel: str | None, state: str, columns: int, style: str
) -> str:
    runs = status_text(notebook, kernel, state)
    text = fit("".join(part for part, _ in runs), columns, ellipsis=True)
    out: list[str] = [f"\x1b[0;{style}m"]
    position = 0
    for part, bold in runs:
        piece = text[position : position + len(part)]
        position += len(part)
        out.append(f"\x1b[1m{piece}\x1b[22m" if bold else piece)
    out.append(" " * max(0, columns - len(text)))
    return "".join(out) + RESET


def frame(
    notebook: Notebook,
    *,
    columns: int,
    lines: int,
    kernel: str | None = None,
    palette: Palette | None = None,
    state: str = "starting",
    options: ViewOptions = DEFAULT_OPTIONS,
    images: ImageLayout = DEFAULT_LAYOUT,
) -> str:
    """The whole first frame as one string of terminal output (no screen switch);
    `state`: the kernel's, as the status bar says it."""
    palette = palette or load_palette()
    width = max(10, columns - SCROLLBAR - GUTTER)
    height = max(0, lines - 1)
    out = ["\x1b[?2026h\x1b[0m\x1b[H\x1b[2J"]
    rows, total = _layout(notebook, width, height, options, images)
    thumb = max(1, round(height * height / total)) if total > height else 0
    for y in range(height):
        out.append(f"\x1b[{y + 1};1H")
        if y < len(rows):
            label, bar, content = rows[y]
            out.append(f"\x1b[{palette.gutter}m{label_cells(label)}{RESET} ")
            out.append(f"\x1b[{palette.cursor}m▌{RESET}" if bar else " ")
            out.append(content)
        out.append(f"\x1b[{y + 1};{GUTTER + width + 1}H")
        edge = palette.edge if not thumb else palette.thumb if y < thumb else palette.track
        out.append(f"\x1b[{edge}m{' ' * (columns - GUTTER - width)}{RESET}")
    if lines > 0:
        out.append(f"\x1b[{lines};1H")
        out.append(_status_row(notebook, kernel, state, columns, palette.status))
    out.append("\x1b[?2026l")
    return "".join(out)
