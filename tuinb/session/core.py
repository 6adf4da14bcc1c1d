"""A hosted notebook: its model (the truth), engine, recovery copies and the attached client.

`SessionCore` is the session without its socket (`tuinb.session.server` is
the socket). It applies what the attached client sends (edits to the cells,
commands to the engine), forwards the engine's events to it, keeps the
recovery copy, and decides when the session ends: when told to (`end`), or
after `idle_timeout` seconds with no client and nothing running (a recovery
copy is written first). No loop polls: the idle end is one timer, re-armed
when a client leaves or a cell ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from tuinb.engine import Engine, KernelBackend
from tuinb.engine import events as ev
from tuinb.engine.kernels import KernelChoice, SwitchableKernel, kernelspec_metadata
from tuinb.model import Notebook
from tuinb.session.introspection import completion_to_wire, help_to_wire
from tuinb.session.keeper import RECOVERY_INTERVAL, RecoveryKeeper
from tuinb.session.link import Link
from tuinb.session.replica import (
    ResultTracker,
    apply_edit,
    notebook_from_wire,
)
from tuinb.session.runstate import Away, RunState
from tuinb.session.saving import host_save, host_save_as
from tuinb.session.widgets import state_from_wire
from tuinb.session.wire import ProtocolError

log = logging.getLogger(__name__)

IDLE_TIMEOUT = 24 * 3600.0
"""Seconds a detached host with nothing running waits for a client before it ends (0: for
ever)."""
_EDITS = frozenset({"ins", "rm", "set"})
_REPLIED = frozenset(
    {"interrupt", "restart", "input", "save", "save_as", "end", "complete", "inspect", "click"}
)
"""Commands the client waits for an answer to."""
UNSAVED_CHOICES = ("refuse", "save", "discard", "keep")
"""What `end` does with unsaved work: refuse to end, save it, drop it, keep a recovery copy."""


class HostedKernel(KernelBackend, Protocol):
    """The kernel backend of a session (`SwitchableKernel`): one whose spec can change."""

    @property
    def choice(self) -> KernelChoice | None: ...
    @property
    def display_name(self) -> str: ...
    @property
    def pid(self) -> int | None: ...
    def switch_to(self, name: str) -> None: ...
    def launch(self) -> None: ...


class SessionCore:
    """One notebook's session: model, engine, state, recovery copy, the attached client."""

    def __init__(
        self,
        path: Path,
        *,
        kernel: str | HostedKernel,
        idle_timeout: float = IDLE_TIMEOUT,
        recovery_interval: float = RECOVERY_INTERVAL,
    ) -> None:
        """`kernel`: a kernelspec name, or the backend itself (tests pass a fake)."""
        self.path = path
        """The notebook's absolute path."""
        self.notebook: Notebook | None = None
        """The truth; None until the first client brings it."""
        self.kernel: HostedKernel = (
            SwitchableKernel(kernel, cwd=path.parent) if isinstance(kernel, str) else kernel
        )
        """The kernel (its spec can change: `switch_to`, then a restart)."""
        self.engine = Engine(Notebook.new(), self.kernel)
        self.state = RunState(away=Away(since=time.time()))
        self.link: Link | None = None
        """The attached client (None: detached)."""
        self.keeper = RecoveryKeeper(lambda: self.notebook, interval=recovery_interval)
        self.idle_timeout = idle_timeout
        self.ended = asyncio.Event()
        """Set when the session should end."""
        self.move_to: Callable[[Path], Awaitable[None]] | None = None
        """Moves the session to another notebook path (save as): set by the socket's owner;
        raises `SessionError` if another session holds it. None: it cannot move."""
        self._idle: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coroutine: Any) -> None:
        """Run a coroutine in the background, for as long as the session lives."""
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ---- life ---------------------------------------------------------------------------

    def adopt(self, notebook: Notebook) -> None:
        """Take the first client's notebook (the host starts without one).

        It is saved under the host's absolute path: the editor's may be relative to a
        folder the host (which runs in ``/``) does not share."""
        notebook.path = self.path
        self.notebook = notebook
        self.engine.replace_notebook(notebook)
        self.rearm_idle()

    def attached(self, link: Link) -> None:
        """A client attached (the previous one, if any, was told to go)."""
        self.link = link
        self.state.away = None
        self.rearm_idle()

    def detached(self, link: Link) -> None:
        """A client's connection ended."""
        if self.link is link:
            self.link = None
            self.state.away = Away(since=time.time())
            self.rearm_idle()

    def rearm_idle(self) -> None:
        """Start (or stop) the idle clock: it runs while detached with nothing running."""
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        if self.idle_timeout <= 0:  # never ends by itself (`detach_idle_hours = 0`)
            return
        if self.notebook is not None and self.link is None and not self.state.working:
            loop = asyncio.get_running_loop()
            self._idle = loop.call_later(self.idle_timeout, self._idle_expired)

    def _idle_expired(self) -> None:
        log.info("detached and idle for %g s; ending", self.idle_timeout)
        self.keeper.write_now()
        self.ended.set()

    def terminate(self) -> None:
        """SIGTERM: keep unsaved work in a recovery copy and end."""
        self.keeper.write_now()
        self.ended.set()

    async def start_kernel(self) -> None:
        """Start the kernel (a failure is an engine event, `KernelStartFailed`)."""
        with contextlib.suppress(Exception):
            await self.engine.start()

    async def stop(self) -> None:
        """Tell the client, stop writing copies, shut the kernel down."""
        if self._idle is not None:
            self._idle.cancel()
        link, self.link = self.link, None
        if link is not None:
            link.close_after({"t": "bye", "reason": "ended", "message": "The session ended."})
            await link.wait_closed(2)
        await self.keeper.close()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(5):
                await self.engine.shutdown(timeout=3)
        for task in list(self._tasks):
            task.cancel()

    # ---- the engine's events --------------------------------------------------------------

    async def pump_events(self) -> None:
        """Follow the engine's events: state, recovery copy, the client, the idle clock."""
        async for event in self.engine.events():
            source = None
            if isinstance(event, ev.CellStarted) and self.notebook is not None:
                with contextlib.suppress(KeyError):
                    source = self.notebook.cell(event.cell_id).source
            self.state.note(event, source)
            if isinstance(event, ev.KernelStarted):
                self._name_kernel(event)
                if self.link is not None:  # the client's backend names the kernel that started
                    self.link.send({"t": "kernel", "k": self.kernel_wire()})
            if self.link is not None:
                self.link.event(event)
            if isinstance(event, ev.OutputsChanged | ev.CellStarted | ev.CellFinished):
                self.keeper.changed()
            if isinstance(event, ev.CellFinished | ev.CellQueued | ev.KernelStatusChanged):
                self.rearm_idle()

    def _name_kernel(self, event: ev.KernelStarted) -> None:
        """A notebook that names no kernel gets the one that started (as the editor does)."""
        notebook = self.notebook
        choice = self.kernel.choice
        if notebook is None or choice is None or "kernelspec" in notebook.metadata:
            return
        notebook.metadata["kernelspec"] = kernelspec_metadata(choice)
        if event.language_info:
            notebook.metadata["language_info"] = dict(event.language_info)
        if self.link is not None:
            self.link.send({"t": "meta", "m": notebook.metadata})

    def kernel_wire(self) -> dict[str, str] | None:
        """The running kernel's spec as the client's backend shows it."""
        choice = self.kernel.choice
        if choice is None:
            return None
        return {
            "name": choice.name,
            "display_name": choice.display_name,
            "language": choice.language,
        }

    # ---- what the client sends ------------------------------------------------------------

    def handle(self, link: Link, message: dict[str, Any]) -> None:
        """Apply one message of the attached client (ProtocolError/ReplicaError if malformed)."""
        kind = message["t"]
        notebook = self.notebook
        assert notebook is not None
        if kind in _EDITS:
            touched = apply_edit(notebook, message)
            link.acked += 1
            if touched is not None:
                link.tracker.reset(touched)
            self.keeper.changed()
        elif kind == "meta":
            metadata = message["m"]
            if not isinstance(metadata, dict):
                raise ProtocolError("notebook metadata must be an object")
            notebook.metadata = metadata
            notebook.mark_unsaved()
            link.acked += 1
            self.keeper.changed()
        elif kind == "replace":
            self.notebook = notebook_from_wire(message["nb"])
            self.engine.replace_notebook(self.notebook)
            link.tracker = ResultTracker(self.notebook)
            link.acked += 1
            self.keeper.changed()
        elif kind == "resync":
            link.tracker.forget(str(message["id"]))
            link.mark(str(message["id"]))
        elif kind == "cmd":
            self._command(link, message)
        else:
            raise ProtocolError(f"unknown message {kind!r}")

    def _command(self, link: Link, message: dict[str, Any]) -> None:
        op = message.get("op")
        if op == "run":
            self.engine.run_cells([str(cell_id) for cell_id in message["ids"]])
        elif op == "cancel":
            self.engine.cancel_queue()
        elif op == "widget":
            changes = state_from_wire(message)
            link.widgets_acked = int(message["w"])
            self.spawn(self.engine.widgets.update(str(message["id"]), changes))
        elif op in _REPLIED:
            self.spawn(self._reply(link, message))
        else:
            raise ProtocolError(f"unknown command {op!r}")

    async def _reply(self, link: Link, message: dict[str, Any]) -> None:
        op = message["op"]
        try:
            if op == "interrupt":
                await self.engine.interrupt()
                reply: dict[str, Any] = {}
            elif op == "restart":
                kernel = message.get("kernel")
                if isinstance(kernel, str):
                    self.kernel.switch_to(kernel)
                await self.engine.restart()
                reply = {"kernel": self.kernel_wire()}
            elif op == "input":
                await self.engine.provide_input(str(message["value"]))
                self.state.input_request = None
                reply = {}
            elif op == "save":
                reply = self.save(
                    overwrite=bool(message.get("overwrite")),
                    allow_read_only=bool(message.get("read_only")),
                )
            elif op == "save_as":
                reply = await self.save_as(
                    Path(str(message["path"])),
                    overwrite=bool(message.get("overwrite")),
                    allow_read_only=bool(message.get("read_only")),
                )
            elif op == "complete":
                code, pos = str(message["code"]), int(message["pos"])
                reply = {"a": completion_to_wire(await self.engine.complete(code, pos))}
            elif op == "inspect":
                code, pos = str(message["code"]), int(message["pos"])
                level = int(message.get("level", 0))
                reply = {"a": help_to_wire(await self.engine.inspect(code, pos, level))}
            elif op == "click":
                reply = {"ok": await self.engine.widgets.click(str(message["id"]))}
            else:
                reply = await self.end(str(message.get("unsaved", "keep")), link)
        except Exception as err:  # told to the client in one sentence (EngineError, kernel errors)
            reply = {"error": str(err) or type(err).__name__}
        link.send({"t": "reply", "n": message.get("n"), **reply})

    def save(self, *, overwrite: bool = False, allow_read_only: bool = False) -> dict[str, Any]:
        """Save the notebook (`tuinb.session.saving.host_save`: the reply to send)."""
        if self.notebook is None:
            return {"status": "failed", "message": "The session has no notebook yet."}
        return host_save(
            self.notebook, self.keeper, overwrite=overwrite, allow_read_only=allow_read_only
        )

    async def save_as(
        self, path: Path, *, overwrite: bool = False, allow_read_only: bool = False
    ) -> dict[str, Any]:
        """Save under `path` and go on as that notebook (`tuinb.session.saving.host_save_as`)."""
        if self.notebook is None:
            return {"status": "failed", "message": "The session has no notebook yet."}
        reply = await host_save_as(
            self.notebook,
            self.keeper,
            path,
            self.move_to,
            overwrite=overwrite,
            allow_read_only=allow_read_only,
        )
        if self.notebook.path is not None:
            self.path = self.notebook.path
        return reply

    async def end(self, unsaved: str, requester: Link | None) -> dict[str, Any]:
        """End the session, doing `unsaved` (`UNSAVED_CHOICES`) with unsaved work first.

        Returns the reply: ``ended``, or ``unsaved`` (refused: there is unsaved
        work), or a failed save's status; the session then goes on.
        """
        if unsaved not in UNSAVED_CHOICES:
            raise ProtocolError(f"unknown choice for unsaved work {unsaved!r}")
        notebook = self.notebook
        dirty = notebook is not None and notebook.dirty
        if dirty and unsaved == "refuse":
            return {"status": "unsaved"}
        if dirty and unsaved == "save":
            result = self.save()
            if result["status"] != "saved":
                return result
        if unsaved == "discard":
            await self.keeper.close(discard=True)
        elif unsaved == "keep":
            self.keeper.write_now()
        link = self.link
        if link is not None and link is not requester:
            self.link = None
            text = "This session was stopped from another terminal."
            link.close_after({"t": "bye", "reason": "ended", "message": text})
        self.ended.set()
        return {"status": "ended"}
