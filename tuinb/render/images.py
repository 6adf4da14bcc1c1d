"""Image outputs as pixels for the terminal: decode, fit to the cell, half-block plan, cache.

Rich-free and Textual-free: what comes out is plain data (`HalfBlockPlan`:
runs of ``▀`` with a foreground colour for the upper pixel and a background
colour for the lower one), which the view turns into segments, and the
scaled `PIL.Image` for the kitty and sixel encoders.

- Decoding: PNG, JPEG, GIF (first frame), WebP with Pillow; SVG rasterised
  by resvg-py (a Rust wheel, no system library; 5-30 ms for a matplotlib
  SVG), straight at the size it is drawn at. Images over `MAX_PIXELS` are
  refused (decompression bombs); an SVG is never drawn bigger than needed.
- Fitting (`tuinb.render.imagefit.fit_image`, re-exported here): the
  image's pixels shown 1:1 where they fit (as JupyterLab shows a plot at its
  own size), otherwise scaled down to `max_columns` and `max_rows` with the
  aspect ratio kept, using the terminal's cell size in pixels
  (`tuinb.render.termgraphics` measures it).
- `ImageCache`: decoded images (by output data) and plans (by data and size)
  in two bounded LRU maps behind a lock, so the work runs in a thread
  (``await asyncio.to_thread(cache.half_blocks, …)``: Pillow releases the GIL
  while it decodes and resizes) and the UI only looks plans up
  (`cached_half_blocks`, never blocking). The data string's own hash is the
  key: Python keeps a str's hash, so a lookup does not re-read a 1 MB plot.

Pillow and resvg-py are imported on first use (Pillow costs ~130 ms).
"""

from __future__ import annotations

import base64
import binascii
import io
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuinb.render.imagefit import DEFAULT_CELL, CellPixels, ImageFit, fit_image
from tuinb.render.media import IMAGE_MIME_TYPES

if TYPE_CHECKING:
    from PIL import Image as PILImage

__all__ = [
    "IMAGE_MIME_TYPES",
    "MAX_PIXELS",
    "CellPixels",
    "HalfBlockPlan",
    "HalfBlockRun",
    "ImageCache",
    "ImageError",
    "ImageFit",
    "data_key",
    "decode_image",
    "fit_image",
    "half_block_plan",
]

MAX_PIXELS = 50_000_000
"""Larger images are refused before they are decoded (Pillow's bomb limit is ~89 MP)."""

SVG_MAX_SIDE = 4096
"""An SVG is rasterised at most this many pixels wide, whatever it claims."""

RGB = tuple[int, int, int]


class ImageError(Exception):
    """An image that cannot be drawn; str(err) is one sentence for the user."""


# ---- decoding -----------------------------------------------------------------------------


def _bytes_of(data: Any) -> bytes:
    """A notebook's base64 image field (str or list of lines) as bytes."""
    if isinstance(data, bytes):
        return data
    text = "".join(data) if isinstance(data, list) else str(data)
    try:
        return base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ImageError("The image data is not valid base64.") from exc


def _svg_text(data: Any) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return "".join(data) if isinstance(data, list) else str(data)


def _rasterise_svg(svg: str, max_width: int) -> PILImage.Image:
    import resvg_py
    from PIL import Image

    width = max(1, min(max_width, SVG_MAX_SIDE))
    try:  # dpi: without it resvg refuses sizes in pt (matplotlib's unit)
        png = bytes(resvg_py.svg_to_bytes(svg_string=svg, dpi=96.0, width=width))
    except BaseException as exc:  # resvg raises ValueError, or a Rust panic for broken input
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise ImageError(f"The SVG could not be drawn ({exc}).") from exc
    return Image.open(io.BytesIO(png))


