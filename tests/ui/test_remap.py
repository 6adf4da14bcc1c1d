"""The config's `[keys]` as Textual's keymap: contexts, unbinding, the editor's own tables."""

from __future__ import annotations

from pathlib import Path

from tuinb.config import parse_config
from tuinb.keymap import BindingSpec, apply_keymap
from tuinb.ui.keys import NO_KEY, all_bindings, key_display
from tuinb.ui.remap import binding_specs, user_keymap


def test_every_table_of_the_editor_is_free_of_clashes() -> None:
    assert apply_keymap(binding_specs(), {}).problems == ()
    modes = {spec.mode for spec in binding_specs()}
    assert {"command", "edit", "any", "completion", "find", "outline", "tags"} <= modes


def test_a_context_shadows_the_modes_and_clashes_only_with_itself() -> None:
    table = [
        BindingSpec("cell.run_insert", ("alt+o",), "any"),
        BindingSpec("find.outputs", ("alt+o",), "find", types=True),
        BindingSpec("find.case", ("alt+c",), "find", types=True),
    ]
    assert apply_keymap(table, {}).problems == ()
    (clash,) = apply_keymap(table, {"find.case": ["alt+o"]}).problems
    assert clash.kind == "clash"
    assert set(clash.ids) == {"find.case", "find.outputs"}
    (typing,) = apply_keymap(table, {"find.case": ["c"]}).problems
    assert typing.kind == "typing_key"  # the find box types letters


def test_unbound_ids_get_a_key_no_terminal_sends_and_the_help_says_so(tmp_path: Path) -> None:
    loaded = parse_config('[keys]\n"find.open" = []\n"cell.run" = "ctrl+r"\n', tmp_path / "c.toml")
    keymap, problems = user_keymap(loaded.config.keys, loaded)
    assert problems == ()
    assert keymap == {"find.open": NO_KEY, "cell.run": "ctrl+r"}
    shown = {binding.id: key_display(binding, keymap) for _mode, binding in all_bindings()}
    assert shown["find.open"] == "(no key)"
    assert shown["cell.run"] == "ctrl+r"
    assert shown["cell.copy"] == "c"


def test_a_remapped_chord_shows_as_a_chord(tmp_path: Path) -> None:
    loaded = parse_config('[keys]\n"cell.delete" = "x"\n', tmp_path / "c.toml")
    keymap, problems = user_keymap(loaded.config.keys, loaded)
    shown = {binding.id: key_display(binding, keymap) for _mode, binding in all_bindings()}
    assert shown["cell.delete"] == "x x"
    assert [set(problem.ids) for problem in problems] == [{"cell.cut", "cell.delete"}]
