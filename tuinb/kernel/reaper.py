"""A reaper per kernel: if tuinb dies (`kill -9`), the kernel's process group goes too.

ipykernel exits by itself when the process named by `JPY_PARENT_PID` dies,
but processes the notebook's code started (`subprocess.Popen(['sleep',
'777'])`) stay in the kernel's process group, alive for ever. tuinb kills
that group when it stops, but a killed tuinb cannot.

So each kernel gets a reaper: a tiny POSIX `sh` script (no Python to start:
~1 ms) in a session of its own, so that Ctrl-C or SIGHUP of the terminal
does not reach it, reading a pipe whose write end only tuinb holds. When
tuinb stops the kernel itself, it writes `stand-down` and the reaper exits.
When tuinb dies, the kernel closes the pipe: the reaper reads end-of-file,
sends SIGTERM to the kernel's process group, then SIGKILL after one second
if anything is left, and exits. Nothing of tuinb's stays behind, and the
group is gone about a second after tuinb at the latest.

The group is the kernel's pid (each kernel is launched with
`start_new_session`); while any process of that group lives, its id cannot
be reused, so the reaper can only ever signal the kernel's own group.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

SCRIPT = """
trap '' INT HUP TERM
if IFS= read -r word && [ "$word" = stand-down ]; then exit 0; fi
kill -s TERM -- "-$1" 2>/dev/null || exit 0
tries=0
while kill -s 0 -- "-$1" 2>/dev/null && [ "$tries" -lt 20 ]; do
    sleep 0.05
    tries=$((tries + 1))
done
kill -s KILL -- "-$1" 2>/dev/null
exit 0
"""
"""$1 is the kernel's process group; stdin the pipe from tuinb. Only POSIX `kill -s NAME --`
forms: dash, the /bin/sh of Debian, takes neither `kill -TERM -- -PGID` nor `kill -0`."""


class Reaper:
    """The reaper of one kernel's process group (see the module docstring)."""

    def __init__(self, process: subprocess.Popen[bytes], pipe: int) -> None:
        self._process = process
        self._pipe: int | None = pipe

    @classmethod
    def start(cls, group: int) -> Reaper | None:
        """Start the reaper of process group `group`; None where there is none to start."""
        if sys.platform == "win32":
            return None
        read_end, write_end = os.pipe()  # not inherited by later children (O_CLOEXEC)
        try:
            process = subprocess.Popen(
                ["/bin/sh", "-c", SCRIPT, "tuinb-reaper", str(group)],
                stdin=read_end,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError:
            os.close(write_end)
            return None
        finally:
            os.close(read_end)
        return cls(process, write_end)

    @property
    def pid(self) -> int:
        """The reaper's process id."""
        return self._process.pid

    def stand_down(self) -> None:
        """tuinb stopped the kernel itself: let the reaper exit without signalling anything."""
        pipe, self._pipe = self._pipe, None
        if pipe is not None:
            with contextlib.suppress(OSError):
                os.write(pipe, b"stand-down\n")
            with contextlib.suppress(OSError):
                os.close(pipe)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=1)
