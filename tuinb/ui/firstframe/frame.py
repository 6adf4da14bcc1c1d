"""The first frame: the notebook drawn by tuinb's own code while Textual loads.

Importing Textual takes ~0.45 s here, so `tuinb.ui.launch` writes this frame
to the terminal first, then imports Textual, whose first frame draws the same
screen over it. Only the standard library and Rich-free tuinb modules are
imported, and only the rows that fit on the screen are laid out.

The frame copies the notebook view's first frame: the gutter (``[n]:``,
``md``, ``raw`` and the cursor bar on the first cell), code uncoloured (the
view colours it once its lexer is compiled, a moment after its first frame),
markdown and outputs laid out as Rich lays them out (outputs folded at the
same lines), and the status bar. Content it does not reproduce exactly
(HTML, Markdown outputs, rarer Markdown in cells) ends the frame there: the
rows below stay blank until Textual draws them, so nothing on screen moves.
Colours come from the theme files (``tuinb-dark`` unless a user theme of that
name replaces it), through `tuinb.ui.firstframe.colours`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tuinb.render.media import as_str, image_summary, latex_to_unicode
from tuinb.render.outputs import (
    MAX_LINES,
    fold_lines,
    output_height_estimate,
    output_text,
    pick_mime,
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
    from tuinb.model import Cell, Notebook

__all__ = ["GUTTER", "Palette", "frame", "load_palette", "status_text", "view_rows"]

GUTTER = 8
"""Columns left of a cell's content, as in `tuinb.ui.view.notebook_view.GUTTER`."""
SCROLLBAR = 2
"""Columns the view keeps for its scrollbar (``scrollbar-gutter: stable``, Textual's size 2)."""

_FOLD_STYLE = "2;3"
_DIM = "2"
_RED = "31"
Row = tuple[str, bool, str]
"""A view row: gutter label, whether the cursor bar is drawn, content (text and SGR)."""


# ---- cells ------------------------------------------------------------------------------


def _text_block(raw: str, width: int, *, style: str = "", ansi: bool = True) -> list[str]:
    """An output's text folded as `tuinb.ui.view.rich_outputs` folds it, rows cut with "…"."""

    def rows(part: str) -> list[str]:
        if ansi:
            return ansi_rows(sanitize(part), width, style=style)
        return ansi_rows(plain_text(part), width, style=style)

    fold = fold_lines(raw, MAX_LINES)
    if not fold.hidden:
        return rows(fold.head)
    note = f"… {fold.hidden:,} more lines (o to expand) …"
    if len(note) > width:
        raise Unsupported("a fold line wider than the screen")
    tail = rows(fold.tail) if fold.tail else []
    return [*rows(fold.head), f"\x1b[{_FOLD_STYLE}m{note}{RESET}", *tail]


def _placeholder(message: str, width: int) -> list[str]:
    return [f"\x1b[{_DIM}m{fit(message, width, ellipsis=True)}{RESET}"]


