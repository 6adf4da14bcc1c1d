"""Kernels started through a jupyter_client kernel provisioner.

A kernelspec may name a provisioner in `metadata.kernel_provisioner`
(gateway_provisioners' Kubernetes, Docker, YARN and SSH provisioners are
the real ones). Such a kernel is not a local process tuinb could launch: the
provisioner, found in the `jupyter_client.kernel_provisioners` entry-point
group, starts it where it belongs. Provisioners are plugins of
jupyter_client and are written against its `AsyncKernelManager` (they call
back into it as their `parent`), so jupyter_client hosts the provisioner
here. It is imported only for such kernels (never for ordinary ones, which
tuinb launches itself); every provisioner package depends on it, so a
kernelspec that names an installed provisioner always finds it.

tuinb's own client then talks to the kernel with the connection info the
provisioner returns; interrupt, restart, shutdown and the check that the
kernel still lives go through the provisioner (`send_signal`, `poll`,
`kill`, `cleanup`), the heartbeat counting too.
"""

from __future__ import annotations

import asyncio
import contextlib
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuinb.kernel.connection import ConnectionInfo
from tuinb.kernel.errors import KernelDeadError, KernelError, KernelStartError
from tuinb.kernel.kernelspec import KernelSpec

if TYPE_CHECKING:
    from tuinb.kernel.client import KernelClient

ENTRY_POINT_GROUP = "jupyter_client.kernel_provisioners"
LOCAL_PROVISIONER = "local-provisioner"
"""jupyter_client's own provisioner: a local process, which tuinb launches itself."""

KNOWN_PACKAGES = {
    "kubernetes-provisioner": "'gateway_provisioners[k8s]'",
    "docker-provisioner": "'gateway_provisioners[docker]'",
    "docker-swarm-provisioner": "'gateway_provisioners[docker]'",
    "yarn-provisioner": "'gateway_provisioners[yarn]'",
    "distributed-provisioner": "gateway_provisioners",
}
"""Provisioner names whose package is known, for the message when one is missing."""


def provisioner_of(spec: KernelSpec) -> str | None:
    """The provisioner a kernelspec names, unless it is the local one (None)."""
    section = spec.metadata.get("kernel_provisioner")
    name = section.get("provisioner_name") if isinstance(section, dict) else None
    if not isinstance(name, str) or not name or name == LOCAL_PROVISIONER:
        return None
    return name


def is_installed(name: str) -> bool:
    """Whether some installed package provides provisioner `name` (no jupyter_client needed)."""
    return bool(entry_points(group=ENTRY_POINT_GROUP, name=name))


def missing_message(spec: KernelSpec, name: str) -> str:
    """One sentence: the provisioner is not installed, and which package to install."""
    package = KNOWN_PACKAGES.get(name)
    advice = (
        f"install it with `pip install {package}`"
        if package
        else "install the package that provides it (a `jupyter_client.kernel_provisioners` "
        "entry point)"
    )
    return (
        f"The kernel {spec.name!r} needs the kernel provisioner {name!r}, which is not "
        f"installed; {advice}."
    )


