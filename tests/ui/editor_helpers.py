"""Helpers for the editor's Pilot tests: notebooks on disk, screen text, waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tuinb.model import CellType, Notebook, load, save
from tuinb.ui.app import TuinbApp
from tuinb.ui.screen.notebook_screen import NotebookScreen

SIZE = (120, 40)
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def write_notebook(
    path: Path,
    cells: list[tuple[CellType, str]],
    outputs: dict[int, list[dict[str, Any]]] | None = None,
) -> Path:
    """Write a notebook of (cell_type, source) cells, with outputs for some code cells."""
    notebook = Notebook.new(kernelspec=KERNELSPEC)
    first_type, first_source = cells[0]
    first = notebook.cells[0]
    notebook.set_source(first.id, first_source)
    if first_type != "code":
        notebook.change_cell_type([first.id], first_type)
    for index, (cell_type, source) in enumerate(cells[1:], start=1):
        notebook.insert_cell(index, cell_type, source)
    for index, cell_outputs in (outputs or {}).items():
        for output in cell_outputs:
            notebook.append_output(notebook.cells[index].id, output)
    save(notebook, path)
    return path


def stream(text: str) -> dict[str, Any]:
    """A stdout stream output."""
    return {"output_type": "stream", "name": "stdout", "text": text}


def make_app(path: Path, **kwargs: Any) -> TuinbApp:
    """The app on a notebook file (or a missing path for a new one)."""
    notebook = load(path) if path.exists() else Notebook.new()
    notebook.path = path
    return TuinbApp(notebook, **kwargs)


def nb_screen(app: TuinbApp) -> NotebookScreen:
    """The notebook screen."""
    return app.notebook_screen


def sources(app: TuinbApp) -> list[str]:
    """Sources of the cells, in order."""
    return [cell.source for cell in app.notebook.cells]


def types(app: TuinbApp) -> list[str]:
    """Cell types, in order."""
    return [cell.cell_type for cell in app.notebook.cells]


def screen_text(app: TuinbApp) -> str:
    """The notebook view's rows now on screen."""
    return "\n".join(nb_screen(app).view.rendered_text())


def status(app: TuinbApp) -> str:
    """The status bar's text."""
    return nb_screen(app).status.plain


async def settle(pilot: Pilot[Any], predicate: Callable[[], bool], what: str) -> None:
    """Wait (bounded) until `predicate` holds."""
    try:
        async with asyncio.timeout(10):
            while not predicate():
                await pilot.pause()
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


def notices(app: TuinbApp) -> str:
    """Every notice shown so far, one a line."""
    return "\n".join(str(note.message) for note in app._notifications)
