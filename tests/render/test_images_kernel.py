"""A real kernel's `%matplotlib inline` plot arrives as image/png and is drawn as half blocks."""

from __future__ import annotations

import asyncio

import pytest

from tests.engine.live import running
from tuinb.render.images import CellPixels, ImageCache, image_mime

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("python3_kernelspec")]

PLOT = """\
%matplotlib inline
%config InlineBackend.print_figure_kwargs = {"bbox_inches": None}
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 2), dpi=100)
ax.fill_between([0, 1], 0, 1, color="#ff0000")
ax.set_xlim(0, 1)
ax.set_ylim(0, 1)
ax.set_axis_off()
fig.subplots_adjust(0, 0, 1, 1)
plt.show()
"""


async def test_inline_plot_is_decoded_and_scaled() -> None:
    async with running(PLOT) as run:
        run.wait_seconds = 90  # matplotlib's first import builds its font cache
        await run.run("c0")
    (output,) = [o for o in run.notebook.cell("c0").outputs if o["output_type"] == "display_data"]
    data = output["data"]
    assert image_mime(data) == "image/png"
    cache = ImageCache()
    assert cache.size("image/png", data["image/png"]) == (400, 200)
    plan = await asyncio.to_thread(
        cache.half_blocks,
        "image/png",
        data["image/png"],
        max_columns=20,
        max_rows=40,
        cell=CellPixels(10, 20),
    )
    assert (plan.columns, plan.rows) == (20, 5)
    middle = plan.lines[2][0]
    assert middle.fg[0] > 200
    assert middle.fg[1] < 60
