"""The session socket's framing and its version handshake."""

from __future__ import annotations

import socket

import pytest

from tuinb import __version__
from tuinb.session.wire import (
    MAX_FRAME,
    PROTOCOL,
    ProtocolError,
    decode,
    encode,
    frame_length,
    hello,
    recv_message,
    send_message,
    version_refusal,
)


def test_a_message_survives_the_round_trip_with_any_text() -> None:
    text = "tab\t, newline\n, NUL\x00, escape \x1b[31m, lone surrogate \ud800, emoji 🎉"
    message = {"t": "res", "text": text, "n": [1, None, 2.5]}
    frame = encode(message)
    assert frame_length(frame[:4]) == len(frame) - 4
    assert decode(frame[4:]) == message


def test_a_blocking_reader_takes_exactly_one_message() -> None:
    left, right = socket.socketpair()
    with left, right:
        left.sendall(encode({"t": "a"}) + encode({"t": "b", "x": "y" * 100_000}))
        assert recv_message(right) == {"t": "a"}
        send_message(left, {"t": "c"})
        assert recv_message(right)["x"] == "y" * 100_000
        assert recv_message(right) == {"t": "c"}


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"no": "type"}', b'{"t": 3}', b"\xff\xfe"],
)
def test_malformed_bodies_are_protocol_errors(body: bytes) -> None:
    with pytest.raises(ProtocolError):
        decode(body)


def test_an_oversized_frame_is_refused_before_it_is_read() -> None:
    with pytest.raises(ProtocolError, match="more than the limit"):
        frame_length((MAX_FRAME + 1).to_bytes(4, "big"))


def test_matching_versions_are_accepted() -> None:
    assert version_refusal(__version__, __version__, PROTOCOL) is None


def test_different_versions_refuse_each_other_in_one_sentence() -> None:
    refusal = version_refusal("9.9.9", __version__, PROTOCOL)
    assert refusal is not None
    assert refusal.count(". ") == 0
    assert refusal.endswith(".")
    assert "9.9.9" in refusal
    assert __version__ in refusal
    assert "tuinb sessions --stop" in refusal


def test_another_protocol_under_the_same_version_is_refused() -> None:
    assert version_refusal(__version__, __version__, PROTOCOL + 1) is not None


def test_hello_names_version_protocol_and_role() -> None:
    message = hello("query")
    assert message == {"t": "hello", "version": __version__, "protocol": PROTOCOL, "role": "query"}
