"""The first frame asks the terminal about images without waiting for it, on a real pty."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import termios
from collections.abc import Callable
from pathlib import Path

from tests.ui.test_launch import run_on_pty
from tuinb.render.imagefit import CellPixels
from tuinb.render.termgraphics import DEADLINE
from tuinb.ui.firstframe.terminal import cell_pixels

CHILD = """
import sys, time
from pathlib import Path
from tuinb.config import OutputConfig
from tuinb.ui.launch import open_notebook
from tuinb.ui.firstframe.terminal import prepainted

notebook = open_notebook(Path(sys.argv[1]))
with prepainted(notebook, kernel=None, output=OutputConfig(images=sys.argv[2])) as handoff:
    start = time.monotonic()
    print("FRAME-DONE", flush=True)
    caps = handoff.graphics.result()
    waited = time.monotonic() - start
    keys = handoff.graphics.keys()
print(f"RESULT {caps.protocol} {caps.cell.width}x{caps.cell.height} keys={keys!r} "
      f"waited={waited:.3f}", flush=True)
"""

Answer = Callable[[bytes], bytes]
"""What the fake terminal sends back after reading some of the program's output."""


def run_probe(tmp_path: Path, answer: Answer, setting: str = "auto") -> tuple[str, str]:
    """Run CHILD on a pty whose other end `answer`s: (everything written, the result line)."""
    code, output, _ = run_on_pty(
        tmp_path, setting, child=CHILD, answer=answer, TERM="xterm-256color", TMUX=""
    )
    assert code == 0, output
    # the queries (from the probe's thread) may land on the line the child prints on
    found = re.search(r"RESULT [^\r\n]*", output)
    assert found is not None, output
    return output, found.group(0)


def test_a_sixel_terminal_is_found_and_keys_typed_meanwhile_are_kept(tmp_path: Path) -> None:
    def answer(data: bytes) -> bytes:
        if b"\x1b[c" in data:  # DA1, asked last: a key typed just before the answers
            return b"j" + b"\x1b[6;18;9t" + b"\x1b[?62;4;22c"
        return b""

    output, result = run_probe(tmp_path, answer)
    assert result.startswith("RESULT sixel 9x18 keys=b'j'")
    frame = output.index("x = 1")
    queries = output.index("\x1b[c")
    assert frame < queries  # the frame first: asking never delays it
    assert output.index("FRAME-DONE") < output.index("RESULT")


def test_kitty_answers_but_kitty_placeholders_only_in_kitty(tmp_path: Path) -> None:
    def answer(data: bytes) -> bytes:
        if b"\x1b[c" in data:
            return b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c"
        return b""

    _, result = run_probe(tmp_path, answer)  # TERM says xterm: no placeholders, no sixel
    assert result.startswith("RESULT halfblock")


def test_a_silent_terminal_gets_half_blocks_after_the_deadline(tmp_path: Path) -> None:
    _, result = run_probe(tmp_path, lambda data: b"")
    assert result.startswith("RESULT halfblock 10x20 keys=b''")
    waited = float(result.rsplit("waited=", 1)[1])
    assert waited < DEADLINE + 1.0


def test_a_forced_setting_asks_only_the_cell_size(tmp_path: Path) -> None:
    def answer(data: bytes) -> bytes:
        return b"\x1b[6;16;8t\x1b[?62;4c" if b"\x1b[c" in data else b""

    output, result = run_probe(tmp_path, answer, setting="kitty")
    assert result.startswith("RESULT kitty 8x16")
    assert "\x1b_G" not in output  # no kitty query: the config said so already


def test_cell_pixels_come_from_the_window_size() -> None:
    master, slave = os.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 800, 480))
        assert cell_pixels(slave) == CellPixels(10, 20)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        assert cell_pixels(slave) is None
    finally:
        os.close(slave)
        os.close(master)
