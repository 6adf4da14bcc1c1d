"""The user's key remapping (`[keys]` in config.toml), turned into Textual's keymap at start.

`tuinb.keymap.apply_keymap` does the work on the binding tables as data
(`tuinb.ui.keys.all_bindings`): ids given new keys, clashes, unknown ids,
printable keys refused where they would type. Textual's `App.set_keymap`
can replace a binding's keys but not remove them, so an id the config
leaves without a key gets `NO_KEY`, a key no terminal sends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tuinb.keymap import BindingSpec, KeymapProblem, apply_keymap
from tuinb.ui.keys import NO_KEY, TYPING_MODES, all_bindings

if TYPE_CHECKING:
    from textual.app import App

    from tuinb.config import LoadedConfig

__all__ = ["binding_specs", "install_keymap", "user_keymap"]


def binding_specs() -> list[BindingSpec]:
    """Every binding of the editor as data for `tuinb.keymap`."""
    return [
        BindingSpec(str(binding.id), tuple(binding.key.split(",")), mode, mode in TYPING_MODES)
        for mode, binding in all_bindings()
    ]


def user_keymap(
    keys: Mapping[str, Sequence[str]], loaded: LoadedConfig | None = None
) -> tuple[dict[str, str], tuple[KeymapProblem, ...]]:
    """(the keymap for `App.set_keymap`, the problems to show once) for the config's `[keys]`.

    `loaded` names the file and line of each remapped id in the problems.
    """
    if not keys:
        return {}, ()
    where = (lambda binding_id: loaded.where("keys", binding_id)) if loaded is not None else None
    result = apply_keymap(binding_specs(), keys, where=where)
    keymap = result.textual_keymap()
    keymap.update(dict.fromkeys(result.unbound, NO_KEY))
    return keymap, result.problems


def install_keymap(app: App[Any], loaded: LoadedConfig) -> dict[str, str]:
    """Give `app` the keymap of the config's `[keys]`, show each problem once; the keymap."""
    keymap, problems = user_keymap(loaded.config.keys, loaded)
    if keymap:
        app.set_keymap(keymap)
    for problem in problems:
        app.notify(str(problem), severity="warning", timeout=10, markup=False)
    return keymap
