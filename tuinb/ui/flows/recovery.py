"""Recovery copies: written on a timer and on the way out, offered at start.

While the notebook has unsaved work, a copy is written every
`recovery_interval` seconds (the snapshot is taken on the event loop, ~12 ms
for 3 MB; serialising, ~150 ms, runs in a thread) and when tuinb is told to
end (SIGHUP, SIGTERM). The tick also puts the live editor's text into the
notebook, so the copy, and in a session the host, have what was typed.

In a session the host keeps the copies itself (it outlives the editor), so
the editor writes none while attached; if the host goes away, the editor
goes back to writing its own. Offering a copy at start is the same in both:
in a session the offered copy is first set aside, so the host's own copies
(it writes as soon as results make the notebook dirty) cannot overwrite it
while the question is open.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from tuinb.model import Notebook, NotebookError, recovery
from tuinb.ui.dialogs.choice import recovery_modal

if TYPE_CHECKING:
    from tuinb.ui.flows.host import FlowHost


class RecoveryCopies:
    """The editor's recovery copies (see the module docstring)."""

    def __init__(self, host: FlowHost) -> None:
        self.host = host
        self.revision: int | None = None
        """The notebook revision the last copy holds (None: none since the last save)."""
        self.saves = 0
        """Saves so far: a copy written across a save is stale and removed."""
        self.writing = False

    @property
    def host_keeps_copies(self) -> bool:
        """A session host is attached: it writes the copies, not the editor."""
        session = self.host.session
        return session is not None and session.lost is None

    def saved(self) -> None:
        """The notebook was just saved."""
        self.saves += 1
        self.revision = None

    def tick(self) -> None:
        """Timer: commit the editor's text; snapshot the notebook and write it in a thread."""
        host = self.host
        host.commit_editor()
        notebook = host.notebook
        if self.host_keeps_copies or self.writing or not notebook.dirty:
            return
        if host.busy("recovery"):  # an offer is open: the offered copy must not be overwritten
            return
        if notebook.revision == self.revision:
            return
        self.writing = True
        host.start_work(self._write_copy(notebook), "recovery-write")

    async def _write_copy(self, notebook: Notebook) -> None:
        revision = notebook.revision
        saves = self.saves
        snapshot = notebook.to_dict()
        path = self.host.path
        try:
            await asyncio.to_thread(recovery.write_recovery, snapshot, path)
        except OSError as err:
            self.host.tell(f"Could not write a recovery copy: {err}", severity="warning")
            return
        finally:
            self.writing = False
        if self.saves != saves or notebook is not self.host.notebook or not notebook.dirty:
            recovery.discard_recovery(path)  # saved or replaced meanwhile: the copy is stale
            return
        self.revision = revision

    def write_if_needed(self, *, force: bool = False) -> bool:
        """Write a copy now (on this thread) if there is unsaved work not in one."""
        host = self.host
        host.commit_editor()
        notebook = host.notebook
        if self.host_keeps_copies or not notebook.dirty:
            return False
        if not force and notebook.revision == self.revision:
            return False
        try:
            recovery.write_recovery(notebook, host.path)
        except OSError as err:
            host.tell(f"Could not write a recovery copy: {err}", severity="warning")
            return False
        self.revision = notebook.revision
        return True

    async def offer(self) -> None:
        """At start: offer a copy whose content differs from the file (restore, discard, later)."""
        host = self.host
        path = host.path
        offer = await asyncio.to_thread(recovery.find_recovery, path)  # reads both files
        if offer is None:  # the copies hold nothing the file lacks
            return
        copy = offer.copy
        if host.session is not None:  # out of the host's way while the question is open
            copy = recovery.set_aside(path, copy) or copy
        choice = await host.ask(recovery_modal(offer.question()))
        if choice == "restore":
            try:
                restored = recovery.load_recovery(path, copy)
            except NotebookError as err:
                host.tell(str(err), severity="error")
                return
            host.replace_notebook(restored)
            self.revision = None
            host.tell("Restored the unsaved work; save to keep it.", timeout=4)
        elif choice == "discard":
            recovery.discard_recovery(path, copy)
        else:  # later: kept for the next start, out of the way of this session's copies
            recovery.set_aside(path, copy)
