"""``application/json`` outputs as lines with fold points: pretty, and foldable like JupyterLab's.

`json_plan(value)` lays the value out once (2-space indent, keys in their
order, strings escaped as JSON escapes them, controls dropped); each line
that opens an object or array records where it closes and how many entries
it holds. `visible_lines(plan, folded)` gives the lines to draw with the
openers in `folded` collapsed to one line (``"data": {…} 12 keys``);
`default_folds` collapses what lies deeper than a depth, as JupyterLab's
viewer opens only the first levels of a big document.

Plain data, so the Textual view and the first frame draw the same lines; a
view colours each line with its JSON highlighter and keeps `folded` per
output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tuinb.sanitize import plain_text

__all__ = ["JsonLine", "JsonPlan", "default_folds", "json_plan", "visible_lines"]


@dataclass(frozen=True)
class JsonLine:
    """One line of the pretty JSON.

    For a line that opens an object or array: `closes_at` is the index of
    its closing line and `count` the number of entries (else None and 0).
    """

    text: str
    depth: int
    closes_at: int | None = None
    count: int = 0
    kind: str = ""
    """``object`` or ``array`` for an opening line."""

    @property
    def foldable(self) -> bool:
        return self.closes_at is not None


@dataclass(frozen=True)
class JsonPlan:
    """Every line of the document, unfolded."""

    lines: tuple[JsonLine, ...]


def _scalar(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return json.dumps(str(value), ensure_ascii=False)


class _Builder:
    def __init__(self, indent: int) -> None:
        self.indent = indent
        self.lines: list[JsonLine] = []

    def add(self, value: Any, depth: int, prefix: str, suffix: str) -> None:
        pad = " " * (self.indent * depth)
        if isinstance(value, dict) and value:
            self._container(value.items(), len(value), "object", "{", "}", depth, prefix, suffix)
        elif isinstance(value, list | tuple) and value:
            pairs = ((None, item) for item in value)
            self._container(pairs, len(value), "array", "[", "]", depth, prefix, suffix)
        elif isinstance(value, dict):
            self.lines.append(JsonLine(f"{pad}{prefix}{{}}{suffix}", depth))
        elif isinstance(value, list | tuple):
            self.lines.append(JsonLine(f"{pad}{prefix}[]{suffix}", depth))
        else:
            self.lines.append(JsonLine(f"{pad}{prefix}{_scalar(value)}{suffix}", depth))

    def _container(
        self,
        items: Iterable[tuple[Any, Any]],
        count: int,
        kind: str,
        opening: str,
        closing: str,
        depth: int,
        prefix: str,
        suffix: str,
    ) -> None:
        pad = " " * (self.indent * depth)
        start = len(self.lines)
        self.lines.append(JsonLine(f"{pad}{prefix}{opening}", depth))
        for index, (key, item) in enumerate(items):
            comma = "," if index < count - 1 else ""
            key_text = "" if key is None else f"{_scalar(str(key))}: "
            self.add(item, depth + 1, key_text, comma)
        self.lines.append(JsonLine(f"{pad}{closing}{suffix}", depth))
        opener = self.lines[start]
        self.lines[start] = JsonLine(opener.text, depth, len(self.lines) - 1, count, kind)


def json_plan(value: Any, *, indent: int = 2) -> JsonPlan:
    """`value` (the output's ``application/json`` data) as pretty lines with fold points."""
    builder = _Builder(indent)
    builder.add(value, 0, "", "")
    lines = tuple(
        JsonLine(plain_text(line.text), line.depth, line.closes_at, line.count, line.kind)
        for line in builder.lines
    )
    return JsonPlan(lines)


def _folded_text(line: JsonLine, closing: JsonLine) -> str:
    unit = (
        ("key" if line.count == 1 else "keys")
        if line.kind == "object"
        else ("item" if line.count == 1 else "items")
    )
    marker = "{…}" if line.kind == "object" else "[…]"
    suffix = "," if closing.text.endswith(",") else ""
    return f"{line.text[:-1]}{marker}{suffix} {line.count} {unit}"


def visible_lines(plan: JsonPlan, folded: Iterable[int] = ()) -> list[tuple[int, JsonLine]]:
    """(index in the plan, line) of what is shown with the openers at `folded` collapsed.

    A collapsed opener shows as one line (``"a": {…}, 3 keys``) whose
    index is the opener's: toggling that index unfolds it again.
    """
    closed = set(folded)
    out: list[tuple[int, JsonLine]] = []
    index = 0
    lines = plan.lines
    while index < len(lines):
        line = lines[index]
        if index in closed and line.closes_at is not None:
            text = _folded_text(line, lines[line.closes_at])
            out.append((index, JsonLine(text, line.depth, line.closes_at, line.count, line.kind)))
            index = line.closes_at + 1
            continue
        out.append((index, line))
        index += 1
    return out


def default_folds(plan: JsonPlan, *, max_depth: int = 2, max_lines: int = 40) -> set[int]:
    """Openers to collapse at first: none if the document fits in `max_lines` lines, else
    every container deeper than `max_depth`."""
    if len(plan.lines) <= max_lines:
        return set()
    return {
        index for index, line in enumerate(plan.lines) if line.foldable and line.depth >= max_depth
    }
