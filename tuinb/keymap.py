"""Key remapping by binding id, on binding tables given as data (no Textual here).

The editor's bindings each have a stable id (`"cell.run"`) and a mode
(`"command"`, `"edit"`, or `"any"` for both). The `[keys]` table of the
config file maps ids to new keys; `apply_keymap` replaces the keys of those
bindings and reports, one sentence each:

- an id that names no binding (with the closest id, if one is close);
- a key bound twice in one mode, with both ids: the binding the user remapped
  keeps the key and the other loses it (as Textual's own keymap does), or
  the first in table order when both were remapped;
- a printable key (`x`, `shift+x`) given to an edit-mode binding, which would
  stop it from being typed: that key is dropped.

`"any"` overlaps both modes: a key bound in `any` and in `command` clashes.
Any other mode is a context of its own (a popup, a bar, a panel, a dialog:
`"completion"`, `"find"`): its keys shadow the modes' while it has the keys,
so they clash only with keys of the same context.
Keys are compared as Textual names them (`?` is `question_mark`, `J` is
`shift+j`, modifiers in sorted order, `ctrl+i` is `tab`).

The UI calls it once at start, with its tables turned into `BindingSpec`s::

    specs = [BindingSpec(b.id, tuple(b.key.split(",")), mode) for mode, b in all_bindings()]
    result = apply_keymap(specs, loaded.config.keys, where=lambda i: loaded.where("keys", i))
    app.set_keymap(result.textual_keymap())   # ids given keys
    # ids in result.unbound were given no key: Textual's keymap cannot unbind,
    # so drop those bindings from the tables.
    for problem in result.problems: app.notify(str(problem), severity="warning")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from tuinb.sanitize import printable

__all__ = [
    "BindingSpec",
    "KeymapProblem",
    "KeymapResult",
    "apply_keymap",
    "find_clashes",
    "normalize_key",
]

MODIFIERS = frozenset({"ctrl", "alt", "shift", "super", "meta", "hyper"})
"""Modifier names in a key (`ctrl+shift+up`)."""

_NAMES = {
    "?": "question_mark",
    "/": "slash",
    "\\": "backslash",
    "-": "minus",
    "+": "plus",
    "_": "underscore",
    "@": "at",
    " ": "space",
    "!": "exclamation_mark",
    '"': "quotation_mark",
    "#": "number_sign",
    "$": "dollar_sign",
    "%": "percent_sign",
    "&": "ampersand",
    "'": "apostrophe",
    "(": "left_parenthesis",
    ")": "right_parenthesis",
    "*": "asterisk",
    ",": "comma",
    ".": "full_stop",
    ":": "colon",
    ";": "semicolon",
    "<": "less_than_sign",
    "=": "equals_sign",
    ">": "greater_than_sign",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
    "^": "circumflex_accent",
    "`": "grave_accent",
    "{": "left_curly_bracket",
    "|": "vertical_line",
    "}": "right_curly_bracket",
    "~": "tilde",
}
"""Characters as Textual names them in key strings."""

_SAME = {"ctrl+i": "tab", "ctrl+m": "enter", "ctrl+left_square_bracket": "escape"}
"""Keys a terminal cannot tell apart: bound to either, both fire."""

_TYPING_KEYS = frozenset({"space", *(name for name in _NAMES.values() if name != "space")})


@dataclass(frozen=True)
class BindingSpec:
    """One binding as data: its id, its keys and the mode it is active in."""

    id: str
    keys: tuple[str, ...]
    mode: str
    """`"command"`, `"edit"`, `"any"` (both), or a context of its own (`"find"`)."""
    types: bool | None = None
    """Whether keys type text where the binding is active (None: edit and any modes do)."""

    @property
    def typing(self) -> bool:
        """Whether a printable key given to this binding would stop it from being typed."""
        return self.mode in ("edit", "any") if self.types is None else self.types


@dataclass(frozen=True)
class KeymapProblem:
    """Something wrong with the keymap; `str()` is the sentence to show."""

    kind: Literal["unknown_id", "clash", "typing_key"]
    message: str
    ids: tuple[str, ...]
    """The binding ids concerned (both, for a clash)."""
    key: str = ""

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class KeymapResult:
    """The bindings with their final keys, and what was wrong."""

    bindings: tuple[BindingSpec, ...]
    problems: tuple[KeymapProblem, ...] = ()
    remapped: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The ids whose keys changed (by the keymap or by losing a clash), with their new keys."""

    @property
    def unbound(self) -> tuple[str, ...]:
        """Ids left with no key at all."""
        return tuple(binding_id for binding_id, keys in self.remapped.items() if not keys)

    def keys_of(self, binding_id: str) -> tuple[str, ...]:
        """The final keys of a binding (KeyError for an unknown id)."""
        for binding in self.bindings:
            if binding.id == binding_id:
                return binding.keys
        raise KeyError(binding_id)

    def textual_keymap(self) -> dict[str, str]:
        """`{id: "key1,key2"}` for Textual's `App.set_keymap` (ids with keys only)."""
        return {
            binding_id: ",".join(textual_keys(keys))
            for binding_id, keys in self.remapped.items()
            if keys
        }


