"""The Jupyter wire format: multipart zmq frames, `<IDS|MSG>`, HMAC signatures.

A message on the wire is::

    [identity..., b"<IDS|MSG>", signature, header, parent_header, metadata,
     content, buffer...]

where the four dicts are UTF-8 JSON and `signature` is the hex HMAC of those
four frames with the connection file's key and `signature_scheme`. A frame
whose signature does not verify is dropped and logged, never acted on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

DELIMITER = b"<IDS|MSG>"
"""The frame separating zmq routing identities from the message."""


class WireError(ValueError):
    """A signature scheme that cannot be used, or a frame that cannot be packed."""


class Signer:
    """Signs and verifies messages with one key and one `hmac-<digest>` scheme.

    An empty key means "no authentication" (as in the spec): the signature is
    empty and every message verifies.
    """

    def __init__(self, key: bytes, scheme: str = "hmac-sha256") -> None:
        prefix, _, digest = scheme.partition("-")
        if prefix != "hmac" or digest not in hashlib.algorithms_available:
            raise WireError(f"The signature scheme {scheme!r} is not supported; use hmac-sha256.")
        self.key = key
        """The shared secret from the connection file (bytes)."""
        self.scheme = scheme
        """The connection file's `signature_scheme`, e.g. `hmac-sha256`."""
        self._digest = digest

    def sign(self, parts: Sequence[bytes]) -> bytes:
        """The hex signature of the header, parent, metadata and content frames."""
        if not self.key:
            return b""
        mac = hmac.new(self.key, digestmod=self._digest)
        for part in parts:
            mac.update(part)
        return mac.hexdigest().encode("ascii")

    def verify(self, signature: bytes, parts: Sequence[bytes]) -> bool:
        """True when `signature` is the right one for `parts` (constant-time compare)."""
        if not self.key:
            return True
        return hmac.compare_digest(signature, self.sign(parts))


def pack(obj: Any) -> bytes:
    """JSON-encode one message part the way Jupyter does (UTF-8, no ASCII escaping)."""
    try:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str).encode(
            "utf-8", errors="surrogateescape"
        )
    except ValueError as exc:
        raise WireError(f"A message part could not be encoded as JSON: {exc}.") from exc


def unpack(data: bytes) -> Any:
    """Decode one JSON message part."""
    return json.loads(data)


@dataclass(frozen=True)
class WireMessage:
    """A message between the wire and the typed layer: four dicts and the buffers."""

    header: dict[str, Any]
    parent_header: dict[str, Any]
    metadata: dict[str, Any]
    content: dict[str, Any]
    buffers: list[bytes] = field(default_factory=list)
    identities: list[bytes] = field(default_factory=list)


def serialize(
    signer: Signer,
    message: WireMessage,
) -> list[bytes]:
    """The frames to send for `message` (its identities first, then the signed parts)."""
    parts = [
        pack(message.header),
        pack(message.parent_header),
        pack(message.metadata),
        pack(message.content),
    ]
    return [
        *message.identities,
        DELIMITER,
        signer.sign(parts),
        *parts,
        *(bytes(b) for b in message.buffers),
    ]


def deserialize(
    signer: Signer, frames: Sequence[bytes], *, channel: str = "?"
) -> WireMessage | None:
    """Parse and verify received frames; None (and a log line) when they must be dropped."""
    frames = list(frames)
    try:
        split = frames.index(DELIMITER)
    except ValueError:
        log.warning("dropped a %s message without the <IDS|MSG> delimiter", channel)
        return None
    identities, rest = frames[:split], frames[split + 1 :]
    if len(rest) < 5:
        log.warning("dropped a %s message with %d frames after the delimiter", channel, len(rest))
        return None
    signature, parts, buffers = rest[0], rest[1:5], rest[5:]
    if not signer.verify(signature, parts):
        what = "an unsigned" if not signature else "a wrongly signed"
        log.warning("dropped %s %s message (bad HMAC signature)", what, channel)
        return None
    try:
        header, parent, metadata, content = (unpack(p) for p in parts)
    except ValueError:
        log.warning("dropped a %s message whose parts are not valid JSON", channel)
        return None
    if not all(isinstance(d, dict) for d in (header, parent, metadata, content)):
        log.warning("dropped a %s message whose parts are not JSON objects", channel)
        return None
    if not isinstance(header.get("msg_type"), str):
        log.warning("dropped a %s message without a msg_type", channel)
        return None
    return WireMessage(header, parent, metadata, content, list(buffers), identities)
