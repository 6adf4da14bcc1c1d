"""Copying to the system clipboard through the terminal (OSC 52), which works over SSH.

The terminal, not tuinb, owns the clipboard: tuinb writes
``ESC ] 52 ; c ; <base64> BEL`` and the terminal stores the text, even when
tuinb runs on a remote machine. tmux passes it on only with
``set -g set-clipboard on``.

Text is made plain first (`tuinb.sanitize.plain_text`): output text from a
kernel may hold escape sequences, and a clipboard pasted into a shell later
must not carry them. Terminals cap the sequence (xterm, hterm and others at
about 100,000 bytes of base64, some far lower), so larger text is refused
with a sentence, never cut short silently.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from tuinb.sanitize import plain_text

__all__ = ["MAX_PAYLOAD", "ClipboardCopy", "clipboard_text", "osc52"]

MAX_PAYLOAD = 100_000
"""Most base64 bytes sent in one OSC 52 sequence (about 73 KB of text)."""


@dataclass(frozen=True)
class ClipboardCopy:
    """What to send for one copy, and the sentence to show."""

    text: str
    """The plain text that goes to the clipboard."""
    sequence: str | None
    """The OSC 52 sequence to write to the terminal; None when the text is refused."""
    message: str
    """For the status line: what was copied, or why nothing was."""


def clipboard_text(text: str) -> str:
    """`text` as it may go to a clipboard: no escape sequence or control character but ``\\n``
    and ``\\t``."""
    return plain_text(text)


def osc52(text: str, *, what: str = "text", limit: int = MAX_PAYLOAD) -> ClipboardCopy:
    """The OSC 52 copy of `text` (sanitised), or a refusal if it is too large.

    `what` names the thing copied in the message ("the cell's source").
    """
    clean = clipboard_text(text)
    payload = base64.b64encode(clean.encode("utf-8")).decode("ascii")
    if len(payload) > limit:
        size = len(clean.encode("utf-8"))
        most = limit * 3 // 4
        return ClipboardCopy(
            clean,
            None,
            f"Not copied: {what} is {_size(size)}, more than the {_size(most)} a terminal "
            "clipboard takes; save it to a file instead.",
        )
    lines = clean.count("\n") + (1 if clean and not clean.endswith("\n") else 0)
    plural = "" if lines == 1 else "s"
    return ClipboardCopy(
        clean,
        f"\x1b]52;c;{payload}\x07",
        f"Copied {what} ({lines} line{plural}) to the clipboard.",
    )


def _size(count: int) -> str:
    return f"{count:,} bytes" if count < 10_000 else f"{count // 1000:,} KB"
