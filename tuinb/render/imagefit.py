"""Where an image goes on screen: cells it takes, from its pixel size and the cell's.

Kept apart from `tuinb.render.images` (decoding, Pillow) because the first
frame needs it: an image output is drawn there as a placeholder of exactly
the rows the view will give the image, without decoding anything. Named
tuples, not frozen dataclasses: importing this module costs the first frame
well under a millisecond.
"""

from __future__ import annotations

import math
from typing import NamedTuple

DUMB_TERMS = frozenset({"dumb", ""})
"""`TERM` values of a terminal that draws no images (nor colours)."""

__all__ = [
    "DEFAULT_CELL",
    "DEFAULT_LAYOUT",
    "DEFAULT_MAX_ROWS",
    "CellPixels",
    "ImageFit",
    "ImageLayout",
    "fit_image",
    "image_columns",
    "image_rows",
]

DEFAULT_MAX_ROWS = 24
"""Tallest an image is drawn, in rows, unless the config says otherwise (`image_max_height`)."""


class CellPixels(NamedTuple):
    """The size of one terminal cell in pixels (10x20 when the terminal does not say)."""

    width: int = 10
    height: int = 20


DEFAULT_CELL = CellPixels()
"""What a cell is taken to be when the terminal does not say."""


class ImageFit(NamedTuple):
    """Where an image goes: `columns` x `rows` cells, drawn from `pixel_width` x `pixel_height`."""

    columns: int
    rows: int
    pixel_width: int
    pixel_height: int


def fit_image(
    width: int,
    height: int,
    *,
    max_columns: int,
    max_rows: int,
    cell: CellPixels = DEFAULT_CELL,
    enlarge: bool = False,
) -> ImageFit:
    """The cells an image of `width` x `height` pixels takes, aspect ratio kept.

    Scaled down to `max_columns` (the text width) and `max_rows`; `enlarge`
    scales a smaller one up to them too (else it keeps its own size, as
    JupyterLab shows a plot that fits).
    """
    width, height = max(width, 1), max(height, 1)
    cell_w, cell_h = max(cell.width, 1), max(cell.height, 1)
    room = min((max(max_columns, 1) * cell_w) / width, (max(max_rows, 1) * cell_h) / height)
    scale = room if enlarge else min(1.0, room)
    pixel_width = max(1, round(width * scale))
    pixel_height = max(1, round(height * scale))
    columns = max(1, min(max_columns, math.ceil(pixel_width / cell_w)))
    rows = max(1, min(max_rows, math.ceil(pixel_height / cell_h)))
    return ImageFit(columns, rows, pixel_width, pixel_height)


class ImageLayout(NamedTuple):
    """How image outputs are laid out, the same for the view and the first frame."""

    draw: bool = True
    """Images are drawn (else their text form shows: ``images = "none"``, no terminal)."""
    cell: CellPixels = DEFAULT_CELL
    """The terminal's cell in pixels."""
    max_rows: int = DEFAULT_MAX_ROWS
    """The tallest an image is drawn (the config's ``image_max_height``)."""
    enlarge: bool = True
    """Scale a small image up to the text width (and `max_rows`), not only down.

    A terminal's cells are coarse: a 400-pixel plot drawn 1:1 in half blocks is
    40 columns of 2-pixel-high samples, which cannot be read; sized to the text
    width and the row limit it can. The same rule for every protocol keeps the
    first frame's placeholders the height of the image the view draws."""


DEFAULT_LAYOUT = ImageLayout()
"""Images drawn, at most `DEFAULT_MAX_ROWS` high, in cells of `DEFAULT_CELL`."""


def image_columns(width: int) -> int:
    """Columns an image may take in a text area `width` columns wide.

    One less than the width: a sixel row is drawn from a zero-width sequence
    after the image's cells, which cropping at the right edge would drop.
    """
    return max(1, width - 1)


def image_rows(size: tuple[int, int] | None, width: int, layout: ImageLayout) -> int:
    """Rows an image of pixel `size` takes in a text area `width` wide (1, its summary
    line, when the size is unknown)."""
    if size is None:
        return 1
    fit = fit_image(
        size[0],
        size[1],
        max_columns=image_columns(width),
        max_rows=layout.max_rows,
        cell=layout.cell,
        enlarge=layout.enlarge,
    )
    return fit.rows
