"""Terminal graphics detection against fake terminals on pipes (kitty, xterm with sixel, silent)."""

from __future__ import annotations

import os
import select
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from tuinb.render.images import CellPixels
from tuinb.render.termgraphics import (
    Capabilities,
    EnvHints,
    Replies,
    ReplyParser,
    decide,
    detect,
    images_setting,
    queries,
    tmux_allows_passthrough,
    tmux_wrap,
)

KITTY_ENV = {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}
XTERM_ENV = {"TERM": "xterm-256color"}


class FakeTerminal:
    """A terminal on two pipes: reads what tuinb writes, answers as `answer` says."""

    def __init__(self, answer: Callable[[bytes], bytes], *, typed: bytes = b"") -> None:
        self.answer = answer
        self.typed = typed
        self.to_terminal = os.pipe()
        self.to_program = os.pipe()
        self.received = bytearray()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        if self.typed:  # keys the user typed before the queries were answered
            os.write(self.to_program[1], self.typed)
        while not self._done.is_set():
            ready, _, _ = select.select([self.to_terminal[0]], [], [], 0.05)
            if not ready:
                continue
            chunk = os.read(self.to_terminal[0], 4096)
            if not chunk:
                return
            self.received += chunk
            reply = self.answer(chunk)
            if reply:
                os.write(self.to_program[1], reply)

    def write(self, data: bytes) -> None:
        os.write(self.to_terminal[1], data)

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.to_program[0]], [], [], max(timeout, 0))
        return os.read(self.to_program[0], 4096) if ready else b""

    def __enter__(self) -> FakeTerminal:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=5)
        for fd in (*self.to_terminal, *self.to_program):
            os.close(fd)


def kitty_answers(query: bytes) -> bytes:
    out = b""
    if b"\x1b_G" in query:
        out += b"\x1b_Gi=31;OK\x1b\\"
    if b"\x1b[16t" in query:
        out += b"\x1b[6;20;10t"
    if b"\x1b[14t" in query:
        out += b"\x1b[4;800;1200t"
    if b"\x1b[c" in query:
        out += b"\x1b[?62;c"
    return out


def xterm_sixel_answers(query: bytes) -> bytes:
    # xterm -ti vt340: no kitty graphics, only the text area size, sixel in DA1
    out = b""
    if b"\x1b[14t" in query:
        out += b"\x1b[4;600;960t"
    if b"\x1b[c" in query:
        out += b"\x1b[?63;1;2;4;6;9;15;16;22;28c"
    return out


def silent(query: bytes) -> bytes:
    return b""


