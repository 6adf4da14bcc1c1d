"""Kernel messages on a Jupyter server's websocket: the v1 binary framing and the JSON one.

**v1** (`v1.kernel.websocket.jupyter.org`, jupyter_server 2 and JupyterLab 4):
one binary websocket message is

    n (8 bytes, little-endian)  offsets[0..n-1] (8 bytes each)
    channel | header | parent_header | metadata | content | buffer...

where `offsets[0]` is where the channel name starts and each later offset
where the next part starts (the last is the end of the last part), so `n` is
the number of parts + 2. The four dicts are UTF-8 JSON, exactly the frames a
kernel sends on zmq (the server signs and checks them; we never see the key).

**JSON** (servers that do not offer v1): a text message holding the message
dict with a `channel` key; a message with binary buffers is a binary
websocket message instead: a 4-byte big-endian count, that many 4-byte
offsets (the JSON first, then each buffer), then the parts.

Malformed input is dropped (None) and logged, never acted on.
"""

from __future__ import annotations

import json
import logging
import struct
from typing import Any

from tuinb.kernel.wire import WireMessage, pack, unpack

log = logging.getLogger(__name__)

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
"""The websocket subprotocol name of the v1 framing."""

_CHANNELS = frozenset({"shell", "iopub", "stdin", "control"})


def _wire(parts: list[Any], buffers: list[bytes]) -> WireMessage | None:
    header, parent, metadata, content = parts
    if not all(isinstance(d, dict) for d in (header, parent, metadata, content)):
        return None
    if not isinstance(header.get("msg_type"), str):
        return None
    return WireMessage(header, parent, metadata, content, buffers)


# ---------------------------------------------------------------- v1


def encode_v1(channel: str, message: WireMessage) -> bytes:
    """The v1 binary websocket message for `message` on `channel`."""
    parts = [
        channel.encode("utf-8"),
        pack(message.header),
        pack(message.parent_header),
        pack(message.metadata),
        pack(message.content),
        *(bytes(b) for b in message.buffers),
    ]
    count = len(parts) + 1
    offsets = [8 * (count + 1)]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    return b"".join([struct.pack(f"<{count + 1}Q", count, *offsets), *parts])


def decode_v1(data: bytes) -> tuple[str, WireMessage] | None:
    """(channel, message) from a v1 binary websocket message; None if malformed."""
    try:
        (count,) = struct.unpack_from("<Q", data)
        if not 6 <= count <= 1 + (len(data) - 8) // 8:
            raise ValueError("bad offset count")
        offsets = struct.unpack_from(f"<{count}Q", data, 8)
        if offsets[0] != 8 * (count + 1) or list(offsets) != sorted(offsets):
            raise ValueError("bad offsets")
        if offsets[-1] != len(data):
            raise ValueError("length mismatch")
        pieces = [data[offsets[i] : offsets[i + 1]] for i in range(count - 1)]
        channel = pieces[0].decode("utf-8")
        dicts = [unpack(p) for p in pieces[1:5]]
    except (struct.error, ValueError, UnicodeDecodeError) as exc:
        log.warning("dropped a malformed websocket message (%s)", exc)
        return None
    message = _wire(dicts, [bytes(p) for p in pieces[5:]])
    if message is None or channel not in _CHANNELS:
        log.warning("dropped a websocket message that is not a kernel message")
        return None
    return channel, message


# ---------------------------------------------------------------- JSON


def encode_json(channel: str, message: WireMessage) -> str | bytes:
    """The JSON websocket message (binary if it has buffers) for `message` on `channel`."""
    body = {
        "channel": channel,
        "header": message.header,
        "parent_header": message.parent_header,
        "metadata": message.metadata,
        "content": message.content,
    }
    if not message.buffers:
        return json.dumps(body, ensure_ascii=False, default=str)
    parts = [pack({**body, "buffers": []}), *(bytes(b) for b in message.buffers)]
    offsets = [4 * (len(parts) + 1)]
    for part in parts[:-1]:
        offsets.append(offsets[-1] + len(part))
    return b"".join([struct.pack(f"!{len(parts) + 1}I", len(parts), *offsets), *parts])


def decode_json(data: str | bytes) -> tuple[str, WireMessage] | None:
    """(channel, message) from a JSON-protocol websocket message; None if malformed."""
    buffers: list[bytes] = []
    try:
        if isinstance(data, bytes):
            (count,) = struct.unpack_from("!I", data)
            offsets = [*struct.unpack_from(f"!{count}I", data, 4), len(data)]
            pieces = [data[offsets[i] : offsets[i + 1]] for i in range(count)]
            body = unpack(pieces[0])
            buffers = [bytes(p) for p in pieces[1:]]
        else:
            body = json.loads(data)
        if not isinstance(body, dict):
            raise ValueError("not an object")
        channel = body.get("channel")
        parts = [body.get(k) for k in ("header", "parent_header", "metadata", "content")]
        parts[2] = parts[2] or {}
        parts[1] = parts[1] or {}
    except (struct.error, ValueError, IndexError, UnicodeDecodeError) as exc:
        log.warning("dropped a malformed websocket message (%s)", exc)
        return None
    message = _wire(parts, buffers)
    if message is None or channel not in _CHANNELS:
        log.warning("dropped a websocket message that is not a kernel message")
        return None
    return str(channel), message
