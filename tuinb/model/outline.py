"""The outline of a notebook: headings of its markdown cells, sections, collapsed headings.

Headings are read as CommonMark writes them: ATX (`# Title`, up to three
spaces before, `#`s closing it optional) and setext (a line underlined with
`===` or `---`), plus single-line HTML `<h1>`..`<h6>`, as JupyterLab's table
of contents finds them (it renders the cell). Nothing inside a fenced code
block (```` ``` ```` or `~~~`) or a YAML front matter at the top of the cell
counts, and a heading marked `class="tocSkip"` or `jp-toc-ignore` stays out
of the outline.

Collapsing is JupyterLab's: a heading cell's level is its highest heading
(the smallest number); a collapsed heading hides every cell after it until
the next cell whose heading is of the same or a higher level. JupyterLab 4
stores the state as cell metadata `"jp-MarkdownHeadingCollapsed": true`; the
classic notebook's collapsible-headings extension used `"heading_collapsed":
true`. Both are read; collapsing writes JupyterLab's key, expanding removes
both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tuinb.model.cell import Cell
from tuinb.model.document import Notebook
from tuinb.sanitize import plain_text

__all__ = [
    "COLLAPSED_KEY",
    "LEGACY_COLLAPSED_KEY",
    "Heading",
    "Outline",
    "is_collapsed",
    "parse_headings",
]

COLLAPSED_KEY = "jp-MarkdownHeadingCollapsed"
"""The cell metadata key JupyterLab 4 sets on a collapsed heading cell."""
LEGACY_COLLAPSED_KEY = "heading_collapsed"
"""The key of the classic notebook's collapsible-headings extension."""

NOT_A_HEADING = 7
"""The level of a cell without a heading (never ends a section), as JupyterLab counts it."""

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HTML = re.compile(r"^ {0,3}<h([1-6])(?:\s[^>]*)?>(.*?)</h\1>\s*$", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SKIP = re.compile(r"""class=["'][^"']*\b(?:tocSkip|jp-toc-ignore)\b""")
_NOT_PARAGRAPH = re.compile(r"^ {0,3}(?:[-*+>]|\d+[.)]|#|<|\||$)| {4}")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]*>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")


@dataclass(frozen=True)
class Heading:
    """One heading of the outline."""

    cell_id: str
    cell_index: int
    level: int
    """1 to 6."""
    text: str
    """As shown: inline markdown and HTML tags removed, no control characters."""
    line: int
    """Row of the heading in the cell's source (0-based)."""


def parse_headings(source: str) -> list[tuple[int, str, int, bool]]:
    """(level, text, line, skipped) of each heading in a markdown source, in order."""
    lines = source.split("\n")
    found: list[tuple[int, str, int, bool]] = []
    start = 0
    if lines and lines[0].rstrip() == "---":  # YAML front matter
        for index in range(1, len(lines)):
            if lines[index].rstrip() == "---":
                start = index + 1
                break
    fence: str | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        opened = _FENCE.match(line)
        if fence is not None:
            closing = opened.group(1) if opened else ""
            if closing[:1] == fence[0] and len(closing) >= len(fence) and not line.strip(" `~"):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        atx = _ATX.match(line)
        if atx:
            text, skip = _shown(atx.group(2) or "")
            found.append((len(atx.group(1)), text, index, skip))
            continue
        html = _HTML.match(line)
        if html:
            text, skip = _shown(html.group(2))
            found.append((int(html.group(1)), text, index, skip))
            continue
        under = _SETEXT.match(line)
        if under and index > start:
            above = lines[index - 1]
            if above.strip() and not _NOT_PARAGRAPH.match(above) and not _SETEXT.match(above):
                if found and found[-1][2] == index - 1:
                    continue
                text, skip = _shown(above.strip())
                found.append((1 if under.group(1)[0] == "=" else 2, text, index - 1, skip))
    return found


def _shown(raw: str) -> tuple[str, bool]:
    """(the heading's text as shown, whether it is marked to stay out of the outline)."""
    skip = bool(_SKIP.search(raw))
    text = _LINK.sub(r"\1", raw)
    text = _TAG.sub("", text)
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(r"\2", text)
    return " ".join(plain_text(text).split()), skip


def is_collapsed(cell: Cell) -> bool:
    """Whether a heading cell is collapsed (JupyterLab's key or the classic extension's)."""
    metadata = cell.metadata
    return metadata.get(COLLAPSED_KEY) is True or metadata.get(LEGACY_COLLAPSED_KEY) is True


