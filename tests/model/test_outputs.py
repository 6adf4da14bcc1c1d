"""Output semantics, each checked on the JSON that would be saved."""

from __future__ import annotations

import json
from typing import Any

import pytest
from nbclient import client as nbclient_client

from tuinb.model import Notebook, dumps
from tuinb.model.outputs import render_stream_text


def _stream(text: str, name: str = "stdout") -> dict[str, Any]:
    return {"output_type": "stream", "name": name, "text": text}


def _saved_outputs(notebook: Notebook, index: int = 0) -> list[dict[str, Any]]:
    outputs: list[dict[str, Any]] = json.loads(dumps(notebook))["cells"][index]["outputs"]
    return outputs


def _one_cell() -> tuple[Notebook, str]:
    notebook = Notebook.new()
    return notebook, notebook.cells[0].id


def test_consecutive_same_name_streams_merge() -> None:
    notebook, cell = _one_cell()
    notebook.append_output(cell, _stream("a\n"))
    notebook.append_output(cell, _stream("b\nc"))
    notebook.append_output(cell, _stream("d\n"))
    assert _saved_outputs(notebook) == [
        {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n", "cd\n"]}
    ]


def test_different_streams_and_interleaved_outputs_do_not_merge() -> None:
    notebook, cell = _one_cell()
    notebook.append_output(cell, _stream("out\n"))
    notebook.append_output(cell, _stream("err\n", "stderr"))
    notebook.append_output(cell, _stream("out2\n"))
    notebook.append_output(
        cell, {"output_type": "display_data", "data": {"text/plain": "d"}, "metadata": {}}
    )
    notebook.append_output(cell, _stream("out3\n"))
    saved = _saved_outputs(notebook)
    assert [(o["output_type"], o.get("name")) for o in saved] == [
        ("stream", "stdout"),
        ("stream", "stderr"),
        ("stream", "stdout"),
        ("display_data", None),
        ("stream", "stdout"),
    ]


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        (["abcdef\rXY"], "XYcdef"),  # \r overlays, as a terminal and JupyterLab show it
        (["10%\r", "20%\r", "done\n"], "done\n"),
        (["10%\r"], "10%\r"),  # a trailing \r waits for the next text
        (["line\r\n", "next\n"], "line\nnext\n"),  # \r\n is a newline
        (["abc\b\bX"], "aX"),  # backspace removes the character before it
        (["x\n\by"], "x\n\by"),  # but never a newline
        (["a\rb\nc\rd\n"], "b\nd\n"),  # per line
        (["ab", "\b", "c"], "ac"),  # across messages
    ],
)
def test_carriage_return_and_backspace(chunks: list[str], expected: str) -> None:
    notebook, cell = _one_cell()
    for chunk in chunks:
        notebook.append_output(cell, _stream(chunk))
    (output,) = notebook.cell(cell).outputs
    assert output["text"] == expected
    assert "".join(_saved_outputs(notebook)[0]["text"]) == expected


def _nbclient_coalesced(chunks: list[str]) -> str:
    """What nbclient 0.11 with coalesce_streams=True saves for one stream's chunks.

    Its backspace loop never runs (the loop condition is false on entry), so
    only the carriage-return rule applies.
    """
    result: str = nbclient_client._RGX_CARRIAGERETURN.sub("", "".join(chunks))
    return result


def _tqdm_chunks(total: int) -> list[str]:
    """tqdm's writes: each update starts with \\r and is padded to the previous length."""
    chunks: list[str] = []
    last = 0
    for done in range(total + 1):
        bar = "#" * done + " " * (total - done)
        line = f"{100 * done // total:3d}%|{bar}| {done}/{total} [00:0{done}<?, ?it/s]"
        if done == total:
            line = line.replace("<?, ?it/s", "<00:00, 9.99it/s")
        chunks.append("\r" + line + " " * max(last - len(line), 0))
        last = len(line)
    chunks.append("\n")
    return chunks


def test_tqdm_output_saves_like_nbclient() -> None:
    chunks = _tqdm_chunks(10)
    notebook, cell = _one_cell()
    for chunk in chunks:
        notebook.append_output(cell, _stream(chunk, "stderr"))
    ours = notebook.cell(cell).outputs[0]["text"]
    assert ours == _nbclient_coalesced(chunks)
    assert ours.startswith("100%|##########| 10/10")
    assert "\r" not in ours


