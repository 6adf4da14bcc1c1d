"""Cell operations, undo/redo, dirty tracking and revisions."""

from __future__ import annotations

from tuinb.model import Cell, CellType, Notebook


def _sources(notebook: Notebook) -> list[str]:
    return [cell.source for cell in notebook.cells]


def _abc() -> Notebook:
    """A clean notebook with an empty history: code "a", markdown "b", code "c"."""
    kinds: list[tuple[CellType, str]] = [("code", "a"), ("markdown", "b"), ("code", "c")]
    return Notebook([Cell(id=f"id{n}", cell_type=t, source=s) for n, (t, s) in enumerate(kinds)])


def test_new_notebook_is_clean_with_one_code_cell() -> None:
    notebook = Notebook.new()
    assert [c.cell_type for c in notebook.cells] == ["code"]
    assert not notebook.dirty
    assert not notebook.can_undo


def test_insert_and_undo_redo() -> None:
    notebook = _abc()
    cell = notebook.insert_cell(1, "raw", "x")
    assert _sources(notebook) == ["a", "x", "b", "c"]
    assert notebook.cell(cell.id) is cell
    assert notebook.index_of(cell.id) == 1
    assert notebook.dirty
    assert notebook.undo()
    assert _sources(notebook) == ["a", "b", "c"]
    assert not notebook.dirty  # back at the saved state
    assert notebook.redo()
    assert _sources(notebook) == ["a", "x", "b", "c"]
    assert notebook.dirty
    assert not notebook.redo()


def test_insert_index_is_clamped() -> None:
    notebook = _abc()
    notebook.insert_cell(99, "code", "end")
    notebook.insert_cell(-5, "code", "start")
    assert _sources(notebook) == ["start", "a", "b", "c", "end"]


def test_delete_and_delete_all_leaves_one_code_cell() -> None:
    notebook = _abc()
    ids = [c.id for c in notebook.cells]
    notebook.delete_cells([ids[1]])
    assert _sources(notebook) == ["a", "c"]
    notebook.delete_cells([c.id for c in notebook.cells])
    assert [(c.cell_type, c.source) for c in notebook.cells] == [("code", "")]
    notebook.undo()
    notebook.undo()
    assert [c.id for c in notebook.cells] == ids


def test_move_block_clamped() -> None:
    notebook = _abc()
    a, b, c = (cell.id for cell in notebook.cells)
    notebook.move_cells([a, b], 1)
    assert _sources(notebook) == ["c", "a", "b"]
    notebook.move_cells([a, b], 5)  # already at the bottom: no-op, no undo step
    assert _sources(notebook) == ["c", "a", "b"]
    notebook.move_cells([c], -1)  # already at the top
    notebook.undo()
    assert _sources(notebook) == ["a", "b", "c"]
    assert not notebook.can_undo


def test_copy_is_not_an_edit_and_paste_gets_fresh_ids() -> None:
    notebook = _abc()
    copies = notebook.copy_cells([notebook.cells[2].id, notebook.cells[0].id])
    assert [c.source for c in copies] == ["a", "c"]  # notebook order
    assert not notebook.dirty
    pasted = notebook.paste_cells(3, copies)
    assert _sources(notebook) == ["a", "b", "c", "a", "c"]
    ids = [c.id for c in notebook.cells]
    assert len(set(ids)) == 5
    assert all(p.id not in {c.id for c in copies} for p in pasted)
    pasted[0].source = "changed directly"  # pasted cells are copies
    assert copies[0].source == "a"


def test_split_and_merge() -> None:
    notebook = Notebook.new()
    first = notebook.cells[0]
    notebook.set_source(first.id, "x = 1\ny = 2\n")
    notebook.append_output(first.id, {"output_type": "stream", "name": "stdout", "text": "o"})
    top, bottom = notebook.split_cell(first.id, 6)
    assert (top.source, bottom.source) == ("x = 1", "y = 2\n")
    assert top is first
    assert top.outputs == []
    assert bottom.outputs[0]["text"] == "o"
    merged = notebook.merge_cells([top.id, bottom.id])
    assert merged is first
    assert merged.source == "x = 1\ny = 2\n"
    assert merged.outputs == []
    assert len(notebook.cells) == 1
    notebook.undo()
    notebook.undo()
    assert first.source == "x = 1\ny = 2\n"
    assert first.outputs[0]["text"] == "o"


