"""The client against our scripted kernel: what ipykernel will not send on demand."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.kernel_support import (
    collect_until_idle,
    kernel_env,
    running_kernel,
    spec_from_folder,
    within,
    write_scripted_spec,
)
from tuinb.kernel.manager import KernelManager
from tuinb.kernel.messages import (
    ClearOutput,
    DisplayData,
    Error,
    ExecuteReply,
    KernelInfoReply,
    Stream,
    Unknown,
    UpdateDisplayData,
)

pytestmark = [pytest.mark.kernel, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def scripted(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[KernelManager]:
    """One scripted kernel for the module."""
    root = tmp_path_factory.mktemp("scripted")
    with kernel_env(root):
        async with running_kernel(spec_from_folder(write_scripted_spec(root))) as manager:
            yield manager


async def test_forged_reply_is_dropped(scripted: KernelManager) -> None:
    reply = await scripted.client.kernel_info()
    assert isinstance(reply.content, KernelInfoReply)
    assert reply.content.implementation == "scripted"


async def test_badly_signed_output_is_dropped_and_logged(
    scripted: KernelManager, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tuinb.kernel.wire"):
        msg_id = await scripted.client.execute("bad_signature")
        messages = await collect_until_idle(scripted, msg_id)
    texts = [m.content.text for m in messages if isinstance(m.content, Stream)]
    assert texts == ["genuine\n"]
    assert "wrongly signed iopub message" in caplog.text


async def test_unknown_message_type_keeps_its_content(scripted: KernelManager) -> None:
    msg_id = await scripted.client.execute("unknown")
    messages = await collect_until_idle(scripted, msg_id)
    custom = next(m for m in messages if m.msg_type == "custom_thing")
    assert custom.content == Unknown(
        msg_type="custom_thing", content={"x": 1, "nested": {"y": [2]}}
    )


async def test_reply_sent_before_outputs_loses_nothing(scripted: KernelManager) -> None:
    msg_id = await scripted.client.execute("out_of_order")
    messages = await collect_until_idle(scripted, msg_id)
    # shell and iopub are separate sockets: whatever order they arrive in,
    # the execution ends only with both the reply and idle, and nothing is lost
    types = sorted(m.msg_type for m in messages)
    assert types == ["execute_reply", "status", "status", "stream"]
    reply = next(m.content for m in messages if isinstance(m.content, ExecuteReply))
    assert reply.status == "ok"


async def test_huge_message(scripted: KernelManager) -> None:
    msg_id = await scripted.client.execute("huge")
    messages = await collect_until_idle(scripted, msg_id)
    text = "".join(m.content.text for m in messages if isinstance(m.content, Stream))
    assert len(text) == 6 * 1024 * 1024
    assert text.endswith("x\n")


async def test_clear_output_wait(scripted: KernelManager) -> None:
    msg_id = await scripted.client.execute("clear_output")
    messages = await collect_until_idle(scripted, msg_id)
    outputs = [
        m.content
        for m in messages
        if m.channel == "iopub" and m.msg_type not in ("status", "execute_input")
    ]
    assert outputs == [
        DisplayData(data={"text/plain": "a"}),
        ClearOutput(wait=True),
        DisplayData(data={"text/plain": "b"}),
    ]


async def test_display_id_update(scripted: KernelManager) -> None:
    msg_id = await scripted.client.execute("display_update")
    messages = await collect_until_idle(scripted, msg_id)
    shown = next(m.content for m in messages if isinstance(m.content, DisplayData))
    update = next(m.content for m in messages if isinstance(m.content, UpdateDisplayData))
    assert shown.transient == update.transient == {"display_id": "d1"}
    assert update.data == {"text/plain": "second"}


async def test_generic_requests_get_replies(scripted: KernelManager) -> None:
    assert (await scripted.client.comm_info()).msg_type == "comm_info_reply"
    assert (await scripted.client.is_complete("x")).msg_type == "is_complete_reply"


async def test_interrupt_message_mode(tmp_path: Path) -> None:
    spec = spec_from_folder(write_scripted_spec(tmp_path, "scripted-fresh"))
    assert spec.interrupt_mode == "message"
    async with running_kernel(spec) as manager:
        msg_id = await manager.client.execute("sleep")
        await manager.interrupt()
        async with within(10, "the interrupted command to finish"):
            messages = await collect_until_idle(manager, msg_id)
        error = next(m.content for m in messages if isinstance(m.content, Error))
        assert error.ename == "KeyboardInterrupt"
        assert manager.is_alive
