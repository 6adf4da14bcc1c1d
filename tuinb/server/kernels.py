"""Kernels, sessions and kernelspecs of a Jupyter server or gateway (REST).

Sessions (`POST /api/sessions` with the notebook's path, `type: notebook`
and the kernel name) are how JupyterLab ties a kernel to a notebook: with
one, a JupyterLab user on the same server sees and shares tuinb's kernel
(and opening a notebook that already has a session reuses its kernel, as
JupyterLab does). Bare kernels (`POST /api/kernels`) are what a gateway
offers, and what a headless run uses so as not to disturb a shared kernel.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from tuinb.kernel.messages import default_username
from tuinb.server.address import normalise_path
from tuinb.server.errors import KernelGone, ServerNotFound, ServerRequestError, server_text
from tuinb.server.http import ServerConnection


@dataclass(frozen=True)
class RemoteKernelSpec:
    """One kernelspec the server offers."""

    name: str
    display_name: str
    language: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_model(cls, model: dict[str, Any]) -> RemoteKernelSpec:
        spec = model.get("spec") if isinstance(model.get("spec"), dict) else {}
        assert isinstance(spec, dict)
        name = str(model.get("name", ""))
        return cls(
            name=name,
            display_name=str(spec.get("display_name") or name),
            language=str(spec.get("language") or ""),
            metadata=dict(spec.get("metadata") or {}),
        )


@dataclass(frozen=True)
class RunningKernel:
    """A kernel running on the server (and the notebook its session ties it to, if any)."""

    id: str
    name: str
    execution_state: str
    connections: int
    last_activity: str
    path: str | None = None
    """The notebook of the kernel's session (None: a kernel without a session)."""
    session_id: str | None = None


def user_environment(cwd: str | None = None) -> dict[str, str]:
    """What a gateway gets in `env` when a kernel is started, as jupyter_server sends it:
    every `KERNEL_*` variable, `KERNEL_USERNAME`, and `KERNEL_WORKING_DIR` when known."""
    env = {k: v for k, v in os.environ.items() if k.startswith("KERNEL_")}
    env.setdefault("KERNEL_USERNAME", default_username())
    if cwd is not None:
        env.setdefault("KERNEL_WORKING_DIR", cwd)
    return env


