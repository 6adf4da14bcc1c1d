"""Notebook fields as text, and what an image is without decoding it: its type, pixel size, bytes.

No Rich here, and nothing heavy: the first frame uses these to draw an image
output as a placeholder of the right height (the pixel size comes from the
file's header, a few hundred bytes of base64 decoded, never the image) and
the summary line (``[image/png 640x480, 23 KB]``) that stands for it until
it is drawn, or instead of it where it cannot be.
"""

from __future__ import annotations

import binascii
import re
import struct
from typing import Any

from tuinb.sanitize import plain_text

__all__ = ["IMAGE_MIME_TYPES", "as_str", "image_pixel_size", "image_summary"]

IMAGE_MIME_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
"""The image types tuinb draws (in the order `tuinb.render.mimes.choose_mime` prefers them)."""

_TIMES = "\N{MULTIPLICATION SIGN}"
_HEADER_CHARS = 4096
"""Base64 characters decoded to find a raster image's size (3 KB: PNG, GIF, WebP and most
JPEGs say it within; a JPEG with a long EXIF block is decoded whole)."""


def as_str(value: Any) -> str:
    """A notebook text field as one string (nbformat allows a list of lines)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return "" if value is None else str(value)


# ---- images ---------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return None


def _gif_size(data: bytes) -> tuple[int, int] | None:
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    return None


_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    if data[:2] != b"\xff\xd8":
        return None
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _JPEG_SOF and pos + 9 <= len(data):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    return None


_SVG_ATTR = re.compile(r"""\b(width|height|viewBox)\s*=\s*["']([^"']*)["']""")


def _svg_size(svg: str) -> tuple[int, int] | None:
    head = svg[: svg.find(">", svg.find("<svg")) + 1] if "<svg" in svg else ""
    attrs = dict(_SVG_ATTR.findall(head))
    try:
        if "width" in attrs and "height" in attrs:
            width = float(re.sub(r"[a-z%]+$", "", attrs["width"].strip()))
            height = float(re.sub(r"[a-z%]+$", "", attrs["height"].strip()))
            return round(width), round(height)
        if "viewBox" in attrs:
            parts = [float(p) for p in re.split(r"[\s,]+", attrs["viewBox"].strip())]
            if len(parts) == 4:
                return round(parts[2]), round(parts[3])
    except ValueError:
        return None
    return None


def _human_bytes(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _webp_size(data: bytes) -> tuple[int, int] | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP" or len(data) < 30:
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    return None


def _raster_size(data: bytes) -> tuple[int, int] | None:
    return _png_size(data) or _jpeg_size(data) or _gif_size(data) or _webp_size(data)


def _b64_prefix(raw: str, chars: int) -> bytes:
    text = raw[:chars].replace("\n", "") if len(raw) > chars else raw.replace("\n", "")
    text = text[: len(text) - len(text) % 4]
    try:
        return binascii.a2b_base64(text)
    except (binascii.Error, ValueError):
        return b""


def image_pixel_size(mime: str, value: Any) -> tuple[int, int] | None:
    """An image output's size in pixels read from its header (None when unknown).

    Raster types decode only the first few KB of base64; SVG reads its
    ``width``/``height`` or ``viewBox``.
    """
    raw = as_str(value)
    if mime == "image/svg+xml":
        size = _svg_size(raw)
    else:
        size = _raster_size(_b64_prefix(raw, _HEADER_CHARS))
        if size is None and mime == "image/jpeg" and len(raw) > _HEADER_CHARS:
            size = _raster_size(_b64_prefix(raw, len(raw)))
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return size


def _byte_count(mime: str, raw: str) -> int:
    if mime == "image/svg+xml":
        return len(raw.encode("utf-8", "replace"))
    body = raw.replace("\n", "").strip()
    if body and len(body) % 4 == 0 and _B64.issuperset(body[:64]):
        return len(body) * 3 // 4 - body[-2:].count("=")
    try:
        return len(binascii.a2b_base64(raw))
    except (binascii.Error, ValueError):
        return 0


_B64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def image_summary(mime: str, value: Any) -> str:
    """One line for an image: ``[image/png 640x480, 23 KB]`` (pixel size left out if unknown)."""
    raw = as_str(value)
    dims = image_pixel_size(mime, raw)
    size = _byte_count(mime, raw)
    mime = plain_text(mime)
    if dims:
        return f"[{mime} {dims[0]}{_TIMES}{dims[1]}, {_human_bytes(size)}]"
    return f"[{mime}, {_human_bytes(size)}]"
