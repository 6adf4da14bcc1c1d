"""Images in cells: placeholders of the right height, then pixels drawn off the UI thread;
kitty and sixel bytes as textual-image makes them, and none of them unless asked for."""

from __future__ import annotations

import asyncio
import base64
import io
import itertools
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from rich.segment import Segment

from tests.ui.editor_helpers import SIZE, make_app, nb_screen, screen_text, settle, write_notebook
from tuinb.config import parse_config
from tuinb.render import kitty
from tuinb.render.imagefit import CellPixels, ImageLayout, image_columns
from tuinb.render.images import ImageCache
from tuinb.render.sixel import TRANSPARENT, slices
from tuinb.ui.screen.notebook_screen import NotebookScreen
from tuinb.ui.view.images import ImageDrawer

CELL = CellPixels(10, 20)


def plot_png(width_in: float = 4.0, height_in: float = 3.0, dpi: int = 72) -> str:
    """A real matplotlib figure as `%matplotlib inline` sends it (base64 PNG)."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=dpi)
    ax.plot([0, 1, 2, 3], [1, 3, 2, 4], color="tab:red")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def image_output(data: str) -> dict[str, Any]:
    return {
        "output_type": "display_data",
        "data": {"image/png": data, "text/plain": "<Figure size 288x216 with 1 Axes>"},
        "metadata": {},
    }


async def drawn_by(drawer: ImageDrawer, data: str, width: int) -> Any:
    """Ask the drawer until the image is ready (it calls back on the loop)."""
    ready = asyncio.Event()
    drawer._ready = lambda owners: ready.set()  # the view's repaint, here an event
    found = drawer.rows("cell", "image/png", data, width, (0, 0, 0))
    if found is None:
        async with asyncio.timeout(20):
            await ready.wait()
        found = drawer.rows("cell", "image/png", data, width, (0, 0, 0))
    return found


# ---- the encodings, byte for byte against textual-image -------------------------------


async def test_kitty_bytes_are_textual_images(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[str] = []

    def write(text: str) -> bool:
        written.append(text)
        return True

    data = plot_png()
    layout = ImageLayout(cell=CELL, max_rows=12)
    drawer = ImageDrawer("kitty", layout, ready=lambda owners: None, write=write)
    rows = await drawn_by(drawer, data, 60)
    assert isinstance(rows, list)
    (sequence,) = written
    image_id = int(re.search(r"i=(\d+)", sequence).group(1))  # type: ignore[union-attr]
    image, fit = ImageCache().fitted(
        "image/png", data, max_columns=image_columns(60), max_rows=12, cell=CELL, enlarge=True
    )

    # textual-image's TGP renderable writes to sys.__stdout__; importing it asks a tty
    # for support, so its stdout is a buffer here (not a terminal: no query is made)
    captured = io.StringIO()
    monkeypatch.setattr(sys, "__stdout__", captured)
    from textual_image.renderable.tgp import Image as TGPImage

    monkeypatch.setattr(TGPImage, "_image_id_counter", itertools.count(image_id))
    reference = TGPImage(image)
    reference._send_image_to_terminal(fit.pixel_width, fit.pixel_height)
    reference._create_virtual_placement(fit.columns, fit.rows)
    assert sequence == captured.getvalue()
    placeholders = list(reference._render_diacritics(fit.columns, fit.rows))
    assert [strip.text for strip in rows] == [seg.text.rstrip("\n") for seg in placeholders]
    colours = {
        seg.style.color.triplet for strip in rows for seg in strip if seg.style and seg.style.color
    }
    reference_style = placeholders[0].style
    assert reference_style is not None
    assert reference_style.color is not None
    assert colours == {reference_style.color.triplet}  # the colour that names the image
    drawer.close()
    assert written[-1] == kitty.delete(image_id)  # the terminal's copy is freed at the end


async def test_kitty_through_tmux_is_wrapped_in_passthrough() -> None:
    written: list[str] = []

    def write(text: str) -> bool:
        written.append(text)
        return True

    drawer = ImageDrawer(
        "kitty",
        ImageLayout(cell=CELL, max_rows=4),
        ready=lambda owners: None,
        write=write,
        tmux=True,
    )
    await drawn_by(drawer, plot_png(1, 1), 40)
    (sequence,) = written
    parts = sequence.split("\x1b\\")[:-1]
    assert all(part.startswith("\x1bPtmux;\x1b\x1b_G") for part in parts[::2])
    drawer.close()


async def test_sixel_rows_are_textual_images_slices() -> None:
    from textual_image._sixel import image_to_sixels

    data = plot_png()
    layout = ImageLayout(cell=CELL, max_rows=12)
    drawer = ImageDrawer("sixel", layout, ready=lambda owners: None)
    rows = await drawn_by(drawer, data, 60)
    assert isinstance(rows, list)
    image, fit = ImageCache().fitted(
        "image/png", data, max_columns=image_columns(60), max_rows=12, cell=CELL, enlarge=True
    )
    pieces = slices(image, CELL.height)
    assert len(rows) == len(pieces) == fit.rows
    assert sum(piece.height for piece in pieces) == image.height
    for strip, piece in zip(rows, pieces, strict=True):
        blank, control = list(strip)
        assert blank == Segment(" " * fit.columns)
        assert control.control  # no width: the compositor writes it as it is
        library = image_to_sixels(piece, None, (0, 0, 0, 1.0))
        assert library.startswith("\x1bP0;0;0q")
        expected = TRANSPARENT + library[len("\x1bP0;0;0q") :]
        assert control.text == f"\x1b7\x1b[{fit.columns}D{expected}\x1b8"
    drawer.close()


async def test_a_broken_image_says_why() -> None:
    drawer = ImageDrawer("halfblock", ImageLayout(), ready=lambda owners: None)
    found = await drawn_by(drawer, base64.b64encode(b"not a png").decode(), 40)
    assert isinstance(found, str)
    assert "\n" not in found
    drawer.close()


# ---- on screen ----------------------------------------------------------------------------


def _segments(screen: NotebookScreen) -> list[Segment]:
    view = screen.view
    return [segment for index in range(len(view.notebook.cells)) for row in
            view._block(index).lines if not isinstance(row, tuple) for segment in row]  # fmt: skip


async def test_a_plot_is_a_placeholder_first_then_half_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []
    monkeypatch.setattr(NotebookScreen, "write_terminal", lambda self, text: written.append(text))
    data = plot_png()
    path = write_notebook(
        tmp_path / "plot.ipynb",
        [("code", "plt.plot([1, 3, 2, 4])"), ("code", "x = 1")],
        {0: [image_output(data)]},
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        drawer = screen.view.outputs.images
        assert drawer is not None
        assert drawer.protocol == "halfblock"  # no terminal to ask: any colour terminal's way
        await settle(pilot, lambda: "▀" in screen_text(app), "the plot drawn in half blocks")
        rows = screen_text(app).split("\n")
        image_rows = [row for row in rows if "▀" in row]
        # 288x216 px in 10x20 cells, sized to the text width and at most 24 rows high:
        # 640x480 px, 64 columns by 24 rows
        assert len(image_rows) == 24
        assert all(row[8:].rstrip().count("▀") == 64 for row in image_rows)
        assert rows[1 + 24].strip() == ""  # the blank row that ends the cell
        assert "x = 1" in rows[1 + 24 + 1]
        segments = _segments(screen)
    assert written == []  # nothing but coloured text: the terminal said nothing of kitty/sixel
    assert not any(segment.control for segment in segments)
    assert not any("\x1b" in segment.text for segment in segments)


async def test_images_none_shows_the_text_form(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "p.ipynb", [("code", "fig")], {0: [image_output(plot_png())]})
    loaded = parse_config('[output]\nimages = "none"\n', tmp_path / "c.toml")
    app = make_app(path, config=loaded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "<Figure size 288x216 with 1 Axes>" in text
        assert nb_screen(app).view.outputs.images is None


async def test_max_height_from_the_config(tmp_path: Path) -> None:
    data = plot_png()
    path = write_notebook(tmp_path / "p.ipynb", [("code", "fig")], {0: [image_output(data)]})
    loaded = parse_config("[output]\nimage_max_height = 5\n", tmp_path / "c.toml")
    app = make_app(path, config=loaded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: "▀" in screen_text(app), "the plot drawn")
        assert sum("▀" in row for row in screen_text(app).split("\n")) == 5


def test_half_blocks_keep_the_pictures_colours() -> None:
    image = Image.new("RGB", (4, 4), (255, 0, 0))
    image.paste((0, 0, 255), (0, 2, 4, 4))
    from tuinb.render.images import half_block_plan
    from tuinb.ui.view.images import half_block_strips

    (top, bottom) = half_block_strips(half_block_plan(image, 4, 2))
    (red,) = list(top)
    assert red.text == "▀▀▀▀"
    assert red.style is not None
    assert red.style.color is not None
    assert red.style.color.triplet == (255, 0, 0)
    (blue,) = list(bottom)
    assert blue.style is not None
    assert blue.style.bgcolor is not None
    assert blue.style.bgcolor.triplet == (0, 0, 255)


async def test_work_waits_for_the_release() -> None:
    ready = asyncio.Event()
    drawer = ImageDrawer("halfblock", ImageLayout(), ready=lambda owners: ready.set())
    drawer.held = True
    data = plot_png(1, 1)
    assert drawer.rows("cell", "image/png", data, 40, (0, 0, 0)) is None
    await asyncio.sleep(0)
    assert drawer._pool is None  # nothing started: the editor's first frame goes first
    drawer.release()
    async with asyncio.timeout(20):
        await ready.wait()
    assert isinstance(drawer.rows("cell", "image/png", data, 40, (0, 0, 0)), list)
    drawer.close()
