"""Abilities a kernel backend may have besides `KernelBackend`, for kernels beyond this machine.

The engine does not care where its kernel is (a local process, a server's
kernel over a websocket, a running kernel from a connection file, one a
provisioner started); what differs between them is said by typed protocols,
so that a caller asks `isinstance(backend, Ownership)` instead of probing
with `getattr`. Launching early, switching kernelspec and naming the kernel
are in `tuinb.engine.protocols` (`LaunchesEarly`, `SwitchesKernel`,
`NamesKernel`); these are the others:

- `Ownership`: says whether tuinb owns the kernel. One it does not own (an
  existing kernel, a server session's kernel) is left running on quit, and
  the editor asks before restarting it.
- `ConnectionReporting`: its connection can drop and come back (a server or
  gateway); the engine turns the changes into `KernelConnectionChanged`.
- `ProvisionerInfo`: started through a jupyter_client kernel provisioner.
- `KernelProcess`: its kernel is (or may be) a process here, with a pid.
- `OnKernelServer`: its kernel is on a Jupyter server or gateway (whose other
  running kernels the kernel picker lists).

And one ability of an engine: `ReplacesBackend`, running on another kernel
backend from now on (the kernel picker's "Running kernels"). An engine in a
session host (`tuinb.session.client.SessionClient`) has not got it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from tuinb.engine.protocols import KernelBackend
    from tuinb.server.http import ServerConnection


@runtime_checkable
class Ownership(Protocol):
    """Whether quitting may end the kernel and restarting needs no question."""

    @property
    def owns_kernel(self) -> bool: ...


class ConnectionChangeLike(Protocol):
    """One change of a remote kernel's connection (`tuinb.server.kernel_socket`)."""

    @property
    def state(self) -> str: ...
    @property
    def message(self) -> str: ...


@runtime_checkable
class ConnectionReporting(Protocol):
    """A backend whose connection to the kernel can drop and be resumed."""

    def connection_changes(self) -> AsyncIterator[ConnectionChangeLike]: ...


@runtime_checkable
class ProvisionerInfo(Protocol):
    """A backend whose kernel a jupyter_client provisioner started."""

    @property
    def provisioner_name(self) -> str: ...


@runtime_checkable
class KernelProcess(Protocol):
    """A backend whose kernel may be a process on this machine."""

    @property
    def pid(self) -> int | None:
        """The kernel's process id here (None: not started, or not here)."""
        ...


@runtime_checkable
class OnKernelServer(Protocol):
    """A backend whose kernel runs on a Jupyter server or gateway (`RemoteKernel`)."""

    @property
    def connection(self) -> ServerConnection: ...
    @property
    def kernel_id(self) -> str | None: ...
    @property
    def gateway(self) -> bool: ...
    @property
    def session_id(self) -> str | None:
        """The notebook's session on the server (None: the kernel has none)."""
        ...


@runtime_checkable
class ReplacesBackend(Protocol):
    """An engine that can run on another kernel backend from now on (`Engine`)."""

    async def replace_backend(self, backend: KernelBackend) -> None: ...


@runtime_checkable
class InSessionHost(Protocol):
    """An engine in a session host (`SessionClient`): its kernel is the host's child."""

    @property
    def host_pid(self) -> int | None: ...


def owns_kernel(backend: object) -> bool:
    """False for a kernel tuinb did not start and must not stop (ask before restarting it)."""
    return backend.owns_kernel if isinstance(backend, Ownership) else True
