"""After SIGHUP or SIGTERM the editor ends itself if leaving hangs (a terminal that is gone
can block Textual's output thread for ever)."""

from __future__ import annotations

import subprocess
import sys

STUCK = """
import threading
from tuinb.engine.kernels import end_process_later
end_process_later(129, grace=0.2)
threading.Event().wait()  # stuck, as Textual's writer was
"""


def test_a_stuck_exit_ends_with_the_signal_code() -> None:
    done = subprocess.run([sys.executable, "-c", STUCK], timeout=60, check=False)
    assert done.returncode == 129


def test_a_process_that_ends_in_time_is_not_cut_short() -> None:
    quick = STUCK.replace("grace=0.2", "grace=30").replace(
        "threading.Event().wait()  # stuck, as Textual's writer was", "raise SystemExit(3)"
    )
    done = subprocess.run([sys.executable, "-c", quick], timeout=20, check=False)
    assert done.returncode == 3
