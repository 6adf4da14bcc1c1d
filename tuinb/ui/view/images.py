"""Image outputs as rows of the notebook view: placeholders first, pixels once decoded.

`ImageDrawer.rows(owner, mime, data, width, background)` answers at once:
the image's rows if they are ready, an error sentence if it cannot be drawn,
or None, in which case the caller draws the placeholder (the summary line
and blank rows, as many as the image will take: `tuinb.render.imagefit`)
and the work is queued on a small thread pool. When it is done the drawer
calls `ready(owners)` on the event loop with the cells that asked, and the
view repaints them. Nothing decodes or scales on the UI thread: Pillow
releases the interpreter while it decodes and resizes, and the rows (plain
`Strip`s) are built in the worker too.

The rows depend on the protocol the terminal speaks (`Capabilities`, decided
once at start by `tuinb.render.termgraphics` or forced by the config):

- ``halfblock``: ``▀`` cells, the upper pixel in the foreground colour and
  the lower one in the background (`tuinb.render.images.half_block_plan`);
- ``kitty``: placeholder cells (`tuinb.render.kitty`); the image itself is
  written to the terminal once, through Textual's writer (in order with the
  frames), before the frame that shows its placeholders;
- ``sixel``: blank cells, each row ending in a zero-width segment holding its
  slice of the image (`tuinb.render.sixel`).

Nothing of kitty or sixel is produced unless the protocol says so: with
``halfblock`` the drawer only ever makes coloured text.
Results are kept per image, size and background (a bounded LRU), so a
scroll or a `j` finds them; the decoded pixels are in `ImageCache`.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from rich.color import Color
from rich.segment import ControlType, Segment
from rich.style import Style
from textual.strip import Strip

from tuinb.render import kitty
from tuinb.render.imagefit import ImageLayout, fit_image, image_columns
from tuinb.render.images import (
    HalfBlockPlan,
    ImageCache,
    ImageError,
    ImageFit,
    data_key,
    half_block_plan,
)
from tuinb.render.termgraphics import GraphicsProtocol

if TYPE_CHECKING:
    from PIL import Image as PILImage

__all__ = ["ImageDrawer", "half_block_strips"]

RGB = tuple[int, int, int]
KEPT = 128
"""Drawn images kept (rows of an image at one size; a 100x24 half-block image is ~2,400
segments)."""
WORKERS = 2
"""Threads decoding and scaling (the machine this was measured on has 2 cores)."""
_ZERO_WIDTH = ((ControlType.CURSOR_FORWARD, 0),)
"""Marks a segment as a control sequence: no width, written as it is."""

Drawn = list[Strip] | str
"""An image's rows, or one sentence saying why it cannot be drawn."""


def half_block_strips(plan: HalfBlockPlan) -> list[Strip]:
    """The rows of a half-block plan (one style per pair of colours)."""
    styles: dict[tuple[RGB, RGB], Style] = {}
    rows: list[Strip] = []
    for line in plan.lines:
        segments = []
        for run in line:
            style = styles.get((run.fg, run.bg))
            if style is None:
                style = styles[(run.fg, run.bg)] = Style(
                    color=Color.from_rgb(*run.fg), bgcolor=Color.from_rgb(*run.bg)
                )
            segments.append(Segment(HalfBlockPlan.CHARACTER * run.length, style))
        rows.append(Strip(segments, plan.columns))
    return rows


