"""Every real notebook of the test corpus opens and paints top to bottom without an error."""

from __future__ import annotations

from pathlib import Path

from textual.strip import Strip

from tests.ui.editor_helpers import SIZE, nb_screen, settle, status
from tuinb.model import Notebook, NotebookError, load
from tuinb.ui.app import TuinbApp

CORPUS = Path(__file__).parent.parent / "data"


def corpus() -> list[Notebook]:
    notebooks = []
    for path in sorted(CORPUS.glob("*.ipynb")):
        try:
            notebooks.append(load(path))
        except NotebookError:
            continue
    return notebooks


async def test_corpus_notebooks_paint(tmp_path: Path) -> None:
    notebooks = corpus()
    assert len(notebooks) > 40
    first = Notebook.new()
    first.path = tmp_path / "start.ipynb"
    app = TuinbApp(first, check_recovery=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        for notebook in notebooks:
            screen.replace_notebook(notebook)
            app.notebook = notebook
            await pilot.pause()
            view = screen.view
            for index in range(len(notebook.cells)):
                lines = view._block(index).lines
                assert all("\x1b" not in line.text for line in lines if isinstance(line, Strip))
            screen.action_last_cell()
            screen.action_toggle_fold()
            await pilot.pause()
            rows = view.rendered_text()
            assert all("\x1b" not in row for row in rows), notebook.path


async def test_a_notebook_without_cells(tmp_path: Path) -> None:
    path = tmp_path / "empty.ipynb"
    path.write_text(
        '{\n "cells": [],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n',
        encoding="utf-8",
    )
    before = path.read_bytes()
    notebook = load(path)
    assert notebook.cells == []
    app = TuinbApp(notebook, check_recovery=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        await pilot.press("j", "k", "G", "d", "d", "c", "x", "v", "m", "M", "alt+up", "o", "J")
        assert app.notebook.cells == []
        assert "cell 0/0" in status(app)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: path.stat().st_mtime_ns != 0, "the save")
        await pilot.pause()
        assert path.read_bytes() == before
        await pilot.press("b")
        assert len(app.notebook.cells) == 1
        await pilot.press("d", "d", "enter", *"x = 1", "escape")
        assert [cell.source for cell in app.notebook.cells] == ["x = 1"]
        assert screen.mode == "command"
