"""The editor's copy and the host's copy of a notebook stay the same.

Edits go editor -> host as the three primitives every operation, undo and
redo is made of; results go host -> editor as differences of cell state.
Every message goes through JSON, as on the socket.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.support import make_notebook
from tests.model.test_undo_property import DATA, OPERATIONS, STARTS, _apply
from tuinb.model import Notebook, load
from tuinb.session.replica import (
    EditShipper,
    ReplicaError,
    ResultTracker,
    apply_edit,
    apply_results,
    notebook_from_wire,
    notebook_to_wire,
)


def _wire(message: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(message))
    return result


def _twin(notebook: Notebook) -> Notebook:
    return notebook_from_wire(_wire(notebook_to_wire(notebook)))


def _same(one: Notebook, other: Notebook) -> None:
    assert one.to_dict() == other.to_dict()
    assert [(c.id, c.id_in_file, c.absent) for c in one.cells] == [
        (c.id, c.id_in_file, c.absent) for c in other.cells
    ]


def test_a_notebook_crosses_the_wire_whole(tmp_path: Path) -> None:
    notebook = load(DATA / "jupyter__nbformat__tests__test4.5.ipynb")
    notebook.set_source(notebook.cells[0].id, "changed")
    twin = _twin(notebook)
    _same(notebook, twin)
    assert twin.path == notebook.path
    assert twin.disk_stamp == notebook.disk_stamp
    assert twin.dirty


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), start=st.sampled_from(STARTS))
def test_the_hosts_copy_follows_every_edit(data: st.DataObject, start: str) -> None:
    editor = load(DATA / start)
    host = _twin(editor)
    shipped: list[dict[str, Any]] = []
    editor.observer = EditShipper(lambda message: shipped.append(_wire(message)))
    for _ in range(data.draw(st.integers(1, 12))):
        action = data.draw(st.sampled_from([*OPERATIONS, "undo", "redo"]))
        if action == "undo":
            editor.undo()
        elif action == "redo":
            editor.redo()
        else:
            _apply(data, editor, action)
    for message in shipped:
        apply_edit(host, message)
    _same(host, editor)
    assert host.dirty == bool(shipped) or editor.dirty


def _stream(text: str, name: str = "stdout") -> dict[str, Any]:
    return {"output_type": "stream", "name": name, "text": text}


def _display(value: str, display_id: str | None = None) -> dict[str, Any]:
    output: dict[str, Any] = {"output_type": "display_data", "data": {"text/plain": value}}
    output["metadata"] = {}
    if display_id is not None:
        output["transient"] = {"display_id": display_id}
    return output


class Pair:
    """A host copy written to as the engine writes, and an editor copy fed differences."""

    def __init__(self, *sources: str) -> None:
        self.host = make_notebook(*sources)
        self.editor = _twin(self.host)
        self.tracker = ResultTracker(self.host)
        self.sent: list[dict[str, Any]] = []

    def sync(self) -> None:
        for cell in self.host.cells:
            difference = self.tracker.difference(cell.id, 0)
            if difference is not None:
                self.sent.append(difference)
                apply_results(self.editor, _wire(difference))
        _same(self.host, self.editor)


def test_a_growing_stream_is_sent_as_the_text_it_gained() -> None:
    pair = Pair("print()")
    pair.host.append_output("c0", _stream("one\n"))
    pair.sync()
    pair.host.append_output("c0", _stream("two\n"))
    pair.sync()
    assert pair.sent[-1]["x"] == [0, "two\n"]
    assert "one" not in json.dumps(pair.sent[-1])


def test_a_rewritten_line_sends_the_output_again() -> None:
    pair = Pair("bar()")
    pair.host.append_output("c0", _stream("10%"))
    pair.sync()
    pair.host.append_output("c0", _stream("\r50%"))
    pair.sync()
    assert "x" not in pair.sent[-1]
    assert pair.editor.cell("c0").outputs == [_stream("50%")]


def test_an_unchanged_cell_sends_nothing() -> None:
    pair = Pair("x", "y")
    pair.host.append_output("c1", _stream("hi"))
    pair.sync()
    assert [message["id"] for message in pair.sent] == ["c1"]


@settings(max_examples=80, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 2), st.booleans()), max_size=30))
def test_any_results_the_engine_writes_reach_the_editor(
    steps: list[tuple[int, int, bool]],
) -> None:
    pair = Pair("a", "b", "c")
    for kind, cell, sync_now in steps:
        cell_id = f"c{cell}"
        if kind == 0:
            pair.host.append_output(cell_id, _stream(f"line {cell}\n"))
        elif kind == 1:
            pair.host.append_output(cell_id, _stream("\rover", "stderr"))
        elif kind == 2:
            pair.host.append_output(cell_id, _display(f"shown {kind}", display_id="d"))
        elif kind == 3:
            pair.host.update_display("d", {"text/plain": "updated"}, {})
        elif kind == 4:
            pair.host.clear_cell_output(cell_id, wait=cell == 1)
        elif kind == 5:
            pair.host.set_execution_count(cell_id, len(steps))
        elif kind == 6:
            timing = {"shell.execute_reply": f"2026-11-23T21:00:0{cell}Z"}
            pair.host.set_cell_metadata(cell_id, "execution", timing, undoable=False)
        else:
            pair.host.append_output(cell_id, _stream("x\b\by\n"))
        if sync_now:
            pair.sync()
    pair.sync()


def test_results_sent_before_the_host_saw_an_edit_to_them_are_dropped() -> None:
    """The editor clears a cell while the host sends output computed before the clear."""
    host = make_notebook("print()")
    editor = _twin(host)
    tracker = ResultTracker(host)
    to_host: list[dict[str, Any]] = []
    shipper = EditShipper(lambda message: to_host.append(_wire(message)))
    editor.observer = shipper
    host.append_output("c0", _stream("seen\n"))
    first = tracker.difference("c0", 0)
    assert first is not None
    apply_results(editor, _wire(first))
    host.append_output("c0", _stream("not yet seen\n"))
    in_flight = tracker.difference("c0", 0)  # the host had applied no edit yet
    editor.clear_outputs(["c0"])
    assert in_flight is not None
    assert shipper.stale("c0", in_flight["a"])  # so the editor drops it
    for message in to_host:  # the host applies the clear, and knows the editor has it
        touched = apply_edit(host, message)
        assert touched == "c0"
        tracker.reset(touched)
    host.append_output("c0", _stream("after\n"))
    later = tracker.difference("c0", 1)
    assert later is not None
    assert not shipper.stale("c0", later["a"])
    apply_results(editor, _wire(later))
    _same(host, editor)
    assert editor.cell("c0").outputs == [_stream("after\n")]


def test_a_difference_that_does_not_fit_is_refused_not_applied() -> None:
    pair = Pair("x")
    message = {"t": "res", "id": "c0", "a": 0, "x": [3, "more"], "n": 1}
    with pytest.raises(ReplicaError):
        apply_results(pair.editor, message)
    assert pair.editor.cell("c0").outputs == []


def test_a_forgotten_cell_is_sent_whole() -> None:
    pair = Pair("x")
    pair.host.append_output("c0", _stream("abc"))
    pair.sync()
    pair.tracker.forget("c0")
    difference = pair.tracker.difference("c0", 0)
    assert difference is not None
    assert difference["o"] == [0, [_stream("abc")]]
