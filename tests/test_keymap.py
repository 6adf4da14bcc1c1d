"""Key remapping by binding id on tables given as data: new keys, unknown ids, clashes."""

from __future__ import annotations

import pytest

from tuinb.keymap import BindingSpec, apply_keymap, normalize_key

TABLE = (
    BindingSpec("cursor.down", ("j", "down"), "command"),
    BindingSpec("notebook.run_all", ("R", "shift+r"), "command"),
    BindingSpec("cell.copy", ("c",), "command"),
    BindingSpec("editor.dedent", ("shift+tab",), "edit"),
    BindingSpec("cell.run", ("ctrl+enter", "ctrl+j"), "any"),
    BindingSpec("notebook.save", ("ctrl+s",), "any"),
)


def where(binding_id: str) -> str:
    return f"config.toml, line {len(binding_id)}"


@pytest.mark.parametrize(
    ("key", "normal"),
    [
        ("?", "question_mark"),
        ("J", "shift+j"),
        ("shift+ctrl+Up", "ctrl+shift+up"),
        ("ctrl+i", "tab"),
        ("ctrl++", "ctrl+plus"),
        ("ctrl+/", "ctrl+slash"),
        ("F5", "f5"),
    ],
)
def test_keys_are_compared_as_textual_names_them(key: str, normal: str) -> None:
    assert normalize_key(key) == normal


def test_a_remap_replaces_the_keys_of_its_id_only() -> None:
    result = apply_keymap(TABLE, {"cell.run": ["ctrl+r", "f5"]})
    assert result.problems == ()
    assert result.keys_of("cell.run") == ("ctrl+r", "f5")
    assert result.keys_of("notebook.save") == ("ctrl+s",)
    assert result.textual_keymap() == {"cell.run": "ctrl+r,f5"}
    assert result.unbound == ()


def test_shift_letters_are_bound_in_both_spellings() -> None:
    result = apply_keymap(TABLE, {"cell.copy": ["shift+c"]})
    assert result.keys_of("cell.copy") == ("C", "shift+c")


def test_an_empty_list_unbinds() -> None:
    result = apply_keymap(TABLE, {"cell.copy": []})
    assert result.keys_of("cell.copy") == ()
    assert result.unbound == ("cell.copy",)
    assert "cell.copy" not in result.textual_keymap()


def test_a_key_bound_twice_in_one_mode_names_both_ids_and_the_remap_wins() -> None:
    result = apply_keymap(TABLE, {"cell.copy": ["j"]}, where=where)
    (problem,) = result.problems
    assert problem.kind == "clash"
    assert problem.ids == ("cursor.down", "cell.copy")
    assert str(problem) == (
        "config.toml, line 9: `j` is bound twice in command mode, to `cursor.down` and "
        "`cell.copy`; `cell.copy` keeps it."
    )
    assert result.keys_of("cell.copy") == ("j",)
    assert result.keys_of("cursor.down") == ("down",)
    assert result.remapped["cursor.down"] == ("down",)


def test_any_mode_clashes_with_both_modes() -> None:
    result = apply_keymap(TABLE, {"notebook.save": ["shift+tab"]})
    (problem,) = result.problems
    assert "bound twice in edit mode, to `editor.dedent` and `notebook.save`" in str(problem)
    assert result.keys_of("editor.dedent") == ()


def test_the_same_key_in_two_modes_is_fine() -> None:
    result = apply_keymap(TABLE, {"editor.dedent": ["c"]})
    assert [p.kind for p in result.problems] == ["typing_key"]
    table = (*TABLE, BindingSpec("editor.other", ("ctrl+c",), "edit"))
    assert apply_keymap(table, {"cell.copy": ["ctrl+c"]}).problems == ()


def test_two_remaps_on_one_key_keep_the_first() -> None:
    result = apply_keymap(TABLE, {"cell.copy": ["ctrl+x"], "notebook.run_all": ["ctrl+x"]})
    (problem,) = result.problems
    assert "`notebook.run_all` keeps it" in str(problem)
    assert result.keys_of("cell.copy") == ()


def test_aliases_clash_as_the_terminal_sends_them() -> None:
    result = apply_keymap(TABLE, {"cell.copy": ["ctrl+i"], "cursor.down": ["tab"]})
    assert [p.kind for p in result.problems] == ["clash"]


def test_an_unknown_id_is_reported_with_the_closest_one() -> None:
    result = apply_keymap(TABLE, {"cell.runn": ["ctrl+r"]}, where=where)
    (problem,) = result.problems
    assert problem.kind == "unknown_id"
    assert str(problem) == (
        "config.toml, line 9: `cell.runn` is not a binding id (did you mean `cell.run`?); "
        "it is ignored (the help, `?`, lists the ids)."
    )
    assert result.bindings == TABLE


def test_a_typing_key_is_refused_in_edit_mode() -> None:
    result = apply_keymap(TABLE, {"notebook.save": ["s", "ctrl+w"]})
    (problem,) = result.problems
    assert problem.kind == "typing_key"
    assert "`s` types a character in the editor" in str(problem)
    assert result.keys_of("notebook.save") == ("ctrl+w",)


def test_the_editor_tables_have_no_clash_and_remap_cleanly() -> None:
    from tuinb.ui.keys import all_bindings

    specs = [
        BindingSpec(str(binding.id), tuple(binding.key.split(",")), mode)
        for mode, binding in all_bindings()
    ]
    assert apply_keymap(specs, {}).problems == ()
    result = apply_keymap(specs, {"cell.run": ["ctrl+r", "ctrl+j"]})
    assert result.problems == ()
    assert result.textual_keymap() == {"cell.run": "ctrl+r,ctrl+j"}
