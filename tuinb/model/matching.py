"""What one query matches in one cell: the query compiled, the texts searched, the scan.

Apart from `tuinb.model.find` because it is the matching, not the search
state: the `Finder` keeps the matches of a notebook current as it changes,
and moves between them; here one cell is scanned, with the fast path that
finds a literal query by `str.find` (about ten times faster than the
expression on 3 MB of outputs) and skips cells that cannot match. The
clipboard copies an output's text as it is searched (`output_text`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuinb.sanitize import plain_text

if TYPE_CHECKING:
    from tuinb.model.cell import Cell

__all__ = ["CellHits", "CellTexts", "FindOptions", "compile_query", "output_text", "scan_cell"]

Span = tuple[int, int]
"""A match as (start, end) offsets in a text."""


@dataclass(frozen=True)
class FindOptions:
    """The find bar's toggles."""

    case_sensitive: bool = False
    whole_word: bool = False
    regex: bool = False
    in_outputs: bool = False


def compile_query(query: str, options: FindOptions) -> re.Pattern[str] | str:
    """The compiled query, or one sentence saying why the expression is invalid."""
    body = query if options.regex else re.escape(query)
    if options.whole_word:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    flags = re.MULTILINE | (0 if options.case_sensitive else re.IGNORECASE)
    try:
        return re.compile(body, flags)
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None and options.regex else ""
        return f"Invalid regular expression: {exc.msg}{where}."
    except (RecursionError, OverflowError):
        return "Invalid regular expression: it is too deeply nested or too large."


def output_text(output: Mapping[str, Any]) -> str:
    """The text of an output as the view shows it (streams, errors, `text/plain`), plain."""
    kind = output.get("output_type")
    if kind == "stream":
        text: Any = output.get("text", "")
    elif kind == "error":
        traceback = output.get("traceback")
        if isinstance(traceback, list) and traceback:
            text = "\n".join(str(line) for line in traceback)
        else:
            text = f"{output.get('ename', '')}: {output.get('evalue', '')}"
    else:
        data = output.get("data")
        text = data.get("text/plain", "") if isinstance(data, Mapping) else ""
    if isinstance(text, list):
        text = "".join(str(part) for part in text)
    return plain_text(text) if isinstance(text, str) else ""


@dataclass
class CellHits:
    """The matches of one cell as of its `revision`: in its source and by output index."""

    revision: int
    source: list[Span]
    outputs: dict[int, list[Span]]
    complete: bool = True
    """False when the scan stopped at the limit of matches."""

    @property
    def count(self) -> int:
        return len(self.source) + sum(len(spans) for spans in self.outputs.values())


@dataclass
class CellTexts:
    """A cell's texts as searched, computed once per revision of the cell."""

    revision: int
    _outputs: list[str] | None = None
    _lower_source: str | None = None
    _lower_outputs: list[str] | None = None

    def outputs(self, cell: Cell) -> list[str]:
        if self._outputs is None:
            self._outputs = [output_text(output) for output in cell.outputs]
        return self._outputs

    def lower_source(self, cell: Cell) -> str:
        if self._lower_source is None:
            self._lower_source = cell.source.lower()
        return self._lower_source

    def lower_outputs(self, cell: Cell) -> list[str]:
        if self._lower_outputs is None:
            self._lower_outputs = [text.lower() for text in self.outputs(cell)]
        return self._lower_outputs


def scan_cell(
    cell: Cell,
    text: CellTexts,
    pattern: re.Pattern[str],
    needle: str | None,
    room: int,
    options: FindOptions,
) -> CellHits:
    """The matches in one cell, at most `room` of them (then marked incomplete).

    `needle` is the query when it is literal (lower-cased unless the search
    is case-sensitive), None for a regular expression.
    """
    fold = needle is not None and not options.case_sensitive
    whole = options.whole_word
    hits = CellHits(cell.revision, [], {})
    searched = text.lower_source(cell) if fold else cell.source
    if needle is None or needle in searched:
        hits.source = _find(pattern, needle, cell.source, searched, room, whole_word=whole)
        room -= len(hits.source)
    if options.in_outputs:
        outputs = text.outputs(cell)
        lowered = text.lower_outputs(cell) if fold else outputs
        for index, output in enumerate(outputs):
            if room <= 0:
                break
            if needle is None or needle in lowered[index]:  # a literal query: skip the rest
                spans = _find(pattern, needle, output, lowered[index], room, whole_word=whole)
                if spans:
                    hits.outputs[index] = spans
                    room -= len(spans)
    hits.complete = room > 0
    return hits


def _find(
    pattern: re.Pattern[str],
    needle: str | None,
    text: str,
    searched: str,
    limit: int,
    *,
    whole_word: bool,
) -> list[Span]:
    """Spans of the query in `text`; `searched` is `text` as a literal query is sought in.

    A literal query in ASCII text is found by `str.find` (about ten times
    faster than the expression on 3 MB of outputs); the expression decides
    everything else.
    """
    if needle is None or not (needle.isascii() and text.isascii()):
        return _spans(pattern, text, limit)
    spans: list[Span] = []
    size = len(needle)
    at = searched.find(needle)
    while at >= 0 and len(spans) < limit:
        end = at + size
        if not whole_word or not (_word(searched, at - 1) or _word(searched, end)):
            spans.append((at, end))
            at = searched.find(needle, end)
        else:
            at = searched.find(needle, at + 1)
    return spans


def _word(text: str, index: int) -> bool:
    """Whether text[index] is a word character (`\\w`); False outside the text."""
    if index < 0 or index >= len(text):
        return False
    char = text[index]
    return char.isalnum() or char == "_"


def _spans(pattern: re.Pattern[str], text: str, limit: int) -> list[Span]:
    spans: list[Span] = []
    for match in pattern.finditer(text):
        if match.end() > match.start():
            spans.append(match.span())
            if len(spans) >= limit:
                break
    return spans
