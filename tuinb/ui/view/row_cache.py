"""A cache of finished screen rows for the notebook view, keyed by what they show.

Textual caches a widget's styled rows by their position on screen, so a
scroll re-renders every row. The view keys its rows by content instead (the
cell, its rendered block, the row in it, the gutter's state): a `j` that
scrolls by a few rows re-renders only the rows that came into sight and the
rows whose cursor bar changed.
"""

from __future__ import annotations

from collections.abc import Hashable
from itertools import islice

from rich.segment import Segment
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from tuinb.ui.textual_compat import finish_rows

ROWS_KEPT = 600
"""Rows kept (about fifteen screens of 40 rows); the oldest go first."""


class RowCache:
    """Finished rows (styled, filtered, cropped) by row key, for one style signature.

    The signature holds everything outside the row key that a finished row
    depends on (widget size, crop, colours, filters); when it changes the
    cache starts over.
    """

    def __init__(self, limit: int = ROWS_KEPT) -> None:
        self.limit = limit
        """Most rows kept."""
        self._rows: dict[Hashable, Strip] = {}
        self._signature: Hashable = None
        self.hits = 0
        """Rows served from the cache (for tests and diagnostics)."""
        self.misses = 0
        """Rows that had to be rendered."""

    def use(self, signature: Hashable) -> None:
        """Start a frame: drop every row if the signature changed."""
        if signature != self._signature:
            self._rows.clear()
            self._signature = signature

    def clear(self) -> None:
        """Drop every row (styles changed)."""
        self._rows.clear()
        self._signature = None

    def get(self, key: Hashable) -> Strip | None:
        """The finished row for a key, or None."""
        strip = self._rows.get(key)
        if strip is None:
            self.misses += 1
        else:
            self.hits += 1
        return strip

    def put(self, key: Hashable, strip: Strip) -> None:
        """Keep a finished row (evicting the oldest rows past the limit)."""
        rows = self._rows
        rows[key] = strip
        if len(rows) > self.limit:
            # drop the oldest quarter at once, not one row per frame
            for old in list(islice(rows, len(rows) - self.limit * 3 // 4)):
                del rows[old]

    def __contains__(self, key: Hashable) -> bool:
        return key in self._rows

    def __len__(self) -> int:
        return len(self._rows)


class RowScrollBar(ScrollBar):
    """Textual's scrollbar, finishing each of its few distinct rows once.

    A scrollbar's rows are the track, the thumb and two end glyphs, yet
    Textual styles all 39 of them again each time the thumb moves (~1.6 ms of
    a `j` that scrolls). The rows are rendered by Textual as before; only the
    styling of a row already seen is reused.
    """

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        self._finished: dict[tuple[Segment, ...], Strip] = {}
        self._signature: Hashable = None

    def render_lines(self, crop: Region) -> list[Strip]:
        """The rows in ``crop``, styled (each distinct row styled once)."""
        width = self.size.width
        filters = tuple(id(item) for item in self.get_line_filters())
        signature = (
            self.size,
            self.background_colors,
            self.app.theme,
            id(self.app.ansi_theme),
            filters,
        )
        if signature != self._signature:
            self._finished.clear()
            self._signature = signature
        finished = self._finished
        strips: list[Strip] = []
        for y in crop.line_range:
            line = self.render_line(y)
            key = tuple(line)
            strip = finished.get(key)
            if strip is None:
                strip = finished[key] = finish_rows(self, [line], width)[0]
            strips.append(strip)
        if crop.column_span != (0, width):
            strips = [strip.crop(crop.x, crop.right) for strip in strips]
        return strips
