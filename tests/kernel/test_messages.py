"""Typed contents, the Unknown fallback and headers."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from tuinb.kernel.messages import (
    CONTENT_TYPES,
    ClearOutput,
    DisplayData,
    ExecuteReply,
    ExecuteRequest,
    KernelInfoReply,
    Message,
    Status,
    Stream,
    Unknown,
    make_header,
    parse_content,
)


def test_header_fields() -> None:
    header = make_header("kernel_info_request", "s1", username="me")
    assert header["msg_type"] == "kernel_info_request"
    assert header["session"] == "s1"
    assert header["username"] == "me"
    assert header["version"] in ("5.3", "5.4")
    uuid.UUID(header["msg_id"])
    date = datetime.fromisoformat(header["date"])
    assert date.tzinfo is not None
    assert re.search(r"(\+00:00|Z)$", header["date"])


def test_every_frontend_message_type_is_typed() -> None:
    expected = {
        "stream", "display_data", "update_display_data", "execute_result", "error", "status",
        "execute_input", "clear_output", "input_request", "input_reply", "execute_request",
        "execute_reply", "kernel_info_request", "kernel_info_reply", "complete_request",
        "complete_reply", "inspect_request", "inspect_reply", "is_complete_request",
        "is_complete_reply", "history_request", "history_reply", "comm_info_request",
        "comm_info_reply", "shutdown_request", "shutdown_reply", "interrupt_request",
        "interrupt_reply", "iopub_welcome", "comm_open", "comm_msg", "comm_close",
    }  # fmt: skip
    assert expected <= set(CONTENT_TYPES)


def test_parse_fills_defaults_and_ignores_extras() -> None:
    reply = parse_content("execute_reply", {"status": "error", "ename": "E", "new_field": 1})
    assert reply == ExecuteReply(status="error", ename="E")
    assert parse_content("stream", {"name": "stderr", "text": "x"}) == Stream("stderr", "x")
    assert parse_content("clear_output", {"wait": True}) == ClearOutput(wait=True)
    info = parse_content("kernel_info_reply", {"language_info": {"name": "python"}})
    assert isinstance(info, KernelInfoReply)
    assert info.language_info == {"name": "python"}
    shown = parse_content(
        "display_data", {"data": {"text/plain": "1"}, "transient": {"display_id": "d"}}
    )
    assert isinstance(shown, DisplayData)
    assert shown.transient["display_id"] == "d"


def test_unknown_keeps_the_dict() -> None:
    content = parse_content("custom_thing", {"a": [1, 2], "b": None})
    assert content == Unknown(msg_type="custom_thing", content={"a": [1, 2], "b": None})
    assert content.to_dict() == {"a": [1, 2], "b": None}


def test_request_to_dict_has_spec_fields() -> None:
    assert ExecuteRequest(code="x", allow_stdin=False).to_dict() == {
        "code": "x",
        "silent": False,
        "store_history": True,
        "user_expressions": {},
        "allow_stdin": False,
        "stop_on_error": True,
    }


def test_message_properties() -> None:
    msg = Message(
        channel="iopub",
        header={"msg_id": "m2", "msg_type": "status"},
        parent_header={"msg_id": "m1"},
        metadata={},
        content=Status("idle"),
    )
    assert (msg.msg_type, msg.msg_id, msg.parent_id) == ("status", "m2", "m1")
    orphan = Message("iopub", {"msg_id": "m3", "msg_type": "status"}, {}, {}, Status("busy"))
    assert orphan.parent_id is None
    assert orphan.buffers == []


def test_null_fields_get_their_defaults() -> None:
    shown = parse_content("display_data", {"data": {"text/plain": "x"}, "transient": None})
    assert isinstance(shown, DisplayData)
    assert shown.transient == {}
    reply = parse_content("execute_reply", {"status": "ok", "execution_count": None})
    assert reply == ExecuteReply(status="ok", execution_count=None)
