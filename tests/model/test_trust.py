"""Signing on save, checked with nbformat's own notary (what `jupyter trust` and JupyterLab use)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat as _nbformat
import pytest
from nbformat.sign import NotebookNotary as _NotebookNotary

from tuinb.model import Notebook, load, save
from tuinb.model.nbio import is_trusted, wait_validated

HTML = {"output_type": "display_data", "data": {"text/html": "<b>hi</b>"}, "metadata": {}}

nbformat: Any = _nbformat  # untyped library, used as the oracle
NotebookNotary: Any = _NotebookNotary


def jupyter_trusts(path: Path) -> bool:
    """What `jupyter trust --check`-equivalent says: the file's signature is in the database."""
    return bool(NotebookNotary().check_signature(nbformat.read(path, as_version=4)))


def write_untrusted(path: Path) -> None:
    """A notebook with an HTML output that nobody signed (downloaded from somewhere)."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show()")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<script>x</script>"})
    ]
    nb.cells = [cell, nbformat.v4.new_code_cell("2")]
    nbformat.write(nb, path)


def test_a_new_notebook_with_outputs_made_here_is_signed(tmp_path: Path) -> None:
    notebook = Notebook.new()
    notebook.append_output(notebook.cells[0].id, dict(HTML))
    assert is_trusted(notebook) is True
    save(notebook, tmp_path / "new.ipynb")
    assert jupyter_trusts(tmp_path / "new.ipynb")


def test_an_unsigned_notebook_stays_unsigned_until_its_outputs_are_made_here(
    tmp_path: Path,
) -> None:
    path = tmp_path / "downloaded.ipynb"
    write_untrusted(path)
    notebook = load(path, defer_validation=True)  # the editor's fast load
    assert is_trusted(notebook) is None  # not checked before nbformat validates it
    assert wait_validated(notebook, timeout=60)
    assert is_trusted(notebook) is False
    save(notebook)
    assert not jupyter_trusts(path)
    # run the cell again: its outputs are made here now
    first = notebook.cells[0].id
    notebook.clear_cell_output(first, wait=False)
    notebook.append_output(first, dict(HTML))
    assert is_trusted(notebook) is True
    save(notebook)
    assert jupyter_trusts(path)


def test_a_copy_of_an_untrusted_output_is_not_made_trusted_by_copying(tmp_path: Path) -> None:
    path = tmp_path / "copied.ipynb"
    write_untrusted(path)
    notebook = load(path)
    assert is_trusted(notebook) is False
    untrusted = notebook.cells[0].id
    pasted = notebook.paste_cells(2, notebook.copy_cells([untrusted]))
    notebook.delete_cells([untrusted])
    assert [c.id for c in notebook.cells][-1] == pasted[0].id
    assert is_trusted(notebook) is False
    save(notebook)
    assert not jupyter_trusts(path)


def test_a_signed_notebook_stays_signed_through_edits(tmp_path: Path) -> None:
    path = tmp_path / "signed.ipynb"
    write_untrusted(path)
    nb = nbformat.read(path, as_version=4)
    NotebookNotary().sign(nb)  # `jupyter trust signed.ipynb`
    notebook = load(path, defer_validation=True)
    assert wait_validated(notebook, timeout=60)
    assert is_trusted(notebook) is True
    notebook.set_source(notebook.cells[1].id, "3")
    save(notebook)
    assert jupyter_trusts(path)


def test_a_save_before_the_deferred_check_checks_first(tmp_path: Path) -> None:
    path = tmp_path / "early.ipynb"
    write_untrusted(path)
    nb = nbformat.read(path, as_version=4)
    NotebookNotary().sign(nb)
    notebook = load(path, defer_validation=True)  # never validated (as in `tuinb run`)
    notebook.set_source(notebook.cells[1].id, "4")
    save(notebook)
    assert jupyter_trusts(path)
    assert is_trusted(notebook) is True


def test_an_old_format_notebook_is_checked_when_read(tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "data" / "jupyter__nbformat__tests__test3.ipynb"
    if not source.exists():
        pytest.skip("the nbformat v3 test notebook is not in tests/data")
    notebook = load(source)
    assert is_trusted(notebook) is not None