def decode_image(mime: str, data: Any, *, svg_width: int = 1024) -> PILImage.Image:
    """The first frame of an image output as an RGBA `PIL.Image` (loaded; safe to share).

    `data` is the output's field: base64 text for raster types, SVG text for
    ``image/svg+xml`` (rasterised `svg_width` pixels wide). Raises `ImageError`.
    """
    from PIL import Image, UnidentifiedImageError

    if mime == "image/svg+xml":
        image = _rasterise_svg(_svg_text(data), svg_width)
    else:
        raw = _bytes_of(data)
        try:
            image = Image.open(io.BytesIO(raw))
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise ImageError(f"The {mime} output is not an image Pillow can read.") from exc
    if image.width * image.height > MAX_PIXELS:
        raise ImageError(
            f"The image is {image.width}x{image.height} pixels, too large to draw "
            f"(the limit is {MAX_PIXELS // 1_000_000} megapixels)."
        )
    try:
        image.seek(0)  # GIF, WebP, APNG: the first frame, as a static notebook shows it
        image.load()
        return image.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageError(f"The {mime} output could not be decoded ({exc}).") from exc


# ---- the half-block plan ------------------------------------------------------------------


@dataclass(frozen=True)
class HalfBlockRun:
    """`length` cells of ``▀``: upper pixel `fg`, lower pixel `bg` (both ``(r, g, b)``)."""

    fg: RGB
    bg: RGB
    length: int


@dataclass(frozen=True)
class HalfBlockPlan:
    """An image as `rows` lines of half-block runs, each line `columns` cells wide."""

    columns: int
    rows: int
    lines: tuple[tuple[HalfBlockRun, ...], ...]

    CHARACTER = "▀"
    """Drawn in every cell: foreground = upper pixel, background = lower pixel."""


def _flatten(image: PILImage.Image, background: RGB) -> PILImage.Image:
    from PIL import Image

    if image.mode != "RGBA":
        return image.convert("RGB")
    base = Image.new("RGBA", image.size, (*background, 255))
    base.alpha_composite(image)
    return base.convert("RGB")


def half_block_plan(
    image: PILImage.Image, columns: int, rows: int, *, background: RGB = (0, 0, 0)
) -> HalfBlockPlan:
    """`image` scaled to `columns` x `2 * rows` pixels, pairs of rows as half blocks.

    Transparent pixels are drawn over `background` (the theme's, so a
    transparent plot does not come out black on a light theme).
    """
    from PIL import Image

    columns, rows = max(columns, 1), max(rows, 1)
    small = _flatten(image, background).resize(
        (columns, rows * 2), Image.Resampling.LANCZOS, reducing_gap=3.0
    )
    pixels = small.tobytes()
    stride = columns * 3
    lines: list[tuple[HalfBlockRun, ...]] = []
    for row in range(rows):
        top = pixels[2 * row * stride : (2 * row + 1) * stride]
        bottom = pixels[(2 * row + 1) * stride : (2 * row + 2) * stride]
        runs: list[HalfBlockRun] = []
        current: tuple[RGB, RGB] | None = None
        length = 0
        for x in range(0, stride, 3):
            pair = (
                (top[x], top[x + 1], top[x + 2]),
                (bottom[x], bottom[x + 1], bottom[x + 2]),
            )
            if pair == current:
                length += 1
                continue
            if current is not None:
                runs.append(HalfBlockRun(current[0], current[1], length))
            current, length = pair, 1
        if current is not None:
            runs.append(HalfBlockRun(current[0], current[1], length))
        lines.append(tuple(runs))
    return HalfBlockPlan(columns, rows, tuple(lines))


# ---- the cache ----------------------------------------------------------------------------

DataKey = tuple[str, int, int]


def data_key(mime: str, data: Any) -> DataKey:
    """What identifies an image's data in the caches: its type, hash and length (a str or
    bytes keeps its hash, so a lookup does not read a 1 MB plot again)."""
    text = "".join(data) if isinstance(data, list) else data
    return (mime, hash(text), len(text))


