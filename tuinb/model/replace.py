"""Replacing matches of a `Finder` in cell sources: one, or all as ONE undo step.

Outputs are results, not text to edit: matches there are skipped. With a
regular expression the replacement refers to groups as Python does (`\\1`,
`\\g<name>`); otherwise it is taken literally. A bad group reference is one
sentence in `Replaced.error`, and nothing is replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tuinb.model.find import Finder

__all__ = ["Replaced", "replace_all", "replace_current"]


@dataclass(frozen=True)
class Replaced:
    """What a replace did: how many matches it replaced, or why it replaced none."""

    count: int
    error: str | None = None


def replace_current(finder: Finder, replacement: str) -> Replaced:
    """Replace the current match (in a source) and move to the next one; one undo step."""
    finder.refresh()
    hit = finder.current
    pattern = finder.pattern
    if hit is None or pattern is None or not finder.exists(hit):
        return Replaced(0)
    if hit.output is not None:
        return Replaced(0, "Outputs cannot be edited: only matches in sources are replaced.")
    cell = finder.notebook.cell(hit.cell_id)
    match = pattern.match(cell.source, hit.start)
    if match is None or match.end() != hit.end:
        return Replaced(0)
    text = _expansion(finder, match, replacement)
    if isinstance(text, Replaced):
        return text
    finder.notebook.set_source(cell.id, cell.source[: hit.start] + text + cell.source[hit.end :])
    finder.refresh(keep=False)
    index = finder.notebook.index_of(cell.id)
    finder.current = finder.first_from(index, None, hit.start + len(text), forward=True)
    return Replaced(1)


def replace_all(finder: Finder, replacement: str) -> Replaced:
    """Replace every match in every source as ONE undo step."""
    finder.refresh()
    pattern = finder.pattern
    if pattern is None:
        return Replaced(0)
    changes: dict[str, str] = {}
    count = 0
    for cell in finder.notebook.cells:
        spans = finder.spans(cell.id)
        if not spans:
            continue
        pieces: list[str] = []
        last = 0
        for start, end in spans:
            match = pattern.match(cell.source, start)
            if match is None or match.end() != end:
                continue
            text = _expansion(finder, match, replacement)
            if isinstance(text, Replaced):
                return text
            pieces += [cell.source[last:start], text]
            last = end
            count += 1
        pieces.append(cell.source[last:])
        changes[cell.id] = "".join(pieces)
    if changes:
        finder.notebook.set_sources(changes, "replace all")
    finder.refresh(keep=False)
    finder.current = None
    return Replaced(count)


def _expansion(finder: Finder, match: re.Match[str], replacement: str) -> str | Replaced:
    if not finder.options.regex:
        return replacement
    try:
        return match.expand(replacement)
    except (re.error, IndexError) as exc:
        reason = exc.msg if isinstance(exc, re.error) else str(exc)
        return Replaced(0, f"Invalid replacement: {reason}.")
