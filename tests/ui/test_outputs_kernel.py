"""Rich outputs from a real ipykernel, as a user gets them: plots, DataFrames, math, JSON,
a tqdm.notebook bar and a slider whose moves reach the kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.editor_helpers import screen_text
from tests.ui.test_exec_kernel import editor, wait
from tests.ui.test_output_tables import links_of
from tuinb.model import CellType
from tuinb.ui.app import TuinbApp

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("python3_kernelspec")]

PLOT = """\
import matplotlib.pyplot as plt
%matplotlib inline
plt.figure(figsize=(3, 2), dpi=60)
plt.plot([1, 3, 2, 4])
plt.show()"""

FRAME = """\
import pandas as pd
frame = pd.DataFrame({"name": ["ada", "bob"], "score": [1.5, 22.25]})
display(frame.style.format({"score": "{:.1f}"}).highlight_max(subset=["score"]))
frame"""

MATH = """\
from IPython.display import JSON, Latex, Markdown, display
display(Latex(r"$\\alpha^2 + \\beta_i$"))
display(Markdown("**bold** and $x^2$ [site](<https://example.org/a b>)"))
display(JSON({"rows": [1, 2, 3], "name": "x"}))"""


async def test_plots_tables_math_and_json_from_a_kernel(tmp_path: Path) -> None:
    cells: list[tuple[CellType, str]] = [("code", PLOT), ("code", FRAME), ("code", MATH)]
    async with editor(tmp_path, cells) as (app, pilot):
        await pilot.press("R")  # run all
        last = app.notebook.cells[2]
        await wait(pilot, lambda: last.execution_count == 3, "all three cells run")
        view = app.notebook_screen.view
        await wait(pilot, lambda: "▀" in screen_text(app), "the plot in half blocks")
        plot_rows = [row for row in screen_text(app).split("\n") if "▀" in row]
        assert len(plot_rows) == 24  # sized to the text width, at most 24 rows high
        await pilot.press("j")
        await wait(pilot, lambda: "score" in screen_text(app), "the DataFrame")
        text = screen_text(app)
        assert any("name" in row and "score" in row for row in text.split("\n"))
        assert any("ada" in row and "1.50" in row for row in text.split("\n"))  # the frame
        assert any("bob" in row and "22.2" in row for row in text.split("\n"))  # the Styler
        assert "<table" not in text
        assert "background-color" not in text  # its CSS dropped
        await pilot.press("j")
        view.scroll_to_cell(2)
        await wait(pilot, lambda: "α² + βᵢ" in screen_text(app), "the LaTeX as Unicode")
        text = screen_text(app)
        assert "bold and x²" in text
        assert '"rows": [' in text
        assert links_of(view, 2) == {"https://example.org/a%20b"}  # made safe, never raw


TQDM = """\
import time
from tqdm.notebook import tqdm
for i in tqdm(range(20), desc="steps"):
    time.sleep(0.05)"""

SLIDER = """\
import ipywidgets as widgets
slider = widgets.IntSlider(value=5, min=0, max=10, description="n")
slider"""


def slider_row(app: TuinbApp) -> str:
    rows = [row.rstrip() for row in screen_text(app).split("\n") if "n ━" in row]
    return rows[0] if rows else ""


async def test_a_tqdm_notebook_bar_and_a_slider_from_a_kernel(tmp_path: Path) -> None:
    cells: list[tuple[CellType, str]] = [
        ("code", TQDM),
        ("code", SLIDER),
        ("code", "print('value', slider.value)"),
    ]
    async with editor(tmp_path, cells) as (app, pilot):
        await pilot.press("ctrl+j")
        await wait(pilot, lambda: "steps:" in screen_text(app), "the tqdm bar")
        await wait(pilot, lambda: "100%" in screen_text(app), "the bar at its end")
        assert "20/20" in screen_text(app)
        await pilot.press("j", "ctrl+j")
        await wait(pilot, lambda: "n ━━━" in screen_text(app), "the slider")
        await pilot.press("k", "j", "tab", "right", "right", "escape")
        await wait(pilot, lambda: slider_row(app).endswith(" 7"), "the slider at 7")
        await pilot.press("j", "ctrl+j")
        await wait(pilot, lambda: "value 7" in screen_text(app), "the kernel's slider at 7")
