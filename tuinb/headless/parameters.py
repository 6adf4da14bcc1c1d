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
  use to reformat Python) writes for the same kernel: the translator is
  chosen by kernel name, then by language. Python, R, Julia, Scala, MATLAB
  and Bash kernels (and the Spark kernels papermill maps onto them) are
  covered; C#, F# and PowerShell, which papermill also knows, are not.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    "parameters_source",
    "parse_value",
    "read_parameters_file",
]

PARAMETERS_TAG = "parameters"
"""The cell holding a notebook's default parameters (papermill's tag)."""
INJECTED_TAG = "injected-parameters"
"""The cell `tuinb run -p` (and papermill) writes the given parameters into."""


class ParametersError(ValueError):
    """Parameters that cannot be read or written; str(err) is one sentence for the user."""


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


# ------------------------------------------------------------------ translators


def _escaped(value: Any, quote: str = '"', doubled: str = '\\"') -> str:
    """A string literal the way papermill writes one: non-ASCII and controls as escapes."""
    if isinstance(value, str):
        value = value.encode("unicode_escape").decode("utf-8").replace(quote, doubled)
    return f"{quote}{value}{quote}"


@dataclass(frozen=True)
class _Language:
    """How one language spells each kind of value, an assignment and a comment."""

    name: str
    comment: str
    none: str
    true_false: tuple[str, str] = ("true", "false")
    string: Callable[[Any], str] = _escaped
    floats: Callable[[float], str] | None = None
    ints: Callable[[int], str] = str
    mapping: Callable[[_Language, Mapping[Any, Any]], str] | None = None
    sequence: Callable[[_Language, list[Any]], str] | None = None
    assign: Callable[[str, str], str] = field(default=lambda name, value: f"{name} = {value}")
    line_end: str = ""

    def value(self, value: Any) -> str:
        if value is None:
            return self.none
        if isinstance(value, str):
            return self.string(value)
        if isinstance(value, bool):
            return self.true_false[0] if value else self.true_false[1]
        if isinstance(value, int):
            return self.ints(value)
        if isinstance(value, float):
            return self.floats(value) if self.floats is not None else str(value)
        if isinstance(value, dict):
            if self.mapping is None:
                raise _Unsupported("a table")
            return self.mapping(self, value)
        if isinstance(value, list):
            if self.sequence is None:
                raise _Unsupported("a list")
            return self.sequence(self, value)
        return self.string(value)  # anything else: its text, quoted (as papermill does)

    def source(self, parameters: Mapping[str, Any], comment: str) -> str:
        lines = [f"{self.comment} {comment}".strip()]
        for name, value in parameters.items():
            try:
                lines.append(self.assign(name, self.value(value)) + self.line_end)
            except _Unsupported as exc:
                raise ParametersError(
                    f"parameter {printable(name)!r} is {exc}, which tuinb cannot write for a "
                    f"{self.name} kernel."
                ) from None
        return "\n".join(lines) + "\n"


class _Unsupported(Exception):
    pass


def _python_float(value: float) -> str:
    if math.isfinite(value):
        return str(value)
    if math.isnan(value):
        return "float('nan')"
    return "float('-inf')" if value < 0 else "float('inf')"


def _joined(
    template: str, pair: str | None = None, separator: str = ", "
) -> Callable[[_Language, Any], str]:
    """A list or table literal: `template` around the items (`pair` spells a key and value)."""

    def spell(language: _Language, items: Any) -> str:
        if pair is None:
            parts = [language.value(item) for item in items]
        else:
            parts = [
                pair.format(key=language.string(k), value=language.value(v))
                for k, v in items.items()
            ]
        return template.format(separator.join(parts))

    return spell


def _matlab_map(language: _Language, items: Mapping[Any, Any]) -> str:
    keys = ", ".join(_escaped(key, "'", "''") for key in items)
    values = ", ".join(language.value(value) for value in items.values())
    return f"containers.Map({{{keys}}}, {{{values}}})"


def _r_assign(name: str, value: str) -> str:
    return f"{name.lstrip('_')} = {value}"  # R names cannot start with "_"


def _scala_int(value: int) -> str:
    return f"{value}L" if not -(2**31) <= value <= 2**31 - 1 else str(value)


PYTHON = _Language(
    "Python",
    "#",
    "None",
    ("True", "False"),
    floats=_python_float,
    mapping=_joined("{{{}}}", "{key}: {value}"),
    sequence=_joined("[{}]"),
)
R = _Language(
    "R",
    "#",
    "NULL",
    ("TRUE", "FALSE"),
    mapping=_joined("list({})", "{key} = {value}"),
    sequence=_joined("list({})"),
    assign=_r_assign,
)
JULIA = _Language(
    "Julia",
    "#",
    "nothing",
    mapping=_joined("Dict({})", "{key} => {value}"),
    sequence=_joined("[{}]"),
)
SCALA = _Language(
    "Scala",
    "//",
    "None",
    ints=_scala_int,
    mapping=_joined("Map({})", "{key} -> {value}"),
    sequence=_joined("Seq({})"),
    assign=lambda name, value: f"val {name} = {value}",
)
MATLAB = _Language(
    "MATLAB",
    "%",
    "NaN",
    string=lambda value: _escaped(value, '"', '""'),
    mapping=_matlab_map,
    sequence=_joined("{{{}}}"),
    line_end=";",
)
BASH = _Language(
    "Bash",
    "#",
    "",
    string=lambda value: shlex.quote(str(value)),
    sequence=_joined("({})", separator=" "),
    assign=lambda name, value: f"{name}={value}",
)

TRANSLATORS: dict[str, _Language] = {
    "python": PYTHON,
    "R": R,
    "scala": SCALA,
    "julia": JULIA,
    "matlab": MATLAB,
    "pysparkkernel": PYTHON,
    "sparkkernel": SCALA,
    "sparkrkernel": R,
    "bash": BASH,
}
"""Kernel names and languages -> how to write parameters (papermill's table, less .NET)."""


def _translator(kernel_name: str, language: str) -> _Language:
    for key in (kernel_name, language):
        found = TRANSLATORS.get(key) or TRANSLATORS.get(key.lower()) or TRANSLATORS.get(key.upper())
        if found is not None:
            return found
    raise ParametersError(
        f"tuinb cannot write parameters for the kernel {printable(kernel_name)!r} "
        f"(language {printable(language or 'unknown')!r}): it writes them for Python, R, "
        "Julia, Scala, MATLAB and Bash kernels."
    )


def parameters_source(
    parameters: Mapping[str, Any], *, kernel_name: str, language: str, comment: str = "Parameters"
) -> str:
    """The injected cell's source for a kernel (papermill's, without `black`)."""
    return _translator(kernel_name, language).source(parameters, comment)


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