class ProvisionedKernel:
    """A `KernelBackend` whose kernel a provisioner starts (see the module docstring)."""

    def __init__(self, spec: KernelSpec, *, cwd: Path | None = None) -> None:
        provisioner = provisioner_of(spec)
        if provisioner is None:
            raise ValueError(f"the kernelspec {spec.name} names no provisioner")
        self.spec = spec
        self.cwd = cwd
        self.provisioner_name: str = provisioner
        """The provisioner's entry-point name (shown by `tuinb kernels` and the editor)."""
        self._manager: Any = None
        self._client: KernelClient | None = None
        self._watch: asyncio.Task[str] | None = None

    @property
    def pid(self) -> int | None:
        """The kernel's local process id, when the provisioner has one (often it has not)."""
        provisioner = getattr(self._manager, "provisioner", None)
        pid = getattr(provisioner, "pid", None)
        return pid if isinstance(pid, int) else None

    @property
    def display_name(self) -> str:
        return self.spec.display_name

    def launch(self) -> None:
        """Nothing to start early: the provisioner launches in `start()` (it is async)."""

    def _new_manager(self) -> Any:
        if not is_installed(self.provisioner_name):
            raise KernelStartError(
                self.spec.name, missing_message(self.spec, self.provisioner_name)
            )
        try:
            from jupyter_client.kernelspec import KernelSpec as JupyterKernelSpec
            from jupyter_client.manager import AsyncKernelManager
        except ImportError:
            raise KernelStartError(
                self.spec.name,
                "its provisioner needs jupyter_client; install it: `pip install jupyter_client`",
            ) from None
        manager = AsyncKernelManager(kernel_name=self.spec.name)
        # the very kernelspec tuinb found, not another lookup
        manager._kernel_spec = JupyterKernelSpec.from_resource_dir(str(self.spec.resource_dir))
        return manager

    def _client_for(self, manager: Any) -> KernelClient:
        from tuinb.kernel.client import KernelClient

        info = dict(manager.get_connection_info(session=False))
        info["kernel_name"] = self.spec.name
        return KernelClient(ConnectionInfo.from_dict(info), kernel_name=self.spec.name)

    async def _connect(self, timeout: float) -> KernelClient:  # noqa: ASYNC109
        client = self._client_for(self._manager)
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=timeout)
        except KernelError:
            await client.close()
            raise
        self._client = client
        self._watch = asyncio.create_task(self._watch_death(client), name="tuinb-provisioned")
        return client

    async def start(self, *, timeout: float = 60) -> KernelClient:  # noqa: ASYNC109 (the kernel contract)
        """Have the provisioner start the kernel, then connect tuinb's own client to it."""
        if self._client is not None:
            return self._client
        manager = self._new_manager()
        try:
            async with asyncio.timeout(timeout):
                await manager.start_kernel(cwd=str(self.cwd) if self.cwd else None)
        except TimeoutError:
            await self._discard(manager)
            raise KernelStartError(
                self.spec.name, f"its provisioner did not start it within {timeout:g} s"
            ) from None
        except Exception as exc:  # a provisioner may raise anything
            await self._discard(manager)
            raise KernelStartError(
                self.spec.name, f"its provisioner {self.provisioner_name!r} failed ({exc})"
            ) from None
        self._manager = manager
        try:
            return await self._connect(timeout)
        except (KernelError, asyncio.CancelledError):
            await self.shutdown()
            raise

    @staticmethod
    async def _discard(manager: Any) -> None:
        with contextlib.suppress(Exception):
            await manager.shutdown_kernel(now=True)

    async def _watch_death(self, client: KernelClient) -> str:
        from tuinb.kernel.watch import watch_heartbeat

        manager = self._manager

        async def alive() -> bool:
            return bool(await manager.is_alive())  # the provisioner's poll()

        reason = await watch_heartbeat(client, self.spec.name, still_running=alive)
        client.mark_dead(reason)
        return reason

    async def wait_for_death(self) -> str:
        """A one-line reason once the provisioner says the kernel ended, or it goes silent."""
        if self._watch is None:
            raise KernelDeadError(f"the kernel {self.spec.name} is not running")
        return await asyncio.shield(self._watch)

    async def interrupt(self) -> None:
        """Through the provisioner (a signal) or `interrupt_request`, as the spec says."""
        if self._manager is None:
            raise KernelDeadError(f"the kernel {self.spec.name} is not running")
        await self._manager.interrupt_kernel()

    async def _drop_client(self) -> None:
        from tuinb.kernel.requests import release

        watch, self._watch = self._watch, None
        client, self._client = self._client, None
        await release(watch, client)

    async def restart(self, *, timeout: float = 60) -> KernelClient:  # noqa: ASYNC109 (the kernel contract)
        """Restart through the provisioner; reconnect (the connection info may change)."""
        if self._manager is None:
            return await self.start(timeout=timeout)
        await self._drop_client()
        try:
            async with asyncio.timeout(timeout):
                await self._manager.restart_kernel(now=False)
        except Exception as exc:
            raise KernelStartError(
                self.spec.name, f"its provisioner could not restart it ({exc})"
            ) from None
        return await self._connect(timeout)

    async def shutdown(self, *, timeout: float = 5) -> None:  # noqa: ASYNC109 (the kernel contract)
        """Shut the kernel down through its provisioner (idempotent)."""
        await self._drop_client()
        manager, self._manager = self._manager, None
        if manager is None:
            return
        manager.shutdown_wait_time = max(timeout, 0.2)
        try:
            async with asyncio.timeout(timeout * 2 + 5):
                await manager.shutdown_kernel()
        except Exception:
            with contextlib.suppress(Exception):
                await manager.shutdown_kernel(now=True)


def kernel_backend(spec: KernelSpec, *, cwd: Path | None = None, **options: Any) -> Any:
    """The backend for a kernelspec: a `ProvisionedKernel` if it names a provisioner, else
    tuinb's own `KernelManager` (`options` go to it)."""
    if provisioner_of(spec) is not None:
        return ProvisionedKernel(spec, cwd=cwd)
    from tuinb.kernel.manager import KernelManager

    return KernelManager(spec, cwd=cwd, **options)
