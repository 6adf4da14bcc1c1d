"""Notebook parameters as papermill injects them: `tuinb run NB -p NAME VALUE`.

- Values: `-p` text is typed as papermill's command line types it (`True`,
  `False`, `None`, then whatever `int()` or `float()` accepts, else the
  text); `-r` keeps the text; `--parameters-file` reads JSON, or TOML for a
  `.toml` file (dates and times become ISO 8601 strings). The file is read
  first, then `-p`, then `-r`; a later value of a name wins, as in papermill.
- The cell: a code cell tagged `injected-parameters` goes after the first
  cell tagged `parameters` (at the top without one), or replaces an earlier
  injected cell in its place. `metadata.papermill.parameters` records the
  values.
- The source is what papermill (without `black` installed, which it would
  use to reformat Python) writes for the same kernel: the translator
  (`tuinb.headless.translators`) is chosen by kernel name, then by
  language. Python, R, Julia, Scala, MATLAB and Bash kernels (and the Spark
  kernels papermill maps onto them) are covered; C#, F# and PowerShell,
  which papermill also knows, are not.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuinb.headless.translators import ParametersError, parameters_source
from tuinb.sanitize import printable

if TYPE_CHECKING:  # `tuinb run` parses its options before the kernel launches: nothing heavy
    from tuinb.model import Cell, Notebook

__all__ = [
    "INJECTED_TAG",
    "PARAMETERS_TAG",
    "ParametersError",
    "add_arguments",
    "collect_parameters",
    "from_arguments",
    "inject_parameters",
    "injector",
    "parse_value",
    "read_parameters_file",
]

PARAMETERS_TAG = "parameters"
"""The cell holding a notebook's default parameters (papermill's tag)."""
INJECTED_TAG = "injected-parameters"
"""The cell `tuinb run -p` (and papermill) writes the given parameters into."""


def parse_value(text: str) -> Any:
    """A `-p` value typed as papermill types it: bool, None, int, float, else the text."""
    if text in ("True", "False"):
        return text == "True"
    if text == "None":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _json_ready(value: Any) -> Any:
    """TOML's dates and times as ISO 8601 strings (parameters are JSON in the file)."""
    import datetime as dt

    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    return value


def read_parameters_file(path: Path) -> dict[str, Any]:
    """The parameters in a JSON file (TOML if its name ends in `.toml`)."""
    shown = printable(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ParametersError(f"cannot read the parameters file {shown} ({reason}).") from None
    if path.suffix.lower() == ".toml":
        import tomllib

        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ParametersError(f"{shown} is not valid TOML ({exc}).") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise ParametersError(f"{shown} is not valid JSON ({exc.msg} at {where}).") from None
    if not isinstance(data, dict):
        raise ParametersError(f"{shown} must hold an object of name: value pairs.")
    return {str(key): _json_ready(value) for key, value in data.items()}


def collect_parameters(
    file: Path | None,
    typed: Iterable[tuple[str, str]] = (),
    raw: Iterable[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The parameters of a run: the file's, then `-p` (typed), then `-r` (as text)."""
    parameters = read_parameters_file(file) if file is not None else {}
    for name, value in typed:
        parameters[name] = parse_value(value)
    for name, value in raw:
        parameters[name] = value
    return parameters


# ------------------------------------------------------------------ the cell


def _first_tagged(notebook: Notebook, tag: str) -> int | None:
    for index, cell in enumerate(notebook.cells):
        tags = cell.metadata.get("tags")
        if isinstance(tags, list) and tag in tags:
            return index
    return None


def inject_parameters(notebook: Notebook, source: str, parameters: Mapping[str, Any]) -> Cell:
    """Put the parameters cell (`source`) where papermill puts it; returns it.

    It replaces the first cell tagged `injected-parameters`, else goes after
    the first cell tagged `parameters`, else at the top.
    """
    injected = _first_tagged(notebook, INJECTED_TAG)
    if injected is not None:
        index = injected
    else:
        tagged = _first_tagged(notebook, PARAMETERS_TAG)
        index = 0 if tagged is None else tagged + 1
    cell = notebook.insert_cell(index, "code", source)
    notebook.set_cell_metadata(cell.id, "tags", [INJECTED_TAG])
    if injected is not None:
        notebook.delete_cells([notebook.cells[index + 1].id])
    metadata = dict(notebook.metadata)
    papermill = metadata.get("papermill")
    metadata["papermill"] = {**(papermill if isinstance(papermill, dict) else {})}
    metadata["papermill"]["parameters"] = dict(parameters)
    notebook.replace_notebook_metadata(metadata)
    return cell


def injector(
    parameters: Mapping[str, Any] | None, *, kernel_name: str, language: str
) -> Callable[[Notebook], Cell] | None:
    """What `tuinb run` does to the loaded notebook: inject `parameters` (None: nothing to do).

    The source is written now, before the kernel starts: parameters the
    kernel's language cannot take are refused (`ParametersError`) at once.
    """
    if not parameters:
        return None
    values = dict(parameters)
    source = parameters_source(values, kernel_name=kernel_name, language=language)
    return lambda notebook: inject_parameters(notebook, source, values)


# ------------------------------------------------------------------ command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`-p`, `-r` and `--parameters-file`, named as papermill's options."""
    group = parser.add_argument_group(
        "parameters",
        "as papermill: a cell tagged injected-parameters goes after the cell tagged parameters",
    )
    group.add_argument(
        "-p",
        "--parameters",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="a parameter; VALUE is typed as papermill types it (True, None, 3, 1.5, else text)",
    )
    group.add_argument(
        "-r",
        "--parameters-raw",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="a parameter whose VALUE stays text",
    )
    group.add_argument(
        "-f",
        "--parameters-file",
        type=Path,
        metavar="FILE",
        help="parameters from a JSON file (TOML if it ends in .toml); -p and -r override them",
    )


def from_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """The parameters the command line gives (`ParametersError` for an unreadable file)."""
    return collect_parameters(args.parameters_file, args.parameters, args.parameters_raw)
