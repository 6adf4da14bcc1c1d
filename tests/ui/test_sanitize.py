"""sanitize() keeps SGR colours and drops every other escape, byte by byte."""

from __future__ import annotations

import re
import timeit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuinb.sanitize import has_controls, plain_text, sanitize
from tuinb.ui.sanitize import ansi_text

ESC = "\x1b"
SGR = re.compile(r"\x1b\[[0-9;:]*m")


def assert_safe(text: str) -> None:
    """No escape outside a well-formed SGR, no control besides newline and tab."""
    rest = SGR.sub("", text)
    bad = [ch for ch in rest if (ord(ch) < 0x20 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F]
    assert not bad, f"controls left in {text!r}: {bad!r}"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("plain text\n", "plain text\n"),
        ("tab\there", "tab\there"),
        ("\x1b[31mred\x1b[0m", "\x1b[31mred\x1b[0m"),
        ("\x1b[38;5;196mx\x1b[m", "\x1b[38;5;196mx\x1b[m"),
        ("\x1b[38:2:1:2:3mtrue\x1b[0m", "\x1b[38:2:1:2:3mtrue\x1b[0m"),
        # OSC 52 clipboard, BEL- and ST-terminated
        ("a\x1b]52;c;aGVsbG8=\x07b", "ab"),
        ("a\x1b]52;c;aGVsbG8=\x1b\\b", "ab"),
        ("a\x1b]52;c;aGVsbG8=\x9cb", "ab"),
        # window title OSC 0 and 2
        ("\x1b]0;pwned\x07title", "title"),
        ("\x1b]2;pwned\x1b\\title", "title"),
        # hyperlinks are OSC 8: dropped, the text stays
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),
        # screen clear, cursor movement, scroll region, private modes
        ("\x1b[2J\x1b[H\x1b[3Jclear", "clear"),
        ("\x1b[10;20Hmove\x1b[5A", "move"),
        ("\x1b[?1049h\x1b[?25lalt", "alt"),
        ("\x1b[1;24r", ""),
        # SGR-looking but private or with intermediates: dropped
        ("\x1b[?31mq", "q"),
        ("\x1b[31 mq", "q"),
        # full reset, save/restore cursor, charset switch, keypad
        ("\x1bcreset\x1b7\x1b8\x1b(B\x1b=", "reset"),
        # DCS, tmux passthrough with doubled ESCs, APC, PM, SOS
        ("\x1bP1$r0m\x1b\\d", "d"),
        ("\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\t", "t"),
        ("\x1bPtmux;\x1b\x1b]0;t\x1b\x1b\\\x1b\\t", "t"),
        ("\x1b_Gf=100;AAAA\x1b\\k", "k"),
        ("\x1b^privacy\x1b\\p", "p"),
        ("\x1bXstring\x1b\\s", "s"),
        # 8-bit C1 introducers
        ("\x9b2Jc1", "c1"),
        ("\x9b31mc1", "c1"),
        ("\x9d0;title\x07c1", "c1"),
        ("\x90tmux;x\x9cc1", "c1"),
        # unterminated sequences
        ("tail\x1b", "tail"),
        ("tail\x1b[", "tail"),
        ("tail\x1b[12;", "tail"),
        ("tail\x1b]0;no end", "tail"),
        ("tail\x1bPno end", "tail"),
        # an OSC cut short by another escape: the escape after it is parsed
        ("\x1b]0;x\x1b[31mred", "\x1b[31mred"),
        # lone controls
        ("a\x00b\x07c\x08d\x0be\x0cf\x7fg\x85h", "abcdefgh"),
        ("dos\r\nline", "dos\nline"),
        ("bare\rcr", "barecr"),
        # nested: an OSC inside a DCS, ESC ESC
        ("\x1bP\x1b]0;t\x07\x1b\\n", "n"),
        ("\x1b\x1b[31mr", "\x1b[31mr"),
        # unicode survives
        ("héllo ✓ 日本\n", "héllo ✓ 日本\n"),
    ],
)
def test_sanitize_cases(raw: str, clean: str) -> None:
    out = sanitize(raw)
    assert out == clean
    assert_safe(out)


def test_plain_text_drops_colours_too() -> None:
    assert plain_text("\x1b[31mred\x1b[0m\x1b]0;t\x07 ok\r\n") == "red ok\n"
    assert plain_text("nothing to do") == "nothing to do"


def test_markup_like_text_is_left_alone() -> None:
    assert sanitize("[/INST] [bold]x[/]") == "[/INST] [bold]x[/]"
    assert ansi_text("[/INST] [bold]x[/]").plain == "[/INST] [bold]x[/]"


def test_ansi_text_keeps_colours_and_drops_bel_terminated_osc() -> None:
    text = ansi_text("\x1b]0;evil\x07\x1b[31mred\x1b[0m ok")
    assert text.plain == "red ok"
    assert [(span.start, span.end) for span in text.spans] == [(0, 3)]
    style = text.spans[0].style
    assert not isinstance(style, str)
    assert style.color is not None
    assert style.color.number == 1


def test_ansi_text_base_style() -> None:
    text = ansi_text("warning", style="bold")
    assert text.plain == "warning"
    assert str(text.style) == "bold"


def test_has_controls() -> None:
    assert not has_controls("plain\n\ttext")
    assert has_controls("x\x1b[31m")
    assert has_controls("x\x9b")


def test_huge_input_is_linear() -> None:
    body = ("line \x1b[32mok\x1b[0m \x1b]0;t\x07\n" * 50_000) + "\x1b]52;c;" + "A" * 1_000_000
    seconds = min(timeit.repeat(lambda: sanitize(body), number=1, repeat=2))
    out = sanitize(body)
    assert out.count("\n") == 50_000
    assert "52;c" not in out
    assert seconds < 5


def test_huge_sgr_parameter_is_dropped() -> None:
    out = sanitize("\x1b[" + "1;" * 1000 + "mx")
    assert out.endswith("x")
    assert ESC not in out


_alphabet = st.sampled_from(
    [
        *(ESC, "[", "]", "P", "_", "^", "X", "\\", "\x07", "\x9b", "\x9c", "\x9d", "\x90"),
        *("0", "1", "3", ";", ":", "m", "H", "J", "?", " ", "(", "c", "a"),
        *("\n", "\t", "\r", "\x08"),
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_alphabet, max_size=60).map("".join))
def test_property_no_escape_outside_sgr(raw: str) -> None:
    out = sanitize(raw)
    assert_safe(out)
    assert sanitize(out) == out


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_property_any_text(raw: str) -> None:
    out = sanitize(raw)
    assert_safe(out)
    # printable characters that are not part of a sequence are never lost
    if not has_controls(raw):
        assert out == raw
