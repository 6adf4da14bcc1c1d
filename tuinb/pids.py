"""Whether a process still runs: the proof of staleness for what a killed tuinb left.

Used by the sweeps of kernel socket folders (`tuinb.kernel.connection`) and of
save temporaries (`tuinb.model.writing`). A pid we may not signal belongs to a
live process of someone else: it counts as alive, so nothing of it is swept.
"""

from __future__ import annotations

import os


def pid_alive(pid: int) -> bool:
    """True unless no process `pid` exists (a reused pid errs on the safe side: alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
