"""Editing rules for a cell's text that the editor widget lacks: comments and closing brackets.

Pure functions on strings, for the UI to apply to its TextArea:

- `comment_prefix(language)`: the line-comment marker of the kernel's
  language (`language_info.name`): `#`, `//`, `--`, `%` or `;`.
- `toggle_comment(text, first_row, last_row, prefix)`: JupyterLab's
  `ctrl+/` (which terminals send as `ctrl+_`): if every non-blank line of the
  range is commented, uncomment them; else comment them all at the smallest
  indentation. Blank lines are left alone. `CommentEdit.moved` maps the
  cursor and selection to where they belong afterwards.
- `typed_char(char, before, after)` / `backspace_pair(before, after)`:
  auto-closing brackets and quotes, with type-over of a closer that is
  already there and deletion of an empty pair, as CodeMirror does.

Enter's auto-indent and shift+tab's dedent live in the editor widget
(`tuinb/ui/editor.py`) already.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CommentEdit",
    "Typed",
    "backspace_pair",
    "comment_prefix",
    "toggle_comment",
    "typed_char",
]

_PREFIXES: dict[str, str] = {
    "#": "python ipython ipython3 r julia bash sh shell zsh ruby perl powershell yaml toml nim "
    "elixir tcl coffeescript crystal make makefile dockerfile gnuplot stata sas",
    "//": "c c++ cpp java javascript typescript rust go kotlin scala swift csharp c# fsharp f# "
    "dart php groovy zig objective-c d v sparql jsonnet glsl cuda wolfram",
    "--": "sql haskell lua ada elm purescript idris agda vhdl",
    "%": "matlab octave erlang prolog tex latex mercury",
    ";": "clojure lisp common-lisp scheme racket hy emacs-lisp asm",
}
"""Line-comment markers and the kernel languages (`language_info.name`) that use them."""
_BY_LANGUAGE = {name: prefix for prefix, names in _PREFIXES.items() for name in names.split()}

CLOSERS = {"(": ")", "[": "]", "{": "}"}
"""Brackets closed as they are typed."""
QUOTES = ("'", '"')
"""Quotes closed as they are typed (not after a letter: `don't`)."""


def comment_prefix(language: str) -> str:
    """The line-comment marker for a kernel language (`#` when the language is unknown).

    Takes `language_info.name` as kernels send it: `python`, `R`, `C++17`.
    """
    name = language.strip().lower()
    if name in _BY_LANGUAGE:
        return _BY_LANGUAGE[name]
    base = name.rstrip("0123456789.")  # C++17, python3, sql2016
    return _BY_LANGUAGE.get(base, "#")


@dataclass(frozen=True)
class CommentEdit:
    """A comment toggle: the new text, and how each changed row moved."""

    text: str
    shifts: tuple[tuple[int, int, int], ...]
    """(row, column, delta): text at or after `column` on `row` moved by `delta` columns."""

    def moved(self, row: int, column: int) -> tuple[int, int]:
        """Where a cursor at (row, column) belongs in the new text."""
        for shifted_row, at, delta in self.shifts:
            if shifted_row == row and column >= at:
                return row, max(at, column + delta)
        return row, column


def toggle_comment(text: str, first_row: int, last_row: int, prefix: str) -> CommentEdit:
    """Comment or uncomment rows `first_row`..`last_row` (inclusive) of `text`."""
    lines = text.split("\n")
    first = max(0, min(first_row, len(lines) - 1))
    last = max(first, min(last_row, len(lines) - 1))
    rows = [row for row in range(first, last + 1) if lines[row].strip()]
    if not rows:
        return CommentEdit(text, ())
    shifts: list[tuple[int, int, int]] = []
    if all(lines[row].lstrip().startswith(prefix) for row in rows):
        for row in rows:
            line = lines[row]
            at = len(line) - len(line.lstrip())
            size = len(prefix) + (1 if line[at + len(prefix) : at + len(prefix) + 1] == " " else 0)
            lines[row] = line[:at] + line[at + size :]
            shifts.append((row, at, -size))
    else:
        at = min(len(lines[row]) - len(lines[row].lstrip()) for row in rows)
        for row in rows:
            lines[row] = lines[row][:at] + prefix + " " + lines[row][at:]
            shifts.append((row, at, len(prefix) + 1))
    return CommentEdit("\n".join(lines), tuple(shifts))


@dataclass(frozen=True)
class Typed:
    """What typing a character does instead of inserting it alone."""

    insert: str
    """Text to insert at the cursor (may be empty: the cursor just steps over)."""
    cursor: int
    """Where the cursor ends, counted from the cursor's old place."""
    replace: int = 0
    """Characters after the cursor that the insertion replaces."""


def _closes_here(after: str) -> bool:
    """Whether a pair may be opened before `after` (nothing, a space, a closer or punctuation)."""
    return not after or after[0].isspace() or after[0] in ")]},;:"


def typed_char(char: str, before: str, after: str) -> Typed | None:
    """Auto-closing for one typed character; None: insert it as usual.

    `before`/`after` are the line's text before and after the cursor.
    """
    if char in CLOSERS:
        return Typed(char + CLOSERS[char], 1) if _closes_here(after) else None
    if char in CLOSERS.values():
        return Typed("", 1, 0) if after.startswith(char) else None
    if char not in QUOTES:
        return None
    if before.endswith(char * 2) and not after.startswith(char):  # a triple-quoted string
        return Typed(char * 4, 1) if _closes_here(after) else None
    if after.startswith(char):
        return Typed("", 1, 0)
    previous = before[-1:]
    if previous.isalnum() or previous in ("_", "\\") or previous in QUOTES:
        return None
    return Typed(char * 2, 1) if _closes_here(after) else None


def backspace_pair(before: str, after: str) -> bool:
    """Whether backspace between an empty pair (`(|)`, `"|"`) deletes both characters."""
    if not before or not after:
        return False
    opener = before[-1]
    return CLOSERS.get(opener) == after[0] or (opener in QUOTES and after[0] == opener)
