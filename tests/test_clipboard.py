"""OSC 52 copies: sanitised text, base64 framing, a size cap that refuses rather than cuts."""

from __future__ import annotations

import base64

from tuinb.clipboard import MAX_PAYLOAD, osc52


def decoded(sequence: str) -> str:
    assert sequence.startswith("\x1b]52;c;")
    assert sequence.endswith("\x07")
    return base64.b64decode(sequence[len("\x1b]52;c;") : -1]).decode("utf-8")


def test_text_goes_through_base64_whole() -> None:
    copy = osc52("print('héllo')\nx = 1\n", what="the cell's source")
    assert copy.sequence is not None
    assert decoded(copy.sequence) == "print('héllo')\nx = 1\n"
    assert copy.message == "Copied the cell's source (2 lines) to the clipboard."


def test_escape_sequences_from_outputs_never_reach_the_clipboard() -> None:
    hostile = "ok \x1b[31mred\x1b[0m\x1b]52;c;ZXZpbA==\x07 \x1b]0;title\x07end\x9b2J\x00\n"
    copy = osc52(hostile)
    assert copy.sequence is not None
    assert decoded(copy.sequence) == "ok red end\n"
    body = copy.sequence[len("\x1b]52;c;") : -1]
    assert "\x1b" not in body
    assert "\x07" not in body


def test_text_too_large_is_refused_with_a_sentence() -> None:
    copy = osc52("x" * MAX_PAYLOAD, what="the output")
    assert copy.sequence is None
    assert copy.message == (
        "Not copied: the output is 100 KB, more than the 75 KB a terminal clipboard takes; "
        "save it to a file instead."
    )
    fits = osc52("x" * (MAX_PAYLOAD * 3 // 4))
    assert fits.sequence is not None
    assert len(fits.sequence) == len("\x1b]52;c;") + MAX_PAYLOAD + 1
