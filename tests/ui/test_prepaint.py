"""The first frame drawn before Textual loads is the view's first frame, row for row."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.ui.editor_helpers import SIZE, nb_screen, stream, write_notebook
from tests.ui.test_editor_corpus import corpus
from tuinb.model import Notebook, load
from tuinb.model.outline import COLLAPSED_KEY
from tuinb.render.options import DEFAULT_OPTIONS, ViewOptions
from tuinb.ui.app import TuinbApp
from tuinb.ui.firstframe import frame as prepaint
from tuinb.ui.firstframe.colours import load_palette
from tuinb.ui.firstframe.lines import Unsupported, markdown_rows, wrap_rows
from tuinb.ui.view.notebook_view import GUTTER

SGR = re.compile(r"\x1b\[[0-9;:]*m")
WIDTH = SIZE[0] - prepaint.SCROLLBAR - GUTTER
HEIGHT = SIZE[1] - 1


def plain_rows(notebook: Notebook, options: ViewOptions = DEFAULT_OPTIONS) -> list[str]:
    """The prepaint's view rows as text, as `NotebookView.rendered_text` gives them."""
    rows = []
    for label, bar, content in prepaint.view_rows(notebook, WIDTH, HEIGHT, options):
        text = label.rjust(GUTTER - 2) + " " + ("▌" if bar else " ") + SGR.sub("", content)
        rows.append(text.rstrip())
    return rows


