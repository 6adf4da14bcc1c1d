"""Leaving the editor: quitting, detaching, being told to end, and losing the session.

Without a session (``--no-detach``, ``detach = false``) quitting is as it
always was: unsaved work asks save / discard / cancel, and the kernel stops
with the editor; SIGHUP and SIGTERM write a recovery copy and exit.

In a session the kernel lives in the host, and leaving says what becomes of
it, as tmux does for a shell:

- ctrl+q while cells run or wait asks: keep running in the background,
  stop the kernel and quit, or cancel. With nothing running (or after
  "stop"), quitting ends the session, asking about unsaved work first.
- The detach key, "keep running", SIGHUP (the SSH connection dropped) and
  SIGTERM detach: the editor's text goes to the host first, and the session
  goes on without the editor (`tuinb attach` comes back to it).
- Attached from another terminal (taken over) or stopped from one
  (`tuinb sessions --stop`): the editor exits, saying so on the terminal.
- The host gone (killed): the editor says so and goes on as an editor of its
  own copy (saves write it, recovery copies are its own again).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuinb.engine import EngineError
from tuinb.model import recovery
from tuinb.sanitize import printable
from tuinb.ui.dialogs.choice import keep_running_modal, quit_modal

if TYPE_CHECKING:
    from tuinb.session.client import SessionClient
    from tuinb.session.events import SessionLost
    from tuinb.ui.flows.host import FlowHost
    from tuinb.ui.flows.recovery import RecoveryCopies
    from tuinb.ui.flows.saving import Saving

NOT_IN_A_SESSION = (
    "This notebook runs in this editor's own process (--no-detach, or detach = false in the "
    "config file), so there is nothing to detach from; ctrl+q quits."
)


EXIT_GRACE = 10.0
"""Seconds the editor may take to leave after SIGHUP or SIGTERM before it ends itself.

With the terminal gone, Textual's shutdown can block for ever on its output
thread (editors left sleeping after their tmux server was killed were found
stuck there); by then the edits are with the host or in a recovery copy."""


class Leaving:
    """Quit, detach, signals, and the session's end (see the module docstring)."""

    def __init__(self, host: FlowHost, saving: Saving, recovery_copies: RecoveryCopies) -> None:
        self.host = host
        self.saving = saving
        self.recovery = recovery_copies
        self.leaving = False
        """The editor is on its way out (the session's own goodbye is expected then)."""

    def attached(self) -> SessionClient | None:
        """The session client while it is attached to its host (else None)."""
        session = self.host.session
        return session if session is not None and session.lost is None else None

    # ---- quitting ---------------------------------------------------------------------

    async def quit(self) -> None:
        """ctrl+q: quit, asking what must be asked."""
        host = self.host
        host.commit_editor()
        session = self.attached()
        if session is not None:
            await self._quit_session(session)
            return
        unsaved = await self._unsaved_work()
        if unsaved is None:
            return
        if unsaved == "discard":
            await host.wait_work("recovery-write")  # a copy being written would outlive it
            recovery.discard_recovery(host.path)
        self._leave()

    async def _unsaved_work(self) -> str | None:
        """What to do with unsaved work before quitting: ``keep`` (nothing unsaved, or
        saved now), ``discard``, or None (cancelled, or the save failed)."""
        host = self.host
        if not host.notebook.dirty:
            return "keep"
        choice = await host.ask(quit_modal(host.display_name))
        if choice == "save":
            return "keep" if await self.saving.save(quiet=True) else None
        return "discard" if choice == "discard" else None

    async def _quit_session(self, session: SessionClient) -> None:
        host = self.host
        marks = host.notebook_screen.run_marks
        running, queued = len(marks.running), len(marks.queued)
        if running or queued:
            choice = await host.ask(keep_running_modal(host.display_name, running, queued))
            if choice == "keep":
                await self.detach()
                return
            if choice != "stop":
                return
        unsaved = await self._unsaved_work()
        if unsaved is None:
            return
        self.leaving = True
        try:
            status = await session.end(unsaved)
        except EngineError:  # lost meanwhile (the host died): nothing is left to end
            status = "ended"
        if status != "ended":
            self.leaving = False
            host.tell(f"The session did not end ({status}).", severity="error")
            return
        self._leave()

    def _leave(self, *, return_code: int = 0, message: str | None = None) -> None:
        self.leaving = True
        self.host.leave(return_code=return_code, message=message)

    # ---- detaching --------------------------------------------------------------------

    async def detach(self, *, return_code: int = 0, say: bool = True) -> None:
        """Leave the session running without this editor (the detach key, "keep running")."""
        host = self.host
        session = self.attached()
        if session is None:
            host.tell(NOT_IN_A_SESSION, severity="warning", timeout=8)
            return
        host.commit_editor()  # shipped before the connection closes
        self.leaving = True
        await session.detach()
        name = printable(host.display_name)
        message = (
            f"Detached from {name}; it keeps running "
            f"(`tuinb attach` or `tuinb {name}` comes back to it)."
        )
        self._leave(return_code=return_code, message=message if say else None)

    def terminated(self, signum: int) -> None:
        """SIGHUP (the terminal went away) or SIGTERM: detach, or keep a recovery copy."""
        if self.host.guard_exit:
            from tuinb.engine.kernels import end_process_later

            end_process_later(128 + signum, EXIT_GRACE)
        if self.attached() is not None:
            self.host.start_work(self.detach(return_code=128 + signum, say=False), "leave")
            return
        self.recovery.write_if_needed(force=True)
        self._leave(return_code=128 + signum)

    # ---- the session's end ------------------------------------------------------------

    def lost(self, event: SessionLost) -> None:
        """The session let go of this editor (`SessionLost`)."""
        if self.leaving or event.reason == "detached":
            return
        if event.reason in ("taken_over", "ended"):
            self._leave(message=event.message)
            return
        self.host.tell(event.message, severity="error", timeout=20)  # host gone: go on alone
