"""Two-key chords (`d d`, `g g`, `i i`, `0 0`): the first press arms, the second acts.

A chord's binding names the action ``chord('<binding id>', '<action>')``; the
key is looked up by the binding's id among the active bindings, so a chord
remapped with `App.set_keymap` (``cell.delete`` to ``x``) is pressed as ``x x``.
Any other key in between disarms it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol


class ActiveBinding(Protocol):
    """One active binding (Textual's `ActiveBinding`): its `binding` has an id and a key."""

    @property
    def binding(self) -> Any: ...


class Chords:
    """The armed chord, if any."""

    def __init__(
        self,
        active_bindings: Callable[[], Mapping[str, ActiveBinding]],
        run_action: Callable[[str], Awaitable[object]],
    ) -> None:
        self._active_bindings = active_bindings
        self._run_action = run_action
        self._armed: tuple[str, str] | None = None

    def key_pressed(self, key: str) -> None:
        """A key was pressed: disarm unless it is the armed chord's key."""
        if self._armed is not None and key != self._armed[1]:
            self._armed = None

    async def press(self, binding_id: str, action: str) -> None:
        """A chord's key: arm it, or run `action` if it was armed."""
        key = self._key_of(binding_id)
        if self._armed == (binding_id, key):
            self._armed = None
            await self._run_action(action)
        else:
            self._armed = (binding_id, key)

    def _key_of(self, binding_id: str) -> str:
        for active in self._active_bindings().values():
            if active.binding.id == binding_id:
                return str(active.binding.key)
        return ""
