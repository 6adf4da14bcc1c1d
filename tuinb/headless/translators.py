"""How each kernel language spells the injected parameters (papermill's translators).

Apart from `tuinb.headless.parameters` because it is a table of languages,
not the steps of a run: the parameters are read and the cell is placed there;
here a value becomes source text in Python, R, Julia, Scala, MATLAB or Bash,
as papermill (without `black`) writes it, chosen by kernel name, then by
language. Adding a language is a row in `TRANSLATORS`, checked against
papermill's own translators in `tests/headless/test_parameters.py`.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tuinb.sanitize import printable

__all__ = ["TRANSLATORS", "ParametersError", "parameters_source"]


class ParametersError(ValueError):
    """Parameters that cannot be read or written; str(err) is one sentence for the user."""


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
