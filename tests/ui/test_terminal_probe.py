"""The first frame asks the terminal about images without waiting for it, on a real pty."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import threading
from collections.abc import Callable
from pathlib import Path

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

Answer = Callable[[bytes, int], bytes]
"""What the fake terminal sends back after reading some output (and all of it so far)."""


def run_probe(tmp_path: Path, answer: Answer, setting: str = "auto") -> tuple[str, str]:
    """Run CHILD on a pty whose other end `answer`s: (everything written, the result line)."""
    notebook = tmp_path / "t.ipynb"
    notebook.write_text(
        '{"cells": [{"cell_type": "code", "id": "a", "metadata": {}, "source": "x = 1",'
        ' "outputs": [], "execution_count": null}], "metadata": {},'
        ' "nbformat": 4, "nbformat_minor": 5}'
    )
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = bytearray()

    def terminal() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            seen.extend(data)
            reply = answer(data, len(seen))
            if reply:
                os.write(master, reply)

    reader = threading.Thread(target=terminal, daemon=True)
    reader.start()
    env = {**os.environ, "TUINB_NO_PREPAINT": "", "TERM": "xterm-256color"}
    env.pop("TMUX", None)
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(notebook), setting],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
        )
        assert process.wait(timeout=60) == 0
    finally:
        os.close(slave)
        reader.join(timeout=5)
        os.close(master)
    output = seen.decode("utf-8", "replace")
    # the queries (from the probe's thread) may land on the line the child prints on
    found = re.search(r"RESULT [^\r\n]*", output)
    assert found is not None, output
    result = found.group(0)
    return output, result


def test_a_sixel_terminal_is_found_and_keys_typed_meanwhile_are_kept(tmp_path: Path) -> None:
    def answer(data: bytes, total: int) -> bytes:
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
    def answer(data: bytes, total: int) -> bytes:
        if b"\x1b[c" in data:
            return b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c"
        return b""

    _, result = run_probe(tmp_path, answer)  # TERM says xterm: no placeholders, no sixel
    assert result.startswith("RESULT halfblock")


def test_a_silent_terminal_gets_half_blocks_after_the_deadline(tmp_path: Path) -> None:
    _, result = run_probe(tmp_path, lambda data, total: b"")
    assert result.startswith("RESULT halfblock 10x20 keys=b''")
    waited = float(result.rsplit("waited=", 1)[1])
    assert waited < DEADLINE + 1.0


def test_a_forced_setting_asks_only_the_cell_size(tmp_path: Path) -> None:
    def answer(data: bytes, total: int) -> bytes:
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
