"""Theme colours for the first frame (`tuinb.ui.firstframe.frame`), without Textual.

The frame's colours are Textual's for the same theme: ``$text-muted`` on
``$background`` for the gutter, ``$accent`` for the cursor bar, ``$text`` on
``$panel`` for the status bar, and the scrollbar's track and thumb (these
two approximated: Textual darkens in Lab space).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from tuinb.ui.themes import DEFAULT_DARK, ThemeFileError, read_theme_table, theme_files

__all__ = ["Palette", "load_palette"]

RGB = tuple[int, int, int]
_FALLBACK = {
    "background": "#16181D",
    "accent": "#F5A524",
    "panel": "#262A33",
    "primary": "#4EA1F3",
}


def _rgb(value: Any, fallback: str) -> RGB:
    text = value if isinstance(value, str) else fallback
    text = text.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(char * 2 for char in text)
    try:
        if len(text) == 6:
            return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
    except ValueError:
        pass
    return _rgb(fallback, fallback) if value is not None else _rgb(fallback, "#000000")


def _blend(colour: RGB, under: RGB, alpha: float) -> RGB:
    r, g, b = (int(u + (c - u) * alpha) for c, u in zip(colour, under, strict=True))
    return r, g, b


def _contrast(background: RGB, alpha: float) -> RGB:
    """Textual's ``auto N%`` text colour over `background`."""
    r, g, b = background
    bright = (299 * r + 587 * g + 114 * b) / 255_000
    return _blend((0, 0, 0) if bright >= 0.5 else (255, 255, 255), background, alpha)


def _cube(rgb: RGB) -> int:
    """Nearest colour of the xterm 256-colour palette (cube or grey ramp)."""
    levels = (0, 95, 135, 175, 215, 255)
    index = [min(range(6), key=lambda i: abs(levels[i] - c)) for c in rgb]
    cube = tuple(levels[i] for i in index)
    grey_index = max(0, min(23, round((sum(rgb) / 3 - 8) / 10)))
    grey = 8 + grey_index * 10

    def distance(other: tuple[int, ...]) -> int:
        return sum((a - b) ** 2 for a, b in zip(rgb, other, strict=True))

    if distance((grey, grey, grey)) < distance(cube):
        return 232 + grey_index
    return 16 + 36 * index[0] + 6 * index[1] + index[2]


def _sgr(rgb: RGB, *, background: bool, truecolor: bool) -> str:
    if truecolor:
        return f"{48 if background else 38};2;{rgb[0]};{rgb[1]};{rgb[2]}"
    return f"{48 if background else 38};5;{_cube(rgb)}"


@dataclass(frozen=True)
class Palette:
    """SGR parameters of the parts of the frame that carry theme colours."""

    gutter: str
    """The gutter label (``$text-muted`` on ``$background``)."""
    cursor: str
    """The cursor bar (``$accent`` on ``$background``)."""
    edge: str
    """The scrollbar column (``$background``)."""
    status: str
    """The status bar (``$text`` on ``$panel``)."""
    track: str
    """The scrollbar's track (``$scrollbar-background``, approximated)."""
    thumb: str
    """The scrollbar's thumb (``$scrollbar``, approximated)."""


def load_palette(theme: str = DEFAULT_DARK, *, truecolor: bool | None = None) -> Palette:
    """The palette of a theme file by name (the bundled dark colours if none is found)."""
    if truecolor is None:
        truecolor = os.environ.get("COLORTERM", "").lower() in ("truecolor", "24bit")
    table: dict[str, Any] = {}
    for path in theme_files():
        try:
            data = read_theme_table(path)
        except ThemeFileError:
            continue
        if data.get("name", path.stem) == theme:
            table = data  # a user's file of the same name wins, as in `load_themes`
    background = _rgb(table.get("background"), _FALLBACK["background"])
    accent = _rgb(table.get("accent"), _FALLBACK["accent"])
    panel = _rgb(table.get("panel"), _FALLBACK["panel"])
    primary = _rgb(table.get("primary"), _FALLBACK["primary"])
    r, g, b = background
    darker = (max(0, r - 22), max(0, g - 22), max(0, b - 18))  # ~ Textual's darken-1

    def pair(fg: RGB, bg: RGB) -> str:
        return f"{_sgr(fg, background=False, truecolor=truecolor)};" + _sgr(
            bg, background=True, truecolor=truecolor
        )

    return Palette(
        gutter=pair(_contrast(background, 0.6), background),
        cursor=pair(accent, background),
        edge=_sgr(background, background=True, truecolor=truecolor),
        status=pair(_contrast(panel, 0.87), panel),
        track=_sgr(darker, background=True, truecolor=truecolor),
        thumb=_sgr(_blend(primary, darker, 0.4), background=True, truecolor=truecolor),
    )