def synthetic() -> list[Notebook]:
    """Notebooks made for the parts the first frame reproduces."""
    long_line = "word " * 40
    cells: list[dict[str, Any]] = [
        {"cell_type": "code", "source": "print('hi')\n\tx = 1\t# tab", "execution_count": 3},
        {
            "cell_type": "markdown",
            "source": "# Title here\n\n## Sub *one*\n\nA **bold** and `code` and *em* "
            + long_line
            + "\n\n- first item\n- second item with `x`\n\n### Three\n#### Four\n\n"
            "[Index](Index.ipynb) - [Back](Widget%20List.ipynb) - snake_case here "
            + long_line
            + "[a link](https://example.org/a_b?x=1&y=2) *end*\n",
        },
        {"cell_type": "raw", "source": "raw text " * 30},
        {"cell_type": "markdown", "source": ""},
        {"cell_type": "code", "source": ""},
    ]
    outputs = [
        stream("\x1b[31mred\x1b[0m plain\x1b[1mbold\nstill bold\x1b[0m\n" + "x" * 300 + "\n"),
        {"output_type": "stream", "name": "stderr", "text": "err \x1b[0m after reset\n"},
        stream("".join(f"line {i}\n" for i in range(500))),
        {"output_type": "error", "ename": "E", "evalue": "v", "traceback": []},
        {
            "output_type": "error",
            "ename": "E",
            "evalue": "v",
            "traceback": ["\x1b[31mTraceback\x1b[0m", "  at\tthere"],
        },
        {"output_type": "execute_result", "data": {"text/plain": "42"}, "metadata": {}},
        {"output_type": "display_data", "data": {"application/x-thing": "?"}, "metadata": {}},
        {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}, "metadata": {}},
        {"output_type": "display_data", "data": {"text/latex": "$\\alpha$"}, "metadata": {}},
        {"output_type": "display_data", "data": {"application/json": {"a": [1, 2]}}},
        {"output_type": "stream", "name": "stdout", "text": "wide 漢字 " * 20},
        {"output_type": "display_data", "data": {"text/html": "<b>x</b>"}, "metadata": {}},
    ]
    notebooks = [sectioned()]
    for index in range(len(outputs)):
        notebook = Notebook.from_dict(
            {
                "cells": [dict(cells[0], outputs=outputs[index : index + 1]), *cells[1:]],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
        notebooks.append(notebook)
    return notebooks


def sectioned() -> Notebook:
    """Tags under cells, a collapsed heading hiding its section (JupyterLab 4's key), a
    nested one hidden with it (the classic notebook's key)."""
    cell: dict[str, Any] = {"cell_type": "code", "source": "x = 1\ny = 2", "outputs": []}
    cells: list[dict[str, Any]] = [
        {"cell_type": "markdown", "source": "# Top", "metadata": {"tags": ["intro", "a\x1bb"]}},
        dict(cell, metadata={"tags": ["parameters"]}, execution_count=1),
        {"cell_type": "markdown", "source": "## Hidden part", "metadata": {COLLAPSED_KEY: True}},
        cell,
        {"cell_type": "markdown", "source": "### Deeper", "metadata": {"heading_collapsed": True}},
        cell,
        {"cell_type": "markdown", "source": "## Shown again"},
        dict(cell, source="z = 3\n" * 30),
    ]
    return Notebook.from_dict({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.mark.parametrize(
    "options",
    [DEFAULT_OPTIONS, ViewOptions(line_numbers=True, fold_lines=6)],
    ids=["defaults", "numbers-fold-6"],
)
async def test_first_frame_rows_are_the_views_rows(tmp_path: Path, options: ViewOptions) -> None:
    notebooks = synthetic() + corpus()
    first = Notebook.new()
    first.path = tmp_path / "start.ipynb"
    app = TuinbApp(first, check_recovery=False)
    painted = 0
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        for number, notebook in enumerate(notebooks):
            if notebook.path is None:
                notebook.path = tmp_path / f"made{number}.ipynb"
            app.notebook = notebook
            screen.replace_notebook(notebook)
            await pilot.pause()
            view = screen.view
            view.highlighting = False  # the view's first frame: code not coloured yet
            view.options = options
            view.outputs.images = None  # ... and images not decoded yet: placeholders
            view.invalidate()
            for index in range(min(len(notebook.cells), HEIGHT)):
                view.ensure_measured(index)  # heights as painted, not estimated
            expected = [row.rstrip() for row in view.rendered_text()]
            rows = plain_rows(notebook, options)
            painted += len(rows)
            assert rows == expected[: len(rows)], f"notebook {number}"
    assert painted > 20 * HEIGHT  # most of the frames are drawn, not given up


def test_unsupported_markdown_is_refused() -> None:
    for source in ("> quote", "1. one", "![img](x.png)", "a  \nb", "```\ncode\n```", "a_b_"):
        with pytest.raises(Unsupported):
            markdown_rows(source, 40)


def test_wrap_matches_rich() -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(width=20, file=None, color_system=None)
    text = "alpha beta gamma delta epsilonzetaetathetaiotakappa lambda mu"
    lines = console.render_lines(Text(text), console.options.update(width=20), pad=False)
    expected = ["".join(segment.text for segment in line).rstrip() for line in lines]
    assert [row.rstrip() for row in wrap_rows(text, 20)] == expected


def test_frame_has_status_bar_and_theme_colours(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "n.ipynb", [("code", "x = 1"), ("markdown", "# T")])
    notebook = load(path)
    palette = load_palette(truecolor=True)
    assert palette.cursor.startswith("38;2;245;165;36")  # dark.toml accent #F5A524
    text = prepaint.frame(notebook, columns=80, lines=24, kernel=None, palette=palette)
    plain = SGR.sub("", text)
    assert "  [ ]: ▌x = 1" in plain
    assert " n.ipynb      COMMAND  Python 3 (starting)  cell 1/2" in plain
    assert "\x1b[24;1H" in text
    assert "\x1b[25;" not in text
    assert "\x1b]" not in text  # no OSC, only cursor moves and colours
    thumb, track = "48;2;31;65;103m", "48;2;0;2;11m"  # Textual's scrollbar under tuinb-dark
    assert thumb not in text  # everything fits: no scrollbar
    long = write_notebook(tmp_path / "long.ipynb", [("code", f"x = {n}") for n in range(60)])
    text = prepaint.frame(load(long), columns=80, lines=24, kernel=None, palette=palette)
    assert text.count(thumb) == 4  # 23 rows of 120: a thumb of 4 at the top
    assert text.count(track) == 19


def test_frame_keeps_escape_sequences_of_outputs_out(tmp_path: Path) -> None:
    evil = "\x1b]52;c;aGk=\x07\x1b]0;title\x07\x1bc\x1b[2Jtext\x1b[31mred\x1b[0m"
    path = write_notebook(tmp_path / "e.ipynb", [("code", "x\x1b[2J")], {0: [stream(evil)]})
    text = prepaint.frame(load(path), columns=80, lines=24, kernel=None)
    assert "]52" not in text
    assert "]0;" not in text
    assert "\x1bc" not in text
    assert text.count("\x1b[2J") == 1  # the frame's own clear, not the output's
    notebook = load(path)
    notebook.cells[0].execution_count = "\x1b]0;count\x07"  # type: ignore[assignment]
    notebook.metadata["kernelspec"] = {"name": "k", "display_name": "k\x1b]0;kernel\x07"}
    notebook.path = tmp_path / "n\x1b]0;name\x07.ipynb"
    assert "\x1b]" not in prepaint.frame(notebook, columns=80, lines=24, kernel=None)
    assert "text\x1b[31mred" in text


def test_prepaint_imports_neither_textual_nor_rich() -> None:
    code = (
        "import sys, tuinb.ui.firstframe.frame, tuinb.ui.launch;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_palette_takes_a_users_theme_file_of_the_same_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUINB_DATA_DIR", str(tmp_path))
    mine = tmp_path / "themes" / "mine.toml"
    mine.parent.mkdir()
    mine.write_text('name = "tuinb-dark"\nprimary = "#000000"\naccent = "#010203"\n')
    assert load_palette(truecolor=True).cursor.startswith("38;2;1;2;3;")
    mine.write_text('name = "tuinb-dark"\nprimary = "#000000"\naccent = """#0A0B0C"""\n')
    assert load_palette(truecolor=True).cursor.startswith("38;2;10;11;12;")
    assert load_palette(truecolor=False).cursor.startswith("38;5;")
