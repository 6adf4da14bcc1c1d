"""Fixtures for driving the installed `tuinb` in tmux."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.tmux import TmuxSession, require_tmux, tuinb_command
from tuinb.session.commands import stop_all


def write_notebook(path: Path, cells: list[dict[str, Any]]) -> Path:
    """A small nbformat 4.5 notebook file with these cells."""
    full = []
    for index, cell in enumerate(cells):
        entry: dict[str, Any] = {"cell_type": "code", "id": f"cell-{index}", "metadata": {}}
        entry.update(cell)
        if entry["cell_type"] == "code":
            entry.setdefault("outputs", [])
            entry.setdefault("execution_count", None)
        full.append(entry)
    notebook = {
        "cells": full,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def tuinb_env() -> dict[str, str]:
    """The private folders tests/conftest.py set, and a known terminal."""
    env = {"TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none", "COLORTERM": "truecolor"}
    names = (
        "TUINB_DATA_DIR",
        "TUINB_CONFIG_FILE",
        "TUINB_RUNTIME_DIR",
        "JUPYTER_RUNTIME_DIR",
        "JUPYTER_DATA_DIR",
    )
    for key in (*names, "PATH", "HOME"):
        value = os.environ.get(key)
        if value is not None:
            env[key] = value
    return env


@pytest.fixture
def tuinb() -> Path:
    """The installed tuinb command."""
    require_tmux()
    return tuinb_command()


@pytest.fixture
async def tmux(tmp_path: Path) -> AsyncIterator[TmuxSession]:
    """A private tmux server, killed afterwards with everything in it.

    An editor killed by a test (or by killing tmux) leaves its notebook's
    session running, as it should; those sessions are stopped at the end, as
    `tuinb sessions --stop NOTEBOOK --discard` would.
    """
    session = TmuxSession(tmp_path)
    try:
        yield session
    finally:
        await session.close()
        await asyncio.to_thread(stop_all)