class KernelsAPI:
    """`/api/kernelspecs`, `/api/kernels` and `/api/sessions` of one server or gateway."""

    def __init__(self, connection: ServerConnection) -> None:
        self.connection = connection

    def _gone(self, kernel_id: str) -> KernelGone:
        return KernelGone(
            f"The kernel {kernel_id[:8]} is no longer on {self.connection.where()} "
            "(shut down there, culled for being idle, or the server restarted)."
        )

    async def kernelspecs(self) -> tuple[str, list[RemoteKernelSpec]]:
        """(the server's default kernel name, its kernelspecs by name)."""
        found = await self.connection.request("GET", "api/kernelspecs", subject="list its kernels")
        found = found if isinstance(found, dict) else {}
        specs = found.get("kernelspecs") if isinstance(found.get("kernelspecs"), dict) else {}
        assert isinstance(specs, dict)
        listed = [RemoteKernelSpec.from_model(m) for m in specs.values() if isinstance(m, dict)]
        return str(found.get("default") or ""), sorted(listed, key=lambda s: s.name)

    async def _unknown_kernel(self, name: str, error: ServerRequestError) -> ServerRequestError:
        """A clearer error when a start failed because no kernelspec has that name."""
        try:
            _default, specs = await self.kernelspecs()
        except Exception:
            return error
        names = [s.name for s in specs]
        if name in names:
            return error
        listing = ", ".join(names) or "none"
        return ServerRequestError(
            f"There is no kernel named {server_text(name)!r} on {self.connection.where()} "
            f"(available: {server_text(listing)}); pick one of those.",
            error.status,
            error.reason,
        )

    async def start_kernel(
        self, name: str, *, path: str | None = None, env: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Start a kernel without a session; its model (`id`, `name`, ...)."""
        body: dict[str, Any] = {"name": name}
        if path is not None:
            body["path"] = normalise_path(path)
        if env:
            body["env"] = env
        try:
            model = await self.connection.request(
                "POST", "api/kernels", body=body, subject=f"start the kernel {name!r}"
            )
        except ServerRequestError as exc:
            raise await self._unknown_kernel(name, exc) from None
        return model if isinstance(model, dict) else {}

    async def create_session(self, path: str, kernel_name: str | None) -> dict[str, Any]:
        """The notebook's session (made now, or the one it already has); its model."""
        clean = normalise_path(path) or ""
        body: dict[str, Any] = {"path": clean, "type": "notebook", "name": ""}
        if kernel_name:
            body["kernel"] = {"name": kernel_name}
        try:
            model = await self.connection.request(
                "POST", "api/sessions", body=body, subject=f"start a kernel for {clean!r}"
            )
        except ServerRequestError as exc:
            raise await self._unknown_kernel(kernel_name or "", exc) from None
        return model if isinstance(model, dict) else {}

    async def move_session(self, session_id: str, kernel_id: str) -> dict[str, Any]:
        """Point a notebook's session at another running kernel, as JupyterLab does when a
        notebook changes kernel (the server shuts the session's previous kernel down)."""
        model = await self.connection.request(
            "PATCH",
            f"api/sessions/{session_id}",
            body={"kernel": {"id": kernel_id}},
            subject="move the notebook's session to that kernel",
        )
        return model if isinstance(model, dict) else {}

    async def kernel(self, kernel_id: str) -> dict[str, Any]:
        """The kernel's model (`execution_state`, ...); `KernelGone` if it is not there."""
        model = await self.connection.request(
            "GET",
            f"api/kernels/{kernel_id}",
            subject="describe the kernel",
            not_found=self._gone(kernel_id),
        )
        return model if isinstance(model, dict) else {}

    async def interrupt(self, kernel_id: str) -> None:
        """Interrupt it (the server signals the process or sends interrupt_request)."""
        await self.connection.request(
            "POST",
            f"api/kernels/{kernel_id}/interrupt",
            subject="interrupt the kernel",
            not_found=self._gone(kernel_id),
        )

    async def restart(self, kernel_id: str) -> dict[str, Any]:
        """Restart it (same id; the server answers once the new process is ready)."""
        model = await self.connection.request(
            "POST",
            f"api/kernels/{kernel_id}/restart",
            subject="restart the kernel",
            not_found=self._gone(kernel_id),
        )
        return model if isinstance(model, dict) else {}

    async def shutdown(self, kernel_id: str) -> None:
        """Shut it down (a kernel already gone is fine)."""
        try:
            await self.connection.request(
                "DELETE", f"api/kernels/{kernel_id}", subject="shut the kernel down"
            )
        except ServerNotFound:
            return

    async def delete_session(self, session_id: str) -> None:
        """End a session and its kernel (one already gone is fine)."""
        try:
            await self.connection.request(
                "DELETE", f"api/sessions/{session_id}", subject="end the session"
            )
        except ServerNotFound:
            return

    async def running(self, *, sessions: bool = True) -> list[RunningKernel]:
        """The kernels running there, with the notebook of each one's session if any.

        `sessions=False` for a gateway, which may not offer them.
        """
        kernels = await self.connection.request("GET", "api/kernels", subject="list its kernels")
        by_kernel: dict[str, tuple[str | None, str | None]] = {}
        if sessions:
            found = await self.connection.request(
                "GET", "api/sessions", subject="list its sessions"
            )
            for model in found or []:
                kernel = model.get("kernel") if isinstance(model, dict) else None
                if isinstance(kernel, dict) and kernel.get("id"):
                    by_kernel[str(kernel["id"])] = (_opt(model.get("path")), _opt(model.get("id")))
        running = []
        for model in kernels or []:
            if not isinstance(model, dict) or not model.get("id"):
                continue
            path, session = by_kernel.get(str(model["id"]), (None, None))
            running.append(
                RunningKernel(
                    id=str(model["id"]),
                    name=str(model.get("name", "")),
                    execution_state=str(model.get("execution_state", "")),
                    connections=int(model.get("connections") or 0),
                    last_activity=str(model.get("last_activity", "")),
                    path=path,
                    session_id=session,
                )
            )
        return running


def _opt(value: Any) -> str | None:
    return str(value) if value else None
