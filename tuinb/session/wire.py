"""The session socket's framing: length-prefixed JSON, and the version handshake.

Each message is a JSON object (its kind in ``"t"``) sent as a 4-byte
big-endian length and that many bytes of UTF-8 JSON. Length-prefixed rather
than one JSON text per line: a reader takes a whole message with two exact
reads and never scans megabytes of output text for a newline, and a message
can hold any text. JSON is written with ``ensure_ascii`` (the default) so a
lone surrogate from a kernel's output cannot make a message unencodable.

A message that is not a JSON object with a string ``"t"``, or longer than
`MAX_FRAME`, is a `ProtocolError`: the reader logs it and closes that
connection (the host keeps running).
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

from tuinb import __version__

PROTOCOL = 1
"""Bumped when messages change meaning; a client and host must agree on it and the version."""
MAX_FRAME = 1 << 30
"""Largest message accepted (1 GiB): a notebook with huge outputs fits; garbage does not."""
_HEADER = struct.Struct(">I")
HEADER_SIZE = _HEADER.size


class ProtocolError(Exception):
    """A malformed message, or a peer that speaks another version; str() is one sentence."""


def encode(message: dict[str, Any]) -> bytes:
    """One framed message."""
    body = json.dumps(message, separators=(",", ":")).encode("ascii")
    return _HEADER.pack(len(body)) + body


def frame_length(header: bytes) -> int:
    """The body length announced by a 4-byte header; ProtocolError if it is too long."""
    (length,) = _HEADER.unpack(header)
    if length > MAX_FRAME:
        raise ProtocolError(f"a message announced {length} bytes, more than the limit")
    return int(length)


def decode(body: bytes) -> dict[str, Any]:
    """The message in one frame body; ProtocolError if it is not a message."""
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        raise ProtocolError(f"a message is not JSON ({err})") from None
    if not isinstance(message, dict) or not isinstance(message.get("t"), str):
        raise ProtocolError("a message is not a JSON object with a type")
    return message


def hello(role: str, **fields: Any) -> dict[str, Any]:
    """The client's first message: who it is and what it wants (attach, query, control)."""
    return {"t": "hello", "version": __version__, "protocol": PROTOCOL, "role": role, **fields}


def stamped(message: dict[str, Any]) -> dict[str, Any]:
    """A host's answer with its version and protocol (the client checks them too)."""
    return {**message, "version": __version__, "protocol": PROTOCOL}


def version_refusal(session: Any, client: Any, protocol: Any = PROTOCOL) -> str | None:
    """The sentence refusing a client and host of different tuinb versions; None if they match.

    `session` is the host's version, `client` the client's, `protocol` the
    peer's protocol number.
    """
    if session == client and protocol == PROTOCOL:
        return None
    return (
        f"This notebook's session runs tuinb {session} and this is tuinb {client}: "
        "use the same tuinb for both, or end the session with `tuinb sessions --stop`."
    )


# -- blocking sockets (the CLI and the editor's synchronous attach) -----------------


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = sock.recv_into(view[got:], size - got)
        if count == 0:
            raise ConnectionError("the session closed the connection")
        got += count
    return bytes(buffer)


def recv_message(sock: socket.socket) -> dict[str, Any]:
    """Read exactly one message from a blocking socket (nothing after it is consumed)."""
    return decode(_recv_exact(sock, frame_length(_recv_exact(sock, HEADER_SIZE))))


def send_message(sock: socket.socket, message: dict[str, Any]) -> None:
    """Write one message to a blocking socket."""
    sock.sendall(encode(message))
