"""A kernel provisioner for tuinb's tests: a local kernel, launched its own way.

It is jupyter_client's local provisioner with two differences a test can see:
the kernel gets `TUINB_PROVISIONED=yes` in its environment, and every call
the provisioner gets is appended to the file named by `TUINB_PROVISIONER_LOG`.
Registered as the `tuinb-test-provisioner` entry point by the `.dist-info`
folder beside it (put this folder on `sys.path` to install it).
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_client.provisioning.local_provisioner import LocalProvisioner


def _mark(what: str) -> None:
    log = os.environ.get("TUINB_PROVISIONER_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:  # noqa: PTH123
            handle.write(what + "\n")


class MarkingProvisioner(LocalProvisioner):
    """jupyter_client's LocalProvisioner, leaving marks."""

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        _mark("pre_launch")
        kwargs = await super().pre_launch(**kwargs)
        env = dict(kwargs.get("env") or os.environ)
        env["TUINB_PROVISIONED"] = "yes"
        kwargs["env"] = env
        return dict(kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        _mark("launch_kernel")
        return await super().launch_kernel(cmd, **kwargs)

    async def send_signal(self, signum: int) -> None:
        _mark(f"send_signal {signum}")
        await super().send_signal(signum)

    async def kill(self, restart: bool = False) -> None:
        _mark(f"kill restart={restart}")
        await super().kill(restart=restart)

    async def cleanup(self, restart: bool = False) -> None:
        _mark(f"cleanup restart={restart}")
        await super().cleanup(restart=restart)
