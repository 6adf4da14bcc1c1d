"""Tell a user in another window that a long cell finished: bell + desktop notification.

`finish_notice(title, body)` is the bytes to write: BEL, OSC 9 (iTerm2, kitty,
WezTerm, Windows Terminal) and OSC 777 (VTE terminals, foot). Inside tmux the
OSC parts are wrapped in tmux's passthrough so they reach the outer terminal
(needs `set -g allow-passthrough on`; the bell gets through regardless).
`notify_finished(app, ...)` writes them to the terminal.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from tuinb.ui.textual_compat import write_to_terminal

if TYPE_CHECKING:
    from textual.app import App

LONG_CELL_SECONDS = 10.0
"""A cell that ran at least this long rings the bell and notifies when it finishes."""

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f;]")


def _clean(text: str) -> str:
    """No control characters (nor `;`, the OSC 777 separator) in a notification field."""
    return _UNSAFE.sub(" ", text)[:200]


def _passthrough(sequence: str) -> str:
    """Wrap an escape sequence for tmux passthrough (every ESC doubled)."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def finish_notice(title: str, body: str, *, in_tmux: bool | None = None) -> str:
    """BEL plus OSC 9 and OSC 777 notifications with `title` and `body`."""
    if in_tmux is None:
        in_tmux = bool(os.environ.get("TMUX"))
    title, body = _clean(title), _clean(body)
    osc9 = f"\x1b]9;{title}: {body}\x1b\\"
    osc777 = f"\x1b]777;notify;{title};{body}\x1b\\"
    if in_tmux:
        osc9, osc777 = _passthrough(osc9), _passthrough(osc777)
    return "\a" + osc9 + osc777


def notify_finished(app: App[Any], title: str, body: str) -> bool:
    """Write the notice to the terminal; False when there is no terminal (tests, headless)."""
    return write_to_terminal(app, finish_notice(title, body))
