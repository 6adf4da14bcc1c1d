"""Where tuinb keeps its own files (platformdirs), overridable for tests.

Nothing here creates a directory at import time; callers ask for a path and
create it when they write.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import platformdirs

APP_NAME = "tuinb"


def data_dir() -> Path:
    """The user data dir (`TUINB_DATA_DIR` overrides it, as tests do)."""
    override = os.environ.get("TUINB_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    """The TOML config file (`TUINB_CONFIG_FILE` overrides it)."""
    override = os.environ.get("TUINB_CONFIG_FILE")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def runtime_dir() -> Path:
    """tuinb's folder for session sockets and locks (`TUINB_RUNTIME_DIR` overrides it).

    Under `XDG_RUNTIME_DIR` (private to the user, emptied at logout) when it
    is set, else `/tmp/tuinb-<uid>`. Kept short: a Unix socket path must fit
    in ~100 bytes. Its owner and mode are checked by whoever creates a socket.
    """
    override = os.environ.get("TUINB_RUNTIME_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg and Path(xdg).is_dir() and len(os.fsencode(xdg)) <= 60:
        return Path(xdg) / APP_NAME
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path("/tmp") / f"{APP_NAME}-{uid}"


def recovery_dir() -> Path:
    """Folder of recovery copies of unsaved notebooks."""
    return data_dir() / "recovery"


def recovery_file(notebook: Path) -> Path:
    """The recovery copy for one notebook, keyed by its absolute path."""
    absolute = str(notebook.expanduser().resolve())
    digest = hashlib.sha256(absolute.encode("utf-8")).hexdigest()[:16]
    return recovery_dir() / f"{notebook.stem}-{digest}.ipynb"
