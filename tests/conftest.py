"""Every test runs with private data, config, session and Jupyter runtime folders.

A session host left running by a test (a `tuinb` that started one) fails
that test, after being killed, so none outlives the test run.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point tuinb's and Jupyter's per-user folders (data, runtime) at a fresh temporary folder."""
    root = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TUINB_DATA_DIR", str(root / "tuinb-data"))
        patch.setenv("TUINB_CONFIG_FILE", str(root / "tuinb-config.toml"))
        patch.setenv("JUPYTER_RUNTIME_DIR", str(root / "jupyter-runtime"))
        # the notary's secret and signature database (saving signs notebooks)
        patch.setenv("JUPYTER_DATA_DIR", str(root / "jupyter-data"))
        patch.setenv("TUINB_RUNTIME_DIR", str(root / "rt"))  # a socket path must be short
        yield root
    left = kill_hosts(root / "rt")
    if left:
        pytest.fail(f"session hosts left running: {left}")


def kill_hosts(folder: Path) -> list[int]:
    """Kill the session hosts whose info files are in `folder`; their pids."""
    from tests.kernel_support import process_exists

    left = []
    for info in folder.glob("*.json"):
        try:
            pid = int(json.loads(info.read_text())["pid"])
        except (OSError, KeyError, ValueError):
            continue
        if pid != os.getpid() and process_exists(pid):
            os.kill(pid, signal.SIGKILL)
            left.append(pid)
    return left


@pytest.fixture
def python3_kernelspec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A `python3` kernelspec for this interpreter in a private JUPYTER_PATH.

    Kernel tests ask for it with ``pytest.mark.usefixtures("python3_kernelspec")``.
    """
    from tests.kernel_support import kernel_env, write_ipykernel_spec

    root = tmp_path_factory.mktemp("jupyter-path")
    spec_dir = write_ipykernel_spec(root, "python3")
    with kernel_env(root):
        yield spec_dir
