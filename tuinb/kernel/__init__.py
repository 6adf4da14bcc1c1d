"""The Jupyter wire protocol on pyzmq + asyncio: kernelspecs, launching, clients.

The public names are re-exported here::

    from tuinb.kernel import KernelManager, get_kernel_spec
"""

from __future__ import annotations

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