class Outline:
    """The headings of one notebook, re-read only for cells that changed."""

    def __init__(self, notebook: Notebook) -> None:
        self.notebook = notebook
        self._parsed: dict[str, tuple[int, str, list[tuple[int, str, int, bool]]]] = {}
        self._revision = -1
        self._headings: list[Heading] = []
        self._levels: list[int] = []

    def _update(self) -> None:
        if self._revision == self.notebook.revision:
            return
        self._revision = self.notebook.revision
        parsed: dict[str, tuple[int, str, list[tuple[int, str, int, bool]]]] = {}
        headings: list[Heading] = []
        levels: list[int] = []
        for index, cell in enumerate(self.notebook.cells):
            if cell.cell_type != "markdown":
                levels.append(NOT_A_HEADING)
                continue
            known = self._parsed.get(cell.id)
            if known is None or known[0] != cell.revision or known[1] != cell.source:
                known = (cell.revision, cell.source, parse_headings(cell.source))
            parsed[cell.id] = known
            found = known[2]
            levels.append(min((level for level, *_ in found), default=NOT_A_HEADING))
            headings += [
                Heading(cell.id, index, level, text, line)
                for level, text, line, skip in found
                if not skip
            ]
        self._parsed, self._headings, self._levels = parsed, headings, levels

    # ------------------------------------------------------------ reading

    def headings(self) -> list[Heading]:
        """Every heading of the outline, in notebook order."""
        self._update()
        return list(self._headings)

    def level(self, cell_index: int) -> int:
        """A cell's heading level for collapsing: its highest heading, else `NOT_A_HEADING`."""
        self._update()
        return self._levels[cell_index]

    def current(self, cell_index: int) -> Heading | None:
        """The heading of the section holding cell `cell_index` (the outline marks it)."""
        self._update()
        best = None
        for heading in self._headings:
            if heading.cell_index > cell_index:
                break
            best = heading
        return best

    def section(self, cell_index: int) -> range:
        """The cells a heading cell's collapse hides: up to the next heading of its level or higher.

        Empty for a cell without a heading.
        """
        self._update()
        level = self._levels[cell_index]
        if level == NOT_A_HEADING:
            return range(cell_index + 1, cell_index + 1)
        end = cell_index + 1
        while end < len(self._levels) and self._levels[end] > level:
            end += 1
        return range(cell_index + 1, end)

    def hidden(self) -> set[str]:
        """Ids of the cells hidden by collapsed headings (nested collapsed ones included)."""
        self._update()
        cells = self.notebook.cells
        hidden: set[str] = set()
        index = 0
        while index < len(cells):
            if self._levels[index] != NOT_A_HEADING and is_collapsed(cells[index]):
                body = self.section(index)
                hidden.update(cells[i].id for i in body)
                index = max(body.stop, index + 1)
            else:
                index += 1
        return hidden

    def hiding(self, cell_index: int) -> list[str]:
        """Ids of the collapsed heading cells that hide cell `cell_index`, outermost first."""
        self._update()
        cells = self.notebook.cells
        found: list[str] = []
        for index in range(cell_index):
            if self._levels[index] == NOT_A_HEADING or not is_collapsed(cells[index]):
                continue
            if cell_index in self.section(index):
                found.append(cells[index].id)
        return found

    # ------------------------------------------------------------ changing

    def set_collapsed(self, cell_id: str, collapsed: bool) -> bool:
        """Collapse or expand a heading cell (an undo step); False if it has no heading."""
        index = self.notebook.index_of(cell_id)
        cell = self.notebook.cells[index]
        if self.level(index) == NOT_A_HEADING or is_collapsed(cell) == collapsed:
            return False
        if collapsed:
            self.notebook.set_cell_metadata(cell_id, COLLAPSED_KEY, True)
        else:
            for key in (COLLAPSED_KEY, LEGACY_COLLAPSED_KEY):
                self.notebook.remove_cell_metadata(cell_id, key)
        return True

    def toggle(self, cell_id: str) -> bool:
        """Collapse an expanded heading, expand a collapsed one; False if it has no heading."""
        return self.set_collapsed(cell_id, not is_collapsed(self.notebook.cell(cell_id)))

    def reveal(self, cell_id: str) -> list[str]:
        """Expand every heading that hides a cell (before jumping to it); the expanded ids."""
        opened = self.hiding(self.notebook.index_of(cell_id))
        for heading_id in opened:
            self.set_collapsed(heading_id, False)
        return opened
