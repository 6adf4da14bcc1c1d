"""Frames, signatures and interop with jupyter_client's Session (the reference)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jupyter_client.session import Session

from tuinb.kernel.messages import make_header
from tuinb.kernel.wire import DELIMITER, Signer, WireError, WireMessage, deserialize, serialize

KEY = b"0123456789abcdef-secret"


def _ours(content: dict[str, Any], *, identities: list[bytes] | None = None) -> list[bytes]:
    msg = WireMessage(
        make_header("execute_request", "sess"),
        {},
        {"m": 1},
        content,
        buffers=[b"\x00\x01raw"],
        identities=identities or [],
    )
    return serialize(Signer(KEY), msg)


def test_our_frames_verify_with_jupyter_client() -> None:
    frames = _ours({"code": "print('é')"}, identities=[b"id-1"])
    session = Session(key=KEY, signature_scheme="hmac-sha256")
    idents, rest = session.feed_identities(frames)
    assert idents == [b"id-1"]
    msg = session.deserialize(rest, content=True)  # raises on a bad signature
    assert msg["content"] == {"code": "print('é')"}
    assert msg["header"]["msg_type"] == "execute_request"
    assert msg["metadata"] == {"m": 1}
    assert [bytes(b) for b in msg["buffers"]] == [b"\x00\x01raw"]


def test_jupyter_client_frames_verify_with_ours() -> None:
    session = Session(key=KEY, signature_scheme="hmac-sha256")
    msg = session.msg("stream", content={"name": "stdout", "text": "hi ✓"})
    frames = session.serialize(msg, ident=[b"a", b"b"])
    parsed = deserialize(Signer(KEY), frames)
    assert parsed is not None
    assert parsed.identities == [b"a", b"b"]
    assert parsed.content == {"name": "stdout", "text": "hi ✓"}
    assert parsed.header["msg_id"] == msg["header"]["msg_id"]


@pytest.mark.parametrize("scheme", ["hmac-sha256", "hmac-sha512"])
def test_other_schemes_interoperate(scheme: str) -> None:
    session = Session(key=KEY, signature_scheme=scheme)
    frames = session.serialize(session.msg("status", content={"execution_state": "idle"}))
    assert deserialize(Signer(KEY, scheme), frames) is not None
    ours = serialize(Signer(KEY, scheme), WireMessage(make_header("x", "s"), {}, {}, {}))
    session.deserialize(session.feed_identities(ours)[1])


def test_tampered_frame_is_dropped_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    frames = _ours({"code": "1+1"})
    split = frames.index(DELIMITER)
    frames[split + 4] = b'{"code":"import os; os.remove(\'x\')"}'  # content frame
    with caplog.at_level(logging.WARNING, logger="tuinb.kernel.wire"):
        assert deserialize(Signer(KEY), frames, channel="shell") is None
    assert "wrongly signed shell message" in caplog.text


def test_wrong_key_and_missing_signature_are_dropped(caplog: pytest.LogCaptureFixture) -> None:
    frames = _ours({"code": "1+1"})
    assert deserialize(Signer(b"another key"), frames) is None
    split = frames.index(DELIMITER)
    frames[split + 1] = b""
    with caplog.at_level(logging.WARNING, logger="tuinb.kernel.wire"):
        assert deserialize(Signer(KEY), frames) is None
    assert "unsigned" in caplog.text


def test_malformed_frames_are_dropped() -> None:
    signer = Signer(KEY)
    assert deserialize(signer, [b"no delimiter", b"x"]) is None
    assert deserialize(signer, [DELIMITER, b"sig", b"{}"]) is None
    parts = [b"[]", b"{}", b"{}", b"{}"]
    assert deserialize(signer, [DELIMITER, signer.sign(parts), *parts]) is None


def test_empty_key_means_no_signing() -> None:
    signer = Signer(b"")
    frames = serialize(signer, WireMessage(make_header("x", "s"), {}, {}, {}))
    assert frames[frames.index(DELIMITER) + 1] == b""
    assert deserialize(signer, frames) is not None


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(WireError, match="hmac-sha256"):
        Signer(KEY, "rsa-sha1")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(content=st.dictionaries(st.text(), _json, max_size=5), flip=st.integers(min_value=0))
@settings(max_examples=60, deadline=None)
def test_round_trip_and_any_flipped_byte_is_rejected(content: dict[str, Any], flip: int) -> None:
    signer = Signer(KEY)
    frames = serialize(signer, WireMessage(make_header("x", "s"), {}, {}, content))
    parsed = deserialize(signer, frames)
    assert parsed is not None
    assert parsed.content == content
    split = frames.index(DELIMITER)
    target = split + 2 + flip % 4  # one of header, parent, metadata, content
    data = bytearray(frames[target])
    data[flip % len(data)] ^= 0x01
    frames[target] = bytes(data)
    assert deserialize(signer, frames) is None
