"""Plain-text stand-ins for outputs a terminal cannot draw: image sizes, LaTeX.

No Rich here: these turn notebook data into short strings that `tuinb.ui.view.rich_outputs`
puts on screen (through the sanitiser, like every string from a notebook).
"""

from __future__ import annotations

import binascii
import re
import struct
from typing import Any

from tuinb.sanitize import plain_text


def as_str(value: Any) -> str:
    """A notebook text field as one string (nbformat allows a list of lines)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return "" if value is None else str(value)


# ---- LaTeX ---------------------------------------------------------------------------

_TIMES = "\N{MULTIPLICATION SIGN}"
_LATEX_SYMBOLS = {
    **{f"\\{name}": chr(0x3B1 + i) for i, name in enumerate(("alpha", "beta", "gamma", "delta"))},
    "\\epsilon": "ε", "\\theta": "θ", "\\lambda": "λ", "\\mu": "μ", "\\pi": "π",
    "\\sigma": "\N{GREEK SMALL LETTER SIGMA}", "\\tau": "τ", "\\phi": "φ",
    "\\omega": "ω", "\\Delta": "Δ",
    "\\Sigma": "Σ", "\\Omega": "Ω", "\\infty": "∞", "\\sum": "∑", "\\prod": "∏",
    "\\int": "∫", "\\partial": "∂", "\\cdot": "·", "\\times": _TIMES, "\\pm": "±",
    "\\leq": "≤", "\\geq": "≥", "\\neq": "≠", "\\approx": "≈", "\\to": "→",
    "\\rightarrow": "→", "\\left": "", "\\right": "",
}  # fmt: skip
"""A few LaTeX commands and the characters that stand for them."""
_LATEX_WORD = re.compile(r"\\[A-Za-z]+")
_LATEX_FRAC = re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}")
_LATEX_SQRT = re.compile(r"\\sqrt\{([^{}]*)\}")


def latex_to_unicode(latex: str) -> str:
    """A rough unicode reading of simple LaTeX (fractions, roots, Greek, operators)."""
    text = latex.strip().strip("$").strip()
    text = text.removeprefix(r"\displaystyle").strip()
    for _ in range(4):
        text = _LATEX_FRAC.sub(r"(\1)/(\2)", text)
        text = _LATEX_SQRT.sub(r"√(\1)", text)
    text = _LATEX_WORD.sub(lambda m: _LATEX_SYMBOLS.get(m.group(0), m.group(0)), text)
    return text.replace("{", "").replace("}", "")


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


def image_summary(mime: str, value: Any) -> str:
    """One line for an image: ``[image/png 640x480, 23 KB]`` (pixel size left out if unknown)."""
    raw = as_str(value)
    dims: tuple[int, int] | None
    if mime == "image/svg+xml":
        size = len(raw.encode("utf-8", "replace"))
        dims = _svg_size(raw)
    else:
        try:
            data = binascii.a2b_base64(raw)
        except (binascii.Error, ValueError):
            data = b""
        size = len(data)
        dims = _png_size(data) or _jpeg_size(data) or _gif_size(data)
    mime = plain_text(mime)
    if dims:
        return f"[{mime} {dims[0]}{_TIMES}{dims[1]}, {_human_bytes(size)}]"
    return f"[{mime}, {_human_bytes(size)}]"
