"""Issue 9, item 5: clean-up touches only what tuinb made, and leaves nothing behind.

- the start-up sweep of kernel socket folders removes only folders tuinb
  provably made (its marker, owner, mode, contents), never by name;
- after `kill -9` of tuinb, the processes the notebook's code started go
  away with the kernel within 5 s, and no process of tuinb's stays.
(Stale save temporaries: tests/faults/test_saving.py.)
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.support import TUINB, write_notebook
from tests.headless.test_run import children_of
from tests.kernel.test_connection import killed_frontend, short_tmp
from tests.kernel_support import group_exists, process_exists
from tuinb.kernel.connection import sweep_stale_ipc_dirs


def wait_until(predicate: Callable[[], bool], what: str, seconds: float) -> None:
    """Poll `predicate` (with a bounded wait on an event that never comes) until it holds."""
    import threading

    never = threading.Event()
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        never.wait(0.05)
    if not predicate():
        pytest.fail(f"timed out after {seconds:g} s waiting for {what}")


__all__ = ["short_tmp"]  # the fixture, used here


def test_a_users_folder_named_like_a_socket_folder_is_never_swept(short_tmp: Path) -> None:
    tmp_path = short_tmp
    mine = tmp_path / "tuinb-2024-mydata"  # issue 9: deleted by name on the old sweep
    mine.mkdir(mode=0o700)
    (mine / "results.csv").write_text("precious")
    huge_pid = tmp_path / "tuinb-99999999-data"  # a pid that cannot be alive
    huge_pid.mkdir(mode=0o700)
    (huge_pid / "k-1").write_text("")
    stale, _file = killed_frontend(tmp_path)  # what tuinb itself left: swept
    stale_with_more = tmp_path / "tuinb-with-user-file"
    _second, _file2 = killed_frontend(tmp_path)
    _second.rename(stale_with_more)
    (stale_with_more / "notes.txt").write_text("mine now")
    link = tmp_path / "tuinb-1-link"
    link.symlink_to(mine)
    sweep_stale_ipc_dirs(tmp_path)
    assert (mine / "results.csv").read_text() == "precious"
    assert (huge_pid / "k-1").exists()
    assert not stale.exists()
    assert (stale_with_more / "notes.txt").read_text() == "mine now"
    assert link.is_symlink()


CHILD = """
import json, os, subprocess
child = subprocess.Popen(["sleep", "777"])
with open({pids!r}, "w") as handle:
    json.dump([os.getpid(), child.pid], handle)
"""


@pytest.mark.kernel
@pytest.mark.usefixtures("python3_kernelspec")
def test_after_kill_9_the_codes_processes_go_with_the_kernel(tmp_path: Path) -> None:
    pids_file = tmp_path / "pids.json"
    path = write_notebook(
        tmp_path / "nb.ipynb", CHILD.format(pids=str(pids_file)), "import time\ntime.sleep(120)"
    )
    proc = subprocess.Popen(
        [str(TUINB), "run", str(path)], stderr=subprocess.DEVNULL, start_new_session=True
    )
    kernel = sleeper = None
    theirs: list[int] = []
    try:
        wait_until(pids_file.exists, "the notebook to start `sleep 777`", 60)
        wait_until(lambda: bool(pids_file.read_text()), "the pids to be written", 10)
        kernel, sleeper = json.loads(pids_file.read_text())
        theirs = children_of(proc.pid)  # the kernel and its reaper
        assert kernel in theirs
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

        def all_gone() -> bool:
            alive = [pid for pid in (kernel, sleeper, *theirs) if process_exists(pid)]
            return not alive and not group_exists(kernel)

        wait_until(all_gone, "the kernel, `sleep 777` and the reaper to exit", 5)
        assert len(theirs) == 2, f"tuinb ran the kernel and its reaper: {theirs}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in (sleeper, kernel, *theirs):
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
