"""The Jupyter wire protocol on pyzmq + asyncio: kernelspecs, launching, clients.

The public names are re-exported here::

    from tuinb.kernel import KernelManager, get_kernel_spec

They are loaded on first use (PEP 562), so that importing a light submodule
(`tuinb.kernel.kernelspec`, or `tuinb.kernel.manager` to launch a kernel)
does not import zmq and asyncio: `tuinb run` starts the kernel process first
and imports the rest while the kernel boots.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuinb.kernel.client import KernelClient
    from tuinb.kernel.errors import (
        KernelDeadError,
        KernelError,
        KernelStartError,
        KernelTimeoutError,
        NoSuchKernel,
    )
    from tuinb.kernel.kernelspec import (
        KernelSpec,
        default_kernel_name,
        find_kernel_specs,
        get_kernel_spec,
    )
    from tuinb.kernel.manager import KernelManager, shutdown_all_kernels_sync
    from tuinb.kernel.messages import Message

_HOMES = {
    "KernelClient": "client",
    "KernelDeadError": "errors",
    "KernelError": "errors",
    "KernelStartError": "errors",
    "KernelTimeoutError": "errors",
    "NoSuchKernel": "errors",
    "KernelSpec": "kernelspec",
    "default_kernel_name": "kernelspec",
    "find_kernel_specs": "kernelspec",
    "get_kernel_spec": "kernelspec",
    "KernelManager": "manager",
    "shutdown_all_kernels_sync": "manager",
    "Message": "messages",
}

__all__ = [
    "KernelClient",
    "KernelDeadError",
    "KernelError",
    "KernelManager",
    "KernelSpec",
    "KernelStartError",
    "KernelTimeoutError",
    "Message",
    "NoSuchKernel",
    "default_kernel_name",
    "find_kernel_specs",
    "get_kernel_spec",
    "shutdown_all_kernels_sync",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"tuinb.kernel.{home}"), name)
