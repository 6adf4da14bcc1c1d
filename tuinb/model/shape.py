"""What is wrong with a notebook's JSON structure, said in words.

nbformat's converters assume the structure is right: given `{"cells": "nope"}`
they raise `'str' object has no attribute 'get'`, which tells a user
nothing. `shape_problem` looks first and names the field and what it holds
("cell 3's "outputs" is a string, not a list").
"""

from __future__ import annotations

from typing import Any


def json_kind(value: Any) -> str:
    """`value`'s JSON type in words: "an object", "a list", "a string", ..."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else type(value).__name__


def _expect(value: Any, kind: type, what: str) -> str | None:
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return None
    wanted = {dict: "an object", list: "a list", str: "a string", int: "a whole number"}[kind]
    return f"{what} is {json_kind(value)}, not {wanted}"


def _text(value: Any, what: str) -> str | None:
    if isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(line, str) for line in value)
    ):
        return None
    return f"{what} is {json_kind(value)}, not text"


def _cell_problem(cell: Any, where: str, *, v4: bool) -> str | None:
    if not isinstance(cell, dict):
        return f"{where} is {json_kind(cell)}, not an object"
    kind = cell.get("cell_type")
    if kind is None:
        return f'{where} has no "cell_type"'
    if not isinstance(kind, str):
        return f'{where}\'s "cell_type" is {json_kind(kind)}, not a string'
    if "metadata" in cell and (
        problem := _expect(cell["metadata"], dict, f'{where}\'s "metadata"')
    ):
        return problem
    source_key = "input" if (not v4 and kind == "code") else "source"
    if source_key in cell and (problem := _text(cell[source_key], f'{where}\'s "{source_key}"')):
        return problem
    if kind == "code" and "outputs" in cell:
        outputs = cell["outputs"]
        if problem := _expect(outputs, list, f'{where}\'s "outputs"'):
            return problem
        for number, output in enumerate(outputs, start=1):
            if not isinstance(output, dict):
                return f"output {number} of {where} is {json_kind(output)}, not an object"
    return None


def shape_problem(data: dict[str, Any]) -> str | None:
    """The first structural problem of a notebook's JSON in words; None if there is none.

    Checks what nbformat's readers rely on before validation: the types of
    `metadata`, `cells` (v4) or `worksheets` (v3), each cell's `cell_type`,
    `metadata`, source and outputs.
    """
    major = data.get("nbformat")
    if not isinstance(major, int) or isinstance(major, bool):
        return None  # the version check says what is wrong
    if "metadata" in data and (problem := _expect(data["metadata"], dict, '"metadata"')):
        return problem
    if major >= 4:
        if "cells" not in data:
            return 'it has no "cells" list'
        cells = data["cells"]
        if problem := _expect(cells, list, '"cells"'):
            return problem
        for number, cell in enumerate(cells, start=1):
            if problem := _cell_problem(cell, f"cell {number}", v4=True):
                return problem
        return None
    if major == 3:
        sheets = data.get("worksheets", [])
        if problem := _expect(sheets, list, '"worksheets"'):
            return problem
        for sheet_number, sheet in enumerate(sheets, start=1):
            where = f"worksheet {sheet_number}"
            if problem := _expect(sheet, dict, where):
                return problem
            cells = sheet.get("cells", [])
            if problem := _expect(cells, list, f'{where}\'s "cells"'):
                return problem
            for number, cell in enumerate(cells, start=1):
                if problem := _cell_problem(cell, f"cell {number} of {where}", v4=False):
                    return problem
    return None
