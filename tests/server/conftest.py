"""Fixtures: a real Jupyter Server per test module (read-mostly tests share it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.support import RunningServer, running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A `jupyter server` on 127.0.0.1 with a random token, shared by a module's tests."""
    with running_server(tmp_path_factory.mktemp("jupyter-server")) as running:
        yield running