class ImageCache:
    """Decoded images and half-block plans, bounded, safe to fill from worker threads."""

    def __init__(self, *, max_images: int = 64, max_plans: int = 256) -> None:
        self.max_images = max_images
        """Decoded images kept (each at most `MAX_PIXELS`; typical plots are ~0.2 MP)."""
        self.max_plans = max_plans
        """Plans kept (a plan of 100x30 cells is a few thousand small objects)."""
        self._images: OrderedDict[tuple[DataKey, int], PILImage.Image] = OrderedDict()
        self._plans: OrderedDict[tuple[Any, ...], HalfBlockPlan] = OrderedDict()
        self._errors: dict[tuple[DataKey, int], str] = {}
        self._lock = threading.Lock()

    def image(self, mime: str, data: Any, *, svg_width: int = 1024) -> PILImage.Image:
        """The decoded image of an output (decoded once). Blocking: call it off the UI thread."""
        key = (data_key(mime, data), svg_width if mime == "image/svg+xml" else 0)
        with self._lock:
            if key in self._errors:
                raise ImageError(self._errors[key])
            found = self._images.get(key)
            if found is not None:
                self._images.move_to_end(key)
                return found
        try:
            image = decode_image(mime, data, svg_width=svg_width)
        except ImageError as exc:
            with self._lock:
                self._errors[key] = str(exc)
            raise
        with self._lock:
            self._images[key] = image
            while len(self._images) > self.max_images:
                self._images.popitem(last=False)
        return image

    def fitted(
        self,
        mime: str,
        data: Any,
        *,
        max_columns: int,
        max_rows: int,
        cell: CellPixels,
        enlarge: bool = False,
    ) -> tuple[PILImage.Image, ImageFit]:
        """The image scaled to where it goes (RGBA), for the kitty and sixel encoders.

        Blocking: call it off the UI thread. Raises `ImageError`.
        """
        from PIL import Image

        image = self.image(mime, data, svg_width=max_columns * max(cell.width, 1))
        fit = fit_image(
            image.width,
            image.height,
            max_columns=max_columns,
            max_rows=max_rows,
            cell=cell,
            enlarge=enlarge,
        )
        size = (fit.pixel_width, fit.pixel_height)
        if image.size != size:
            image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        return image, fit

    def size(self, mime: str, data: Any) -> tuple[int, int]:
        """Pixel size of an output's image (decodes it; blocking)."""
        image = self.image(mime, data)
        return image.width, image.height

    @staticmethod
    def _plan_key(
        mime: str, data: Any, max_columns: int, max_rows: int, cell: CellPixels, background: RGB
    ) -> tuple[Any, ...]:
        return (data_key(mime, data), max_columns, max_rows, cell, background)

    def cached_half_blocks(
        self,
        mime: str,
        data: Any,
        *,
        max_columns: int,
        max_rows: int,
        cell: CellPixels = DEFAULT_CELL,
        background: RGB = (0, 0, 0),
    ) -> HalfBlockPlan | None:
        """The plan `half_blocks` made for these arguments, else None (never blocks)."""
        key = self._plan_key(mime, data, max_columns, max_rows, cell, background)
        with self._lock:
            plan = self._plans.get(key)
            if plan is not None:
                self._plans.move_to_end(key)
            return plan

    def half_blocks(
        self,
        mime: str,
        data: Any,
        *,
        max_columns: int,
        max_rows: int,
        cell: CellPixels = DEFAULT_CELL,
        background: RGB = (0, 0, 0),
    ) -> HalfBlockPlan:
        """Decode, fit and plan an output's image (cached). Blocking: run it in a thread.

        Raises `ImageError` (again for later calls with the same data, without retrying).
        """
        key = self._plan_key(mime, data, max_columns, max_rows, cell, background)
        found = self.cached_half_blocks(
            mime, data, max_columns=max_columns, max_rows=max_rows, cell=cell, background=background
        )
        if found is not None:
            return found
        image = self.image(mime, data, svg_width=max_columns * max(cell.width, 1))
        fit = fit_image(
            image.width, image.height, max_columns=max_columns, max_rows=max_rows, cell=cell
        )
        plan = half_block_plan(image, fit.columns, fit.rows, background=background)
        with self._lock:
            self._plans[key] = plan
            while len(self._plans) > self.max_plans:
                self._plans.popitem(last=False)
        return plan


def image_mime(data: Mapping[str, Any]) -> str | None:
    """The image type of a bundle that tuinb would draw, or None."""
    return next((mime for mime in IMAGE_MIME_TYPES if mime in data), None)
