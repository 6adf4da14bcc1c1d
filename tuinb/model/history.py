"""Undo history: each user operation is a list of primitive, invertible steps.

Steps keep references to `Cell` objects, so an undone delete re-inserts the
very same cell (same id, same revision counter) and later steps that point at
it stay valid. Memory per step is what the step changed, not a copy of the
notebook: at 1,000 cells an operation costs a few small tuples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from tuinb.model.cell import Cell


class CellList(Protocol):
    """What steps need from the notebook."""

    def _insert_at(self, index: int, cell: Cell) -> None: ...
    def _remove_at(self, index: int) -> Cell: ...
    def _set_fields(self, cell: Cell, values: dict[str, Any]) -> None: ...
    def _set_metadata(self, metadata: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class InsertStep:
    """Insert ``cell`` at ``index``."""

    index: int
    cell: Cell

    def apply(self, doc: CellList) -> None:
        """Do the step."""
        doc._insert_at(self.index, self.cell)

    def revert(self, doc: CellList) -> None:
        """Undo the step."""
        doc._remove_at(self.index)


@dataclass(frozen=True)
class RemoveStep:
    """Remove the cell at ``index`` (which is ``cell``)."""

    index: int
    cell: Cell

    def apply(self, doc: CellList) -> None:
        """Do the step."""
        doc._remove_at(self.index)

    def revert(self, doc: CellList) -> None:
        """Undo the step."""
        doc._insert_at(self.index, self.cell)


@dataclass(frozen=True)
class FieldsStep:
    """Change some fields of ``cell`` from ``before`` to ``after``."""

    cell: Cell
    before: dict[str, Any]
    after: dict[str, Any]

    def apply(self, doc: CellList) -> None:
        """Do the step."""
        doc._set_fields(self.cell, self.after)

    def revert(self, doc: CellList) -> None:
        """Undo the step."""
        doc._set_fields(self.cell, self.before)


@dataclass(frozen=True)
class MetadataStep:
    """Change the notebook's own metadata from ``before`` to ``after`` (whole dicts)."""

    before: dict[str, Any]
    after: dict[str, Any]

    def apply(self, doc: CellList) -> None:
        """Do the step."""
        doc._set_metadata(self.after)

    def revert(self, doc: CellList) -> None:
        """Undo the step."""
        doc._set_metadata(self.before)


Step = InsertStep | RemoveStep | FieldsStep | MetadataStep


@dataclass(eq=False)
class Command:
    """One undo step as the user sees it: a named list of primitive steps."""

    label: str
    steps: list[Step] = field(default_factory=list)


@dataclass
class History:
    """Undo and redo stacks of `Command`s, bounded in length."""

    limit: int = 1000
    """Oldest commands beyond this many are forgotten."""
    undo_stack: list[Command] = field(default_factory=list)
    redo_stack: list[Command] = field(default_factory=list)

    @property
    def top(self) -> Command | None:
        """The command an undo would revert (identifies the current state)."""
        return self.undo_stack[-1] if self.undo_stack else None

    def push(self, command: Command) -> None:
        """Record a command that has just been applied; the redo stack is dropped."""
        self.undo_stack.append(command)
        self.redo_stack.clear()
        if len(self.undo_stack) > self.limit:
            del self.undo_stack[0]

    def undo(self, doc: CellList, notify: Callable[[], None]) -> bool:
        """Revert the last command; False when there is nothing to undo."""
        if not self.undo_stack:
            return False
        command = self.undo_stack.pop()
        for step in reversed(command.steps):
            step.revert(doc)
        self.redo_stack.append(command)
        notify()
        return True

    def redo(self, doc: CellList, notify: Callable[[], None]) -> bool:
        """Re-apply the last undone command; False when there is nothing to redo."""
        if not self.redo_stack:
            return False
        command = self.redo_stack.pop()
        for step in command.steps:
            step.apply(doc)
        self.undo_stack.append(command)
        notify()
        return True
