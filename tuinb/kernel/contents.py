"""Typed contents of Jupyter messages (messaging spec 5.x), one dataclass per msg_type.

Field names are the spec's; every field has a default so that parsing never
fails. `tuinb.kernel.messages` re-exports all of them. They are plain (not
frozen) dataclasses only because that halves their import cost; treat them as
read-only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass
class Content:
    """Base of every typed content; `msg_type` names the message type it parses."""

    msg_type: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready content dict."""
        return dataclasses.asdict(self)


# ---------------------------------------------------------------- iopub


@dataclass
class Stream(Content):
    """Text written to stdout/stderr."""

    msg_type: ClassVar[str] = "stream"
    name: str = "stdout"
    text: str = ""


@dataclass
class DisplayData(Content):
    """A rich output; `transient` may carry a `display_id`."""

    msg_type: ClassVar[str] = "display_data"
    data: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    transient: dict[str, Any] = field(default_factory=dict)


@dataclass
class UpdateDisplayData(Content):
    """Replaces every output shown earlier with the same `transient.display_id`."""

    msg_type: ClassVar[str] = "update_display_data"
    data: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    transient: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExecuteResult(Content):
    """The value of the last expression of a cell."""

    msg_type: ClassVar[str] = "execute_result"
    execution_count: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    transient: dict[str, Any] = field(default_factory=dict)


@dataclass
class Error(Content):
    """An exception raised by executed code."""

    msg_type: ClassVar[str] = "error"
    ename: str = ""
    evalue: str = ""
    traceback: list[str] = field(default_factory=list)


@dataclass
class Status(Content):
    """The kernel's execution state: `starting`, `busy` or `idle`."""

    msg_type: ClassVar[str] = "status"
    execution_state: str = ""


@dataclass
class ExecuteInput(Content):
    """The code the kernel is about to run (re-broadcast to every frontend)."""

    msg_type: ClassVar[str] = "execute_input"
    code: str = ""
    execution_count: int | None = None


@dataclass
class ClearOutput(Content):
    """Clear the cell's outputs (at the next output when `wait`)."""

    msg_type: ClassVar[str] = "clear_output"
    wait: bool = False


@dataclass
class IopubWelcome(Content):
    """Sent by ipykernel 7 to the first iopub subscriber (XPUB welcome)."""

    msg_type: ClassVar[str] = "iopub_welcome"


@dataclass
class DebugEvent(Content):
    """A debugger event (DAP) on iopub."""

    msg_type: ClassVar[str] = "debug_event"
    seq: int = 0
    type: str = "event"
    event: str = ""
    body: dict[str, Any] = field(default_factory=dict)


@dataclass
class CommOpen(Content):
    """A comm (widget channel) opened, in either direction."""

    msg_type: ClassVar[str] = "comm_open"
    comm_id: str = ""
    target_name: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    target_module: str | None = None


@dataclass
class CommMsg(Content):
    """A message on an open comm, in either direction."""

    msg_type: ClassVar[str] = "comm_msg"
    comm_id: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class CommClose(Content):
    """A comm closed, in either direction."""

    msg_type: ClassVar[str] = "comm_close"
    comm_id: str = ""
    data: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- stdin


@dataclass
class InputRequest(Content):
    """The kernel asks the frontend for a line of input (`input()`, `getpass`)."""

    msg_type: ClassVar[str] = "input_request"
    prompt: str = ""
    password: bool = False


@dataclass
class InputReply(Content):
    """The frontend's answer to an `input_request`."""

    msg_type: ClassVar[str] = "input_reply"
    value: str = ""


# ---------------------------------------------------------------- requests


@dataclass
class ExecuteRequest(Content):
    """Run code."""

    msg_type: ClassVar[str] = "execute_request"
    code: str = ""
    silent: bool = False
    store_history: bool = True
    user_expressions: dict[str, str] = field(default_factory=dict)
    allow_stdin: bool = True
    stop_on_error: bool = True


@dataclass
class CompleteRequest(Content):
    """Ask for completions at `cursor_pos` (in unicode code points)."""

    msg_type: ClassVar[str] = "complete_request"
    code: str = ""
    cursor_pos: int = 0


