"""Sessions keep their sockets in a short private folder per test, and leave no host behind."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import kill_hosts


@pytest.fixture(autouse=True)
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """TUINB_RUNTIME_DIR in a short folder (a Unix socket path must fit ~100 bytes).

    At the end, a host still holding a session's lock fails the test (after
    being killed, so that it does not outlive the test run either).
    """
    base = Path(tempfile.mkdtemp(prefix="tsn-", dir="/tmp"))
    folder = base / "rt"
    monkeypatch.setenv("TUINB_RUNTIME_DIR", str(folder))
    yield folder
    left = kill_hosts(folder)
    shutil.rmtree(base, ignore_errors=True)
    if left:
        pytest.fail(f"session hosts left running: {left}")
