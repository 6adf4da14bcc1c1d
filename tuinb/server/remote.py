"""A kernel behind a Jupyter server or gateway, driven by the engine exactly like a local one.

`RemoteKernel` is a `KernelBackend` (start, interrupt, restart, shutdown,
wait_for_death) whose client (`tuinb.server.kernel_client.RemoteKernelClient`)
has the local client's methods (execute, input_reply, kernel_info, complete,
... and `messages()`), so the engine does not care where the kernel is.
Underneath: the REST API for the kernel's life (`tuinb.server.kernels`) and
its websocket for messages (`tuinb.server.kernel_socket`).

Where the kernel comes from:

- a **session** for a notebook on the server (`session_path`): JupyterLab
  users on that server share it; quitting leaves it running, as closing a
  JupyterLab tab does, and the next open of the notebook reuses it;
- a **new kernel** (`POST /api/kernels`): a gateway's kernels and headless
  runs; tuinb owns it and shuts it down;
- an **existing kernel** by id (`kernel_id`), from the server's list.

Death: the kernel being gone (404), or the server announcing on the
websocket that the kernel died and it restarted it (`status: restarting`
not caused by us; `dead` when that failed): running cells end, and a
restart then reconnects to what the server restarted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from tuinb.kernel.errors import KernelDeadError, KernelStartError
from tuinb.kernel.requests import release
from tuinb.server.errors import KernelGone, ServerError
from tuinb.server.framing import V1_PROTOCOL
from tuinb.server.http import ServerConnection
from tuinb.server.kernel_client import RemoteKernelClient
from tuinb.server.kernel_socket import ConnectionChange, ConnectionState
from tuinb.server.kernels import KernelsAPI, user_environment

log = logging.getLogger(__name__)

CHECK_INTERVAL = 10.0
"""Seconds between asking the server whether the kernel still exists, for the ways it can
go without a word on the websocket (JupyterLab polls its kernel list as often)."""


class RemoteKernel:
    """A `KernelBackend` for a kernel on a Jupyter server or gateway (see the module docstring)."""

    def __init__(
        self,
        connection: ServerConnection,
        *,
        kernel_name: str | None = None,
        session_path: str | None = None,
        kernel_id: str | None = None,
        cwd: str | None = None,
        owns_kernel: bool | None = None,
        gateway: bool = False,
        protocols: tuple[str, ...] = (V1_PROTOCOL,),
        session_id: str | None = None,
    ) -> None:
        self.connection = connection
        self.api = KernelsAPI(connection)
        self.kernel_name = kernel_name
        """The kernelspec asked for (None: the server's default)."""
        self.session_path = session_path
        """The notebook on the server whose session holds the kernel (None: no session)."""
        self.kernel_id = kernel_id
        """The kernel's id on the server, once known."""
        self.session_id: str | None = session_id
        """The notebook's session on the server (given with `kernel_id`: it is moved to
        that kernel when the kernel is obtained)."""
        self.cwd = cwd
        """Where the kernel should run (the server path of the notebook's folder)."""
        self.owns_kernel = owns_kernel if owns_kernel is not None else session_path is None
        """Whether shutting down ends the kernel on the server (a session's kernel is
        left running, as JupyterLab leaves it when a tab closes; a kernel attached to
        by id is someone else's)."""
        self.gateway = gateway
        self.protocols = protocols
        """Websocket subprotocols to offer (empty: force the JSON protocol)."""
        self.client: RemoteKernelClient | None = None
        self._death: asyncio.Future[str] | None = None
        self._ours_restarting = False
        self._server_restarted = False
        self._kernel_gone = False
        self._watch: asyncio.Task[None] | None = None
        self._changes: list[asyncio.Queue[ConnectionChange]] = []

    # ------------------------------------------------------------ what the UI shows

    @property
    def display_name(self) -> str:
        """The kernel's name, with where it runs."""
        return f"{self.kernel_name or 'kernel'} on {self.connection.address.display}"

    @property
    def connection_state(self) -> ConnectionState:
        """The websocket's state (`connecting` before a start)."""
        return self.client.socket.state if self.client is not None else "connecting"

    async def connection_changes(self) -> AsyncIterator[ConnectionChange]:
        """Every change of the websocket's state (across restarts) until shutdown."""
        queue: asyncio.Queue[ConnectionChange] = asyncio.Queue()
        self._changes.append(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._changes.remove(queue)

    def _changed(self, change: ConnectionChange) -> None:
        for queue in self._changes:
            queue.put_nowait(change)

    # ------------------------------------------------------------ death

    def _new_death(self) -> asyncio.Future[str]:
        self._death = asyncio.get_running_loop().create_future()
        return self._death

    def _died(self, reason: str) -> None:
        if self._death is not None and not self._death.done():
            log.warning("%s", reason)
            self._death.set_result(reason)
            if self.client is not None:
                self.client.mark_dead(reason)

    def _vanished(self, reason: str) -> None:
        """The kernel is no longer on the server: a restart needs a new one."""
        self._kernel_gone = True
        self._died(reason)

    def _server_status(self, state: str) -> None:
        if self._ours_restarting:
            return
        where = self.connection.where()
        if state == "restarting":
            self._server_restarted = True
            self._died(
                f"The kernel was restarted by {where} (it died, or someone restarted it "
                "there); its variables are gone."
            )
        elif state == "shutdown":
            self._vanished(f"The kernel was shut down on {where} (from JupyterLab, or culled).")
        else:
            self._died(f"The kernel died and {where} could not restart it.")

    async def _watch_socket(self, client: RemoteKernelClient) -> None:
        gone = asyncio.ensure_future(client.socket.gone())
        try:
            while not gone.done():
                await asyncio.wait([gone], timeout=CHECK_INTERVAL)
                if gone.done() or self.kernel_id is None or client.socket.state != "connected":
                    continue
                try:
                    await self.api.kernel(self.kernel_id)
                except KernelGone as exc:
                    self._vanished(str(exc))
                    return
                except ServerError:
                    continue  # the websocket's own reconnection says more
            self._vanished(gone.result())
        finally:
            gone.cancel()

    async def wait_for_death(self) -> str:
        """A one-line reason once the kernel is gone or was restarted behind our back."""
        death = self._death or self._new_death()
        return await asyncio.shield(death)

    # ------------------------------------------------------------ lifecycle

    async def _obtain_kernel(self) -> None:
        """Find or start the kernel: by id, the notebook's session, or a new one."""
        if self.kernel_id is not None:
            model = await self.api.kernel(self.kernel_id)
            if self.session_id is not None:  # the notebook's session follows, as in JupyterLab
                await self.api.move_session(self.session_id, self.kernel_id)
        elif self.session_path is not None:
            session = await self.api.create_session(self.session_path, self.kernel_name)
            self.session_id = str(session.get("id") or "") or None
            kernel = session.get("kernel")
            model = kernel if isinstance(kernel, dict) else {}
        else:
            env = user_environment(self.cwd) if self.gateway else None
            name = self.kernel_name or (await self.api.kernelspecs())[0]
            model = await self.api.start_kernel(name, path=self.cwd, env=env)
        self.kernel_id = str(model.get("id") or "")
        self.kernel_name = str(model.get("name") or self.kernel_name or "")
        if not self.kernel_id:
            raise KernelStartError(self.kernel_name or "kernel", "the server did not say its id")

    async def _connect(self, timeout: float) -> RemoteKernelClient:  # noqa: ASYNC109
        assert self.kernel_id is not None
        client = RemoteKernelClient(
            self.connection,
            self.kernel_id,
            kernel_name=self.kernel_name or "kernel",
            protocols=self.protocols,
            on_change=self._changed,
            on_server_status=self._server_status,
        )
        self.client = client
        self._new_death()
        try:
            await client.connect(timeout=timeout)
        except BaseException:
            await client.close()
            self.client = None
            raise
        self._watch = asyncio.create_task(self._watch_socket(client), name="tuinb-remote-watch")
        return client

    async def start(self, *, timeout: float = 60) -> RemoteKernelClient:  # noqa: ASYNC109
        """Get the kernel (see the module docstring) and connect; returns the client."""
        if self.client is not None and not self.client.closed:
            return self.client
        self._server_restarted = self._kernel_gone = False
        try:
            await self._obtain_kernel()
            return await self._connect(timeout)
        except ServerError as exc:
            raise KernelStartError(self.kernel_name or "kernel", _lower(str(exc))) from None

    async def _drop_client(self) -> None:
        watch, self._watch = self._watch, None
        client, self.client = self.client, None
        await release(watch, client)

    async def interrupt(self) -> None:
        """Interrupt through the REST API (the server knows how: signal or message)."""
        if self.kernel_id is None:
            raise KernelDeadError("the kernel has not been started")
        try:
            await self.api.interrupt(self.kernel_id)
        except KernelGone as exc:
            self._vanished(str(exc))
            raise KernelDeadError(str(exc)) from None
        except ServerError as exc:
            raise KernelDeadError(str(exc)) from None

    async def restart(self, *, timeout: float = 60) -> RemoteKernelClient:  # noqa: ASYNC109
        """Restart through the REST API and reconnect; a kernel the server already restarted
        is only reconnected to, and one that is gone is replaced (a new session)."""
        self._ours_restarting = True
        try:
            await self._drop_client()
            try:
                if self._kernel_gone:
                    raise KernelGone("the kernel was shut down")
                if self.kernel_id is not None and not self._server_restarted:
                    await self.api.restart(self.kernel_id)
                elif self.kernel_id is not None:
                    await self.api.kernel(self.kernel_id)
            except KernelGone:
                if self.session_path is None and not self.owns_kernel:
                    raise
                self.kernel_id = None  # a new one in its place
                await self._obtain_kernel()
            self._server_restarted = self._kernel_gone = False
            return await self._connect(timeout)
        except ServerError as exc:
            raise KernelStartError(self.kernel_name or "kernel", _lower(str(exc))) from None
        finally:
            self._ours_restarting = False

    async def shutdown(self, *, timeout: float = 5) -> None:  # noqa: ASYNC109 (the kernel contract)
        """Disconnect; a kernel tuinb owns is also shut down on the server. Idempotent."""
        await self._drop_client()
        kernel_id = self.kernel_id
        if kernel_id is None or not self.owns_kernel:
            return
        self.kernel_id = None
        with contextlib.suppress(ServerError, TimeoutError):
            async with asyncio.timeout(max(timeout, 1.0)):
                await self.api.shutdown(kernel_id)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:].rstrip(".")
