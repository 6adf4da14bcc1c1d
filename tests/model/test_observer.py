"""The edit observer sees every primitive edit, undo and redo included, and nothing else."""

from __future__ import annotations

from typing import Any

from tuinb.model import Cell, Notebook


class Seen:
    def __init__(self) -> None:
        self.edits: list[tuple[Any, ...]] = []

    def cell_inserted(self, index: int, cell: Cell) -> None:
        self.edits.append(("insert", index, cell.id))

    def cell_removed(self, index: int, cell: Cell) -> None:
        self.edits.append(("remove", index, cell.id))

    def fields_set(self, cell: Cell, values: dict[str, Any]) -> None:
        self.edits.append(("set", cell.id, dict(values)))


def test_operations_undo_and_redo_are_seen_as_primitive_edits() -> None:
    notebook = Notebook.new()
    first = notebook.cells[0].id
    seen = Seen()
    notebook.observer = seen
    added = notebook.insert_cell(1, "markdown", "# hi")
    notebook.set_source(first, "x = 1")
    notebook.undo()
    notebook.redo()
    assert seen.edits == [
        ("insert", 1, added.id),
        ("set", first, {"source": "x = 1"}),
        ("set", first, {"source": ""}),
        ("set", first, {"source": "x = 1"}),
    ]


def test_execution_results_are_not_edits() -> None:
    notebook = Notebook.new()
    cell_id = notebook.cells[0].id
    seen = Seen()
    notebook.observer = seen
    notebook.append_output(cell_id, {"output_type": "stream", "name": "stdout", "text": "a"})
    notebook.set_execution_count(cell_id, 3)
    notebook.set_cell_metadata(cell_id, "execution", {"x": 1}, undoable=False)
    notebook.replace_results(cell_id, [], None)
    assert seen.edits == []


def test_edits_applied_from_another_copy_make_it_dirty_without_undo() -> None:
    notebook = Notebook.new()
    notebook.mark_saved()
    cell = Cell(id="abc", cell_type="code", source="y")
    notebook.apply_insert(1, cell)
    notebook.apply_fields(cell, {"source": "z"})
    assert notebook.dirty
    assert not notebook.can_undo
    assert notebook.apply_remove(1) is cell
    assert [c.source for c in notebook.cells] == [""]


def test_results_taken_from_another_copy_mark_the_notebook_dirty() -> None:
    notebook = Notebook.new()
    notebook.mark_saved()
    cell = notebook.cells[0]
    revision = cell.revision
    outputs = [{"output_type": "stream", "name": "stdout", "text": "hi\n"}]
    notebook.replace_results(cell.id, outputs, 7, {"execution": {}})
    assert (cell.outputs, cell.execution_count, cell.metadata) == (outputs, 7, {"execution": {}})
    assert cell.revision > revision
    assert notebook.dirty
