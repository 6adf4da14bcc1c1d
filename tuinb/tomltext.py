"""TOML as text: where each key is, literals for values, docstrings as comments.

tomllib parses but says nothing of positions, and cannot write. A config
warning must name the line of a key (`key_lines`), and `tuinb config` writes
a documented file from dataclass declarations (`attribute_docs`, `literal`,
`comment`). Nothing here knows tuinb's options.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

__all__ = ["attribute_docs", "comment", "key_lines", "literal"]

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The 1-based line of each key and table header in TOML `text` (first one wins).

    tomllib gives no positions, and a warning must name the line. A small
    scan is enough: headers (`[a.b]`, `[[a]]`) set the table, and a line that
    starts with a (dotted, maybe quoted) key and `=` names a key. Lines inside
    multi-line strings or arrays are skipped.
    """
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string: str | None = None
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if in_string in line:
                in_string = None
            continue
        stripped = line.strip()
        if depth > 0:
            depth = max(depth + _bracket_change(stripped), 0)
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            inner = stripped.lstrip("[")
            parts, rest = _key_parts(inner)
            if parts and rest.lstrip().startswith("]"):
                table = tuple(parts)
                found.setdefault(table, number)
            continue
        parts, rest = _key_parts(stripped)
        rest = rest.lstrip()
        if not parts or not rest.startswith("="):
            continue
        found.setdefault((*table, *parts), number)
        value = rest[1:].lstrip()
        for quote in ('"""', "'''"):
            if value.startswith(quote) and value.count(quote) == 1:
                in_string = quote
        if in_string is None and value.startswith("["):
            depth = max(_bracket_change(value), 0)
    return found


def _key_parts(text: str) -> tuple[list[str], str]:
    """A dotted key at the start of `text` and what follows it."""
    parts: list[str] = []
    rest = text
    while True:
        rest = rest.lstrip()
        if rest[:1] in ('"', "'"):
            quote = rest[0]
            end = rest.find(quote, 1)
            while quote == '"' and end > 0 and rest[end - 1] == "\\":
                end = rest.find(quote, end + 1)
            if end < 0:
                return [], text
            part = rest[1:end]
            if quote == '"':
                part = _unescape(part)
            parts.append(part)
            rest = rest[end + 1 :]
        else:
            bare = _BARE.match(rest)
            if bare is None:
                return [], text
            parts.append(bare.group())
            rest = rest[bare.end() :]
        stripped = rest.lstrip()
        if not stripped.startswith("."):
            return parts, rest
        rest = stripped[1:]


def _unescape(part: str) -> str:
    if "\\" not in part:
        return part
    import json

    try:
        return str(json.loads(f'"{part}"'))
    except ValueError:
        return part


def _bracket_change(text: str) -> int:
    """Open minus closed square brackets outside strings and comments."""
    change = 0
    quote: str | None = None
    for char in text:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char == "[":
            change += 1
        elif char == "]":
            change -= 1
    return change


def literal(value: Any) -> str:
    """A TOML literal for a default value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        import json

        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    import json

    return json.dumps(str(value), ensure_ascii=False)  # a date or time: quoted as text


def attribute_docs(cls: type[Any]) -> dict[str, str]:
    """The attribute docstrings of a dataclass (the string right after each field)."""
    import ast
    import inspect
    import textwrap

    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):  # no source shipped: the file is printed without comments
        return {}
    body = ast.parse(source).body[0]
    assert isinstance(body, ast.ClassDef)
    docs: dict[str, str] = {}
    statements = body.body
    for statement, following in itertools.pairwise(statements):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.target.id] = inspect.cleandoc(following.value.value)
    return docs


def comment(text: str, width: int = 76) -> list[str]:
    """`text` wrapped into `# ` comment lines."""
    import textwrap

    return [f"# {line}".rstrip() for line in textwrap.wrap(text, width)] or ["#"]
