"""Helpers shared by the engine tests (fake backend and real kernel alike)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from tuinb.engine import CellFinished, EngineEvent
from tuinb.model import Notebook


def make_notebook(*sources: str) -> Notebook:
    """A v4.5 notebook of code cells with ids c0, c1, ..."""
    cells = [
        {"id": f"c{i}", "cell_type": "code", "source": src, "metadata": {}, "outputs": []}
        for i, src in enumerate(sources)
    ]
    return Notebook.from_dict({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


class EventLog:
    """The engine events a test has seen, and waiting on them."""

    seen: list[EngineEvent]
    wait_seconds: float = 5
    """How long `until` waits by default (a real kernel gets longer)."""

    async def until(
        self, predicate: Callable[[], bool], what: str, seconds: float | None = None
    ) -> None:
        try:
            async with asyncio.timeout(self.wait_seconds if seconds is None else seconds):
                while not predicate():  # noqa: ASYNC110 (bounded by the timeout)
                    await asyncio.sleep(0.01)
        except TimeoutError:
            pytest.fail(f"timed out waiting for {what}; events: {self.seen}")

    def finished(self) -> dict[str, CellFinished]:
        return {e.cell_id: e for e in self.seen if isinstance(e, CellFinished)}
