"""Issue 9, item 7: a kernel counts as started only when every channel is connected.

An `input_request` sent on a stdin socket the kernel's ROUTER does not know
yet is dropped, and `input()` waits for ever (the cause of a CI timeout in
`test_input_is_asked_and_answered`). The scripted kernel here binds its stdin
socket late: the start must wait for it, and `input()` right after works.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.kernel_support import (
    collect_until_idle,
    kernel_env,
    running_kernel,
    spec_from_folder,
    within,
    write_scripted_spec,
)
from tuinb.kernel.errors import KernelStartError
from tuinb.kernel.manager import KernelManager
from tuinb.kernel.messages import Stream

pytestmark = [pytest.mark.kernel]

LATE = 1.0
"""Seconds after the other sockets that the scripted kernel binds its stdin."""


async def test_start_waits_for_every_channel_and_input_works_at_once(tmp_path: Path) -> None:
    folder = write_scripted_spec(tmp_path, env={"SCRIPTED_KERNEL_STDIN_DELAY": str(LATE)})
    with kernel_env(tmp_path):
        began = time.monotonic()
        async with running_kernel(spec_from_folder(folder), start_within=30) as manager:
            took = time.monotonic() - began
            msg_id = await manager.client.execute("input")
            async with within(20, "the input_request on stdin"):
                async for message in manager.client.messages():
                    if message.msg_type == "input_request":
                        break
            await manager.client.input_reply("Ada")
            seen = await collect_until_idle(manager, msg_id, within=20)
    texts = [m.content.text for m in seen if isinstance(m.content, Stream)]
    assert texts == ["got: Ada\n"]
    assert took >= LATE, "started before the stdin channel was connected"


async def test_a_channel_that_never_connects_fails_the_start_in_one_sentence(
    tmp_path: Path,
) -> None:
    folder = write_scripted_spec(tmp_path, env={"SCRIPTED_KERNEL_STDIN_DELAY": "never"})
    with kernel_env(tmp_path):
        manager = KernelManager(spec_from_folder(folder))
        with pytest.raises(KernelStartError) as info:
            await manager.start(timeout=3)
        assert manager.pid is None
    assert "its stdin channel did not connect within 3 s" in str(info.value)
