"""Loading and saving: faithful round trips over real notebooks, and every bad input."""

from __future__ import annotations

import itertools
import json
import uuid
import warnings
from pathlib import Path
from typing import Any

import nbformat as _nbformat
import pytest

from tuinb.model import Notebook, NotebookReadError, NotebookSaveError, dumps, load, save

nbformat: Any = _nbformat  # untyped library, used as the oracle

DATA = Path(__file__).resolve().parent.parent / "data"
GOOD = sorted(DATA.glob("*.ipynb"))


def _oracle(path: Path) -> str:
    """What nbformat itself writes after reading the file (nbformat.write's text)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbformat warns about ids it repairs
        node = nbformat.read(path, as_version=4)
    text: str = nbformat.writes(node)
    return text if text.endswith("\n") else text + "\n"


def test_corpus_is_big_enough() -> None:
    assert len(GOOD) >= 30
    versions = {json.loads(p.read_text("utf-8")).get("nbformat") for p in GOOD}
    assert {2, 3, 4} <= versions


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem[-40:])
def test_save_writes_what_nbformat_writes(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = itertools.count(1)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(counter) << 96))
    notebook = load(path)
    ours = dumps(notebook)
    counter = itertools.count(1)
    expected = _oracle(path)
    assert ours == expected
    target = tmp_path / "out.ipynb"
    save(notebook, target)
    assert target.read_bytes() == expected.encode("utf-8")
    assert not notebook.dirty
    # A second round trip through our own file is a fixed point.
    assert dumps(load(target)) == expected


def test_nbformat_written_files_are_byte_identical(tmp_path: Path) -> None:
    identical = 0
    for path in GOOD:
        original = path.read_bytes()
        if _oracle(path).encode("utf-8") != original:
            continue  # not written by this nbformat; covered by the oracle test
        target = tmp_path / path.name
        target.write_bytes(original)
        save(load(target))
        assert target.read_bytes() == original, path.name
        identical += 1
    assert identical >= 20


def test_v3_is_upgraded_in_memory() -> None:
    notebook = load(DATA / "jupyter__nbformat__tests__test3.ipynb")
    assert (notebook.nbformat, notebook.nbformat_minor) == (4, 5)
    assert {cell.cell_type for cell in notebook.cells} >= {"code", "markdown"}
    assert all(isinstance(cell.source, str) for cell in notebook.cells)


def test_old_minor_version_gets_no_ids_in_file(tmp_path: Path) -> None:
    path = DATA / "jupyter__nbclient__tests__files__HelloWorld.ipynb"
    notebook = load(path)
    assert notebook.nbformat_minor < 5
    notebook.insert_cell(0, "markdown", "new")
    saved = json.loads(dumps(notebook))
    assert all("id" not in cell for cell in saved["cells"])
    assert saved["cells"][0]["source"] == ["new"]


def test_tolerated_problems_become_warnings() -> None:
    notebook = load(DATA / "jupyter__nbformat__tests__invalid.ipynb")
    assert any("not valid nbformat" in w for w in notebook.warnings)
    repaired = load(DATA / "jupyter__nbformat__tests__invalid_unique_cell_id.ipynb")
    assert any("Non-unique cell id" in w for w in repaired.warnings)
    ids = [cell.id for cell in repaired.cells]
    assert len(ids) == len(set(ids))
    assert load(DATA / "jupyter__nbclient__tests__files__HelloWorld.ipynb").warnings == []


def test_unknown_keys_and_metadata_survive(tmp_path: Path) -> None:
    source = {
        "cells": [
            {
                "cell_type": "markdown",
                "id": "abc",
                "metadata": {"x-custom": {"deep": [1, 2]}},
                "source": ["a\n", "b"],
                "attachments": {"p.png": {"image/png": "iVBO"}},
            }
        ],
        "metadata": {"widgets": {"state": {}}, "mystery": "é"},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "u.ipynb"
    path.write_text(json.dumps(source), "utf-8")
    notebook = load(path)
    assert notebook.cells[0].source == "a\nb"
    assert notebook.metadata["mystery"] == "é"
    text = dumps(notebook)
    assert '"mystery": "é"' in text  # non-ASCII kept as is
    assert json.loads(text)["cells"][0]["attachments"] == {"p.png": {"image/png": "iVBO"}}


def test_loading_does_not_touch_the_file() -> None:
    path = DATA / "jupyter__nbformat__tests__v4_5_no_cell_id.ipynb"
    before = path.read_bytes()
    notebook = load(path)
    assert notebook.warnings  # ids were missing and got invented
    assert path.read_bytes() == before


def test_new_notebook_is_45_with_ids() -> None:
    notebook = Notebook.new({"name": "python3", "display_name": "Python 3", "language": "python"})
    data = json.loads(dumps(notebook))
    assert (data["nbformat"], data["nbformat_minor"]) == (4, 5)
    assert data["cells"][0]["cell_type"] == "code"
    assert data["cells"][0]["id"] == notebook.cells[0].id
    assert data["metadata"]["kernelspec"]["name"] == "python3"
    assert notebook.language == "python"
    nbformat.validate(nbformat.from_dict(data))


# -- bad input ----------------------------------------------------------------

BAD_CASES: list[tuple[str, bytes | None, str]] = [
    ("missing.ipynb", None, "no such file"),
    ("garbage.ipynb", b"{not json", "not valid JSON"),
    ("list.ipynb", b"[1, 2]", "not a notebook"),
    ("plain.ipynb", b'{"cells": []}', "not a notebook"),
    ("future.ipynb", b'{"nbformat": 5, "nbformat_minor": 0, "cells": []}', "version 5"),
    ("strver.ipynb", b'{"nbformat": "4", "cells": []}', "not supported"),
    ("latin1.ipynb", '{"nbformat": 4, "x": "é"}'.encode("latin-1"), "not UTF-8"),
    ("empty.ipynb", b"", "not valid JSON"),
]


@pytest.mark.parametrize(("name", "content", "cause"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input_raises_one_line(
    tmp_path: Path, name: str, content: bytes | None, cause: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(NotebookReadError) as info:
        load(path)
    message = str(info.value)
    assert cause in message
    assert str(path) in message
    assert "\n" not in message
    assert info.value.path == path
    if content is not None:
        assert path.read_bytes() == content
    else:
        assert not path.exists()


@pytest.mark.parametrize("path", sorted((DATA / "bad").iterdir()), ids=lambda p: p.stem[-30:])
def test_broken_real_files(path: Path) -> None:
    before = path.read_bytes()
    with pytest.raises(NotebookReadError) as info:
        load(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)
    assert path.read_bytes() == before


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotebookReadError, match="is a folder; give the path of a notebook file"):
        load(tmp_path)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.ipynb"
    source = (DATA / "jupyter__nbclient__tests__files__HelloWorld.ipynb").read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + source)
    assert dumps(load(path)) == source.decode("utf-8")


def test_unreadable_file_is_never_overwritten(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_bytes(b"{half a notebook")
    with pytest.raises(NotebookReadError):
        load(broken)
    fresh = Notebook.new()
    with pytest.raises(NotebookSaveError) as info:
        save(fresh, broken)
    assert str(info.value) == (
        f"Could not save {broken}: a file that tuinb cannot read as a notebook is there"
        " and was left untouched; save under another name."
    )
    assert broken.read_bytes() == b"{half a notebook"
    assert fresh.path is None
    assert fresh.dirty is False


def test_save_as_over_a_readable_notebook_is_allowed(tmp_path: Path) -> None:
    other = tmp_path / "other.ipynb"
    other.write_bytes((DATA / "jupyter__nbclient__tests__files__HelloWorld.ipynb").read_bytes())
    notebook = Notebook.new()
    notebook.insert_cell(0, "markdown", "mine")
    save(notebook, other)
    assert load(other).cells[0].source == "mine"
    assert notebook.path == other