@pytest.fixture
def no_tmux_call(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("tmux was asked outside tmux")

    monkeypatch.setattr(subprocess, "run", refuse)


@pytest.mark.usefixtures("no_tmux_call")
def test_kitty_is_detected_with_its_cell_size() -> None:
    with FakeTerminal(kitty_answers) as terminal:
        caps, keys = detect(terminal.write, terminal.read, environ=KITTY_ENV, deadline=5)
    assert caps.protocol == "kitty"
    assert caps.cell == CellPixels(10, 20)
    assert keys == b""
    assert terminal.received.startswith(b"\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\")
    assert terminal.received.endswith(b"\x1b[c")


@pytest.mark.usefixtures("no_tmux_call")
def test_xterm_with_sixel_and_the_cell_size_from_the_text_area() -> None:
    with FakeTerminal(xterm_sixel_answers) as terminal:
        caps, _ = detect(
            terminal.write, terminal.read, environ=XTERM_ENV, deadline=5, columns=120, rows=30
        )
    assert caps.protocol == "sixel"
    assert caps.cell == CellPixels(8, 20)


@pytest.mark.usefixtures("no_tmux_call")
def test_silent_terminal_falls_back_to_half_blocks_at_the_deadline() -> None:
    with FakeTerminal(silent) as terminal:
        started = time.monotonic()
        caps, _ = detect(terminal.write, terminal.read, environ=XTERM_ENV, deadline=0.2)
        took = time.monotonic() - started
    assert caps.protocol == "halfblock"
    assert caps.cell == CellPixels()
    assert "did not answer" in caps.reason
    assert 0.15 <= took < 1.5


@pytest.mark.usefixtures("no_tmux_call")
def test_answers_end_detection_before_the_deadline() -> None:
    with FakeTerminal(kitty_answers) as terminal:
        started = time.monotonic()
        detect(terminal.write, terminal.read, environ=KITTY_ENV, deadline=30)
        assert time.monotonic() - started < 5


@pytest.mark.usefixtures("no_tmux_call")
def test_keys_typed_meanwhile_are_given_back() -> None:
    with FakeTerminal(kitty_answers, typed=b"jj\x1b[A") as terminal:
        caps, keys = detect(terminal.write, terminal.read, environ=KITTY_ENV, deadline=5)
    assert caps.protocol == "kitty"
    assert keys == b"jj\x1b[A"


def test_reply_split_across_reads_is_joined() -> None:
    parser = ReplyParser()
    keys = parser.feed(b"x\x1b_Gi=31;O") + parser.feed(b"K\x1b\\\x1b[?62;4") + parser.feed(b";22c")
    assert keys == b"x"
    assert parser.replies.kitty == "OK"
    assert parser.replies.da1 == (62, 4, 22)
    assert parser.complete


def test_a_lone_escape_key_is_given_back_on_flush() -> None:
    parser = ReplyParser()
    assert parser.feed(b"k\x1b") == b"k"
    assert parser.flush() == b"\x1b"


def test_other_kitty_replies_are_not_taken_for_ours() -> None:
    parser = ReplyParser()
    parser.feed(b"\x1b_Gi=7;OK\x1b\\")
    assert parser.replies.kitty is None


def test_dumb_terminal_is_not_queried() -> None:
    sent: list[bytes] = []
    caps, _ = detect(sent.append, lambda timeout: b"", environ={"TERM": "dumb"})
    assert sent == []
    assert caps.protocol == "none"


def test_forced_setting_sends_no_graphics_query() -> None:
    with FakeTerminal(kitty_answers) as terminal:
        caps, _ = detect(
            terminal.write, terminal.read, setting="halfblock", environ=KITTY_ENV, deadline=5
        )
    assert caps.protocol == "halfblock"
    assert caps.cell == CellPixels(10, 20)
    assert b"\x1b_G" not in terminal.received


def test_tmux_without_passthrough_never_queries_or_picks_kitty() -> None:
    hints = EnvHints(term="tmux-256color", in_tmux=True, kitty_window=True)
    assert b"\x1b_G" not in queries(hints, passthrough=False)
    caps = decide("auto", hints, Replies(kitty="OK", da1=(62,)), passthrough=False)
    assert caps.protocol == "halfblock"
    assert "allow-passthrough" in caps.reason


def test_tmux_with_passthrough_wraps_the_kitty_query() -> None:
    hints = EnvHints(term="tmux-256color", in_tmux=True, kitty_window=True)
    sent = queries(hints, passthrough=True)
    assert sent.startswith(b"\x1bPtmux;\x1b\x1b_Gi=31,")
    assert tmux_wrap("\x1b_Gq\x1b\\") == "\x1bPtmux;\x1b\x1b_Gq\x1b\x1b\\\x1b\\"
    caps = decide("auto", hints, Replies(kitty="OK", da1=(62,)), passthrough=True)
    assert caps.protocol == "kitty"


def test_tmux_with_sixel_support_gets_sixel() -> None:
    hints = EnvHints(term="tmux-256color", in_tmux=True)
    assert decide("auto", hints, Replies(da1=(61, 4, 6))).protocol == "sixel"


def test_wezterm_answers_kitty_but_gets_sixel() -> None:
    hints = EnvHints(term="xterm-256color", term_program="WezTerm")
    caps = decide("auto", hints, Replies(kitty="OK", da1=(65, 4, 6, 18, 22)))
    assert caps == Capabilities("sixel", CellPixels(), caps.reason)


def test_tmux_option_is_read_from_tmux() -> None:
    calls: list[list[str]] = []

    def fake_run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(argv)
        value = "" if "-pqv" in argv else "on\n"
        return subprocess.CompletedProcess(argv, 0, stdout=value, stderr="")

    assert tmux_allows_passthrough(fake_run) is True
    assert calls[0][:2] == ["tmux", "show-options"]

    def missing(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        raise FileNotFoundError("tmux")

    assert tmux_allows_passthrough(missing) is False


@pytest.mark.parametrize("value", ["auto", "KITTY", " sixel ", "halfblock", "none"])
def test_images_setting_accepts_the_documented_values(value: str) -> None:
    assert images_setting(value) == value.strip().lower()


def test_images_setting_rejects_others_in_one_sentence() -> None:
    with pytest.raises(ValueError, match=r"^images = 'iterm' is not one of .*\.$"):
        images_setting("iterm")
