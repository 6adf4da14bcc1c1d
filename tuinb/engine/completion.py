"""Completions and help as the UI uses them: typed results, and the text rules around them.

Pure functions, no kernel and no UI:

- `Completion` / `Match` / `Help`: a kernel's `complete_reply` /
  `inspect_reply` made into values (`completion_from_reply`, `help_from_reply`),
  with a `status` that also covers the kernel not answering in time;
- `wants_completion` / `wants_help`: whether `tab` / `shift+tab` asks the kernel
  or indents / dedents, as JupyterLab decides;
- `refine`: the matches still fitting after the user typed on (no new request);
- `apply_match` and `common_prefix`: the text after accepting a match.

Positions are offsets in code points into the cell's source, as the
messaging spec (5.2+) counts them and as Python indexes `str`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tuinb.sanitize import plain_text, sanitize

__all__ = [
    "Completion",
    "Help",
    "Match",
    "Status",
    "apply_match",
    "common_prefix",
    "completion_from_reply",
    "help_from_reply",
    "refine",
    "wants_completion",
    "wants_help",
]

Status = Literal["ok", "busy", "timeout", "unavailable", "error"]
"""`ok`: the kernel answered. `busy`: no answer in time while it was running code.
`timeout`: no answer in time while idle. `unavailable`: no running kernel, or
one that cannot complete. `error`: the kernel answered with an error."""

_HINTS: dict[str, str] = {
    "busy": "kernel busy",
    "timeout": "the kernel did not answer",
    "unavailable": "no kernel running",
    "error": "the kernel could not complete this",
}


@dataclass(frozen=True)
class Match:
    """One completion: `text` replaces the source between `start` and `end`."""

    text: str
    start: int
    end: int
    type: str = ""
    """`function`, `module`, `keyword`, ... from `_jupyter_types_experimental` ("" unknown)."""
    signature: str = ""
    """`(a, b=1)` for callables, where the kernel gives it."""


@dataclass(frozen=True)
class Completion:
    """The answer to one completion request, for the text it was asked about."""

    status: Status
    code: str
    """The source the request was made for."""
    cursor_pos: int
    matches: tuple[Match, ...] = ()
    cursor_start: int = 0
    cursor_end: int = 0

    @property
    def hint(self) -> str:
        """A few words for the UI when there is nothing to show ("kernel busy"), else ""."""
        if self.status == "ok":
            return "" if self.matches else "no completions"
        return _HINTS[self.status]


@dataclass(frozen=True)
class Help:
    """The answer to one inspect request (contextual help)."""

    status: Status
    found: bool = False
    text: str = ""
    """`text/plain` with its SGR colours kept and every other escape dropped."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """The whole MIME bundle, as the kernel sent it (untrusted)."""

    @property
    def plain(self) -> str:
        """`text` without colours."""
        return plain_text(self.text)

    @property
    def hint(self) -> str:
        """A few words for the UI when there is nothing to show, else ""."""
        if self.status == "ok":
            return "" if self.found else "no help found"
        return _HINTS[self.status]


# -------------------------------------------------------------- replies


def completion_from_reply(content: Any, code: str, cursor_pos: int) -> Completion:
    """A `complete_reply` content (typed, or any object with its fields) as a `Completion`.

    Each match gets its type and signature from `metadata._jupyter_types_experimental`
    (IPython sends it, aligned with `matches`) and keeps its own range from there.
    """
    if getattr(content, "status", "ok") != "ok":
        return Completion("error", code, cursor_pos)
    length = len(code)
    start = _position(getattr(content, "cursor_start", cursor_pos), cursor_pos, length)
    end = _position(getattr(content, "cursor_end", cursor_pos), cursor_pos, length)
    texts = [m for m in getattr(content, "matches", None) or [] if isinstance(m, str)]
    metadata = getattr(content, "metadata", None)
    typed = metadata.get("_jupyter_types_experimental") if isinstance(metadata, dict) else None
    details = [d for d in typed if isinstance(d, dict)] if isinstance(typed, list) else []
    aligned = len(details) == len(texts) and all(
        d.get("text") == t for d, t in zip(details, texts, strict=True)
    )
    matches: list[Match] = []
    if details and (aligned or not texts):
        for detail in details:
            text = detail.get("text")
            if not isinstance(text, str):
                continue
            matches.append(
                Match(
                    text,
                    _position(detail.get("start"), start, length),
                    _position(detail.get("end"), end, length),
                    _kind(detail.get("type")),
                    str(detail.get("signature") or ""),
                )
            )
    else:
        by_text = {d.get("text"): d for d in details}
        for text in texts:
            detail = by_text.get(text, {})
            matches.append(
                Match(
                    text, start, end, _kind(detail.get("type")), str(detail.get("signature") or "")
                )
            )
    unique = tuple(dict.fromkeys(matches))
    return Completion("ok", code, cursor_pos, unique, start, end)


def _position(value: Any, fallback: int, length: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= length:
        return value
    return fallback


def _kind(value: Any) -> str:
    return value if isinstance(value, str) and value != "<unknown>" else ""


def help_from_reply(content: Any) -> Help:
    """An `inspect_reply` content as a `Help` (text sanitised: colours only)."""
    if getattr(content, "status", "ok") != "ok":
        return Help("error")
    data = getattr(content, "data", None)
    data = data if isinstance(data, dict) else {}
    found = bool(getattr(content, "found", False)) and bool(data)
    text = data.get("text/plain")
    if not isinstance(text, str):
        markdown = data.get("text/markdown")
        text = markdown if isinstance(markdown, str) else ""
    return Help("ok", found, sanitize(text) if found else "", data)


# ------------------------------------------------------------ text rules


def wants_completion(line_before_cursor: str, *, has_selection: bool = False) -> bool:
    """Whether `tab` asks the kernel: after a non-blank character, with no selection.

    At the start of a line or after whitespace `tab` indents, as in JupyterLab.
    """
    return not has_selection and bool(line_before_cursor) and not line_before_cursor[-1].isspace()


def wants_help(line_before_cursor: str, *, has_selection: bool = False) -> bool:
    """Whether `shift+tab` asks for help: after some text on the line, with no selection.

    With only indentation before the cursor, or a selection, it dedents.
    """
    return not has_selection and bool(line_before_cursor.strip())


def refine(completion: Completion, code: str, cursor_pos: int) -> list[Match] | None:
    """The matches that still fit after the user typed on; None: close the list.

    No new request: the text typed since, between the matches' start and the
    cursor, filters them (prefix, ignoring case; exact-case matches first, the
    kernel's order kept within each group). None when the edit left the
    completed word: the cursor moved before its start, text before it or
    after the cursor changed, or whitespace was typed.
    """
    if completion.status != "ok" or cursor_pos < completion.cursor_start:
        return None
    before = completion.code[: completion.cursor_start]
    after = completion.code[completion.cursor_pos :]
    if code[: completion.cursor_start] != before or code[cursor_pos:] != after:
        return None
    typed = code[completion.cursor_start : cursor_pos]
    if any(char.isspace() for char in typed):
        return None
    exact: list[Match] = []
    loose: list[Match] = []
    folded = typed.casefold()
    for match in completion.matches:
        word = _word_at(match, completion.cursor_start)
        if word.startswith(typed):
            exact.append(match)
        elif word.casefold().startswith(folded):
            loose.append(match)
    return exact + loose


def _word_at(match: Match, start: int) -> str:
    """The part of a match's text that lines up with the text from `start` on.

    A match may start earlier than the others (its own range): the text
    before `start` is skipped so that all are compared from the same place.
    """
    return match.text[start - match.start :] if match.start < start else match.text


def apply_match(
    completion: Completion, match: Match, code: str, cursor_pos: int
) -> tuple[str, int]:
    """The source and cursor after accepting `match` (typed-on text included).

    The match replaces its range, which grew by whatever was typed since
    the request.
    """
    typed = cursor_pos - completion.cursor_pos
    end = max(match.end + typed, match.start)
    new = code[: match.start] + match.text + code[end:]
    return new, match.start + len(match.text)


def common_prefix(matches: Sequence[Match]) -> str:
    """The text all matches begin with (to insert on `tab` when several fit)."""
    if not matches:
        return ""
    first = matches[0].text
    size = len(first)
    for match in matches[1:]:
        if match.start != matches[0].start:
            return ""
        size = min(size, len(match.text))
        while size and match.text[:size] != first[:size]:
            size -= 1
    return first[:size]
