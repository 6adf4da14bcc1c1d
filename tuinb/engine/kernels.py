"""Kernels for a notebook, as the UI needs them: choices as plain data, a switchable backend.

The UI must not import the kernel layer; this module is its door to it.

- `list_kernels()` lists every installed kernelspec as `KernelChoice` values.
- `kernel_for(metadata, override)` picks the kernel a notebook opens with.
- `SwitchableKernel` is a `KernelBackend` whose kernelspec can be changed:
  `switch_to(name)`, then `Engine.restart()` starts the new kernel.
- `make_engine(notebook, name, cwd)` builds an `Engine` on one;
  `launch_early(engine)` starts its kernel's process before the UI has loaded.
- `kill_all_kernels()` kills every kernel this process started (exit paths);
  `end_process_later(code, grace)` does that and ends the process if it has
  not ended by itself in time (a UI stuck on a terminal that is gone).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from tuinb.engine.backends import OnKernelServer, ReplacesBackend
from tuinb.engine.engine import Engine
from tuinb.engine.protocols import (
    EngineLike,
    KernelChoice,
    LaunchesEarly,
    NamesKernel,
    NotebookLike,
    SwitchesKernel,
)

__all__ = [
    "KernelChoice",
    "KernelUnavailable",
    "SwitchableKernel",
    "change_kernel",
    "default_kernel",
    "end_process_later",
    "kernel_for",
    "kernelspec_metadata",
    "kill_all_kernels",
    "launch_early",
    "list_kernels",
    "make_engine",
    "running_kernel",
]


def list_kernels() -> list[KernelChoice]:
    """Every installed kernelspec (plus the running interpreter's `python3`), by name."""
    from tuinb.kernel import find_kernel_specs

    specs = find_kernel_specs()
    return [
        KernelChoice(spec.name, spec.display_name, spec.language)
        for _name, spec in sorted(specs.items())
    ]


def default_kernel() -> str:
    """The kernel used when a notebook names none."""
    from tuinb.kernel import default_kernel_name

    return default_kernel_name()


def kernel_for(metadata: dict[str, Any], override: str | None = None, *, fallback: str = "") -> str:
    """The kernel name to start: `override` (`--kernel`), the notebook's, else `fallback`
    (the config's `default_kernel`), else the default."""
    if override:
        return override
    spec = metadata.get("kernelspec")
    name = spec.get("name") if isinstance(spec, dict) else None
    return name if isinstance(name, str) and name else fallback or default_kernel()


def kernelspec_metadata(choice: KernelChoice) -> dict[str, str]:
    """The notebook `metadata.kernelspec` dict for a kernel."""
    return {"display_name": choice.display_name, "language": choice.language, "name": choice.name}


class KernelUnavailable(Exception):
    """No kernel of that name can be used; str(err) is one sentence for the user."""


class SwitchableKernel:
    """A kernel backend whose kernelspec can be changed between restarts.

    Before a kernelspec is found (an unknown name), `start()` raises
    `KernelUnavailable` with the reason, so the engine reports it as a failed
    start and the notebook stays editable.
    """

    def __init__(self, name: str, *, cwd: Path | None = None) -> None:
        self.cwd = cwd
        """The kernels' working directory (the notebook's folder)."""
        self.name = name
        """The kernel asked for."""
        self._manager: Any = None
        self._pending: str | None = name

    @property
    def pid(self) -> int | None:
        """The running kernel's process id, if any."""
        return None if self._manager is None else self._manager.pid

    @property
    def display_name(self) -> str:
        """The running (or asked for) kernel's display name."""
        if self._manager is not None and self._pending is None:
            return str(self._manager.spec.display_name)
        return self.name

    @property
    def choice(self) -> KernelChoice | None:
        """The running kernel's spec as plain data (None before a start)."""
        if self._manager is None or self._pending is not None:
            return None
        spec = self._manager.spec
        return KernelChoice(spec.name, spec.display_name, spec.language)

    def switch_to(self, name: str) -> None:
        """Use kernelspec `name` from the next start or restart on."""
        self.name = name
        self._pending = name

    def _take_pending(self) -> None:
        if self._pending is None:
            return
        from tuinb.kernel import KernelError, get_kernel_spec
        from tuinb.kernel.provisioned import kernel_backend

        try:
            spec = get_kernel_spec(self._pending)
        except KernelError as exc:
            raise KernelUnavailable(str(exc)) from None
        self._manager = kernel_backend(spec, cwd=self.cwd)
        self._pending = None

    def launch(self) -> None:
        """Start the kernel's process now, without waiting for it (see `launch_early`).

        Any problem (an unknown kernel, a command that cannot run) is left for
        `start()` to report, as it would without this call.
        """
        from tuinb.kernel import KernelError

        if self._manager is not None and self._pending is None:
            return
        try:
            self._take_pending()
            self._manager.launch()
        except (KernelUnavailable, KernelError):
            return

    async def start(self, *, timeout: float = 60) -> Any:  # noqa: ASYNC109 (the kernel contract)
        """Start the kernel (the switched-to one, if a switch is pending)."""
        if self._pending is not None and self._manager is not None:
            await self._manager.shutdown()
        self._take_pending()
        return await self._manager.start(timeout=timeout)

    async def restart(self, *, timeout: float = 60) -> Any:  # noqa: ASYNC109 (the kernel contract)
        """Stop the kernel and start it again (or the switched-to one)."""
        if self._manager is not None:
            await self._manager.shutdown()
        self._take_pending()
        return await self._manager.start(timeout=timeout)

    async def interrupt(self) -> None:
        """Interrupt the running code."""
        if self._manager is not None:
            await self._manager.interrupt()

    async def shutdown(self, *, timeout: float = 5) -> None:  # noqa: ASYNC109 (the kernel contract)
        """Stop the kernel (idempotent)."""
        if self._manager is not None:
            await self._manager.shutdown(timeout=timeout)

    async def wait_for_death(self) -> str:
        """Return a one-line reason once the running kernel dies unexpectedly."""
        manager = self._manager
        if manager is None:
            raise KernelUnavailable("no kernel is running")
        return str(await manager.wait_for_death())


async def change_kernel(engine: EngineLike, name: str, *, cwd: Path | None = None) -> None:
    """Switch `engine` to kernelspec `name` and start it (the old kernel is stopped).

    An engine attached to a running kernel (the picker's running kernels) gets
    a new kernel of its own again, started in `cwd`.
    """
    backend = engine.backend
    if isinstance(backend, SwitchesKernel):
        backend.switch_to(name)
        await engine.restart()
        return
    if isinstance(engine, ReplacesBackend) and not isinstance(backend, OnKernelServer):
        await engine.replace_backend(SwitchableKernel(name, cwd=cwd))
        return
    raise KernelUnavailable("this kernel cannot be changed while the notebook is open")


def running_kernel(engine: EngineLike) -> KernelChoice | None:
    """The installed kernel `engine` runs, if its backend can say (None before a start)."""
    backend = engine.backend
    return backend.choice if isinstance(backend, NamesKernel) else None


def make_engine(notebook: NotebookLike, name: str, *, cwd: Path | None = None) -> Engine:
    """An engine for `notebook` on kernelspec `name` (started later with `Engine.start()`)."""
    return Engine(notebook, SwitchableKernel(name, cwd=cwd))


def launch_early(engine: Engine) -> None:
    """Let the engine's kernel boot (~0.5 s) while the caller loads the rest (the UI):
    its process starts now and `Engine.start()` later connects to it."""
    if isinstance(engine.backend, LaunchesEarly):
        engine.backend.launch()


def kill_all_kernels() -> None:
    """Kill every kernel this process started (for signal and exit paths; synchronous)."""
    from tuinb.kernel import shutdown_all_kernels_sync

    shutdown_all_kernels_sync()


def end_process_later(code: int, grace: float) -> threading.Timer:
    """End the process with `code` in `grace` seconds unless it has ended by then, its
    kernels first (`kill_all_kernels`). The timer is a daemon: a process that ends in
    time is not held up by it."""

    def end() -> None:
        kill_all_kernels()
        os._exit(code)

    timer = threading.Timer(grace, end)
    timer.daemon = True
    timer.start()
    return timer