def normalize_key(key: str) -> str:
    """A key as Textual compares it: `?` -> `question_mark`, `J` -> `shift+j`, sorted modifiers."""
    text = key.strip()
    if text.endswith("++") or text == "+":  # the `+` key itself
        head, name = text[:-2], "plus"
    else:
        head, _, name = text.rpartition("+")
    mods = {part.strip().lower() for part in head.split("+") if part.strip()}
    name = name.strip()
    if len(name) == 1 and name.isalpha() and name.isupper():
        mods.add("shift")
        name = name.lower()
    elif len(name) == 1:
        name = _NAMES.get(name, name)
    else:
        name = name.lower()
    normal = "+".join([*sorted(mods), name])
    return _SAME.get(normal, normal)


def textual_keys(keys: Iterable[str]) -> list[str]:
    """Keys as Textual binds them: `shift+j` also as `J` (terminals send either)."""
    out: list[str] = []
    for key in keys:
        normal = normalize_key(key)
        names = [normal]
        mods, _, name = normal.rpartition("+")
        if mods == "shift" and len(name) == 1 and name.isalpha():
            names.insert(0, name.upper())
        out += [name for name in names if name not in out]
    return out


def _typing_key(key: str) -> bool:
    """Whether the key types a character in an editor (no ctrl/alt/super/meta/hyper)."""
    mods, _, name = normalize_key(key).rpartition("+")
    if mods and mods != "shift":
        return False
    return len(name) == 1 or name in _TYPING_KEYS


MODES = frozenset({"command", "edit", "any"})
"""The editor's modes; every other mode is a context that only overlaps itself."""


def _overlap(mode: str, other: str) -> bool:
    return mode == other or ("any" in (mode, other) and {mode, other} <= MODES)


def _mode_name(mode: str, other: str) -> str:
    both = {mode, other} - {"any"}
    return f"{both.pop()} mode" if len(both) == 1 else "both modes"


def find_clashes(
    bindings: Sequence[BindingSpec],
    *,
    preferred: Iterable[str] = (),
    where: Callable[[str], str] | None = None,
) -> tuple[list[KeymapProblem], dict[str, set[str]]]:
    """Keys bound twice in one mode: the problems, and the keys each losing id gives up.

    Of two bindings with one key, an id in `preferred` (the remapped ones)
    keeps it; between equals, the first in `bindings` does.
    """
    favour = set(preferred)
    problems: list[KeymapProblem] = []
    lost: dict[str, set[str]] = {}
    seen: dict[str, list[tuple[int, BindingSpec]]] = {}
    for position, binding in enumerate(bindings):
        for key in binding.keys:
            normal = normalize_key(key)
            for _, earlier in seen.get(normal, []):
                if earlier.id == binding.id or not _overlap(earlier.mode, binding.mode):
                    continue
                if normal in lost.get(earlier.id, set()):
                    continue
                keeper, loser = earlier, binding
                if binding.id in favour and earlier.id not in favour:
                    keeper, loser = binding, earlier
                lost.setdefault(loser.id, set()).add(normal)
                mode = _mode_name(earlier.mode, binding.mode)
                place = ""
                if where is not None:
                    remapped = [b.id for b in (earlier, binding) if b.id in favour]
                    place = f"{where(remapped[0])}: " if remapped else ""
                problems.append(
                    KeymapProblem(
                        "clash",
                        f"{place}`{printable(key)}` is bound twice in {mode}, to "
                        f"`{earlier.id}` and `{binding.id}`; `{keeper.id}` keeps it.",
                        (earlier.id, binding.id),
                        normal,
                    )
                )
            seen.setdefault(normal, []).append((position, binding))
    return problems, lost


def apply_keymap(
    bindings: Iterable[BindingSpec],
    keymap: Mapping[str, Sequence[str]],
    *,
    where: Callable[[str], str] | None = None,
) -> KeymapResult:
    """Replace the keys of the bindings `keymap` names; report unknown ids and clashes.

    `where(binding_id)` says where the id was set (e.g. `"config.toml, line
    12"`); it starts each sentence. An id mapped to no key is unbound.
    """
    table = list(bindings)
    known = {binding.id for binding in table}

    def place(binding_id: str) -> str:
        return f"{where(binding_id)}: " if where is not None else ""

    problems: list[KeymapProblem] = []
    for binding_id in keymap:
        if binding_id not in known:
            import difflib

            close = difflib.get_close_matches(binding_id, sorted(known), n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            problems.append(
                KeymapProblem(
                    "unknown_id",
                    f"{place(binding_id)}`{printable(binding_id)}` is not a binding id{hint}; "
                    "it is ignored (the help, `?`, lists the ids).",
                    (binding_id,),
                )
            )
    remapped: dict[str, tuple[str, ...]] = {}
    for position, binding in enumerate(table):
        if binding.id not in keymap:
            continue
        keys: list[str] = []
        for key in keymap[binding.id]:
            if binding.typing and _typing_key(key):
                problems.append(
                    KeymapProblem(
                        "typing_key",
                        f"{place(binding.id)}`{printable(key)}` types a character in the "
                        f"editor, so it cannot run `{binding.id}` in edit mode; it is ignored.",
                        (binding.id,),
                        normalize_key(key),
                    )
                )
                continue
            keys += [name for name in textual_keys([key]) if name not in keys]
        table[position] = replace(binding, keys=tuple(keys))
        remapped[binding.id] = tuple(keys)
    clashes, lost = find_clashes(table, preferred=remapped, where=where)
    problems += clashes
    for position, binding in enumerate(table):
        gone = lost.get(binding.id)
        if gone:
            keys_left = tuple(k for k in binding.keys if normalize_key(k) not in gone)
            table[position] = replace(binding, keys=keys_left)
            remapped[binding.id] = keys_left
    return KeymapResult(tuple(table), tuple(problems), remapped)
