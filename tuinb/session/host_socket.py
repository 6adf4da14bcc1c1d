"""The host's listening socket: bound 0600 from the start (its umask at bind time)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

__all__ = ["bind_socket"]


def bind_socket(path: Path) -> socket.socket:
    """A listening Unix socket at `path`, mode 0600 from the start (the umask at bind)."""
    listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    try:
        listening.bind(str(path))
    except OSError:
        listening.close()
        raise
    finally:
        os.umask(old)
    path.chmod(0o600)
    listening.listen(16)
    listening.setblocking(False)
    return listening
