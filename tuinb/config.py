"""The user's config file (`config.toml`): typed options, documented where they are declared.

Each option is a field of a frozen dataclass below, with its default and an
attribute docstring. The same declarations give `tuinb config` the documented
default file (`default_config_text()`), so the file a user starts from and
the options tuinb reads never drift apart.

Reading never stops tuinb from starting: a problem (bad TOML, an unknown key,
a value of the wrong type or out of range) becomes a `ConfigWarning` whose
text is one sentence naming the file, the line and the key, and that option
keeps its default. The UI shows the warnings; `tuinb config --check` prints
them.

Tokens and passwords do not belong here: a file in the config folder is easy
to share or commit by mistake. Jupyter Server tokens come from the
environment (`JUPYTER_TOKEN`), and a `token`/`password` key is reported.

`tomllib` is imported only when a file exists (the first frame does not pay
for it otherwise); `inspect`/`ast` (for the docstrings) only by `tuinb config`.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuinb import paths
from tuinb.sanitize import printable
from tuinb.tomltext import attribute_docs, comment, key_lines, literal

__all__ = [
    "IMAGE_MODES",
    "Config",
    "ConfigWarning",
    "EditorConfig",
    "LoadedConfig",
    "OutputConfig",
    "default_config_text",
    "load_config",
    "parse_config",
]

IMAGE_MODES = ("auto", "kitty", "sixel", "halfblock", "none")
"""How images in outputs are drawn; `auto` asks the terminal what it supports."""


@dataclass(frozen=True)
class EditorConfig:
    """The cell editor (edit mode)."""

    tab_width: int = field(default=4, metadata={"min": 1, "max": 16})
    """Spaces one indentation level takes (`tab` adds them, `shift+tab` removes them)."""
    line_numbers: bool = False
    """Show line numbers beside code cells (`shift+l` toggles them while tuinb runs)."""
    soft_wrap: bool = False
    """Wrap long lines at the edge of the screen instead of scrolling sideways."""
    auto_close_brackets: bool = True
    """Typing an opening bracket or quote also types its closing one."""


@dataclass(frozen=True)
class OutputConfig:
    """How outputs are shown."""

    fold_lines: int = field(default=20, metadata={"min": 2})
    """A longer text output is folded to this many lines, first and last half (`o` unfolds)."""
    images: str = field(default="auto", metadata={"choices": IMAGE_MODES})
    """Images: "auto" (ask the terminal), "kitty", "sixel", "halfblock" or "none"."""
    image_max_height: int = field(default=24, metadata={"min": 1})
    """Tallest an image is drawn, in terminal rows."""
    save_widget_state: bool = False
    """Save the widgets' state in the notebook (JupyterLab shows them then); off as in
    JupyterLab."""


@dataclass(frozen=True)
class Config:
    """Everything `config.toml` can set; `Config()` is the defaults."""

    theme: str = "tuinb-dark"
    """Colour theme: "tuinb-dark", "tuinb-light", or the name of a theme file of yours."""
    default_kernel: str = ""
    """Kernel for notebooks that name none (empty: "python3"); `--kernel` overrides it."""
    notify_after: float = field(default=10.0, metadata={"min": 0})
    """A cell that ran this many seconds rings the bell and notifies when it ends (0: never)."""
    recovery_interval: float = field(default=3.0, metadata={"min": 0.5})
    """Seconds between recovery copies while there are unsaved changes."""
    detach: bool = True
    """Keep the kernel and its notebook running in the background when the terminal goes away."""
    detach_idle_hours: float = field(default=24.0, metadata={"min": 0})
    """A detached session nobody came back to ends after this many hours (0: never)."""
    server_url: str = ""
    """A Jupyter Server to run kernels on (empty: local kernels); its token: JUPYTER_TOKEN."""
    gateway_url: str = ""
    """A Jupyter Kernel Gateway to run kernels on (empty: none); token as for server_url."""
    editor: EditorConfig = field(default_factory=EditorConfig)
    """[editor] section."""
    output: OutputConfig = field(default_factory=OutputConfig)
    """[output] section."""
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """[keys] section: binding id -> keys, e.g. "cell.run" = ["ctrl+r", "ctrl+j"]."""


_SECTIONS: dict[str, type[Any]] = {"editor": EditorConfig, "output": OutputConfig}
"""Fields of `Config` that are tables of their own."""

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SECRET = re.compile(r"token|password|secret", re.IGNORECASE)


@dataclass(frozen=True)
class ConfigWarning:
    """One problem in the config file; `str()` is the sentence to show."""

    path: Path
    line: int | None
    """1-based line of the key (None when the problem has no line)."""
    key: str
    """Dotted key (`editor.tab_width`), empty for the whole file."""
    problem: str
    """What is wrong and what tuinb does instead, ending the sentence."""

    def __str__(self) -> str:
        where = printable(str(self.path))
        if self.line is not None:
            where += f", line {self.line}"
        key = f"`{printable(self.key)}` " if self.key else ""
        return f"{where}: {key}{self.problem}"


@dataclass(frozen=True)
class LoadedConfig:
    """A config as read: the values, where they came from, and what was wrong."""

    config: Config
    path: Path
    warnings: tuple[ConfigWarning, ...] = ()
    lines: Mapping[tuple[str, ...], int] = field(default_factory=dict)
    """Line of each key found in the file (table headers included)."""

    def line_of(self, *key: str) -> int | None:
        """The line of `key` (dotted parts), else of the nearest enclosing table, else None."""
        return _line_of(self.lines, tuple(key))

    def where(self, *key: str) -> str:
        """`"PATH, line N"` for a key, for messages about it (e.g. a remapped key)."""
        line = self.line_of(*key)
        place = printable(str(self.path))
        return place if line is None else f"{place}, line {line}"


# ------------------------------------------------------------------ reading


def load_config(path: Path | None = None) -> LoadedConfig:
    """Read the config file (`tuinb.paths.config_file()` by default); never raises.

    A missing file gives the defaults without a warning.
    """
    path = paths.config_file() if path is None else path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadedConfig(Config(), path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        problem = f"cannot be read ({reason}); every option has its default."
        return LoadedConfig(Config(), path, (ConfigWarning(path, None, "", problem),))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problem = "is not UTF-8 text; every option has its default."
        return LoadedConfig(Config(), path, (ConfigWarning(path, None, "", problem),))
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> LoadedConfig:
    """Options from TOML text (`path` names it in warnings); never raises."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _error_line(str(exc))
        reason = re.sub(r"\s*\(at [^)]*\)$", "", str(exc))
        problem = f"is not valid TOML ({reason}); every option has its default."
        return LoadedConfig(Config(), path, (ConfigWarning(path, line, "", problem),))
    lines = key_lines(text)
    reader = _Reader(path, lines)
    config = reader.config(data)
    return LoadedConfig(config, path, tuple(reader.warnings), lines)


