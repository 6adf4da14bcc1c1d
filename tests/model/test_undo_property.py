"""Property: any sequence of cell operations, all undone, gives the original notebook back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat as _nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuinb.model import CellType, Notebook, dumps, load, save

nbformat: Any = _nbformat

DATA = Path(__file__).resolve().parent.parent / "data"
STARTS = [
    "jupyter__nbclient__tests__files__Clear_Output.ipynb",  # outputs, 4.1 (no ids saved)
    "jupyter__nbconvert__tests__exporters__files__attachment.ipynb",  # attachments
    "jupyter__nbformat__tests__test4.5.ipynb",  # ids
    "jupyter__nbclient__tests__files__HelloWorld.ipynb",  # one cell
]
CELL_TYPES: list[CellType] = ["code", "markdown", "raw"]
OPERATIONS = [
    "insert",
    "delete",
    "move",
    "paste",
    "split",
    "merge",
    "change_type",
    "clear",
    "source",
    "metadata",
    "unmetadata",
]


def _ids(data: st.DataObject, notebook: Notebook) -> list[str]:
    ids = [cell.id for cell in notebook.cells]
    return data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True))


def _apply(data: st.DataObject, notebook: Notebook, operation: str) -> None:
    n = len(notebook.cells)
    one = data.draw(st.sampled_from([cell.id for cell in notebook.cells]))
    text = st.text(alphabet="ab\n é", max_size=12)
    if operation == "insert":
        index = data.draw(st.integers(-1, n + 1))
        notebook.insert_cell(index, data.draw(st.sampled_from(CELL_TYPES)), data.draw(text))
    elif operation == "delete":
        notebook.delete_cells(_ids(data, notebook))
    elif operation == "move":
        notebook.move_cells(_ids(data, notebook), data.draw(st.integers(-3, 3)))
    elif operation == "paste":
        copies = notebook.copy_cells(_ids(data, notebook))
        notebook.paste_cells(data.draw(st.integers(0, n)), copies)
    elif operation == "split":
        offset = data.draw(st.integers(-1, len(notebook.cell(one).source) + 1))
        notebook.split_cell(one, offset)
    elif operation == "merge":
        notebook.merge_cells(_ids(data, notebook))
    elif operation == "change_type":
        notebook.change_cell_type(_ids(data, notebook), data.draw(st.sampled_from(CELL_TYPES)))
    elif operation == "clear":
        notebook.clear_outputs(_ids(data, notebook))
    elif operation == "source":
        notebook.set_source(one, data.draw(text))
    elif operation == "metadata":
        key = data.draw(st.sampled_from(["tags", "collapsed"]))
        value: Any = data.draw(
            st.lists(st.sampled_from("xyz"), unique=True) if key == "tags" else st.booleans()
        )
        notebook.set_cell_metadata(one, key, value)
    else:
        notebook.remove_cell_metadata(one, data.draw(st.sampled_from(["tags", "collapsed"])))


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), start=st.sampled_from(STARTS))
def test_undo_all_restores_and_redo_all_replays(data: st.DataObject, start: str) -> None:
    notebook = load(DATA / start)
    original = notebook.to_dict()
    steps = data.draw(st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=12))
    for operation in steps:
        _apply(data, notebook, operation)
        ids = [cell.id for cell in notebook.cells]
        assert len(ids) == len(set(ids)), "cell ids stay unique"
        assert notebook.cells, "a notebook never has zero cells"
    final = notebook.to_dict()
    undone = 0
    while notebook.undo():
        undone += 1
    assert notebook.to_dict() == original
    assert not notebook.dirty
    assert undone <= len(steps)
    while notebook.redo():
        pass
    assert notebook.to_dict() == final
    assert notebook.dirty == (undone > 0)


def test_a_thousand_cells_undo_is_cheap() -> None:
    """Per-operation steps, not snapshots: 1,000 edits on 1,000 cells stay small."""
    notebook = Notebook.new()
    for index in range(999):
        notebook.insert_cell(index + 1, "code", f"x = {index}")
    history = notebook._history
    steps = sum(len(command.steps) for command in history.undo_stack)
    assert steps == 999  # one primitive step per insert, no copies of the cell list
    while notebook.undo():
        pass
    assert len(notebook.cells) == 1


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), start=st.sampled_from(STARTS))
def test_edited_notebooks_stay_valid_and_save_is_a_fixed_point(
    data: st.DataObject, start: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    notebook = load(DATA / start)
    for operation in data.draw(st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=8)):
        _apply(data, notebook, operation)
    target = tmp_path_factory.mktemp("fixed") / "nb.ipynb"
    save(notebook, target)
    text = target.read_text("utf-8")
    nbformat.validate(nbformat.reads(text, as_version=4))  # edits keep the file valid
    assert dumps(load(target)) == text
