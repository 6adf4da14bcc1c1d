"""The host's recovery copies: written as results arrive, at most once per interval.

The host outlives its editor, so it keeps unsaved work safe itself, in the
same recovery copy the editor offers on its next start
(`tuinb.model.recovery`). A copy is written shortly after each change while
the notebook is dirty, but at most once per `interval` seconds (a flood of
output rewrites it once a second, not once a line): if the host is killed,
the copy has every output up to at most `interval` seconds before. The
snapshot is taken on the event loop (a deep copy, ~12 ms for a 3.4 MB
notebook) and serialised and written in a thread. Nothing runs while
nothing changes: a timer is armed by a change, never polled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from tuinb.model import Notebook, discard_recovery, note_saved, write_recovery

log = logging.getLogger(__name__)

RECOVERY_INTERVAL = 1.0
"""Seconds between two recovery copies while results stream in."""


class RecoveryKeeper:
    """Writes the host's notebook to its recovery copy while it has unsaved work."""

    def __init__(
        self, notebook: Callable[[], Notebook | None], *, interval: float = RECOVERY_INTERVAL
    ) -> None:
        self._notebook = notebook
        self.interval = interval
        self._last = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._saves = 0
        self._closed = False
        self.written = 0
        """Copies written so far (tests wait on it)."""

    def changed(self) -> None:
        """The notebook changed: write a copy soon (if it is dirty)."""
        notebook = self._notebook()
        if self._closed or notebook is None or not notebook.dirty:
            return
        if self._timer is not None or self._task is not None:
            return  # one is due or being written; it looks again when done
        delay = max(0.0, self._last + self.interval - time.monotonic())
        self._timer = asyncio.get_running_loop().call_later(delay, self._start)

    def _start(self) -> None:
        self._timer = None
        notebook = self._notebook()
        if self._closed or notebook is None or not notebook.dirty or notebook.path is None:
            return
        self._task = asyncio.create_task(
            self._write(notebook, notebook.revision, notebook.to_dict(), self._saves)
        )

    async def _write(
        self, notebook: Notebook, revision: int, snapshot: dict[str, Any], saves: int
    ) -> None:
        path = notebook.path
        assert path is not None
        try:
            await asyncio.to_thread(write_recovery, snapshot, path)
            self.written += 1
        except OSError as err:
            log.warning("could not write a recovery copy: %s", err)
        finally:
            self._task = None
            self._last = time.monotonic()
        if self._saves != saves or not notebook.dirty:
            discard_recovery(path)  # saved meanwhile: the copy is stale
        elif notebook.revision != revision:
            self.changed()

    def saved(self) -> None:
        """The notebook was saved: no copy is needed any more."""
        self._saves += 1
        self._cancel_timer()
        notebook = self._notebook()
        if notebook is not None and notebook.path is not None:
            note_saved(notebook.path)  # the save holds this session's work

    def write_now(self) -> None:
        """Write a copy at once, on this thread, if there is unsaved work (exit paths)."""
        notebook = self._notebook()
        if notebook is None or notebook.path is None or not notebook.dirty:
            return
        try:
            write_recovery(notebook, notebook.path)
            self.written += 1
        except OSError as err:
            log.warning("could not write a recovery copy: %s", err)

    async def close(self, *, discard: bool = False) -> None:
        """Stop writing (after the copy being written, if any); `discard` removes the copy."""
        self._closed = True
        self._cancel_timer()
        task = self._task
        if task is not None:
            with contextlib.suppress(Exception):
                await task
        notebook = self._notebook()
        if discard and notebook is not None and notebook.path is not None:
            discard_recovery(notebook.path)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
