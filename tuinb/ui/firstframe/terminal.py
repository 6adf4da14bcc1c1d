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
- right after the frame, ask the terminal what it can draw images with
  (`GraphicsProbe`: the kitty graphics, cell size and DA1 queries of
  `tuinb.render.termgraphics`, from a thread that reads the answers for at
  most `DEADLINE` seconds, usually a few milliseconds, while the main thread
  imports Textual): the frame is never held up by it, and Textual, which
  starts reading the terminal later, never sees the answers. Keys typed
  meanwhile are kept and handed to Textual when it starts
  (`tuinb.ui.textual_compat.keep_terminal_modes`);
- on exit, however the body ends: restore the saved attributes (Textual
  "restores" the ones it found, which are ours), and if the body raised,
  which means Textual did not take the screen back, leave the alternate
  screen and show the cursor.

The cell size in pixels for the first frame's image placeholders comes from
the kernel's window size (``TIOCGWINSZ``, instant), so that the rows it
leaves for an image are the rows the view draws it in.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import sys
import termios
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any

from tuinb.render.imagefit import DEFAULT_LAYOUT, DUMB_TERMS, CellPixels, ImageLayout

if TYPE_CHECKING:
    from tuinb.config import OutputConfig
    from tuinb.model import Notebook
    from tuinb.render.options import ViewOptions
    from tuinb.render.termgraphics import Capabilities

__all__ = [
    "NO_PREPAINT",
    "GraphicsProbe",
    "Handoff",
    "cell_pixels",
    "prepainted",
    "startup_mode",
]

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


def cell_pixels(tty: int) -> CellPixels | None:
    """The cell size from the window size in pixels the terminal reports (None: it says 0)."""
    try:
        packed = fcntl.ioctl(tty, termios.TIOCGWINSZ, b"\0" * 8)
    except OSError:
        return None
    rows, columns, width, height = struct.unpack("HHHH", packed)
    if not (rows and columns and width >= columns and height >= rows):
        return None
    return CellPixels(width // columns, height // rows)


class GraphicsProbe:
    """Asks the terminal which image protocol it speaks, from a thread (see the module).

    `result()` waits for the answers (at most what is left of the deadline)
    and decides; `keys()` is what was typed meanwhile, for Textual.
    """

    def __init__(
        self,
        tty_in: int,
        tty_out: int,
        *,
        setting: str,
        columns: int,
        rows: int,
        cell: CellPixels | None,
    ) -> None:
        self.tty_in = tty_in
        self.tty_out = tty_out
        self.setting = setting
        self.columns = columns
        self.rows = rows
        self.cell = cell
        """The cell size the window reported (the first frame laid images out with it)."""
        self._capabilities: Capabilities | None = None
        self._keys = b""
        self._thread = threading.Thread(target=self._run, name="tuinb-terminal-probe", daemon=True)

    def start(self) -> None:
        """Send the queries and read the answers in the background."""
        self._thread.start()

    def _read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.tty_in], [], [], max(0.0, timeout))
        return os.read(self.tty_in, 4096) if ready else b""

    def _run(self) -> None:
        from tuinb.render.termgraphics import Capabilities, detect, images_setting

        try:
            capabilities, keys = detect(
                lambda data: _write_bytes(self.tty_out, data),
                self._read,
                setting=images_setting(self.setting),
                columns=self.columns,
                rows=self.rows,
            )
        except (OSError, ValueError) as exc:  # no answer is no feature: half blocks
            capabilities, keys = Capabilities("halfblock", reason=f"asking failed: {exc}"), b""
        if self.cell is not None:  # the window's own figure, as the first frame used it
            capabilities = Capabilities(capabilities.protocol, self.cell, capabilities.reason)
        self._capabilities, self._keys = capabilities, keys

    def result(self) -> Capabilities:
        """The protocol to draw images with (waits for the probe, at most its deadline)."""
        from tuinb.render.termgraphics import DEADLINE, Capabilities

        self._thread.join(timeout=DEADLINE + 2.0)  # + tmux's answer about passthrough
        if self._capabilities is None:
            return Capabilities("halfblock", self.cell or CellPixels(), "no answer in time")
        return self._capabilities

    def keys(self) -> bytes:
        """Keys typed while the answers were read (after `result`)."""
        self.result()
        keys, self._keys = self._keys, b""
        return keys


def _write_bytes(fd: int, data: bytes) -> None:
    while data:
        written = os.write(fd, data)
        data = data[written:]


def _image_layout(output: OutputConfig | None, cell: CellPixels | None) -> ImageLayout:
    """How the first frame lays images out: as the view will, before the terminal answers."""
    if output is None:
        return DEFAULT_LAYOUT
    # (TERM alone, as `termgraphics.EnvHints.dumb`: that module loads after the frame)
    dumb = os.environ.get("TERM", "") in DUMB_TERMS
    draw = output.images != "none" and not (output.images == "auto" and dumb)
    return ImageLayout(draw=draw, cell=cell or CellPixels(), max_rows=output.image_max_height)


@dataclass
class Handoff:
    """What the first frame hands over to the Textual app."""

    drawn: bool
    """Whether the first frame is on the terminal."""
    saved: list[Any] | None = None
    """The terminal's own attributes, saved before the first frame changed them: Textual
    must give these back when it stops (`tuinb.ui.textual_compat.keep_terminal_modes`),
    not the first frame's, which it finds when it starts."""
    graphics: GraphicsProbe | None = None
    """The terminal's answers about images (None: it was not asked)."""


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
    output: OutputConfig | None = None,
) -> Iterator[Handoff]:
    """Draw the first frame for the body's duration (see the module's docstring).

    `state` is the kernel's for the status bar (an attached session's kernel may
    be busy); `options`, `theme` and `output` are the user's config (line numbers,
    fold length, colours; how images are drawn: without `output` the terminal is
    not asked about images).
    """
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
        cell = cell_pixels(tty_out)
        images = _image_layout(output, cell)
        text = frame(
            notebook,
            columns=columns,
            lines=lines,
            kernel=kernel,
            palette=palette,
            options=shown,
            state=state,
            images=images,
        )
    except Exception:  # no first frame is better than no editor: Textual draws it
        yield Handoff(drawn=False)
        return
    previous: dict[int, _Handler] = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) == signal.SIG_DFL:
            previous[signum] = signal.signal(signum, _exit_on_signal)
    drawn = False
    probe = None
    try:
        termios.tcsetattr(tty_in, termios.TCSANOW, startup_mode(saved))
        drawn = True
        _write(tty_out, _ENTER + text)
        if output is not None:
            probe = GraphicsProbe(
                tty_in, tty_out, setting=output.images, columns=columns, rows=lines, cell=cell
            )
            probe.start()
        yield Handoff(drawn=True, saved=saved, graphics=probe)
    except BaseException:
        if drawn:  # Textual did not take the screen over, or did not give it back
            with contextlib.suppress(OSError):
                _write(tty_out, _LEAVE)
        raise
    finally:
        if probe is not None:
            probe.result()  # its thread reads the terminal: done before the shell gets it back
        with contextlib.suppress(termios.error):
            termios.tcsetattr(tty_in, termios.TCSANOW, saved)
        for number, handler in previous.items():
            signal.signal(number, handler)