def test_merge_single_cell_takes_the_next_one() -> None:
    notebook = _abc()
    merged = notebook.merge_cells([notebook.cells[1].id])
    assert merged.source == "b\nc"
    assert merged.cell_type == "markdown"
    last = notebook.cells[-1]
    assert notebook.merge_cells([last.id]) is last


def test_change_type_drops_outputs_and_count() -> None:
    notebook = _abc()
    code = notebook.cells[0]
    notebook.set_execution_count(code.id, 3)
    notebook.append_output(code.id, {"output_type": "stream", "name": "stdout", "text": "1"})
    notebook.change_cell_type([code.id], "markdown")
    data = notebook.to_dict()["cells"][0]
    assert data["cell_type"] == "markdown"
    assert "outputs" not in data
    assert "execution_count" not in data
    notebook.undo()
    assert code.cell_type == "code"
    assert code.execution_count == 3
    assert code.outputs[0]["text"] == "1"


def test_clear_outputs_is_undoable() -> None:
    notebook = _abc()
    code = notebook.cells[0]
    notebook.set_execution_count(code.id, 1)
    notebook.append_output(code.id, {"output_type": "stream", "name": "stdout", "text": "1"})
    notebook.clear_outputs([c.id for c in notebook.cells])
    assert code.outputs == []
    assert code.execution_count is None
    notebook.undo()
    assert code.execution_count == 1
    assert len(code.outputs) == 1


def test_set_source_unchanged_is_a_no_op() -> None:
    notebook = _abc()
    cell = notebook.cells[0]
    revision = cell.revision
    notebook.set_source(cell.id, "a")
    assert not notebook.dirty
    assert not notebook.can_undo
    assert cell.revision == revision
    notebook.set_source(cell.id, "b")
    assert cell.revision > revision
    assert notebook.dirty


def test_cell_metadata() -> None:
    notebook = _abc()
    cell = notebook.cells[0]
    notebook.set_cell_metadata(cell.id, "tags", ["parameters"])
    notebook.set_cell_metadata(cell.id, "collapsed", True)
    assert cell.metadata == {"tags": ["parameters"], "collapsed": True}
    notebook.remove_cell_metadata(cell.id, "collapsed")
    assert cell.metadata == {"tags": ["parameters"]}
    notebook.undo()
    notebook.undo()
    assert cell.metadata == {"tags": ["parameters"]}
    notebook.undo()
    assert cell.metadata == {}


def test_execution_results_are_dirty_but_not_undo_steps() -> None:
    notebook = _abc()
    cell = notebook.cells[0]
    notebook.set_execution_count(cell.id, 1)
    assert notebook.dirty
    assert not notebook.can_undo
    notebook.mark_saved()
    assert not notebook.dirty


def test_revisions_bump() -> None:
    notebook = _abc()
    start = notebook.revision
    cell = notebook.cells[1]
    cell_start = cell.revision
    notebook.set_source(cell.id, "new")
    assert notebook.revision > start
    assert cell.revision > cell_start
    other = notebook.cells[0]
    other_revision = other.revision
    notebook.append_output(other.id, {"output_type": "stream", "name": "stdout", "text": "x"})
    assert other.revision > other_revision
    before_undo = notebook.revision
    notebook.undo()
    assert notebook.revision > before_undo


def test_new_edit_clears_redo() -> None:
    notebook = _abc()
    notebook.insert_cell(0)
    notebook.undo()
    assert notebook.can_redo
    notebook.insert_cell(0, "markdown")
    assert not notebook.can_redo


def test_language() -> None:
    assert Notebook.new().language == "python"
    notebook = Notebook.new({"name": "ir", "display_name": "R", "language": "R"})
    assert notebook.language == "R"
    other = Notebook(metadata={"language_info": {"name": "julia"}})
    assert other.language == "julia"


def test_result_metadata_is_dirty_but_not_an_undo_step() -> None:
    notebook = _abc()
    cell = notebook.cells[0]
    revision = cell.revision
    timing = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    notebook.set_cell_metadata(cell.id, "execution", timing, undoable=False)
    assert cell.metadata == {"execution": timing}
    assert cell.revision > revision
    assert notebook.dirty
    assert not notebook.can_undo
