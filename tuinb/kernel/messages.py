"""Typed Jupyter messages (messaging spec 5.x): headers, one dataclass per content type.

Field names are the spec's. Parsing never fails: missing fields get their
defaults, extra fields are ignored, and a message type we do not know becomes
`Unknown`, which keeps the content dict.
"""

from __future__ import annotations

import dataclasses
import getpass
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tuinb.kernel.contents import (
    ClearOutput,
    CommClose,
    CommInfoReply,
    CommInfoRequest,
    CommMsg,
    CommOpen,
    CompleteReply,
    CompleteRequest,
    Content,
    DebugEvent,
    DisplayData,
    Error,
    ExecuteInput,
    ExecuteReply,
    ExecuteRequest,
    ExecuteResult,
    HistoryReply,
    HistoryRequest,
    InputReply,
    InputRequest,
    InspectReply,
    InspectRequest,
    InterruptReply,
    InterruptRequest,
    IopubWelcome,
    IsCompleteReply,
    IsCompleteRequest,
    KernelInfoReply,
    KernelInfoRequest,
    ShutdownReply,
    ShutdownRequest,
    Status,
    Stream,
    Unknown,
    UpdateDisplayData,
)

PROTOCOL_VERSION = "5.3"
"""The messaging protocol version tuinb speaks (5.3 is what ipykernel 6/7 announce)."""


CONTENT_TYPES: dict[str, type[Content]] = {
    cls.msg_type: cls
    for cls in (
        Stream, DisplayData, UpdateDisplayData, ExecuteResult, Error, Status, ExecuteInput,
        ClearOutput, IopubWelcome, DebugEvent, CommOpen, CommMsg, CommClose, InputRequest,
        InputReply, ExecuteRequest, CompleteRequest, InspectRequest, IsCompleteRequest,
        HistoryRequest, KernelInfoRequest, CommInfoRequest, ShutdownRequest, InterruptRequest,
        ExecuteReply, KernelInfoReply, CompleteReply, InspectReply, IsCompleteReply,
        HistoryReply, CommInfoReply, ShutdownReply, InterruptReply,
    )
}  # fmt: skip
"""msg_type -> content class, for parsing."""

__all__ = [
    "CONTENT_TYPES",
    "PROTOCOL_VERSION",
    "ClearOutput",
    "CommClose",
    "CommInfoReply",
    "CommInfoRequest",
    "CommMsg",
    "CommOpen",
    "CompleteReply",
    "CompleteRequest",
    "Content",
    "DebugEvent",
    "DisplayData",
    "Error",
    "ExecuteInput",
    "ExecuteReply",
    "ExecuteRequest",
    "ExecuteResult",
    "HistoryReply",
    "HistoryRequest",
    "InputReply",
    "InputRequest",
    "InspectReply",
    "InspectRequest",
    "InterruptReply",
    "InterruptRequest",
    "IopubWelcome",
    "IsCompleteReply",
    "IsCompleteRequest",
    "KernelInfoReply",
    "KernelInfoRequest",
    "Message",
    "ShutdownReply",
    "ShutdownRequest",
    "Status",
    "Stream",
    "Unknown",
    "UpdateDisplayData",
    "make_header",
    "parse_content",
]

_FIELDS: dict[type[Content], frozenset[str]] = {
    cls: frozenset(f.name for f in dataclasses.fields(cls)) for cls in CONTENT_TYPES.values()
}
_NOT_NULL: dict[type[Content], frozenset[str]] = {
    cls: frozenset(f.name for f in dataclasses.fields(cls) if f.default is not None)
    for cls in CONTENT_TYPES.values()
}


def parse_content(msg_type: str, content: dict[str, Any]) -> Content:
    """The typed content for `msg_type`, or `Unknown` keeping the dict.

    A `null` where the spec has no null (`"transient": null`) gets the default.
    """
    cls = CONTENT_TYPES.get(msg_type)
    if cls is None:
        return Unknown(msg_type=msg_type, content=dict(content))
    names, not_null = _FIELDS[cls], _NOT_NULL[cls]
    return cls(
        **{k: v for k, v in content.items() if k in names and (v is not None or k not in not_null)}
    )


@dataclass(frozen=True)
class Message:
    """One received (or sent) Jupyter message with typed content."""

    channel: str
    """`shell`, `iopub`, `stdin` or `control`."""
    header: dict[str, Any]
    """msg_id, session, username, date, msg_type, version."""
    parent_header: dict[str, Any]
    """The header of the request this message answers (empty if none)."""
    metadata: dict[str, Any]
    content: Content
    """A typed dataclass per msg_type, or `Unknown`."""
    buffers: list[bytes] = field(default_factory=list)

    @property
    def msg_type(self) -> str:
        """The header's msg_type."""
        return str(self.header.get("msg_type", ""))

    @property
    def msg_id(self) -> str:
        """The header's msg_id."""
        return str(self.header.get("msg_id", ""))

    @property
    def parent_id(self) -> str | None:
        """The msg_id of the request this answers, or None."""
        value = self.parent_header.get("msg_id")
        return str(value) if value else None


def default_username() -> str:
    """The login name for message headers (`tuinb` when there is none)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no passwd entry (containers)
        return "tuinb"


def make_header(msg_type: str, session: str, *, username: str | None = None) -> dict[str, Any]:
    """A fresh header: uuid msg_id, ISO 8601 UTC date with timezone, protocol version."""
    return {
        "msg_id": uuid.uuid4().hex,
        "session": session,
        "username": username if username is not None else default_username(),
        "date": datetime.now(UTC).isoformat(),
        "msg_type": msg_type,
        "version": PROTOCOL_VERSION,
    }
