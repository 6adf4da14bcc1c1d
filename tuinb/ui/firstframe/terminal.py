"""Put the first frame on the terminal while Textual loads, and give the terminal back.

`prepainted(notebook, kernel=...)` is a context manager around the import and
run of the Textual app (`tuinb.ui.launch.open_editor`):

- on entry, when stdin and stdout are terminals and ``TUINB_NO_PREPAINT`` is
  not ``1``: save the terminal's attributes, switch it to Textual's input mode
  (no echo, not line by line, no flow control, no CR-to-NL translation, so a
  key typed now reaches Textual as the same bytes and is read by it when it
  starts: Textual sets its own mode with ``TCSANOW`` and does not flush
  input), enter the alternate screen, hide the cursor, turn bracketed paste
  on (a paste during start-up reaches Textual as one paste, not as keys) and
  write the frame of `tuinb.ui.firstframe.frame`. ``ctrl+c`` still interrupts while
  Textual loads; SIGTERM and SIGHUP end the program through the exit below
  until the app installs its own handlers;
- on exit, however the body ends: restore the saved attributes (Textual
  "restores" the ones it found, which are ours), and if the body raised,
  which means Textual did not take the screen back, leave the alternate
  screen and show the cursor.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import termios
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuinb.model import Notebook
    from tuinb.render.options import ViewOptions

__all__ = ["NO_PREPAINT", "Handoff", "prepainted", "startup_mode"]

NO_PREPAINT = "TUINB_NO_PREPAINT"
"""Set to ``1`` to start without the first frame (tests, debugging)."""

_ENTER = "\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[?2004h"
"""Alternate screen, cursor hidden, no line wrap, bracketed paste (as Textual sets them)."""
_LEAVE = "\x1b[?2004l\x1b[?7h\x1b[?25h\x1b[?1049l"
_LFLAG_OFF = termios.ECHO | termios.ICANON | termios.IEXTEN
_IFLAG_OFF = termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR

_Handler = Callable[[int, FrameType | None], Any] | int | None


def startup_mode(attributes: list[Any]) -> list[Any]:
    """The terminal attributes held while Textual loads: Textual's input mode, signals on."""
    mode = [*attributes[:6], list(attributes[6])]
    mode[0] &= ~_IFLAG_OFF
    mode[3] &= ~_LFLAG_OFF
    mode[6][termios.VMIN] = 1
    mode[6][termios.VTIME] = 0
    return mode


def _write(fd: int, text: str) -> None:
    data = text.encode("utf-8", errors="replace")
    while data:
        written = os.write(fd, data)
        data = data[written:]


@dataclass
class Handoff:
    """What the first frame hands over to the Textual app."""

    drawn: bool
    """Whether the first frame is on the terminal."""
    saved: list[Any] | None = None
    """The terminal's own attributes, saved before the first frame changed them: Textual
    must give these back when it stops (`tuinb.ui.textual_compat.keep_terminal_modes`),
    not the first frame's, which it finds when it starts."""


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def prepainted(
    notebook: Notebook,
    *,
    kernel: str | None,
    state: str = "starting",
    options: ViewOptions | None = None,
    theme: str | None = None,
) -> Iterator[Handoff]:
    """Draw the first frame for the body's duration (see the module's docstring); `state`
    is the kernel's for the status bar (an attached session's kernel may be busy);
    `options` and `theme` are the user's config (line numbers, fold length, colours)."""
    if os.environ.get(NO_PREPAINT) == "1" or not (sys.stdin.isatty() and sys.stdout.isatty()):
        yield Handoff(drawn=False)
        return
    tty_in, tty_out = sys.stdin.fileno(), sys.stdout.fileno()
    try:
        saved = termios.tcgetattr(tty_in)
        columns, lines = os.get_terminal_size(tty_out)
        if columns <= 0 or lines <= 0:
            raise OSError("the terminal reports no size")  # Textual will assume one
        from tuinb.render.options import DEFAULT_OPTIONS
        from tuinb.ui.firstframe.frame import frame, load_palette

        palette = load_palette(theme) if theme else None
        shown = options or DEFAULT_OPTIONS
        text = frame(
            notebook,
            columns=columns,
            lines=lines,
            kernel=kernel,
            palette=palette,
            options=shown,
            state=state,
        )
    except Exception:  # no first frame is better than no editor: Textual draws it
        yield Handoff(drawn=False)
        return
    previous: dict[int, _Handler] = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) == signal.SIG_DFL:
            previous[signum] = signal.signal(signum, _exit_on_signal)
    drawn = False
    try:
        termios.tcsetattr(tty_in, termios.TCSANOW, startup_mode(saved))
        drawn = True
        _write(tty_out, _ENTER + text)
        yield Handoff(drawn=True, saved=saved)
    except BaseException:
        if drawn:  # Textual did not take the screen over, or did not give it back
            with contextlib.suppress(OSError):
                _write(tty_out, _LEAVE)
        raise
    finally:
        with contextlib.suppress(termios.error):
            termios.tcsetattr(tty_in, termios.TCSANOW, saved)
        for number, handler in previous.items():
            signal.signal(number, handler)
