"""Textual's private names appear only in `tuinb.ui.textual_compat`.

Read from the source: no other module imports `textual._*`, reads a private
attribute of another object (`app._driver`), or gives a Textual subclass a
private name that one of its Textual bases already uses (which would change
Textual's own state behind its back). So an upgrade of Textual is an audit of
one module, whose own tests (`test_textual_compat.py`) name what changed.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from functools import cache
from pathlib import Path

import tuinb

PACKAGE = Path(tuinb.__file__).resolve().parent
COMPAT = PACKAGE / "ui" / "textual_compat.py"


def sources() -> list[Path]:
    """Every module of tuinb but the compat module."""
    return [path for path in sorted(PACKAGE.rglob("*.py")) if path != COMPAT]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_only_the_compat_module_imports_textual_private_modules() -> None:
    offenders = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            for name in names:
                parts = name.split(".")
                if parts[0] == "textual" and any(_private(part) for part in parts[1:]):
                    offenders.append(f"{path.relative_to(PACKAGE)}: {name}")
    assert offenders == []


def ui_sources() -> list[Path]:
    """The UI's modules but the compat module (the only ones holding Textual objects)."""
    return [path for path in sources() if "ui" in path.relative_to(PACKAGE).parts]


def test_no_ui_module_reads_private_attributes_of_other_objects() -> None:
    offenders = []
    for path in ui_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Attribute) or not _private(node.attr):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: .{node.attr}")
    assert offenders == []


def self_privates(tree: ast.AST) -> set[str]:
    """Private attributes read or set on `self` anywhere in `tree`."""
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
        and _private(node.attr)
    }


@cache
def textual_private_names(cls: type) -> frozenset[str]:
    """Private names a Textual class and its Textual bases define or set on `self`."""
    names: set[str] = set()
    for base in cls.__mro__:
        if not base.__module__.startswith("textual"):
            continue
        names.update(name for name in vars(base) if _private(name))
        try:
            names |= self_privates(ast.parse(textwrap.dedent(inspect.getsource(base))))
        except (OSError, TypeError):
            continue
    return frozenset(names)


def own_private_names(cls: type) -> set[str]:
    """Private names a class of ours defines or uses on `self`, from its source."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    names: set[str] = set()
    body = tree.body[0]
    assert isinstance(body, ast.ClassDef)
    for node in body.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _private(node.name):
            names.add(node.name)
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names.update(t.id for t in targets if isinstance(t, ast.Name) and _private(t.id))
    return names | self_privates(body)


def textual_subclasses() -> list[type]:
    """Every class of tuinb.ui (outside the compat module) with a Textual base."""
    found: list[type] = []
    for path in ui_sources():
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        module = importlib.import_module(name.removesuffix(".__init__"))
        found.extend(
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and value.__module__ == module.__name__
            and any(base.__module__.startswith("textual") for base in value.__mro__)
        )
    return found


def test_our_textual_subclasses_use_none_of_textuals_private_names() -> None:
    classes = textual_subclasses()
    assert len(classes) > 10
    clashes = {
        cls.__qualname__: sorted(own_private_names(cls) & textual_private_names(cls))
        for cls in classes
    }
    assert {name: found for name, found in clashes.items() if found} == {}


def test_the_checks_see_a_private_name() -> None:
    from textual.widget import Widget

    assert "_vertical_scrollbar" in textual_private_names(Widget)

    class Clash(Widget):
        def poke(self) -> None:
            self._vertical_scrollbar = None

    assert "_vertical_scrollbar" in own_private_names(Clash)
