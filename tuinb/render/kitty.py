"""kitty's graphics protocol with unicode placeholders: the bytes that put an image in cells.

An image is sent once (`transmit`: PNG, base64, in 4096-byte chunks) with a
virtual placement of `columns` x `rows` cells (`place`), and then shown by
ordinary text: each cell of the image is the placeholder character U+10EEEE
followed by diacritics naming its row and column, in a foreground colour
that encodes the image id (`placeholder_rows`, `id_colour`). Because the
cells are text, the image scrolls, is cut at the screen's edges and is
cached with the rest of a row like any text; only the transmission is
written apart (`tuinb.ui.view.images`), once per image and size. Inside tmux
each escape sequence goes through tmux's passthrough (`wrap`), which needs
``set -g allow-passthrough on``, and the colour needs tmux to pass true
colour on.

The sequences are those of textual-image's TGP renderable (MIT), which is
the encoder the issue asked for; a test compares them byte for byte. Its
renderable is not used itself: it writes straight to ``sys.__stdout__``,
past Textual's writer thread, and asks the terminal for its cell size on
import. The row/column diacritics are the table of kitty's protocol
specification (``rowcolumn-diacritics.txt``).
"""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image as PILImage

__all__ = [
    "MAX_CELLS",
    "PLACEHOLDER",
    "delete",
    "encode_png",
    "id_colour",
    "place",
    "placeholder_rows",
    "transmit",
    "wrap",
]

PLACEHOLDER = "\U0010eeee"
CHUNK = 4096
"""Base64 characters per transmission escape (the protocol's limit)."""

_DIACRITIC_RANGES = """
305 30D-30E 310 312 33D-33F 346 34A-34C 350-352 357 35B 363-36F 483-487 592-595 597-599
59C-5A1 5A8-5A9 5AB-5AC 5AF 5C4 610-617 657-65B 65D-65E 6D6-6DC 6DF-6E2 6E4 6E7-6E8
6EB-6EC 730 732-733 735-736 73A 73D 73F-741 743 745 747 749-74A 7EB-7F1 7F3 816-819
81B-823 825-827 829-82D 951 953-954 F82-F83 F86-F87 135D-135F 17DD 193A 1A17 1A75-1A7C
1B6B 1B6D-1B73 1CD0-1CD2 1CDA-1CDB 1CE0 1DC0-1DC1 1DC3-1DC9 1DCB-1DCC 1DD1-1DE6 1DFE
20D0-20D1 20D4-20D7 20DB-20DC 20E1 20E7 20E9 20F0 2CEF-2CF1 2DE0-2DFF A66F A67C-A67D
A6F0-A6F1 A8E0-A8F1 AAB0 AAB2-AAB3 AAB7-AAB8 AABE-AABF AAC1 FE20-FE26 10A0F 10A38
1D185-1D189 1D1AA-1D1AD 1D242-1D244
"""
"""The diacritics that number rows and columns, in order (kitty's ``rowcolumn-diacritics.txt``)."""


def _diacritics() -> tuple[str, ...]:
    marks: list[str] = []
    for part in _DIACRITIC_RANGES.split():
        first, _, last = part.partition("-")
        marks.extend(chr(code) for code in range(int(first, 16), int(last or first, 16) + 1))
    return tuple(marks)


DIACRITICS = _diacritics()
MAX_CELLS = len(DIACRITICS)
"""The most rows or columns a placement can number (297)."""


def _escape(keys: str, payload: str = "") -> str:
    return f"\x1b_G{keys}{';' + payload if payload else ''}\x1b\\"


def encode_png(image: PILImage.Image) -> str:
    """The image as base64 PNG, as textual-image sends it (zlib level 2: fast, small enough)."""
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=2)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def transmit(png_base64: str, image_id: int) -> str:
    """Escapes that store the PNG under `image_id` in the terminal (shown nowhere yet)."""
    out: list[str] = []
    data = png_base64
    while data:
        chunk, data = data[:CHUNK], data[CHUNK:]
        out.append(_escape(f"i={image_id},m={1 if data else 0},f=100,q=2", chunk))
    return "".join(out)


def place(image_id: int, columns: int, rows: int) -> str:
    """A virtual placement of `columns` x `rows` cells, drawn wherever its placeholders are."""
    return _escape(f"a=p,i={image_id},c={columns},r={rows},U=1,q=2")


def delete(image_id: int) -> str:
    """Free the image and its placements in the terminal."""
    return _escape(f"a=d,d=I,i={image_id},q=2")


def id_colour(image_id: int) -> tuple[int, int, int]:
    """The foreground colour (r, g, b) that names the image (its low 24 bits)."""
    return (image_id >> 16) & 255, (image_id >> 8) & 255, image_id & 255


def placeholder_rows(image_id: int, columns: int, rows: int) -> list[str]:
    """The text of each row of the image: placeholders numbered by row and column (and the
    id's high byte), to be drawn in `id_colour(image_id)`."""
    if columns > MAX_CELLS or rows > MAX_CELLS:
        raise ValueError(f"an image of {columns}x{rows} cells is too large for placeholders")
    high = DIACRITICS[(image_id >> 24) & 255]
    columns_text = [DIACRITICS[column] + high for column in range(columns)]
    return [
        "".join(PLACEHOLDER + DIACRITICS[row] + column for column in columns_text)
        for row in range(rows)
    ]


def wrap(sequence: str, *, tmux: bool) -> str:
    """`sequence` as written to the terminal: inside tmux, through its passthrough."""
    if not tmux:
        return sequence
    from tuinb.render.termgraphics import tmux_wrap

    return "".join(tmux_wrap(part + "\x1b\\") for part in sequence.split("\x1b\\") if part)
