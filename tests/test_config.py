"""The config file: typed options, one-sentence warnings with lines, the documented default file."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from tuinb import paths
from tuinb.cli import main
from tuinb.config import (
    Config,
    EditorConfig,
    OutputConfig,
    load_config,
    parse_config,
)
from tuinb.default_config import default_config_text
from tuinb.tomltext import attribute_docs, key_lines

CONFIG = Path("/home/someone/.config/tuinb/config.toml")


def test_the_default_file_parses_back_to_the_defaults() -> None:
    loaded = parse_config(default_config_text(), CONFIG)
    assert loaded.warnings == ()
    assert loaded.config == Config()


@pytest.mark.parametrize("cls", [Config, EditorConfig, OutputConfig])
def test_every_option_is_documented_where_declared(cls: type[object]) -> None:
    docs = attribute_docs(cls)
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    assert [name for name in names if not docs.get(name)] == []


def test_the_default_file_shows_every_option_with_its_comment() -> None:
    text = default_config_text()
    for name in ("theme", "notify_after", "detach_idle_hours", "server_url"):
        assert f"\n{name} = " in text
    assert "tab_width = 4" in text
    assert 'images = "auto"' in text
    assert "# Spaces one indentation level takes" in text
    assert text.index("[editor]") < text.index("tab_width") < text.index("[output]")


def test_a_missing_file_gives_the_defaults_quietly(tmp_path: Path) -> None:
    loaded = load_config(tmp_path / "none.toml")
    assert loaded.config == Config()
    assert loaded.warnings == ()


def test_the_environment_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('theme = "tuinb-light"\n[editor]\ntab_width = 2\n', encoding="utf-8")
    monkeypatch.setenv("TUINB_CONFIG_FILE", str(path))
    loaded = load_config()
    assert loaded.path == path
    assert loaded.config.theme == "tuinb-light"
    assert loaded.config.editor == EditorConfig(tab_width=2)


def test_a_wrong_type_names_file_line_and_key_and_keeps_the_rest() -> None:
    text = '# mine\ntheme = "tuinb-light"\n\n[editor]\nsoft_wrap = true\ntab_width = "four"\n'
    loaded = parse_config(text, CONFIG)
    assert loaded.config.theme == "tuinb-light"
    assert loaded.config.editor == EditorConfig(soft_wrap=True, tab_width=4)
    (warning,) = loaded.warnings
    assert str(warning) == (
        f'{CONFIG}, line 6: `editor.tab_width` must be a whole number, not "four"; '
        "using the default, 4."
    )
    assert warning.line == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "notify_after = -1",
            "`notify_after` must be at least 0, not -1; using the default, 10.0.",
        ),
        (
            '[output]\nimages = "png"',
            '`output.images` must be one of "auto", "kitty", "sixel", "halfblock", "none", '
            'not "png"; using the default, "auto".',
        ),
        (
            "[editor]\nline_numbers = 1",
            "`editor.line_numbers` must be true or false, not 1; using the default, false.",
        ),
        ("detach_idle_hours = nan", "`detach_idle_hours` must be a number, not nan"),
        ("editor = 3", "`editor` must be a table ([editor]); its options have their defaults."),
        ("[editor]\ntabwidth = 2", "`editor.tabwidth` is not an option (did you mean "),
        ("server_token = 'abc'", "`server_token` is ignored: tokens and passwords do not belong"),
    ],
)
def test_each_problem_is_one_sentence(text: str, expected: str) -> None:
    loaded = parse_config(text, CONFIG)
    (warning,) = loaded.warnings
    assert expected in str(warning)
    assert str(warning).startswith(f"{CONFIG}, line ")
    assert str(warning).count(". ") == 0  # one sentence
    assert loaded.config == Config()


def test_an_int_where_a_float_is_expected_is_taken() -> None:
    loaded = parse_config("notify_after = 30", CONFIG)
    assert loaded.config.notify_after == 30.0
    assert isinstance(loaded.config.notify_after, float)


def test_broken_toml_gives_the_line_and_every_default() -> None:
    loaded = parse_config('theme = "tuinb-light"\n[editor\ntab_width = 2\n', CONFIG)
    assert loaded.config == Config()
    (warning,) = loaded.warnings
    assert warning.line == 2
    assert str(warning).startswith(f"{CONFIG}, line 2: is not valid TOML (")
    assert str(warning).endswith("every option has its default.")


def test_an_unreadable_file_is_reported_and_tuinb_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    loaded = load_config(folder)
    assert loaded.config == Config()
    assert "cannot be read" in str(loaded.warnings[0])
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"theme = '\xff'\n")
    assert "is not UTF-8 text" in str(load_config(binary).warnings[0])


def test_control_characters_in_a_key_are_shown_not_sent() -> None:
    loaded = parse_config('"\x1b]0;pwned\x07" = 1', CONFIG)
    assert "\x1b" not in str(loaded.warnings[0])
    assert "\x07" not in str(loaded.warnings[0])


def test_keys_take_a_key_a_list_or_a_comma_list() -> None:
    text = (
        "[keys]\n"
        '"cell.run" = ["ctrl+r", "ctrl+j"]\n'
        '"notebook.save" = "ctrl+w"\n'
        '"cell.delete" = "x,shift+x"\n'
        '"cell.copy" = []\n'
    )
    loaded = parse_config(text, CONFIG)
    assert loaded.warnings == ()
    assert dict(loaded.config.keys) == {
        "cell.run": ("ctrl+r", "ctrl+j"),
        "notebook.save": ("ctrl+w",),
        "cell.delete": ("x", "shift+x"),
        "cell.copy": (),
    }
    assert loaded.where("keys", "cell.delete") == f"{CONFIG}, line 4"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('"cell.run" = 3', "must be a key or a list of keys"),
        ('"cell.run" = ["ctrl r"]', '"ctrl r", which is not a key name'),
        ("cell.run = 'ctrl+r'", "is a table: write binding ids in quotes"),
    ],
)
def test_bad_keys_are_reported_and_the_binding_kept(line: str, expected: str) -> None:
    loaded = parse_config(f"[keys]\n{line}\n", CONFIG)
    (warning,) = loaded.warnings
    assert warning.line == 2
    assert expected in str(warning)
    assert loaded.config.keys == {}
    assert '`keys."cell.run"`' in str(warning) or "`keys.cell`" in str(warning)


def test_key_lines_follow_tables_quotes_and_multiline_values() -> None:
    text = (
        "a = 1\n"  # 1
        'b = """\n'  # 2
        "c = not a key\n"  # 3
        '"""\n'  # 4
        "d = [\n"  # 5
        "  1,\n"  # 6
        "]\n"  # 7
        "[t . 'x y']\n"  # 8
        'k.  "q.r" = 2 # c\n'  # 9
        "[[arr]]\n"  # 10
    )
    assert key_lines(text) == {
        ("a",): 1,
        ("b",): 2,
        ("d",): 5,
        ("t", "x y"): 8,
        ("t", "x y", "k", "q.r"): 9,
        ("arr",): 10,
    }


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Config().theme = "x"  # type: ignore[misc]