def test_where_nbclient_and_jupyterlab_differ() -> None:
    # A shorter rewrite: JupyterLab (and tuinb) keep the tail, nbclient cuts it.
    assert render_stream_text("abcdef\rXY\n") == "XYcdef\n"
    assert _nbclient_coalesced(["abcdef\rXY\n"]) == "XY\n"
    # Backspaces: JupyterLab (and tuinb) apply them; nbclient leaves them in.
    assert render_stream_text("abc\b\bX") == "aX"
    assert _nbclient_coalesced(["abc\b\bX"]) == "abc\b\bX"


def test_clear_output_wait_clears_on_next_output() -> None:
    notebook, cell = _one_cell()
    notebook.append_output(cell, _stream("old\n"))
    notebook.clear_cell_output(cell, wait=True)
    assert _saved_outputs(notebook) == [
        {"output_type": "stream", "name": "stdout", "text": ["old\n"]}
    ]
    notebook.append_output(cell, _stream("new\n"))
    assert _saved_outputs(notebook) == [
        {"output_type": "stream", "name": "stdout", "text": ["new\n"]}
    ]
    notebook.append_output(cell, _stream("more\n"))  # the pending clear was used up
    assert _saved_outputs(notebook)[0]["text"] == ["new\n", "more\n"]


def test_clear_output_now() -> None:
    notebook, cell = _one_cell()
    notebook.append_output(cell, _stream("old\n"))
    notebook.clear_cell_output(cell, wait=False)
    assert _saved_outputs(notebook) == []


def _display(display_id: str, text: str) -> dict[str, Any]:
    return {
        "output_type": "display_data",
        "data": {"text/plain": text},
        "metadata": {},
        "transient": {"display_id": display_id},
    }


def test_update_display_replaces_every_output_with_the_id() -> None:
    notebook, first = _one_cell()
    second = notebook.insert_cell(1, "code").id
    notebook.append_output(first, _display("d1", "one"))
    notebook.append_output(first, _display("other", "keep"))
    notebook.append_output(second, _stream("x\n"))
    notebook.append_output(second, _display("d1", "one again"))
    # The second display with the same id also updated the first one.
    assert notebook.cell(first).outputs[0]["data"] == {"text/plain": "one again"}
    changed = notebook.update_display("d1", {"text/plain": "two"}, {"isolated": True})
    assert changed == [first, second]
    expected: dict[str, Any] = {"output_type": "display_data", "data": {"text/plain": ["two"]}}
    expected["metadata"] = {"isolated": True}
    assert _saved_outputs(notebook, 0) == [
        expected,
        {"output_type": "display_data", "data": {"text/plain": ["keep"]}, "metadata": {}},
    ]
    assert _saved_outputs(notebook, 1)[1] == expected
    assert "transient" not in dumps(notebook)
    assert notebook.update_display("nothing", {"text/plain": "?"}, {}) == []


def test_cleared_display_is_not_updated() -> None:
    notebook, cell = _one_cell()
    notebook.append_output(cell, _display("d", "a"))
    notebook.clear_cell_output(cell, wait=False)
    assert notebook.update_display("d", {"text/plain": "b"}, {}) == []
    assert _saved_outputs(notebook) == []


def test_results_and_errors_keep_all_data_and_metadata() -> None:
    notebook, cell = _one_cell()
    result = {
        "output_type": "execute_result",
        "execution_count": 4,
        "data": {
            "text/plain": "<Figure>",
            "image/png": "iVBORw0KGgo=",
            "application/vnd.custom+json": {"a": [1, 2]},
        },
        "metadata": {"image/png": {"width": 200}, "custom": "é"},
    }
    error = {
        "output_type": "error",
        "ename": "ValueError",
        "evalue": "bad",
        "traceback": ["\x1b[31mValueError\x1b[0m", "bad"],
    }
    notebook.set_execution_count(cell, 4)
    notebook.append_output(cell, result)
    notebook.append_output(cell, error)
    saved = json.loads(dumps(notebook))["cells"][0]
    assert saved["execution_count"] == 4
    assert saved["outputs"] == [
        {
            "output_type": "execute_result",
            "execution_count": 4,
            "data": {
                "text/plain": ["<Figure>"],
                "image/png": "iVBORw0KGgo=",
                "application/vnd.custom+json": {"a": [1, 2]},
            },
            "metadata": {"image/png": {"width": 200}, "custom": "é"},
        },
        error,
    ]


def test_outputs_are_never_mutated_in_place() -> None:
    notebook, cell = _one_cell()
    notebook.append_output(cell, _stream("a"))
    first = notebook.cell(cell).outputs[0]
    notebook.append_output(cell, _stream("b"))
    assert first["text"] == "a"
    assert notebook.cell(cell).outputs[0]["text"] == "ab"
