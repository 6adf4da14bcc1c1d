"""Tags and metadata edited by the user: undoable, validated, merged so nothing is lost."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tuinb.model import Notebook
from tuinb.model.tags import (
    add_tag,
    apply_cell_metadata,
    apply_notebook_metadata,
    merge_metadata,
    metadata_json,
    parse_metadata,
    remove_tag,
    tag_suggestions,
)


def notebook(*metadata: dict[str, Any]) -> Notebook:
    cells = [
        {"id": f"c{i}", "cell_type": "markdown", "source": "", "metadata": meta}
        for i, meta in enumerate(metadata)
    ]
    return Notebook.from_dict(
        {
            "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def test_add_and_remove_tags_are_undoable() -> None:
    nb = notebook({})
    assert add_tag(nb, "c0", " parameters ") is None
    assert add_tag(nb, "c0", "slow") is None
    assert add_tag(nb, "c0", "slow") is None  # already there: no new step
    assert nb.cell("c0").metadata == {"tags": ["parameters", "slow"]}
    assert remove_tag(nb, "c0", "parameters")
    assert not remove_tag(nb, "c0", "absent")
    assert remove_tag(nb, "c0", "slow")
    assert nb.cell("c0").metadata == {}  # the last tag takes the key with it
    nb.undo()
    assert nb.cell("c0").metadata == {"tags": ["slow"]}
    nb.undo()
    nb.undo()
    nb.undo()
    assert nb.cell("c0").metadata == {}
    assert not nb.dirty


@pytest.mark.parametrize(
    ("tag", "problem"),
    [
        ("", "A tag cannot be empty."),
        ("a,b", "A tag cannot contain a comma (the notebook format forbids it)."),
        ("two words", "A tag cannot contain spaces: use - or _ instead."),
    ],
)
def test_bad_tags_are_refused_in_one_sentence(tag: str, problem: str) -> None:
    nb = notebook({})
    assert add_tag(nb, "c0", tag) == problem
    assert nb.cell("c0").metadata == {}
    assert not nb.can_undo


def test_suggestions_come_from_the_notebook_most_used_first() -> None:
    nb = notebook({"tags": ["plot", "slow"]}, {"tags": ["slow"]}, {"tags": "not a list"}, {})
    assert tag_suggestions(nb, cell_id="c3")[:3] == ["slow", "plot", "parameters"]
    assert tag_suggestions(nb, "S", cell_id="c3") == ["slow", "skip-execution"]
    assert "slow" not in tag_suggestions(nb, cell_id="c1")
    assert tag_suggestions(nb, "pa") == ["parameters"]


def test_metadata_json_round_trips() -> None:
    metadata = {"tags": ["é"], "jupyter": {"source_hidden": True}}
    text = metadata_json(metadata)
    assert "é" in text
    assert parse_metadata(text) == metadata


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '{"a": 1,}',
            "Invalid JSON at line 1, column 9: Expecting property name enclosed in "
            "double quotes; nothing changed.",
        ),
        ("[1]", "Metadata must be a JSON object ({...}), not a list; nothing changed."),
        ('{"tags": "x"}', '"tags" must be a list of strings; nothing changed.'),
        (
            '{"tags": ["a,b"]}',
            '"tags" holds "a,b": a tag cannot contain a comma (the notebook '
            "format forbids it); nothing changed.",
        ),
        ('{"tags": ["a", "a"]}', '"tags" must not repeat a tag; nothing changed.'),
        ('{"scrolled": 1}', '"scrolled" must be true, false or "auto"; nothing changed.'),
        (
            '{"jupyter": {"source_hidden": "yes"}}',
            '"jupyter.source_hidden" must be true or false; nothing changed.',
        ),
    ],
)
def test_bad_cell_metadata_is_refused_with_the_reason(text: str, problem: str) -> None:
    nb = notebook({"keep": 1})
    assert apply_cell_metadata(nb, "c0", text, {"keep": 1}) == problem
    assert nb.cell("c0").metadata == {"keep": 1}
    assert not nb.can_undo


def test_an_edit_keeps_what_changed_meanwhile() -> None:
    nb = notebook({"tags": ["a"], "old": 1, "execution": {"iopub.status.busy": "t0"}})
    original = json.loads(json.dumps(nb.cell("c0").metadata))
    # while the editor is open, a run records new timings
    nb.set_cell_metadata("c0", "execution", {"iopub.status.busy": "t1"}, undoable=False)
    edited = {"tags": ["a", "b"], "execution": {"iopub.status.busy": "t0"}, "new": True}
    assert apply_cell_metadata(nb, "c0", json.dumps(edited), original) is None
    assert nb.cell("c0").metadata == {
        "tags": ["a", "b"],  # changed by the user
        "execution": {"iopub.status.busy": "t1"},  # untouched by the user: kept as it is now
        "new": True,  # added
    }  # "old" was removed by the user
    nb.undo()
    assert nb.cell("c0").metadata["old"] == 1


def test_merge_rules() -> None:
    assert merge_metadata({"a": 1, "b": 2}, {"a": 1, "c": 3}, {"a": 9, "b": 2, "d": 4}) == {
        "a": 9,
        "c": 3,
        "d": 4,
    }


def test_notebook_metadata_is_edited_as_one_undo_step() -> None:
    nb = notebook({})
    original = dict(nb.metadata)
    edited = {"kernelspec": {"name": "ir", "display_name": "R"}, "title": "Report"}
    assert apply_notebook_metadata(nb, json.dumps(edited), original) is None
    assert nb.metadata == edited
    assert nb.dirty
    nb.undo()
    assert nb.metadata == {"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    assert not nb.dirty
    nb.redo()
    assert nb.metadata["title"] == "Report"


def test_bad_notebook_metadata_is_refused() -> None:
    nb = notebook({})
    problem = apply_notebook_metadata(nb, '{"kernelspec": {"name": "x"}}', dict(nb.metadata))
    assert problem == '"kernelspec" needs "display_name" as a string; nothing changed.'
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "Invalid JSON" in str(apply_notebook_metadata(nb, "{", {}))
