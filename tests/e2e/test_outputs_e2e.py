"""Rich outputs in the installed `tuinb` inside plain tmux: a plot in half blocks, a live
tqdm.notebook bar. Plain tmux (no passthrough, no sixel) is the half-block path: no kitty
or sixel byte may reach it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import write_notebook
from tests.e2e.test_exec_e2e import KERNEL_UP, env_with, kernel_root, no_kernel_left
from tests.e2e.tmux import TmuxSession
from tests.ui.test_output_images import image_output, plot_png

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

__all__ = ["kernel_root"]  # the fixture, for the tests below

HALF = "▀"


def plot_colours(screen_with_escapes: str) -> set[str]:
    """The true colours (foreground and background) on the rows with half blocks."""
    rows = [row for row in screen_with_escapes.split("\n") if HALF in row]
    return {found for row in rows for found in re.findall(r"[34]8;2;\d+;\d+;\d+", row)}


def drawn_whole(screen: str) -> bool:
    """The plot's rows are one block of equal rows, the blank row and the next cell below."""
    rows = screen.split("\n")
    plot = [index for index, row in enumerate(rows) if HALF in row]
    if len(plot) < 2 or plot != list(range(plot[0], plot[0] + len(plot))):
        return False
    if len({rows[index].count(HALF) for index in plot}) != 1:
        return False
    below = rows[plot[-1] + 1 : plot[-1] + 3]
    return len(below) == 2 and not below[0].strip(" ▌") and "after = 1" in below[1]


async def test_a_stored_plot_is_drawn_in_half_blocks_in_plain_tmux(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path, kernel_root: Path
) -> None:
    notebook = write_notebook(
        tmp_path / "plot.ipynb",
        [
            {"source": "plt.plot([1, 3, 2, 4])", "outputs": [image_output(plot_png())]},
            {"source": "after = 1"},
        ],
    )
    record = tmp_path / "stream.bin"
    await tmux.start([str(tuinb), str(notebook)], env=env_with(kernel_root), record=record)
    # tmux 3.3 shows a frame while it is being written (no synchronized output): wait for
    # a screen where the whole plot is, one rectangle with the next cell below it
    screen = await tmux.wait_for(drawn_whole, what="the plot drawn", within=20)
    rows = screen.split("\n")
    plot = [index for index, row in enumerate(rows) if HALF in row]
    (columns,) = {rows[index].count(HALF) for index in plot}
    # sized to the text width, at most 24 rows, the aspect ratio kept (tmux says its
    # cells are twice as high as wide)
    assert len(plot) == 24
    assert abs(columns / (2 * len(plot)) - 288 / 216) < 0.1
    coloured = await tmux.tmux("capture-pane", "-p", "-e", "-t", tmux.target)
    colours = plot_colours(coloured)
    assert any(colour.startswith("38;2;") for colour in colours)  # the upper pixels
    assert any(colour.startswith("48;2;") for colour in colours)  # the lower pixels
    assert len(colours) > 10  # a picture, not a flat block
    await tmux.wait_for(KERNEL_UP, what="the kernel", within=60)
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    stream = record.read_bytes()
    assert b"\x1b_G" not in stream  # no kitty graphics
    assert not re.search(rb"\x1bP[0-9;]*q", stream)  # no sixel
    await no_kernel_left()


TQDM = """\
import time
from tqdm.notebook import tqdm
for i in tqdm(range(40), desc="steps"):
    time.sleep(0.1)"""


@pytest.mark.kernel
async def test_a_tqdm_notebook_loop_is_a_live_progress_bar(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path, kernel_root: Path
) -> None:
    notebook = write_notebook(tmp_path / "bar.ipynb", [{"source": TQDM}])
    await tmux.start([str(tuinb), str(notebook)], env=env_with(kernel_root))
    await tmux.wait_for(KERNEL_UP, what="the kernel", within=60)
    await tmux.send("C-j")
    seen: set[int] = set()

    def progress(screen: str) -> bool:
        for match in re.finditer(r"steps: +(\d+)% [█░]+ +\d+/40", screen):
            seen.add(int(match.group(1)))
        return 100 in seen

    await tmux.wait_for(progress, what="the bar at 100%", within=60)
    assert any(0 < percent < 100 for percent in seen), seen  # it moved while the loop ran
    screen = await tmux.screen()
    assert "40/40" in screen
    assert "HBox" not in screen  # the widget, not its text form
    await tmux.send("C-q")
    await tmux.wait_for("unsaved changes", what="the unsaved-changes question")
    await tmux.send("d")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    await no_kernel_left()
