"""Image output benchmarks: decode, scale to cells (half-block plan), cached lookup.

Run: `.venv/bin/python benchmarks/bench_images.py [--runs 20] [--columns 100 --rows 30]`

For each test image (matplotlib plots as the inline backend sends them, a
1920x1080 photo-like JPEG, a GIF, a matplotlib SVG), in a fresh `ImageCache`
each run: time to decode (base64 + Pillow or resvg), to make the half-block
plan for a `--columns` x `--rows` cell box (fit + resize + runs), and a
lookup of the cached plan (what the UI does on every repaint). Medians in ms.
Smoke-test with `--runs 1`; figures for the README come from a quiet machine.
"""

from __future__ import annotations

import argparse
import base64
import io
import itertools
import statistics
import time

from tuinb.render.images import CellPixels, ImageCache


def _matplotlib_png(width_in: float, height_in: float, dpi: int) -> str:
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=dpi)
    x = np.linspace(0, 10, 500)
    for k in range(4):
        ax.plot(x, np.sin(x + k), label=f"series {k}")
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _matplotlib_svg() -> str:
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([0, 1, 2, 3], [1, 3, 2, 4])
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    return buffer.getvalue()


def _noise(fmt: str, size: tuple[int, int]) -> str:
    import numpy as np
    from PIL import Image

    pixels = np.random.default_rng(1).integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _images() -> dict[str, tuple[str, str]]:
    return {
        "plot 640x480 png": ("image/png", _matplotlib_png(6.4, 4.8, 100)),
        "plot 1200x800 png": ("image/png", _matplotlib_png(6, 4, 200)),
        "photo 1920x1080 jpeg": ("image/jpeg", _noise("JPEG", (1920, 1080))),
        "noise 400x300 gif": ("image/gif", _noise("GIF", (400, 300))),
        "plot 6x4in svg": ("image/svg+xml", _matplotlib_svg()),
    }


def _run_once(mime: str, data: str, columns: int, rows: int, cell: CellPixels) -> list[float]:
    """[decode, plan, cached lookup] in ms, in a fresh cache."""
    cache = ImageCache()
    times = [time.perf_counter()]
    cache.image(mime, data, svg_width=columns * cell.width)
    times.append(time.perf_counter())
    cache.half_blocks(mime, data, max_columns=columns, max_rows=rows, cell=cell)
    times.append(time.perf_counter())
    found = cache.cached_half_blocks(mime, data, max_columns=columns, max_rows=rows, cell=cell)
    times.append(time.perf_counter())
    assert found is not None
    return [(b - a) * 1000 for a, b in itertools.pairwise(times)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--columns", type=int, default=100)
    parser.add_argument("--rows", type=int, default=30)
    args = parser.parse_args()
    cell = CellPixels(10, 20)
    print(f"{'image':24} {'decode':>9} {'plan':>9} {'cached':>9}  (median ms of {args.runs})")
    for name, (mime, data) in _images().items():
        runs = [_run_once(mime, data, args.columns, args.rows, cell) for _ in range(args.runs)]
        decode, plan, cached = ([run[i] for run in runs] for i in range(3))
        print(
            f"{name:24} {statistics.median(decode):9.2f} {statistics.median(plan):9.2f} "
            f"{statistics.median(cached):9.3f}"
        )


if __name__ == "__main__":
    main()
