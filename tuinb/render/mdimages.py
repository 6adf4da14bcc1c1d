"""Images in markdown cells: which ones, and where their bytes may come from.

``![alt](src)`` and ``<img src=…>`` are found in a cell's source; each
``src`` is resolved by these rules (decided for a terminal on a remote
machine, where a notebook is untrusted input):

- ``attachment:name``: the cell's attachments (what JupyterLab stores when
  an image is pasted into a markdown cell);
- ``data:image/…;base64,…``: the bytes inside the link;
- a relative path (``plot.png``, ``figs/a%20b.png``): a regular file in the
  notebook's folder or below it, after symlinks are resolved, at most
  `MAX_FILE_BYTES`. ``../`` out of the folder, absolute paths and ``~`` are
  refused: a notebook from elsewhere must not make tuinb read (and draw)
  files the user did not put beside it;
- anything with a scheme (``https:``, ``http:``, ``file:``, ``ftp:``) is
  refused: nothing is fetched from the network, and the link is shown as text.

A refusal is a `ImageRefused` with one sentence; the caller shows the alt
text and that sentence. Reading a file blocks: call `resolve_image` off the
UI thread.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tuinb.render.media import IMAGE_MIME_TYPES
from tuinb.sanitize import plain_text

__all__ = [
    "MAX_FILE_BYTES",
    "ImageRef",
    "ImageRefused",
    "ImageSource",
    "image_paragraphs",
    "markdown_image_refs",
    "resolve_image",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Image files larger than this next to a notebook are not read."""

_MARKDOWN_IMAGE = re.compile(
    r"!\[(?P<alt>(?:\\.|[^\]\\])*)\]\(\s*(?P<src><[^>\n]*>|[^\s)]+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SUFFIX_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True)
class ImageRef:
    """One image of a markdown source: its alt text and its link as written."""

    alt: str
    src: str


@dataclass(frozen=True)
class ImageSource:
    """An image's bytes (base64 text as in outputs, or raw bytes from a file) and type."""

    mime: str
    data: str | bytes


@dataclass(frozen=True)
class ImageRefused:
    """An image that is not drawn; `reason` is one sentence for the user."""

    reason: str


def markdown_image_refs(source: str) -> list[ImageRef]:
    """The images of a markdown source, in order (markdown syntax and ``<img>`` tags)."""
    found: list[tuple[int, ImageRef]] = []
    for match in _MARKDOWN_IMAGE.finditer(source):
        src = match.group("src").strip("<>")
        found.append((match.start(), ImageRef(plain_text(match.group("alt")), src)))
    for match in _HTML_IMAGE.finditer(source):
        attributes = {
            name.lower(): next(value for value in values if value is not None)
            for name, *values in _ATTRIBUTE.findall(match.group(0))
        }
        if "src" in attributes:
            alt = plain_text(attributes.get("alt", ""))
            found.append((match.start(), ImageRef(alt, attributes["src"])))
    return [ref for _, ref in sorted(found, key=lambda item: item[0])]


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def image_paragraphs(source: str) -> list[str | ImageRef]:
    """A markdown source cut where a line holds one image and nothing else (the usual
    ``![](plot.png)``): markdown text, then the image, then the rest. Such an image is drawn
    as a picture between the text around it; an image inside a sentence stays its alt text.
    Lines in code fences are never images."""
    parts: list[str | ImageRef] = []
    text: list[str] = []
    fence: str | None = None
    for line in source.splitlines(keepends=True):
        stripped = line.strip()
        opening = _FENCE.match(line)
        if fence is not None:
            if line.lstrip(" ").startswith(fence):
                fence = None
        elif opening:
            fence = opening.group(1)
        elif stripped:
            refs = markdown_image_refs(stripped)
            whole = _MARKDOWN_IMAGE.fullmatch(stripped) or _HTML_IMAGE.fullmatch(stripped)
            if len(refs) == 1 and whole:
                if "".join(text).strip():
                    parts.append("".join(text))
                text = []
                parts.append(refs[0])
                continue
        text.append(line)
    if "".join(text).strip():
        parts.append("".join(text))
    return parts


def _from_bundle(bundle: Any, name: str) -> ImageSource | ImageRefused:
    if not isinstance(bundle, Mapping):
        return ImageRefused(f"The attachment {name!r} is not in this cell.")
    mime = next((kind for kind in IMAGE_MIME_TYPES if kind in bundle), None)
    if mime is None:
        return ImageRefused(f"The attachment {name!r} holds no image tuinb can draw.")
    value = bundle[mime]
    return ImageSource(mime, "".join(value) if isinstance(value, list) else str(value))


def _from_data_url(src: str) -> ImageSource | ImageRefused:
    header, _, payload = src[len("data:") :].partition(",")
    mime = header.split(";")[0].strip().lower()
    if mime not in IMAGE_MIME_TYPES:
        return ImageRefused("The data: link holds no image tuinb can draw.")
    if ";base64" in header:
        return ImageSource(mime, payload)
    data = unquote(payload).encode("utf-8")
    if mime == "image/svg+xml":
        return ImageSource(mime, data)
    return ImageSource(mime, base64.b64encode(data).decode("ascii"))


def _from_file(src: str, folder: Path, max_bytes: int) -> ImageSource | ImageRefused:
    relative = unquote(src.split("#", 1)[0].split("?", 1)[0])
    shown = plain_text(relative)
    if not relative or relative.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", relative):
        return ImageRefused(f"{shown}: only images in the notebook's folder are shown.")
    root = folder.resolve()
    try:
        path = (root / relative).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return ImageRefused(f"{shown}: the path cannot be resolved.")
    if not path.is_relative_to(root):
        return ImageRefused(f"{shown}: only images in the notebook's folder are shown.")
    try:
        stat = path.stat()
    except OSError:
        return ImageRefused(f"{shown}: no such file next to the notebook.")
    if not path.is_file():
        return ImageRefused(f"{shown}: not a file.")
    if stat.st_size > max_bytes:
        return ImageRefused(f"{shown}: the file is larger than {max_bytes // (1024 * 1024)} MB.")
    mime = _SUFFIX_TYPES.get(path.suffix.lower(), "image/png")  # Pillow sniffs the real type
    try:
        return ImageSource(mime, path.read_bytes())
    except OSError as exc:
        return ImageRefused(f"{shown}: the file cannot be read ({exc.strerror}).")


def resolve_image(
    src: str,
    *,
    attachments: Mapping[str, Any] | None = None,
    notebook_dir: Path | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> ImageSource | ImageRefused:
    """Where an image link's bytes come from, by the rules above (may read a file: blocking)."""
    src = src.strip()
    if src.startswith("attachment:"):
        name = unquote(src[len("attachment:") :])
        return _from_bundle((attachments or {}).get(name), plain_text(name))
    if src[:5].lower() == "data:":
        try:
            return _from_data_url(src)
        except (binascii.Error, ValueError, UnicodeError):
            return ImageRefused("The data: link is not valid.")
    if src.startswith("//") or _SCHEME.match(src):
        scheme = src.split(":", 1)[0].lower() if ":" in src else "network"
        return ImageRefused(f"{scheme}: images are not fetched (only files beside the notebook).")
    if notebook_dir is None:
        return ImageRefused("The notebook has no folder yet, so relative images are not shown.")
    return _from_file(src, notebook_dir, max_bytes)