# ---------------------------------------------------------------- tuinb config


def test_tuinb_config_prints_the_default_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config"]) == 0
    printed = capsys.readouterr().out
    assert printed == default_config_text()
    assert parse_config(printed, CONFIG).config == Config()


def test_tuinb_config_path_prints_the_file_it_reads(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--path"]) == 0
    assert capsys.readouterr().out == f"{os.environ['TUINB_CONFIG_FILE']}\n"


def test_tuinb_config_check_reports_problems(capsys: pytest.CaptureFixture[str]) -> None:
    path = paths.config_file()
    assert main(["config", "--check"]) == 0
    assert "does not exist" in capsys.readouterr().out
    path.write_text("[editor]\ntab_width = 0\n", encoding="utf-8")
    assert main(["config", "--check"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"tuinb config: {path}, line 2: `editor.tab_width` must be at least 1, not 0; "
        "using the default, 4.\n"
    )


def test_tuinb_config_write_never_overwrites(capsys: pytest.CaptureFixture[str]) -> None:
    path = paths.config_file()
    assert main(["config", "--write"]) == 0
    assert path.read_text(encoding="utf-8") == default_config_text(path)
    path.write_text("theme = 'mine'\n", encoding="utf-8")
    assert main(["config", "--write"]) == 1
    assert "exists already" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "theme = 'mine'\n"


def test_the_readme_shows_the_default_file_as_printed() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    shown = default_config_text(Path("~/.config/tuinb/config.toml"))
    assert f"```toml\n{shown}```" in readme
