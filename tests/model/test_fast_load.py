"""The editor's start-up read: nbformat-4 files without nbformat, validated later."""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from tuinb.model import dumps, load, nbio, validate_later, wait_validated

DATA = Path(__file__).resolve().parent.parent / "data"
GOOD = sorted(DATA.glob("*.ipynb"))


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem[-40:])
def test_deferred_load_equals_nbformat_load(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = itertools.count(1)

    def fixed_ids() -> uuid.UUID:  # ids nbformat or the model invent, the same in both loads
        return uuid.UUID(int=next(counter) << 96)

    monkeypatch.setattr(uuid, "uuid4", fixed_ids)
    slow = load(path)
    counter = itertools.count(1)
    fast = load(path, defer_validation=True)
    assert wait_validated(fast, timeout=30), "the background validation"
    assert fast.to_dict() == slow.to_dict()
    assert dumps(fast) == dumps(slow)
    assert fast.warnings == slow.warnings


def test_plain_v4_file_is_parsed_by_nbformat_only_in_the_background(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads: list[str] = []
    parse = nbio._parse

    def spy(text: str, path: Path) -> tuple[Any, list[str]]:
        threads.append(threading.current_thread().name)
        return parse(text, path)

    monkeypatch.setattr(nbio, "_parse", spy)
    notebook = load(
        DATA / "jupyter__nbclient__tests__files__HelloWorld.ipynb", defer_validation=True
    )
    assert len(notebook.cells) > 0
    assert threads == []  # nothing until the editor's screen is up and asks
    validate_later(notebook)
    validate_later(notebook)  # once only
    assert wait_validated(notebook, timeout=30), "the background validation"
    assert threads == ["tuinb-validate"]
    threads.clear()
    load(DATA / "jupyter__nbformat__tests__test3.ipynb", defer_validation=True)  # v3: upgraded
    assert threads == [threading.current_thread().name]


def test_problems_arrive_as_warnings_after_validation(tmp_path: Path) -> None:
    data = json.loads((DATA / "jupyter__nbclient__tests__files__HelloWorld.ipynb").read_text())
    data["cells"][0]["bogus_key"] = 1  # schema violation nbformat tolerates
    path = tmp_path / "odd.ipynb"
    path.write_text(json.dumps(data), "utf-8")
    notebook = load(path, defer_validation=True)
    assert wait_validated(notebook, timeout=30), "the background validation"
    assert any("not valid nbformat" in w for w in notebook.warnings)
    assert notebook.warnings == load(path).warnings


def test_files_needing_repair_take_nbformats_path(tmp_path: Path) -> None:
    data = {
        "cells": [
            {
                "cell_type": "code",
                "id": "same",
                "metadata": {},
                "source": "1",
                "outputs": [],
                "execution_count": None,
            },
            {
                "cell_type": "code",
                "id": "same",
                "metadata": {},
                "source": "2",
                "outputs": [],
                "execution_count": None,
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "dup.ipynb"
    path.write_text(json.dumps(data), "utf-8")
    notebook = load(path, defer_validation=True)
    assert any("Non-unique cell id" in w for w in notebook.warnings)  # at once: nbformat read it
    assert len({cell.id for cell in notebook.cells}) == 2
