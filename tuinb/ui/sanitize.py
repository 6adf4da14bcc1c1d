"""Untrusted text as Rich `Text`: colours from SGR, nothing else reaches the terminal.

`ansi_text(text)` is ``Text.from_ansi(sanitize(text))``; `Text.from_ansi` alone
garbles sequences that end in BEL, so always go through this. The Rich-free
rules (`sanitize`, `plain_text`, `printable`) live in `tuinb.sanitize`, where
the headless commands use them too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuinb.sanitize import sanitize

if TYPE_CHECKING:  # Rich is imported on first use: the first frame draws without it
    from rich.style import StyleType
    from rich.text import Text

__all__ = ["ansi_text"]


def ansi_text(text: str, *, style: StyleType = "") -> Text:
    """A Rich `Text` of untrusted `text`: colours from SGR, nothing else reaches the terminal."""
    from rich.text import Text

    clean = sanitize(text)
    if "\x1b" not in clean:
        return Text(clean, style=style, end="")
    return Text.from_ansi(clean, style=style, end="")
