"""Image outputs: decode every type, fit to the cell, the half-block plan, the cache."""

from __future__ import annotations

import base64
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from tuinb.render.images import (
    MAX_PIXELS,
    CellPixels,
    HalfBlockPlan,
    ImageCache,
    ImageError,
    decode_image,
    fit_image,
    half_block_plan,
)


def _b64(image: Image.Image, fmt: str, **options: object) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _halves(width: int = 40, height: int = 20) -> Image.Image:
    """Left half red, right half blue."""
    image = Image.new("RGB", (width, height), (255, 0, 0))
    image.paste((0, 0, 255), (width // 2, 0, width, height))
    return image


def test_png_jpeg_webp_decode() -> None:
    source = _halves()
    for fmt, mime in (("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")):
        image = decode_image(mime, _b64(source, fmt))
        assert image.size == (40, 20)
        red = image.getpixel((2, 10))
        assert isinstance(red, tuple)
        assert red[0] > 200
        assert red[2] < 60


def test_gif_shows_its_first_frame() -> None:
    frames = [Image.new("RGB", (8, 8), colour) for colour in ((255, 0, 0), (0, 255, 0))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    image = decode_image("image/gif", base64.b64encode(buffer.getvalue()).decode())
    assert image.getpixel((4, 4))[:3] == (255, 0, 0)  # type: ignore[index]


def test_svg_is_rasterised_at_the_width_asked() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200pt" height="100pt">'
        '<rect width="100%" height="100%" fill="#00ff00"/></svg>'
    )
    image = decode_image("image/svg+xml", svg, svg_width=300)
    assert image.size == (300, 150)
    assert image.getpixel((150, 75))[:3] == (0, 255, 0)  # type: ignore[index]


def test_svg_claiming_a_huge_size_is_drawn_small() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"></svg>'
    assert decode_image("image/svg+xml", svg, svg_width=200).size == (200, 200)


@pytest.mark.parametrize(
    ("mime", "data"),
    [
        ("image/png", "bm90IGFuIGltYWdl"),  # "not an image"
        ("image/png", "!!!"),
        ("image/svg+xml", "<svg"),
        ("image/svg+xml", "not svg at all"),
    ],
)
def test_broken_images_raise_one_clear_error(mime: str, data: str) -> None:
    with pytest.raises(ImageError) as caught:
        decode_image(mime, data)
    assert "\n" not in str(caught.value)


def test_decompression_bomb_is_refused_before_decoding() -> None:
    side = int(MAX_PIXELS**0.5) + 100
    bomb = Image.new("1", (side, side))  # a 1-bit image compresses to almost nothing
    with pytest.raises(ImageError, match="too large"):
        decode_image("image/png", _b64(bomb, "PNG"))


def test_fit_keeps_small_images_at_their_size() -> None:
    fit = fit_image(100, 40, max_columns=80, max_rows=30, cell=CellPixels(10, 20))
    assert fit == fit_image(100, 40, max_columns=80, max_rows=30, cell=CellPixels(10, 20))
    assert (fit.columns, fit.rows, fit.pixel_width, fit.pixel_height) == (10, 2, 100, 40)


def test_fit_scales_to_the_width_keeping_the_aspect_ratio() -> None:
    fit = fit_image(1600, 800, max_columns=80, max_rows=100, cell=CellPixels(10, 20))
    assert (fit.pixel_width, fit.pixel_height) == (800, 400)
    assert (fit.columns, fit.rows) == (80, 20)


def test_fit_respects_the_maximum_height() -> None:
    fit = fit_image(400, 4000, max_columns=80, max_rows=10, cell=CellPixels(10, 20))
    assert fit.rows == 10
    assert fit.pixel_height == 200
    assert fit.pixel_width == 20
    assert fit.columns == 2


def test_half_block_plan_pairs_pixel_rows_into_runs() -> None:
    image = Image.new("RGB", (4, 4), (255, 0, 0))
    image.paste((0, 0, 255), (0, 1, 4, 2))  # row 1 blue: the lower half of text row 0
    image.paste((0, 255, 0), (2, 2, 4, 4))  # right half of text row 1 green
    plan = half_block_plan(image, 4, 2)
    assert isinstance(plan, HalfBlockPlan)
    assert (plan.columns, plan.rows) == (4, 2)
    (run,) = plan.lines[0]
    assert (run.fg, run.bg, run.length) == ((255, 0, 0), (0, 0, 255), 4)
    left, right = plan.lines[1]
    assert (left.fg, left.bg, left.length) == ((255, 0, 0), (255, 0, 0), 2)
    assert (right.fg, right.bg, right.length) == ((0, 255, 0), (0, 255, 0), 2)
    assert all(sum(r.length for r in line) == plan.columns for line in plan.lines)


def test_transparency_is_drawn_over_the_background() -> None:
    image = Image.new("RGBA", (2, 2), (0, 0, 0, 0))
    plan = half_block_plan(image, 2, 1, background=(250, 250, 250))
    assert plan.lines[0][0].fg == (250, 250, 250)


def test_cache_decodes_once_and_plans_per_size() -> None:
    data = _b64(_halves(400, 200), "PNG")
    cache = ImageCache()
    cell = CellPixels(10, 20)
    assert cache.cached_half_blocks("image/png", data, max_columns=20, max_rows=10) is None
    plan = cache.half_blocks("image/png", data, max_columns=20, max_rows=10, cell=cell)
    assert (plan.columns, plan.rows) == (20, 5)
    found = cache.cached_half_blocks("image/png", data, max_columns=20, max_rows=10, cell=cell)
    assert found is plan
    wide = cache.half_blocks("image/png", data, max_columns=40, max_rows=10, cell=cell)
    assert (wide.columns, wide.rows) == (40, 10)
    assert cache.image("image/png", data) is cache.image("image/png", "".join([data]))


def test_cache_remembers_a_broken_image() -> None:
    cache = ImageCache()
    for _ in range(2):
        with pytest.raises(ImageError):
            cache.half_blocks("image/png", "AAAA", max_columns=10, max_rows=5)


def test_cache_is_safe_to_fill_from_threads() -> None:
    images = [_b64(Image.new("RGB", (60, 30), (i * 20, 0, 0)), "PNG") for i in range(8)]
    cache = ImageCache(max_images=4, max_plans=6)
    start = threading.Barrier(4)

    def work(index: int) -> HalfBlockPlan:
        start.wait(timeout=10)
        return cache.half_blocks("image/png", images[index % 8], max_columns=6, max_rows=3)

    with ThreadPoolExecutor(4) as pool:
        plans = list(pool.map(work, range(32)))
    assert all((plan.columns, plan.rows) == (6, 2) for plan in plans)
    assert plans[0].lines[0][0].fg[0] == 0
    assert plans[1].lines[0][0].fg[0] == 20
