"""Sixel images cut into one escape sequence per text row, so each row draws itself.

The notebook view keeps finished rows by what they show and repaints a row
alone (a cursor bar, a scroll that brings it into sight). A sixel image
drawn once from its first row would be erased by the next repaint of a row
below it; so the image is cut into slices one cell high, and each row of the
view carries its own slice (`row_sequences`), drawn after the row's blank
cells and returning the cursor where it was:

``ESC 7`` (save the cursor, at the end of the image's cells), ``CSI n D``
(back to the image's first column), the slice, ``ESC 8`` (restore).

The slices are encoded by textual-image's sixel encoder (MIT; palette,
bands, run lengths), the library the issue asked for; only its DCS
introducer is changed to ``P2 = 1`` (`TRANSPARENT`): a slice's last band of
six pixel rows usually reaches past the cell, and those pixels must stay
transparent rather than paint the top of the row below in the background
colour. A test compares every slice with the library's own output.

textual-image's encoder (and numpy, which it uses when it is there) is
imported on first use, in the thread that encodes (~90 ms).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image as PILImage

__all__ = ["OPAQUE", "TRANSPARENT", "encode_slice", "row_sequences", "slices"]

OPAQUE = "\x1bP0;0;0q"
"""The DCS introducer textual-image writes (pixels left at 0 painted in the background)."""
TRANSPARENT = "\x1bP0;1;0q"
"""The introducer used here: pixels left at 0 keep what is under them."""


def slices(image: PILImage.Image, cell_height: int) -> list[PILImage.Image]:
    """The image cut into horizontal strips `cell_height` pixels high (the last may be lower)."""
    height = max(1, cell_height)
    return [
        image.crop((0, top, image.width, min(image.height, top + height)))
        for top in range(0, image.height, height)
    ]


def encode_slice(image: PILImage.Image, background: tuple[int, int, int]) -> str:
    """One slice as a sixel sequence (transparent pixels drawn over `background`)."""
    from textual_image._sixel import image_to_sixels

    encoded = image_to_sixels(image, None, (*background, 1.0))
    if encoded.startswith(OPAQUE):
        encoded = TRANSPARENT + encoded[len(OPAQUE) :]
    return encoded


def row_sequences(
    image: PILImage.Image, columns: int, cell_height: int, background: tuple[int, int, int]
) -> list[str]:
    """The escape sequence each text row of the image ends with (see the module)."""
    back = f"\x1b[{columns}D" if columns > 0 else ""
    return [
        f"\x1b7{back}{encode_slice(piece, background)}\x1b8" for piece in slices(image, cell_height)
    ]
