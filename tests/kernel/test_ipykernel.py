"""Our client and manager against a real ipykernel (one shared kernel, read-only requests)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.kernel_support import (
    collect_until_idle,
    kernel_env,
    next_message,
    running_kernel,
    spec_from_folder,
    within,
    write_ipykernel_spec,
)
from tuinb.kernel.client import KernelClient
from tuinb.kernel.connection import read_connection_file
from tuinb.kernel.errors import KernelTimeoutError
from tuinb.kernel.kernelspec import get_kernel_spec
from tuinb.kernel.manager import KernelManager
from tuinb.kernel.messages import (
    CommInfoReply,
    CompleteReply,
    DisplayData,
    Error,
    ExecuteReply,
    ExecuteResult,
    HistoryReply,
    InputRequest,
    InspectReply,
    IsCompleteReply,
    KernelInfoReply,
    Stream,
)

pytestmark = [pytest.mark.kernel, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def kernel(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[KernelManager]:
    """One ipykernel for the module, started from a spec in a temporary JUPYTER_PATH."""
    root = tmp_path_factory.mktemp("jupyter")
    write_ipykernel_spec(root)
    with kernel_env(root):
        spec = get_kernel_spec("tuinb-test-python")
        assert spec.resource_dir == root / "kernels" / "tuinb-test-python"
        async with running_kernel(spec) as manager:
            yield manager


async def test_kernel_info(kernel: KernelManager) -> None:
    reply = await kernel.client.kernel_info()
    assert isinstance(reply.content, KernelInfoReply)
    assert reply.content.language_info["name"] == "python"
    assert reply.content.protocol_version.startswith("5.")
    assert reply.channel == "shell"
    assert kernel.connection_file is not None
    assert kernel.connection_file.exists()


async def test_execute_stream_display_result(kernel: KernelManager) -> None:
    code = (
        "from IPython.display import display\n"
        "print('out'); import sys; print('err', file=sys.stderr)\n"
        "display({'text/plain': 'shown'}, raw=True)\n"
        "6 * 7"
    )
    msg_id = await kernel.client.execute(code)
    messages = await collect_until_idle(kernel, msg_id)
    types = [m.msg_type for m in messages]
    assert types[0] == "status"
    assert "execute_input" in types
    streams = [m.content for m in messages if isinstance(m.content, Stream)]
    assert {(s.name, s.text) for s in streams} == {("stdout", "out\n"), ("stderr", "err\n")}
    shown = [m.content for m in messages if isinstance(m.content, DisplayData)]
    assert shown[0].data == {"text/plain": "shown"}
    result = next(m.content for m in messages if isinstance(m.content, ExecuteResult))
    assert result.data["text/plain"] == "42"
    reply = next(m for m in messages if m.msg_type == "execute_reply")
    assert reply.channel == "shell"
    assert isinstance(reply.content, ExecuteReply)
    assert reply.content.status == "ok"
    assert reply.content.execution_count == result.execution_count


async def test_execute_error(kernel: KernelManager) -> None:
    msg_id = await kernel.client.execute("1/0")
    messages = await collect_until_idle(kernel, msg_id)
    error = next(m.content for m in messages if isinstance(m.content, Error))
    assert error.ename == "ZeroDivisionError"
    assert error.traceback
    reply = next(m.content for m in messages if isinstance(m.content, ExecuteReply))
    assert reply.status == "error"
    assert reply.ename == "ZeroDivisionError"


async def test_input_answered_through_stdin(kernel: KernelManager) -> None:
    msg_id = await kernel.client.execute("name = input('who? ')\nprint('hello', name)")
    request = await next_message(
        kernel, lambda m: m.msg_type == "input_request" and m.parent_id == msg_id, "input_request"
    )
    assert request.channel == "stdin"
    assert request.content == InputRequest(prompt="who? ", password=False)
    await kernel.client.input_reply("Ada")
    messages = await collect_until_idle(kernel, msg_id)
    streams = "".join(m.content.text for m in messages if isinstance(m.content, Stream))
    assert "hello Ada" in streams


async def test_complete_inspect_is_complete(kernel: KernelManager) -> None:
    complete = await kernel.client.complete("import collec", 13)
    assert isinstance(complete.content, CompleteReply)
    assert "collections" in complete.content.matches
    assert complete.content.cursor_end == 13
    inspect = await kernel.client.inspect("len", 3)
    assert isinstance(inspect.content, InspectReply)
    assert inspect.content.found
    assert "text/plain" in inspect.content.data
    incomplete = await kernel.client.is_complete("for i in range(3):")
    assert incomplete.content == IsCompleteReply(status="incomplete", indent="    ")
    complete_code = await kernel.client.is_complete("x = 1")
    assert isinstance(complete_code.content, IsCompleteReply)
    assert complete_code.content.status == "complete"


async def test_history_and_comm_info(kernel: KernelManager) -> None:
    msg_id = await kernel.client.execute("history_marker = 1")
    await collect_until_idle(kernel, msg_id)
    history = await kernel.client.history(hist_access_type="tail", n=5)
    assert isinstance(history.content, HistoryReply)
    assert any("history_marker" in str(entry) for entry in history.content.history)
    comms = await kernel.client.comm_info()
    assert isinstance(comms.content, CommInfoReply)
    assert comms.content.status == "ok"


async def test_request_timeout_names_the_request(kernel: KernelManager) -> None:
    msg_id = await kernel.client.execute("import time; time.sleep(1.5)")
    with pytest.raises(KernelTimeoutError, match="complete_request"):
        await kernel.client.complete("x", 1, timeout=0.2)
    await collect_until_idle(kernel, msg_id)
    # the late reply was claimed by nobody and is not on the stream
    assert (await kernel.client.kernel_info()).msg_type == "kernel_info_reply"


async def test_tcp_transport(tmp_path: Path) -> None:
    spec = spec_from_folder(write_ipykernel_spec(tmp_path))
    async with running_kernel(spec, transport="tcp") as manager:
        assert manager.connection_file is not None
        assert '"transport": "tcp"' in manager.connection_file.read_text()
        reply = await manager.client.kernel_info()
        assert isinstance(reply.content, KernelInfoReply)


async def test_concurrent_requests_get_their_own_replies(kernel: KernelManager) -> None:
    client = kernel.client
    complete, inspect, check, info = await asyncio.gather(
        client.complete("import o", 8),
        client.inspect("print", 5),
        client.is_complete("x = (1,"),
        client.kernel_info(),
    )
    assert isinstance(complete.content, CompleteReply)
    assert isinstance(inspect.content, InspectReply)
    assert isinstance(check.content, IsCompleteReply)
    assert check.content.status == "incomplete"
    assert isinstance(info.content, KernelInfoReply)
    ids = {complete.parent_id, inspect.parent_id, check.parent_id, info.parent_id}
    assert len(ids) == 4


async def test_second_client_is_ready_without_iopub_welcome(kernel: KernelManager) -> None:
    assert kernel.connection_file is not None
    second = KernelClient(read_connection_file(kernel.connection_file), kernel_name="second")
    second.start_channels()
    try:
        reply = await second.wait_for_ready(timeout=20)
        assert isinstance(reply.content, KernelInfoReply)
        assert second.session != kernel.client.session
        # iopub is shared: the second client sees the first one's execution
        msg_id = await kernel.client.execute("print('broadcast')")
        async with within(20, "the first client's output on the second client"):
            async for msg in second.messages():
                if msg.parent_id == msg_id and isinstance(msg.content, Stream):
                    assert msg.content.text == "broadcast\n"
                    break
        await collect_until_idle(kernel, msg_id)
    finally:
        await second.close()
    async with within(5, "the closed client's stream to end"):
        leftovers = [m async for m in second.messages()]  # what was queued, then the end
    assert all(m.channel == "iopub" for m in leftovers)
