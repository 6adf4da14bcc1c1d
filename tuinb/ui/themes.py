"""Colour themes: TOML files mapped onto Textual `Theme` objects.

A theme file holds Textual's theme fields (``name``, ``dark``, ``primary``,
``secondary``, ``accent``, ``foreground``, ``background``, ``surface``,
``panel``, ``boost``, ``success``, ``warning``, ``error``, ``luminosity_spread``,
``text_alpha``) and a ``[variables]`` table of tuinb's own colours (see
`THEME_VARIABLE_DEFAULTS`), usable in ``.tcss`` as ``$cell-gutter`` etc.

Where themes are found, later ones replacing earlier ones of the same name:

1. the bundled themes: ``tuinb/_themes`` in a built wheel (pyproject
   force-includes the repository's ``themes/`` there), else the repository's
   ``themes/`` next to the ``tuinb`` package (an editable install);
2. the user's themes: ``tuinb.paths.data_dir() / "themes" / "*.toml"``.

A broken file is skipped with one sentence naming the file and the key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tuinb
from tuinb import paths
from tuinb.sanitize import printable

if TYPE_CHECKING:  # Textual is imported on first use: the first frame is drawn without it
    from textual.app import App
    from textual.theme import Theme

__all__ = [
    "DEFAULT_DARK",
    "DEFAULT_LIGHT",
    "THEME_VARIABLE_DEFAULTS",
    "LoadedThemes",
    "ThemeFileError",
    "bundled_theme_dirs",
    "load_theme_file",
    "load_themes",
    "read_theme_table",
    "register_themes",
    "theme_files",
    "user_theme_dir",
]

DEFAULT_DARK = "tuinb-dark"
"""The theme an app starts with."""
DEFAULT_LIGHT = "tuinb-light"
"""The light counterpart."""

THEME_VARIABLE_DEFAULTS: dict[str, str] = {
    "cell-gutter": "#6B7280",
    "cell-gutter-selected": "#4EA1F3",
    "cell-gutter-editing": "#5FC27E",
    "cell-selected-background": "#1F2A3A",
    "cell-execution-count": "#8B93A1",
    "output-stderr": "#F0716C",
    "output-fold": "#8B93A1",
}
"""tuinb's own theme variables and the values used when a theme (a Textual
built-in one, say) does not set them. Return these from
`App.get_theme_variable_defaults` so ``.tcss`` using them works under any theme."""

_COLOUR_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "success",
    "warning",
    "error",
)
_FLOAT_FIELDS = ("luminosity_spread", "text_alpha")
_KNOWN_KEYS = {"name", "dark", "variables", *_COLOUR_FIELDS, *_FLOAT_FIELDS}


class ThemeFileError(ValueError):
    """A theme file that cannot be used; str(err) names the file and the key."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"Theme file {path} was skipped: {problem}; fix or remove it.")
        self.path = path


@dataclass
class LoadedThemes:
    """The themes found, by name, and one message per file that was skipped."""

    themes: dict[str, Theme] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def bundled_theme_dirs() -> list[Path]:
    """Folders that may hold the themes shipped with tuinb (wheel first, then repo)."""
    package = Path(tuinb.__file__).resolve().parent
    return [package / "_themes", package.parent / "themes"]


def user_theme_dir() -> Path:
    """The folder of the user's own theme files (not created here)."""
    return paths.data_dir() / "themes"


def _colour(path: Path, key: str, value: Any) -> str:
    from textual.color import Color, ColorParseError

    if not isinstance(value, str):
        raise ThemeFileError(path, f"{key} must be a colour string such as '#4EA1F3'")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(path, f"{key} = {value!r} is not a colour") from None
    return value


def read_theme_table(path: Path) -> dict[str, Any]:
    """The TOML table of a theme file (unchecked); raises `ThemeFileError` if unreadable."""
    import tomllib  # on first use, not at import (it costs the first frame ~7-10 ms)

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ThemeFileError(path, f"it cannot be read ({err.strerror or err})") from None
    except UnicodeDecodeError:
        raise ThemeFileError(path, "it is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise ThemeFileError(path, f"it is not valid TOML ({err})") from None


def load_theme_file(path: Path) -> Theme:
    """One theme from a TOML file; raises `ThemeFileError` naming the file and the key."""
    from textual.theme import Theme

    data = read_theme_table(path)
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ThemeFileError(path, f"unknown key {unknown[0]!r}")
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError(path, "name must be a non-empty string")
    if "primary" not in data:
        raise ThemeFileError(path, "the key 'primary' is missing")
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeFileError(path, "dark must be true or false")
    colours = {key: _colour(path, key, data[key]) for key in _COLOUR_FIELDS if key in data}
    numbers: dict[str, float] = {}
    for key in _FLOAT_FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ThemeFileError(path, f"{key} must be a number")
            numbers[key] = float(value)
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError(path, "variables must be a table of name = colour")
    for key, value in variables.items():
        if not isinstance(value, str):
            raise ThemeFileError(path, f"variables.{key} must be a string")
    return Theme(
        name=name.strip(),
        dark=dark,
        variables={**THEME_VARIABLE_DEFAULTS, **variables},
        **colours,  # type: ignore[arg-type]
        **numbers,  # type: ignore[arg-type]
    )


def _theme_files(folders: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        try:
            files.extend(sorted(folder.glob("*.toml")))
        except OSError:
            continue
    return files


def theme_files(*, include_user: bool = True) -> list[Path]:
    """Theme files in load order: the first bundled folder that exists, then the user's."""
    bundled = next((folder for folder in bundled_theme_dirs() if folder.is_dir()), None)
    folders = [bundled] if bundled is not None else []
    if include_user:
        folders.append(user_theme_dir())
    return _theme_files(folders)


def load_themes(*, include_user: bool = True) -> LoadedThemes:
    """Every theme tuinb can offer: the first bundled folder that exists, then the user's."""
    loaded = LoadedThemes()
    for path in theme_files(include_user=include_user):
        try:
            theme = load_theme_file(path)
        except ThemeFileError as err:
            loaded.errors.append(str(err))
            continue
        loaded.themes[theme.name] = theme
    return loaded


def register_themes(
    app: App[Any], *, select: str | None = DEFAULT_DARK, where: str | None = None
) -> list[str]:
    """Register every theme with `app`, switch to `select` if found, and warn about bad files.

    A `select` that names no theme leaves the default dark theme on, with a warning
    starting with `where` (the config file and line that named it). Returns the names
    registered. Skipped files are shown with `app.notify`.
    """
    loaded = load_themes()
    for theme in loaded.themes.values():
        app.register_theme(theme)
    for message in loaded.errors:
        app.notify(message, title="Theme", severity="warning", timeout=10)
    if select is not None and select in loaded.themes:
        app.theme = select
    elif select is not None and where is not None:
        if DEFAULT_DARK in loaded.themes:
            app.theme = DEFAULT_DARK
        known = ", ".join(f'"{name}"' for name in sorted(loaded.themes))
        app.notify(
            f"{where}: `theme` names no theme ({printable(repr(select))}); "
            f"using {app.theme} (themes: {known}).",
            severity="warning",
            timeout=10,
            markup=False,
        )
    return list(loaded.themes)
