"""`tuinb run -p`: values, sources and the injected cell, with papermill as the reference."""

from __future__ import annotations

import copy
import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from papermill.cli import _resolve_type
from papermill.parameterize import parameterize_notebook
from papermill.translators import translate_parameters

from tuinb.headless import run as headless
from tuinb.headless.parameters import (
    INJECTED_TAG,
    ParametersError,
    collect_parameters,
    inject_parameters,
    parse_value,
    read_parameters_file,
)
from tuinb.headless.translators import parameters_source
from tuinb.model import load

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(autouse=True)
def without_black() -> Iterator[None]:
    """papermill reformats Python with black when it is installed; tuinb does not."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "black", None)
        yield


@pytest.mark.parametrize(
    "text",
    [
        "1",
        "-7",
        "1_000",
        "0x10",
        "1.5",
        "1e3",
        "nan",
        "inf",
        "-Infinity",
        "True",
        "False",
        "None",
        "true",
        "none",
        " 2 ",
        "",
        "abc",
        "3 apples",
        "1/2",
        "٣",
    ],
)
def test_values_are_typed_as_papermill_types_them(text: str) -> None:
    ours, theirs = parse_value(text), _resolve_type(text)
    assert type(ours) is type(theirs)
    assert ours == theirs or (isinstance(ours, float) and math.isnan(ours))


scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(names, values, max_size=4))
@pytest.mark.parametrize(
    ("kernel", "language"),
    [
        ("python3", "python"),
        ("ir", "R"),
        ("julia-1.10", "julia"),
        ("spylon", "scala"),
        ("matlab", "matlab"),
        ("pysparkkernel", "python"),
    ],
)
def test_sources_equal_papermills(kernel: str, language: str, parameters: dict[str, Any]) -> None:
    expected = translate_parameters(kernel, language, parameters, "Parameters")
    assert parameters_source(parameters, kernel_name=kernel, language=language) == expected


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(names, scalars | st.lists(scalars, max_size=3), max_size=4))
def test_bash_sources_equal_papermills(parameters: dict[str, Any]) -> None:
    expected = translate_parameters("bash", "bash", parameters, "Parameters")
    assert parameters_source(parameters, kernel_name="bash", language="bash") == expected


def test_a_python_source_as_a_person_reads_it() -> None:
    parameters = {"alpha": 0.5, "name": 'say "hé"\n', "n": None, "flags": [True, {"k": -math.inf}]}
    assert parameters_source(parameters, kernel_name="python3", language="python") == (
        "# Parameters\n"
        "alpha = 0.5\n"
        'name = "say \\"h\\xe9\\"\\n"\n'
        "n = None\n"
        "flags = [True, {\"k\": float('-inf')}]\n"
    )


def test_languages_without_a_translator_or_a_value_they_cannot_take() -> None:
    with pytest.raises(ParametersError) as raised:
        parameters_source({"x": 1}, kernel_name="xcpp17", language="C++17")
    assert str(raised.value) == (
        "tuinb cannot write parameters for the kernel 'xcpp17' (language 'C++17'): it writes "
        "them for Python, R, Julia, Scala, MATLAB and Bash kernels."
    )
    with pytest.raises(ParametersError, match="parameter 'd' is a table, which tuinb cannot"):
        parameters_source({"d": {"a": 1}}, kernel_name="bash", language="bash")


def papermill_cells(path: Path, parameters: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    nb = nbformat.read(str(path), as_version=4)  # type: ignore[no-untyped-call]
    nb.metadata["papermill"] = {}  # papermill's execute_notebook sets it before parameterizing
    for cell in nb.cells:  # and its loader gives every cell a tags list
        cell.metadata.setdefault("tags", [])
    done = parameterize_notebook(nb, copy.deepcopy(parameters))
    assert done.metadata.papermill["parameters"] == parameters
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in done.cells]


def our_cells(path: Path, parameters: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    notebook = load(path)
    source = parameters_source(parameters, kernel_name="python3", language="python")
    inject_parameters(notebook, source, parameters)
    assert notebook.metadata["papermill"]["parameters"] == parameters
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in notebook.cells]


def write(path: Path, *cells: tuple[str, list[str]]) -> Path:
    document = {
        "cells": [
            {
                "cell_type": "code",
                "id": f"c{i}",
                "metadata": {"tags": tags} if tags else {},
                "source": source,
                "outputs": [],
                "execution_count": None,
            }
            for i, (source, tags) in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


PARAMETERS = {"a": 2, "b": "text", "c": [1.5, None], "d": {"e": False}}


@pytest.mark.parametrize(
    "cells",
    [
        [("import x", []), ("a = 1\nb = 'x'", ["parameters"]), ("print(a)", [])],  # after it
        [("import x", []), ("print(a)", [])],  # no parameters cell: at the top
        [("a = 1", ["parameters"]), ("a = 9", [INJECTED_TAG]), ("a", [])],  # replaced in place
        [("a", []), ("a = 9", [INJECTED_TAG, "x"]), ("a = 1", ["parameters"])],
    ],
)
def test_the_injected_cell_goes_where_papermill_puts_it(
    cells: list[tuple[str, list[str]]], tmp_path: Path
) -> None:
    path = write(tmp_path / "nb.ipynb", *cells)
    assert our_cells(path, PARAMETERS) == papermill_cells(path, PARAMETERS)


def test_papermills_own_test_notebook(tmp_path: Path) -> None:
    path = DATA / "nteract__papermill__papermill__tests__notebooks__complex_parameters.ipynb"
    parameters = {"msg": "hello", "a": 3.0, "b": [1, 2], "c": {"k": "v"}}
    assert our_cells(path, parameters) == papermill_cells(path, parameters)


def test_a_second_injection_replaces_the_first(tmp_path: Path) -> None:
    notebook = load(write(tmp_path / "nb.ipynb", ("a = 1", ["parameters"]), ("a", [])))
    inject_parameters(notebook, "# Parameters\na = 2\n", {"a": 2})
    inject_parameters(notebook, "# Parameters\na = 3\n", {"a": 3})
    assert [c.source for c in notebook.cells] == ["a = 1", "# Parameters\na = 3\n", "a"]
    assert notebook.metadata["papermill"] == {"parameters": {"a": 3}}


def test_files_json_and_toml_then_p_then_r(tmp_path: Path) -> None:
    toml = tmp_path / "p.toml"
    toml.write_text('a = 1\nday = 2024-05-01\n[t]\nx = "y"\n', encoding="utf-8")
    assert read_parameters_file(toml) == {"a": 1, "day": "2024-05-01", "t": {"x": "y"}}
    given = tmp_path / "p.json"
    given.write_text('{"a": 1, "b": "file"}', encoding="utf-8")
    assert collect_parameters(given, [("b", "2"), ("c", "None")], [("a", "1.0")]) == {
        "a": "1.0",
        "b": 2,
        "c": None,
    }


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("p.json", "{", "is not valid JSON (Expecting property name enclosed in double quotes"),
        ("p.json", "[1]", "must hold an object of name: value pairs."),
        ("p.toml", "a = ", "is not valid TOML ("),
        ("absent.json", None, "cannot read the parameters file"),
    ],
)
def test_bad_parameter_files_are_one_sentence(
    name: str, content: str | None, problem: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ParametersError, match=problem.replace("(", r"\(")):
        read_parameters_file(path)


@pytest.mark.kernel
@pytest.mark.usefixtures("python3_kernelspec")
def test_tuinb_run_injects_and_runs_the_parameters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path / "nb.ipynb",
        ("n = 1\nword = 'default'", ["parameters"]),
        ("print(n * 2, word, extra)", []),
    )
    extra = tmp_path / "extra.toml"
    extra.write_text('extra = "from toml"\nn = 0\n', encoding="utf-8")
    code = headless.main([str(path), "-p", "n", "21", "-r", "word", "True", "-f", str(extra)])
    assert code == 0, capsys.readouterr().err
    notebook = load(path)
    assert [c.metadata.get("tags") for c in notebook.cells] == [
        ["parameters"],
        [INJECTED_TAG],
        None,
    ]
    assert notebook.cells[1].source == '# Parameters\nextra = "from toml"\nn = 21\nword = "True"\n'
    assert notebook.cells[2].outputs[0]["text"] == "42 True from toml\n"
    assert notebook.metadata["papermill"]["parameters"] == {
        "extra": "from toml",
        "n": 21,
        "word": "True",
    }


def test_tuinb_run_refuses_bad_parameters_before_starting_a_kernel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "nb.ipynb", ("1", []))
    before = path.read_bytes()
    assert headless.main([str(path), "-f", str(tmp_path / "none.json")]) == 2
    assert capsys.readouterr().err.startswith("tuinb run: cannot read the parameters file ")
    assert path.read_bytes() == before
