"""Kernels that are running already, for the kernel picker, and attaching the editor to one.

The picker's "Running kernels" section (`alt+k`) lists, as plain data
(`RunningChoice`; the UI never imports the kernel or server layers):

- the connection files in the Jupyter runtime folder whose kernel is there
  (`tuinb.kernel.existing.live_kernels`), except the one the editor runs;
- with a notebook on a Jupyter server (or a kernel on a gateway), that
  server's running kernels, with the notebook of each one's session.

`attach_kernel` moves the engine onto the chosen kernel
(`ReplacesBackend.replace_backend`): tuinb does not own it, so quitting
leaves it running and a restart asks first; the kernel the editor ran before
is shut down if it was tuinb's own. An engine in a session host cannot do
that (the host owns its kernel, and a kernel someone else started is not one
a host of ours could keep): `AttachRefused` says in one sentence what to run
instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tuinb.engine.backends import InSessionHost, KernelProcess, OnKernelServer, ReplacesBackend

if TYPE_CHECKING:
    from tuinb.engine.protocols import EngineLike, KernelBackend
    from tuinb.kernel.existing import RunningLocalKernel
    from tuinb.server.kernels import RunningKernel

__all__ = ["AttachRefused", "RunningChoice", "attach_kernel", "can_attach", "running_choices"]


class AttachRefused(Exception):
    """This editor cannot attach to another kernel; str(err) is one sentence for the user."""


@dataclass(frozen=True)
class RunningChoice:
    """A running kernel the editor could attach to, as the picker shows it."""

    key: str
    """Unique among the choices (the picker's option id): `file:PATH` or `server:ID`."""
    label: str
    """One line: its kernelspec, and where it is (a connection file, a server's session)."""
    kernel_name: str
    """The kernelspec it runs ("" when not known)."""
    connection_file: Path | None = None
    """A local kernel's connection file."""
    kernel_id: str | None = None
    """A server's kernel id."""


def can_attach(engine: EngineLike) -> bool:
    """Whether `engine` can be moved onto another kernel (not in a session host)."""
    return isinstance(engine, ReplacesBackend)


def refusal(notebook: str, choice: RunningChoice) -> str:
    """The one sentence a session's editor says instead of attaching."""
    target = str(choice.connection_file) if choice.connection_file is not None else "FILE"
    return (
        f"This notebook runs in a background session, which keeps its own kernel: quit and "
        f"run `tuinb {notebook} --existing {target}` (kernels you attach to do not run in "
        "a background session)."
    )


async def running_choices(engine: EngineLike | None) -> list[RunningChoice]:
    """The running kernels to offer (see the module docstring), the editor's own left out."""
    from tuinb.kernel.existing import live_kernels

    backend = engine.backend if engine is not None else None
    own_pid = backend.pid if isinstance(backend, KernelProcess) else None
    own_file = _own_connection_file(backend)
    # tuinb names its kernels' files after the process that started them
    starters = [os.getpid()]
    if isinstance(engine, InSessionHost) and engine.host_pid is not None:
        starters.append(engine.host_pid)
    own_prefixes = tuple(f"kernel-tuinb-{pid}-" for pid in starters)
    local = [
        _local_choice(kernel)
        for kernel in await live_kernels()
        if not (own_pid is not None and kernel.pid == own_pid)
        and kernel.path != own_file
        and not kernel.path.name.startswith(own_prefixes)
    ]
    if not isinstance(backend, OnKernelServer):
        return local
    from tuinb.server.kernels import KernelsAPI

    try:
        found = await KernelsAPI(backend.connection).running(sessions=not backend.gateway)
    except Exception:  # the server's list is a bonus: the local kernels are still offered
        found = []
    where = backend.connection.address.display
    remote = [_server_choice(kernel, where) for kernel in found if kernel.id != backend.kernel_id]
    return remote + local


def _own_connection_file(backend: object) -> Path | None:
    from tuinb.kernel.existing import ExistingKernel

    return backend.connection_file if isinstance(backend, ExistingKernel) else None


def _local_choice(kernel: RunningLocalKernel) -> RunningChoice:
    name = kernel.kernel_name or "kernel"
    whose = ", started by tuinb" if kernel.tuinb else ""
    process = f"pid {kernel.pid}" if kernel.pid is not None else "not on this machine"
    return RunningChoice(
        key=f"file:{kernel.path}",
        label=f"{name}  ({kernel.path.name}, {process}{whose})",
        kernel_name=kernel.kernel_name,
        connection_file=kernel.path,
    )


def _server_choice(kernel: RunningKernel, where: str) -> RunningChoice:
    session = f"session of {kernel.path}" if kernel.path else "no session"
    return RunningChoice(
        key=f"server:{kernel.id}",
        label=f"{kernel.name or 'kernel'}  ({session}, {kernel.execution_state} on {where})",
        kernel_name=kernel.name,
        kernel_id=kernel.id,
    )


def _backend_for(engine: EngineLike, choice: RunningChoice) -> KernelBackend:
    if choice.kernel_id is not None:
        from tuinb.server.remote import RemoteKernel

        backend = engine.backend
        assert isinstance(backend, OnKernelServer)
        return RemoteKernel(
            backend.connection,
            kernel_name=choice.kernel_name or None,
            kernel_id=choice.kernel_id,
            owns_kernel=False,
            gateway=backend.gateway,
            session_id=backend.session_id,
        )
    from tuinb.kernel.existing import ExistingKernel

    assert choice.connection_file is not None
    return ExistingKernel(choice.connection_file)


async def attach_kernel(engine: EngineLike, choice: RunningChoice, *, notebook: str) -> None:
    """Run the notebook on the running kernel `choice` from now on.

    Raises `AttachRefused` (one sentence naming what to run instead) in a
    session; a kernel that does not answer is reported by the engine
    (`KernelStartFailed`) and raised.
    """
    if not isinstance(engine, ReplacesBackend):
        raise AttachRefused(refusal(notebook, choice))
    await engine.replace_backend(_backend_for(engine, choice))
