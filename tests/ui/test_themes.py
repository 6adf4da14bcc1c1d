"""Themes load from TOML in an editable install, in a built wheel and from the user's folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from textual.app import App

import tuinb
from tuinb import paths
from tuinb.ui.themes import (
    DEFAULT_DARK,
    DEFAULT_LIGHT,
    THEME_VARIABLE_DEFAULTS,
    ThemeFileError,
    bundled_theme_dirs,
    load_theme_file,
    load_themes,
    register_themes,
)

REPO = Path(tuinb.__file__).resolve().parent.parent
GOOD = 'name = "mine"\ndark = false\nprimary = "#112233"\n[variables]\ncell-gutter = "red"\n'


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_editable_install_finds_repo_themes() -> None:
    loaded = load_themes(include_user=False)
    assert loaded.errors == []
    assert {DEFAULT_DARK, DEFAULT_LIGHT} <= set(loaded.themes)
    dark, light = loaded.themes[DEFAULT_DARK], loaded.themes[DEFAULT_LIGHT]
    assert dark.dark is True
    assert light.dark is False
    for theme in (dark, light):
        for key in ("primary", "secondary", "accent", "foreground", "background", "surface"):
            assert getattr(theme, key), f"{theme.name} has no {key}"
        assert set(THEME_VARIABLE_DEFAULTS) <= set(theme.variables)
    assert REPO / "themes" in bundled_theme_dirs()


def test_user_theme_is_added_and_overrides(isolated_dirs: Path) -> None:
    folder = paths.data_dir() / "themes"
    write(folder, "mine.toml", GOOD)
    write(folder, "dark.toml", 'name = "tuinb-dark"\nprimary = "#000001"\n')
    loaded = load_themes()
    assert loaded.errors == []
    mine = loaded.themes["mine"]
    assert mine.primary == "#112233"
    assert mine.dark is False
    assert mine.variables["cell-gutter"] == "red"
    assert mine.variables["output-fold"] == THEME_VARIABLE_DEFAULTS["output-fold"]
    assert loaded.themes[DEFAULT_DARK].primary == "#000001"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("primary = ", "not valid TOML"),
        ('primary = "not-a-colour"', "primary = 'not-a-colour' is not a colour"),
        ('primary = "#123456"\nbackground = 3', "background must be a colour"),
        ('primary = "#123456"\ncolour = "#000000"', "unknown key 'colour'"),
        ('name = "x"', "the key 'primary' is missing"),
        ('primary = "#123456"\ndark = "yes"', "dark must be true or false"),
        ('primary = "#123456"\nvariables = 3', "variables must be a table"),
        ('primary = "#123456"\n[variables]\ncell-gutter = 1', "variables.cell-gutter must"),
        ('primary = "#123456"\ntext_alpha = "x"', "text_alpha must be a number"),
    ],
)
def test_broken_theme_names_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, "broken.toml", text)
    with pytest.raises(ThemeFileError) as info:
        load_theme_file(path)
    message = str(info.value)
    assert str(path) in message
    assert key in message
    assert message.count("\n") == 0


def test_non_utf8_theme(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'primary = "\xe9"\n')
    with pytest.raises(ThemeFileError, match="not UTF-8"):
        load_theme_file(path)


def test_broken_user_theme_is_skipped_not_fatal(isolated_dirs: Path) -> None:
    folder = paths.data_dir() / "themes"
    bad = write(folder, "bad.toml", 'primary = "nope"')
    write(folder, "mine.toml", GOOD)
    loaded = load_themes()
    assert "mine" in loaded.themes
    assert DEFAULT_DARK in loaded.themes
    assert len(loaded.errors) == 1
    assert str(bad) in loaded.errors[0]


def test_missing_user_folder_is_fine(isolated_dirs: Path) -> None:
    assert not (paths.data_dir() / "themes").exists()
    assert DEFAULT_DARK in load_themes().themes
    assert not (paths.data_dir() / "themes").exists()


class ThemedApp(App[None]):
    """A bare app to register themes on."""

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLE_DEFAULTS)


async def test_register_themes_selects_dark_and_warns(isolated_dirs: Path) -> None:
    write(paths.data_dir() / "themes", "bad.toml", "primary = [")
    app = ThemedApp()
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(60, 10)) as pilot:
        names = register_themes(app)
        await pilot.pause()
        assert {DEFAULT_DARK, DEFAULT_LIGHT} <= set(names)
        assert app.theme == DEFAULT_DARK
        assert app.current_theme.primary == "#4EA1F3"
        assert app.get_css_variables()["cell-gutter"] == "#6B7280"
        app.theme = DEFAULT_LIGHT
        await pilot.pause()
        assert app.current_theme.dark is False
        assert app.get_css_variables()["cell-gutter"] == "#8C939D"
    assert len(notes) == 1
    assert "bad.toml" in notes[0]


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a real wheel, unpacked (as pip would install it)."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"),
            *("-w", str(out), str(REPO)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{result.stderr[-2000:]}")
    wheels = list(out.glob("tuinb-*.whl"))
    assert len(wheels) == 1
    site = out / "site"
    with zipfile.ZipFile(wheels[0]) as wheel:
        wheel.extractall(site)
    return site


def test_wheel_ships_themes_under_package(unpacked_wheel: Path) -> None:
    shipped = sorted(p.name for p in (unpacked_wheel / "tuinb" / "_themes").glob("*.toml"))
    assert {"dark.toml", "light.toml"} <= set(shipped)
    assert not (unpacked_wheel / "themes").exists()


def test_wheel_install_loads_themes(unpacked_wheel: Path, tmp_path: Path) -> None:
    script = (
        "import tuinb, json\n"
        "from tuinb.ui.themes import load_themes\n"
        "loaded = load_themes()\n"
        "print(json.dumps({'file': tuinb.__file__, 'names': sorted(loaded.themes),"
        " 'errors': loaded.errors}))\n"
    )
    env: dict[str, str] = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    env["TUINB_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["file"].startswith(str(unpacked_wheel))
    assert {DEFAULT_DARK, DEFAULT_LIGHT} <= set(report["names"])
    assert report["errors"] == []


async def test_editor_app_starts_in_tuinb_dark(tmp_path: Path) -> None:
    from tuinb.model import Notebook
    from tuinb.ui.app import TuinbApp

    notebook = Notebook.new()
    notebook.path = tmp_path / "themed.ipynb"
    app = TuinbApp(notebook, check_recovery=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_DARK
        assert DEFAULT_LIGHT in app.available_themes
        app.theme = DEFAULT_LIGHT
        await pilot.pause()
        assert app.current_theme.background == "#FBFBFA"
