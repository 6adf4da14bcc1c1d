"""No import cycle anywhere in tuinb, counting every import the source names.

import-linter checks the layers; it does not see an import written under
`TYPE_CHECKING` or inside a function as a cycle, yet such cycles are how a
module ends up needing another one to be understood (the screen importing
the app that imports the screen). This test reads the source with `ast`,
takes every `import` and `from ... import` wherever it is written, and fails
on any cycle, naming it.

An import of `a.b.c` is an edge to `a.b.c` only (not to its parent
packages), as import-linter counts it; `from a.b import c` is an edge to
`a.b.c` when that is a module of tuinb, else to `a.b`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import tuinb

PACKAGE = Path(tuinb.__file__).resolve().parent


def module_name(path: Path) -> str:
    """`tuinb.ui.app` for `.../tuinb/ui/app.py` (`tuinb.ui` for its `__init__.py`)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of tuinb by name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(path: Path, name: str, known: set[str]) -> set[str]:
    """The tuinb modules a module imports, wherever the import is written."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative imports are banned by ruff, but count them right
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in known else base)
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    """Module -> the tuinb modules it imports."""
    known = modules()
    names = set(known)
    return {name: imported(path, name, names) for name, path in known.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path that ends where it starts, or None."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        path.append(start)
        on_path.add(start)
        while stack:
            node, todo = stack[-1]
            if not todo:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
                continue
            nxt = todo.pop(0)
            if nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            if nxt in done:
                continue
            stack.append((nxt, sorted(graph[nxt])))
            path.append(nxt)
            on_path.add(nxt)
    return None


def test_the_graph_sees_type_checking_and_function_imports() -> None:
    graph = import_graph()
    assert "tuinb.ui.launch" in graph
    assert "tuinb.model" in graph["tuinb.ui.launch"]  # imported inside a function only
    assert len(graph) > 60


def test_find_cycle_names_the_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_tuinb() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