def _line_of(lines: Mapping[tuple[str, ...], int], key: tuple[str, ...]) -> int | None:
    """The line of `key`; else of the first key inside it (a dotted `a.b = 1` makes
    table `a`); else of the nearest enclosing table."""
    if key in lines:
        return lines[key]
    inside = [line for found, line in lines.items() if found[: len(key)] == key]
    if inside:
        return min(inside)
    while key:
        key = key[:-1]
        if key in lines:
            return lines[key]
    return None


def _error_line(message: str) -> int | None:
    found = re.search(r"at line (\d+)", message)
    return int(found.group(1)) if found else None


class _Reader:
    """Turns the parsed TOML into `Config`, collecting a warning per bad key."""

    def __init__(self, path: Path, lines: Mapping[tuple[str, ...], int]) -> None:
        self.path = path
        self.lines = lines
        self.warnings: list[ConfigWarning] = []

    def warn(self, key: tuple[str, ...], problem: str) -> None:
        line = _line_of(self.lines, key)
        dotted = ".".join(part if _BARE_KEY.fullmatch(part) else f'"{part}"' for part in key)
        self.warnings.append(ConfigWarning(self.path, line, dotted, problem))

    def config(self, data: dict[str, Any]) -> Config:
        values = self.fields(Config, data, ())
        return Config(**values)

    def fields(
        self, cls: type[Any], data: dict[str, Any], prefix: tuple[str, ...]
    ) -> dict[str, Any]:
        declared = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for name, value in data.items():
            key = (*prefix, name)
            spec = declared.get(name)
            if spec is None:
                self.unknown(key, list(declared))
            elif not prefix and name in _SECTIONS:
                if isinstance(value, dict):
                    values[name] = _SECTIONS[name](**self.fields(_SECTIONS[name], value, key))
                else:
                    self.warn(key, f"must be a table ([{name}]); its options have their defaults.")
            elif not prefix and name == "keys":
                values[name] = self.keys(value)
            else:
                checked = self.value(key, spec, value)
                if checked is not _INVALID:
                    values[name] = checked
        return values

    def unknown(self, key: tuple[str, ...], known: list[str]) -> None:
        name = key[-1]
        if _SECRET.search(name):
            self.warn(
                key,
                "is ignored: tokens and passwords do not belong in a file; set JUPYTER_TOKEN "
                "in the environment instead.",
            )
            return
        import difflib

        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean `{'.'.join((*key[:-1], close[0]))}`?)" if close else ""
        self.warn(key, f"is not an option{hint}; it is ignored.")

    def value(self, key: tuple[str, ...], spec: dataclasses.Field[Any], value: Any) -> Any:
        default = _default_of(spec)
        problem = _check(value, default, spec.metadata)
        if problem is None:
            return float(value) if isinstance(default, float) else value
        self.warn(key, f"{problem}, not {_shown(value)}; using the default, {literal(default)}.")
        return _INVALID

    def keys(self, value: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, dict):
            self.warn(("keys",), "must be a table ([keys]); no key is remapped.")
            return {}
        keys: dict[str, tuple[str, ...]] = {}
        for binding_id, given in value.items():
            key = ("keys", binding_id)
            if isinstance(given, dict):
                self.warn(
                    key,
                    "is a table: write binding ids in quotes, as in "
                    '"cell.run" = ["ctrl+j"]; it is ignored.',
                )
                continue
            if isinstance(given, str):
                given = [given]
            if not isinstance(given, list) or not all(isinstance(k, str) for k in given):
                self.warn(
                    key,
                    f'must be a key or a list of keys (["ctrl+r", "ctrl+j"]), not '
                    f"{_shown(given)}; the binding keeps its keys.",
                )
                continue
            split = [part.strip() for k in given for part in k.split(",")]
            bad = next((k for k in split if not _KEY_NAME.fullmatch(k)), None)
            if bad is not None:
                self.warn(
                    key,
                    f"has {_shown(bad)}, which is not a key name (such as "
                    '"ctrl+r" or "f5"); the binding keeps its keys.',
                )
                continue
            keys[binding_id] = tuple(dict.fromkeys(split))
        return keys


