"""What a stored output shows as text, without Rich: the MIME choice and the fold.

Shared by `tuinb.ui.view.rich_outputs` (the Rich renderables of the notebook view) and
`tuinb.ui.firstframe.frame` (the first frame drawn before Textual is imported), so
that both pick the same MIME type and fold a long output at the same lines.
Importing this module costs no more than `re`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tuinb.render.media import as_str

__all__ = [
    "IMAGE_TYPES",
    "MAX_LINES",
    "MIME_PRIORITY",
    "Fold",
    "fold_lines",
    "output_height_estimate",
    "output_text",
    "pick_mime",
]

MAX_LINES = 20
"""Lines a folded output shows (half before the fold line, half after)."""

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
"""Image MIME types shown as a one-line summary."""

MIME_PRIORITY: tuple[str, ...] = (
    "text/markdown",
    "application/json",
    "text/html",
    "text/latex",
    *IMAGE_TYPES,
    "text/plain",
)
"""The MIME types rendered, most preferred first (as JupyterLab's)."""

STDERR_STYLE = "red"
"""Rich style of stderr text and of an error without a traceback."""


@dataclass(frozen=True)
class Fold:
    """A text cut for display: `head`, then `hidden` lines left out, then `tail`."""

    head: str
    hidden: int
    tail: str


def fold_lines(text: str, max_lines: int) -> Fold:
    """Keep the first and last `max_lines // 2` lines of `text` (no cut if it fits).

    A last newline ends the last line. Only the kept lines are copied, so a
    200,000-line output costs one count of its newlines.
    """
    end = len(text) - 1 if text.endswith("\n") else len(text)
    total = text.count("\n", 0, end) + 1
    if total <= max_lines + 1:
        return Fold(text[:end], 0, "")
    keep_head = max(1, max_lines - max_lines // 2)
    keep_tail = max(0, max_lines // 2)
    head_end = -1
    for _ in range(keep_head):
        head_end = text.find("\n", head_end + 1, end)
    start = end
    for _ in range(keep_tail):
        start = text.rfind("\n", 0, start)
    tail = text[start + 1 : end] if keep_tail else ""
    return Fold(text[:head_end], total - keep_head - keep_tail, tail)


def pick_mime(data: Mapping[str, Any]) -> str | None:
    """The MIME type of `data` that is shown, or None when none is supported."""
    return next((mime for mime in MIME_PRIORITY if mime in data), None)


def output_text(output: Mapping[str, Any]) -> tuple[str, str] | None:
    """(text, Rich style) of an output shown as ANSI text, else None.

    Streams, errors and bundles whose shown MIME type is ``text/plain``.
    """
    kind = output.get("output_type")
    if kind == "stream":
        return as_str(output.get("text")), STDERR_STYLE if output.get("name") == "stderr" else ""
    if kind == "error":
        traceback = output.get("traceback")
        text = "\n".join(as_str(line) for line in traceback) if isinstance(traceback, list) else ""
        if text.strip():
            return text, ""
        return f"{as_str(output.get('ename'))}: {as_str(output.get('evalue'))}", STDERR_STYLE
    data = output.get("data")
    if isinstance(data, Mapping) and pick_mime(data) == "text/plain":
        return as_str(data.get("text/plain")), ""
    return None


def _line_count(text: str, limit: int) -> int:
    """Lines of `text` (a last newline ends the last line), counted up to `limit`."""
    end = len(text) - 1 if text.endswith("\n") else len(text)
    if end < 65536:
        return min(limit, text.count("\n", 0, end) + 1)
    count, position = 1, text.find("\n", 0, end)
    while position >= 0 and count < limit:
        count += 1
        position = text.find("\n", position + 1, end)
    return count


def output_height_estimate(outputs: list[dict[str, Any]], *, folded: bool) -> int:
    """Rows the outputs will likely take (exact for unwrapped text)."""
    total = 0
    for output in outputs:
        text = output_text(output)
        if text is None:
            total += 3
        elif folded:
            total += _line_count(text[0], MAX_LINES + 1)
        else:
            total += text[0].removesuffix("\n").count("\n") + 1
    return total