@dataclass
class InspectRequest(Content):
    """Ask for documentation of the object at `cursor_pos`."""

    msg_type: ClassVar[str] = "inspect_request"
    code: str = ""
    cursor_pos: int = 0
    detail_level: int = 0


@dataclass
class IsCompleteRequest(Content):
    """Ask whether `code` is a complete statement."""

    msg_type: ClassVar[str] = "is_complete_request"
    code: str = ""


@dataclass
class HistoryRequest(Content):
    """Ask for input history (`hist_access_type`: range, tail or search)."""

    msg_type: ClassVar[str] = "history_request"
    output: bool = False
    raw: bool = True
    hist_access_type: str = "tail"
    session: int = 0
    start: int = 0
    stop: int = 0
    n: int = 10
    pattern: str = ""
    unique: bool = False


@dataclass
class KernelInfoRequest(Content):
    """Ask the kernel who it is (also the readiness handshake)."""

    msg_type: ClassVar[str] = "kernel_info_request"


@dataclass
class CommInfoRequest(Content):
    """Ask for the open comms (optionally of one target)."""

    msg_type: ClassVar[str] = "comm_info_request"
    target_name: str | None = None


@dataclass
class ShutdownRequest(Content):
    """Ask the kernel to exit (on control)."""

    msg_type: ClassVar[str] = "shutdown_request"
    restart: bool = False


@dataclass
class InterruptRequest(Content):
    """Interrupt the running code (on control; for `interrupt_mode: message`)."""

    msg_type: ClassVar[str] = "interrupt_request"


# ---------------------------------------------------------------- replies


@dataclass
class ExecuteReply(Content):
    """The end of an `execute_request` on shell (outputs may still be on iopub)."""

    msg_type: ClassVar[str] = "execute_reply"
    status: str = "ok"
    execution_count: int | None = None
    ename: str | None = None
    evalue: str | None = None
    traceback: list[str] | None = None
    payload: list[dict[str, Any]] = field(default_factory=list)
    user_expressions: dict[str, Any] = field(default_factory=dict)


@dataclass
class KernelInfoReply(Content):
    """Who the kernel is: protocol version, implementation, language."""

    msg_type: ClassVar[str] = "kernel_info_reply"
    status: str = "ok"
    protocol_version: str = ""
    implementation: str = ""
    implementation_version: str = ""
    language_info: dict[str, Any] = field(default_factory=dict)
    banner: str = ""
    debugger: bool = False
    help_links: list[dict[str, str]] = field(default_factory=list)


@dataclass
class CompleteReply(Content):
    """Completions for the text between `cursor_start` and `cursor_end`."""

    msg_type: ClassVar[str] = "complete_reply"
    status: str = "ok"
    matches: list[str] = field(default_factory=list)
    cursor_start: int = 0
    cursor_end: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class InspectReply(Content):
    """Documentation as a MIME bundle (`found` False when there is none)."""

    msg_type: ClassVar[str] = "inspect_reply"
    status: str = "ok"
    found: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class IsCompleteReply(Content):
    """`status`: complete, incomplete (with `indent`), invalid or unknown."""

    msg_type: ClassVar[str] = "is_complete_reply"
    status: str = "unknown"
    indent: str = ""


@dataclass
class HistoryReply(Content):
    """History entries: (session, line, input) or (session, line, (input, output))."""

    msg_type: ClassVar[str] = "history_reply"
    status: str = "ok"
    history: list[Any] = field(default_factory=list)


@dataclass
class CommInfoReply(Content):
    """Open comms: `{comm_id: {"target_name": ...}}`."""

    msg_type: ClassVar[str] = "comm_info_reply"
    status: str = "ok"
    comms: dict[str, Any] = field(default_factory=dict)


@dataclass
class ShutdownReply(Content):
    """The kernel acknowledges a `shutdown_request`."""

    msg_type: ClassVar[str] = "shutdown_reply"
    status: str = "ok"
    restart: bool = False


@dataclass
class InterruptReply(Content):
    """The kernel acknowledges an `interrupt_request`."""

    msg_type: ClassVar[str] = "interrupt_reply"
    status: str = "ok"


@dataclass
class Unknown(Content):
    """Any message type without a typed class; the content dict is kept as is."""

    msg_type: str = ""  # type: ignore[misc]  # an instance field here, a ClassVar elsewhere
    content: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The original content dict."""
        return dict(self.content)
