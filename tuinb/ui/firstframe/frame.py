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
from tuinb.render.outputs import (
    Placeholder,
    ShownText,
    fold_note,
    plan_output,
)
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
    if not fold.hidden:
        return rows(fold.head)
    note = fold_note(fold.hidden)
    if len(note) > width:
        raise Unsupported("a fold line wider than the screen")
    tail = rows(fold.tail) if fold.tail else []
    return [*rows(fold.head), f"\x1b[{_FOLD_STYLE}m{note}{RESET}", *tail]


def output_rows(output: Mapping[str, Any], width: int) -> list[str]:
    """One stored output, folded, as the view draws its plan (`tuinb.render.outputs`)."""
    plan = plan_output(output, folded=True)
    if isinstance(plan, ShownText):
        return _text_rows(plan, width)
    if isinstance(plan, Placeholder):
        return [f"\x1b[{_DIM}m{fit(plan.message, width, ellipsis=True)}{RESET}"]
    raise Unsupported("Markdown or a table in an output")  # Rich lays them out


def _source_rows(cell: Cell, width: int, limit: int) -> list[str]:
    source = cell.source
    kind = source_kind(cell)
    if kind == "markdown":
        if has_controls(source):
            raise Unsupported("control characters in markdown")
        return markdown_rows(source, width)
    head = "\n".join(source.split("\n", limit)[:limit])
    if kind == "code":
        return [
            fit(expand_tabs(line), width, ellipsis=False) for line in printable(head).split("\n")
        ]
    return wrap_rows(printable(head), width)


def cell_rows(cell: Cell, width: int, limit: int) -> tuple[list[str], bool]:
    """(content rows of a cell including its blank last row, whether they are complete).

    At most about `limit` rows are laid out; incomplete rows end at content the
    first frame does not reproduce, or at the limit.
    """
    try:
        rows = _source_rows(cell, width, limit) or [""]
    except Unsupported:
        return [], False
    if len(rows) >= limit:
        return rows, False
    for output in cell.outputs:
        try:
            rows.extend(output_rows(output, width))
        except Unsupported:
            return rows, False
        if len(rows) >= limit:
            return rows, False
    rows.append("")
    return rows, True


def _note(cell: Cell) -> str | None:
    from tuinb.render.marks import RunMarks  # datetime: only for cells with timings

    return RunMarks().note(cell)


def view_rows(notebook: Notebook, width: int, height: int) -> list[Row]:
    """The rows of the view's first frame (cursor on the first cell), at most `height`."""
    return _layout(notebook, width, height)[0]


def _layout(notebook: Notebook, width: int, height: int) -> tuple[list[Row], int]:
    """The rows that fit, and the notebook's height for the scrollbar (estimated past them,
    as far as it changes the thumb)."""
    rows: list[Row] = []
    done = complete_rows = 0
    for index, cell in enumerate(notebook.cells):
        content, complete = cell_rows(cell, width, height - len(rows))
        note = _note(cell) if complete and "execution" in cell.metadata else None
        if note:  # the timing line of a cell that ran, on its last row
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
        total += estimate_rows(cell)
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
) -> str:
    """The whole first frame as one string of terminal output (no screen switch);
    `state`: the kernel's, as the status bar says it."""
    palette = palette or load_palette()
    width = max(10, columns - SCROLLBAR - GUTTER)
    height = max(0, lines - 1)
    out = ["\x1b[?2026h\x1b[0m\x1b[H\x1b[2J"]
    rows, total = _layout(notebook, width, height)
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
