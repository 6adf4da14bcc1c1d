"""Our websocket framings, checked against jupyter_server's own serializers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jupyter_server.services.kernels.connection import base as _server_framing

from tuinb.kernel.wire import WireMessage, pack
from tuinb.server.framing import decode_json, decode_v1, encode_json, encode_v1

server: Any = _server_framing  # untyped library, used as the oracle


def message(buffers: list[bytes] | None = None) -> WireMessage:
    return WireMessage(
        {
            "msg_id": "m1",
            "msg_type": "execute_request",
            "session": "s",
            "date": "2026-01-01T00:00:00Z",
        },
        {"msg_id": "p0"},
        {"cell": "ünïcode"},
        {"code": "print('é')", "silent": False},
        buffers or [],
    )


@pytest.mark.parametrize("buffers", [[], [b"\x00\x01binary", b"", b"x" * 70_000]])
def test_v1_frames_are_what_the_server_reads_and_writes(buffers: list[bytes]) -> None:
    sent = message(buffers)
    channel, parts = server.deserialize_msg_from_ws_v1(encode_v1("shell", sent))
    assert channel == "shell"
    assert [json.loads(p) for p in parts[:4]] == [
        sent.header, sent.parent_header, sent.metadata, sent.content
    ]  # fmt: skip
    assert parts[4:] == buffers
    # what the server sends (zmq frames after the signature) decodes to the same message
    frames = [pack(sent.header), pack(sent.parent_header), pack(sent.metadata), pack(sent.content)]
    decoded = decode_v1(server.serialize_msg_to_ws_v1([*frames, *buffers], "iopub"))
    assert decoded is not None
    assert decoded[0] == "iopub"
    assert decoded[1].content == sent.content
    assert decoded[1].buffers == buffers


def test_v1_frames_the_server_makes_itself_decode() -> None:
    msg = {
        "header": {"msg_type": "status"},
        "parent_header": {},
        "metadata": {},
        "content": {"execution_state": "restarting"},
    }
    decoded = decode_v1(
        server.serialize_msg_to_ws_v1(msg, "iopub", lambda d: json.dumps(d).encode())
    )
    assert decoded is not None
    assert decoded[1].content == {"execution_state": "restarting"}


@pytest.mark.parametrize(
    "garbage", [b"", b"\x01" * 7, b"\xff" * 64, (3).to_bytes(8, "little") + b"\x00" * 24]
)
def test_malformed_v1_frames_are_dropped(garbage: bytes) -> None:
    assert decode_v1(garbage) is None


def test_json_messages_with_buffers_use_the_server_s_binary_layout() -> None:
    sent = message([b"abc", b"\x00" * 10])
    encoded = encode_json("shell", sent)
    assert isinstance(encoded, bytes)
    read = server.deserialize_binary_message(encoded)
    assert read["channel"] == "shell"
    assert read["content"] == sent.content
    assert read["buffers"] == [b"abc", b"\x00" * 10]
    back = server.serialize_binary_message({**read, "buffers": [b"xyz"]})
    decoded = decode_json(back)
    assert decoded is not None
    assert decoded[1].buffers == [b"xyz"]
    assert decoded[1].content == sent.content


def test_plain_json_messages_round_trip() -> None:
    encoded = encode_json("stdin", message())
    assert isinstance(encoded, str)
    decoded = decode_json(encoded)
    assert decoded is not None
    assert decoded == ("stdin", message())
    assert decode_json("[1, 2]") is None
    assert decode_json('{"channel": "nowhere", "header": {"msg_type": "x"}}') is None