_INVALID = object()

_KEY_NAME = re.compile(r"(?:(?:ctrl|alt|shift|super|meta|hyper)\+)*[^\s+,]+")
"""A key as Textual names it: modifiers joined by `+`, then the key (`ctrl+r`, `f5`, `a`)."""


def _default_of(spec: dataclasses.Field[Any]) -> Any:
    if spec.default is not dataclasses.MISSING:
        return spec.default
    assert spec.default_factory is not dataclasses.MISSING
    return spec.default_factory()


_KIND = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}


def _check(value: Any, default: Any, metadata: Mapping[str, Any]) -> str | None:
    """None if `value` fits the option, else what it must be ("must be a whole number")."""
    kind = type(default)
    if kind is float:
        fits = isinstance(value, int | float) and not isinstance(value, bool)
        fits = fits and math.isfinite(value)
    elif kind is int:
        fits = isinstance(value, int) and not isinstance(value, bool)
    else:
        fits = isinstance(value, kind)
    if not fits:
        return f"must be {_KIND.get(kind, kind.__name__)}"
    choices = metadata.get("choices")
    if choices is not None and value not in choices:
        return "must be one of " + ", ".join(literal(choice) for choice in choices)
    low, high = metadata.get("min"), metadata.get("max")
    if low is not None and value < low:
        return f"must be at least {low:g}"
    if high is not None and value > high:
        return f"must be at most {high:g}"
    return None


def _shown(value: Any) -> str:
    """A user's value as the sentence quotes it (TOML spelling, control characters visible)."""
    if isinstance(value, dict):
        return "a table"
    text = literal(value)
    return printable(text if len(text) <= 40 else text[:37] + "...")


# ------------------------------------------------------- the default file


_HEADER = """\
# tuinb configuration file.
#
# tuinb reads this file at start ({path}; the
# TUINB_CONFIG_FILE environment variable names another). Every option is
# shown with its default; delete the ones you do not change. A wrong key or
# value is reported (file, line, key) and that option keeps its default.
"""

_KEYS_NOTE = """\
# Remap keys by binding id: the id's keys are replaced by the ones given.
# The ids are listed in the editor's help (`?` or f1) and in the README.
# A key bound twice in one mode is reported with both ids.
#
# "cell.run" = ["ctrl+r", "ctrl+j"]
# "notebook.save" = "ctrl+s"
"""


def _table_lines(cls: type[Any], instance: Any) -> list[str]:
    docs = attribute_docs(cls)
    out: list[str] = []
    for spec in dataclasses.fields(cls):
        if spec.name in _SECTIONS or spec.name == "keys":
            continue
        out += comment(docs.get(spec.name, ""))
        out.append(f"{spec.name} = {literal(getattr(instance, spec.name))}")
        out.append("")
    return out


def default_config_text(path: Path | None = None) -> str:
    """The documented default file: every option with its default and its docstring.

    Parses back to `Config()` (a test checks it).
    """
    shown = printable(str(paths.config_file() if path is None else path))
    defaults = Config()
    out = [_HEADER.format(path=shown)]
    out += _table_lines(Config, defaults)
    section_docs = attribute_docs(Config)
    for name, cls in _SECTIONS.items():
        out += comment(cls.__doc__ or section_docs.get(name, ""))
        out.append(f"[{name}]")
        out.append("")
        out += _table_lines(cls, getattr(defaults, name))
    out.append("[keys]")
    out.append(_KEYS_NOTE)
    return "\n".join(out).rstrip("\n") + "\n"