def _bundle_rows(data: Mapping[str, Any], width: int) -> list[str]:
    mime = pick_mime(data)
    if mime is None:
        kinds = ", ".join(plain_text(str(kind)) for kind in data) or "empty output"
        return _placeholder(f"[{kinds}]", width)
    if mime == "text/plain":
        return _text_block(as_str(data[mime]), width)
    if mime == "text/latex":
        plain = as_str(data.get("text/plain", ""))
        text = plain or latex_to_unicode(as_str(data[mime]))
        return _text_block(text, width, ansi=bool(plain))
    if mime == "application/json":
        try:
            dumped = json.dumps(data[mime], indent=2, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            dumped = repr(data[mime])
        return _text_block(dumped, width, ansi=False)
    if mime.startswith("image/"):
        return _placeholder(image_summary(mime, data[mime]), width)
    raise Unsupported(f"{mime} output")  # HTML tables and Markdown: Rich lays them out


def output_rows(output: Mapping[str, Any], width: int) -> list[str]:
    """One stored output, folded, as `tuinb.ui.view.rich_outputs.render_output` draws it."""
    kind = output.get("output_type")
    shown = output_text(output) if kind in ("stream", "error") else None
    if shown is not None:
        return _text_block(shown[0], width, style=_RED if shown[1] else "")
    if kind in ("display_data", "execute_result", "update_display_data"):
        data = output.get("data")
        if not isinstance(data, Mapping):
            return _placeholder("[empty output]", width)
        return _bundle_rows(data, width)
    return _placeholder(f"[{plain_text(str(kind))} output]", width)


def _source_rows(cell: Cell, width: int, limit: int) -> list[str]:
    source = cell.source
    if cell.cell_type == "markdown" and source.strip():
        if has_controls(source):
            raise Unsupported("control characters in markdown")
        return markdown_rows(source, width)
    head = "\n".join(source.split("\n", limit)[:limit])
    if cell.cell_type == "code":
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


def _label(cell: Cell) -> str:
    if cell.cell_type == "code":
        count = cell.execution_count  # not validated yet: may be any JSON value
        return plain_text(f"[{count if count is not None else ' '}]:")
    return "md" if cell.cell_type == "markdown" else "raw"


def view_rows(notebook: Notebook, width: int, height: int) -> list[Row]:
    """The rows of the view's first frame (cursor on the first cell), at most `height`."""
    return _layout(notebook, width, height)[0]


def _estimate(cell: Cell) -> int:
    """Rows of a cell not laid out, estimated as the view estimates them."""
    outputs = output_height_estimate(cell.outputs, folded=True)
    return cell.source.count("\n") + 1 + outputs + 1


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
        for number, line in enumerate(content[: max(0, height - len(rows))]):
            last = complete and number == len(content) - 1
            rows.append((_label(cell) if number == 0 else "", index == 0 and not last, line))
        if not complete:
            break
        done, complete_rows = index + 1, complete_rows + len(content)
        if len(rows) >= height:
            break
    total = complete_rows
    for cell in notebook.cells[done:]:
        if total >= height * height:  # the scrollbar's thumb is one row from here on
            break
        total += _estimate(cell)
    return rows, total


# ---- the frame --------------------------------------------------------------------------


def kernel_label(notebook: Notebook, kernel: str | None) -> str:
    """The kernel part of the status bar at start (as `TuinbApp.kernel_display_name`)."""
    name = kernel
    spec = notebook.metadata.get("kernelspec")
    if not name and isinstance(spec, dict):
        name = spec.get("display_name") or spec.get("name")
    return f"{name or 'no kernel'} (starting)"


def status_text(notebook: Notebook, kernel: str | None) -> list[tuple[str, bool]]:
    """The status bar's runs of text and whether each is bold (as `StatusBar.show`)."""
    name = notebook.path.name if notebook.path is not None else ""
    return [
        (f" {name}", True),
        ("    ", False),
        ("  COMMAND", True),
        (f"  {kernel_label(notebook, kernel)}", False),
        (f"  cell {min(1, len(notebook.cells))}/{len(notebook.cells)}", False),
    ]


def _status_row(notebook: Notebook, kernel: str | None, columns: int, style: str) -> str:
    runs = status_text(notebook, kernel)
    text = fit("".join(plain_text(part) for part, _ in runs), columns, ellipsis=True)
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
) -> str:
    """The whole first frame as one string of terminal output (no screen switch)."""
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
            out.append(f"\x1b[{palette.gutter}m{label[: GUTTER - 2].rjust(GUTTER - 2)}{RESET} ")
            out.append(f"\x1b[{palette.cursor}m▌{RESET}" if bar else " ")
            out.append(content)
        out.append(f"\x1b[{y + 1};{GUTTER + width + 1}H")
        edge = palette.edge if not thumb else palette.thumb if y < thumb else palette.track
        out.append(f"\x1b[{edge}m{' ' * (columns - GUTTER - width)}{RESET}")
    if lines > 0:
        out.append(f"\x1b[{lines};1H")
        out.append(_status_row(notebook, kernel, columns, palette.status))
    out.append("\x1b[?2026l")
    return "".join(out)