class ImageDrawer:
    """Image rows for the view, made off the UI thread and kept (see the module)."""

    def __init__(
        self,
        protocol: GraphicsProtocol,
        layout: ImageLayout,
        *,
        ready: Callable[[set[str]], None],
        write: Callable[[str], bool] | None = None,
        tmux: bool = False,
        cache: ImageCache | None = None,
    ) -> None:
        self.protocol = protocol
        """How images are drawn: ``halfblock``, ``kitty`` or ``sixel``."""
        self.layout = layout
        self.cache = cache if cache is not None else ImageCache()
        """Decoded images (the full-screen viewer's drawer shares the view's)."""
        self.write = write
        """Where escape sequences for the terminal go (kitty images)."""
        self.tmux = tmux
        """Inside tmux: escape sequences go through its passthrough."""
        self.held = False
        """Hold the work until `release()` (the editor's first frame is painted first:
        Pillow's import and the decoding would share the interpreter with it)."""
        self._held: list[Callable[[], None]] = []
        self._ready = ready
        self._done: OrderedDict[Hashable, Drawn] = OrderedDict()
        self._waiting: dict[Hashable, set[str]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._ids = itertools.count(random.randrange(1 << 16, 1 << 23))
        self._sent: set[int] = set()
        self.drawn = 0
        """Images drawn so far (for tests)."""

    def rows(self, owner: str, mime: str, data: Any, width: int, background: RGB) -> Drawn | None:
        """The image's rows, why it cannot be drawn, or None (queued; `ready` follows)."""
        return self.linked_rows(
            owner, data_key(mime, data), lambda: (mime, data), width, background
        )

    def linked_rows(
        self,
        owner: str,
        source: Hashable,
        load: Callable[[], tuple[str, Any]],
        width: int,
        background: RGB,
    ) -> Drawn | None:
        """As `rows`, for an image whose bytes `load()` finds in the worker (a file beside
        the notebook: reading it is blocking too); `source` names it in the cache, and
        `load` raises `ImageError` when it cannot be had."""
        columns = image_columns(width)
        key = (source, self.protocol, columns, self.layout, background)
        found = self._done.get(key)
        if found is not None:
            self._done.move_to_end(key)
            return found
        waiting = self._waiting.get(key)
        if waiting is not None:
            waiting.add(owner)
            return None
        self._waiting[key] = {owner}
        loop = asyncio.get_running_loop()
        image_id = next(self._ids) & 0xFFFFFF if self.protocol == "kitty" else 0

        def submit() -> None:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="tuinb-images")
            future = self._pool.submit(self._make, load, columns, background, image_id)
            future.add_done_callback(
                lambda done: loop.call_soon_threadsafe(self._finished, key, image_id, done)
            )

        if self.held:
            self._held.append(submit)
        else:
            submit()
        return None

    def release(self) -> None:
        """Start the work held so far, and any from now on."""
        self.held = False
        held, self._held = self._held, []
        for submit in held:
            submit()

    # ---- in a worker thread ---------------------------------------------------------

    def _make(
        self,
        load: Callable[[], tuple[str, Any]],
        columns: int,
        background: RGB,
        image_id: int,
    ) -> tuple[Drawn, str]:
        """The rows (or the reason) and, for kitty, the escapes that send the image.

        The rows are made here but styled by the view: the images' colours are
        their own, and the cells' background is the view's."""
        layout = self.layout
        try:
            mime, data = load()
            if self.protocol == "kitty":
                return self._kitty(mime, data, columns, image_id)
            if self.protocol == "sixel":
                return self._sixel(mime, data, columns, background), ""
            image = self.cache.image(mime, data, svg_width=columns * max(layout.cell.width, 1))
            fit = fit_image(
                image.width,
                image.height,
                max_columns=columns,
                max_rows=layout.max_rows,
                cell=layout.cell,
                enlarge=layout.enlarge,
            )
            plan = half_block_plan(image, fit.columns, fit.rows, background=background)
            return half_block_strips(plan), ""
        except ImageError as exc:
            return str(exc), ""

    def _fitted(self, mime: str, data: Any, columns: int) -> tuple[PILImage.Image, ImageFit]:
        layout = self.layout
        return self.cache.fitted(
            mime,
            data,
            max_columns=columns,
            max_rows=layout.max_rows,
            cell=layout.cell,
            enlarge=layout.enlarge,
        )

    def _kitty(self, mime: str, data: Any, columns: int, image_id: int) -> tuple[Drawn, str]:
        image, fit = self._fitted(mime, data, min(columns, kitty.MAX_CELLS))
        sequence = kitty.transmit(kitty.encode_png(image), image_id)
        sequence += kitty.place(image_id, fit.columns, fit.rows)
        style = Style(color=Color.from_rgb(*kitty.id_colour(image_id)))
        rows = [
            Strip([Segment(text, style)], fit.columns)
            for text in kitty.placeholder_rows(image_id, fit.columns, fit.rows)
        ]
        return rows, kitty.wrap(sequence, tmux=self.tmux)

    def _sixel(self, mime: str, data: Any, columns: int, background: RGB) -> Drawn:
        from tuinb.render.sixel import row_sequences

        image, fit = self._fitted(mime, data, columns)
        blank = Segment(" " * fit.columns)
        cell_height = self.layout.cell.height
        return [
            Strip([blank, Segment(sequence, None, _ZERO_WIDTH)], fit.columns)
            for sequence in row_sequences(image, fit.columns, cell_height, background)
        ]

    # ---- back on the event loop -----------------------------------------------------

    def _finished(self, key: Hashable, image_id: int, done: Future[tuple[Drawn, str]]) -> None:
        owners = self._waiting.pop(key, set())
        if done.cancelled():
            return
        try:
            drawn, sequence = done.result()
        except Exception as exc:  # a broken image must not take the editor down
            drawn, sequence = f"The image could not be drawn ({type(exc).__name__}).", ""
        if sequence:
            if self.write is None or not self.write(sequence):
                drawn = "There is no terminal to send the image to."
            else:
                self._sent.add(image_id)
        self._done[key] = drawn
        self.drawn += isinstance(drawn, list)
        while len(self._done) > KEPT:
            self._done.popitem(last=False)
        self._ready(owners)

    def close(self) -> None:
        """Stop the workers (queued work is dropped) and free kitty's copies of the images."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        if self._sent and self.write is not None:
            sequence = "".join(kitty.delete(image_id) for image_id in sorted(self._sent))
            self.write(kitty.wrap(sequence, tmux=self.tmux))
        self._sent.clear()
