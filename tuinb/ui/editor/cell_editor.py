"""The one live editor: a highlighted `TextArea` for the cell being edited.

Adds what Textual's TextArea lacks for code: Enter keeps the current
indentation (plus one level after a trailing ``:``), and ``shift+tab``
dedents the line. Escape is bound on it (``editor.command_mode``) so the
screen takes the text back into the model.
"""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from pygments.lexer import Lexer  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.token import Token, _TokenType  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]
from rich.segment import Segment
from textual import events
from textual.binding import BindingType
from textual.strip import Strip
from textual.timer import Timer

from tuinb.sanitize import has_controls, printable
from tuinb.ui.keys import EDIT_BINDINGS, run_own_binding
from tuinb.ui.textual_compat import EditorTextArea
from tuinb.ui.view.notebook_view import NotebookView

OPENERS = (":", "(", "[", "{")
"""A line ending in one of these indents the next line one level more."""

HIGHLIGHT_NOW_LINES = 150
"""Cells up to this many lines are re-highlighted on every key."""
HIGHLIGHT_DELAY = 0.3
"""Longer cells are re-highlighted this long after the last key."""
HIGHLIGHT_MAX_LINES = 5000
"""Cells longer than this are edited without colours."""


_CAPTURES: list[tuple[_TokenType, str]] = [
    (Token.Comment, "comment"),
    (Token.Literal.String.Doc, "string.documentation"),
    (Token.Literal.String, "string"),
    (Token.Literal.Number, "number"),
    (Token.Keyword.Constant, "boolean"),
    (Token.Keyword.Namespace, "include"),
    (Token.Keyword, "keyword"),
    (Token.Operator.Word, "keyword.operator"),
    (Token.Operator, "operator"),
    (Token.Name.Builtin, "type.builtin"),
    (Token.Name.Function, "function"),
    (Token.Name.Class, "class"),
    (Token.Name.Decorator, "function"),
    (Token.Name.Exception, "exception"),
    (Token.Generic.Heading, "heading"),
    (Token.Generic.Subheading, "heading"),
    (Token.Generic.Strong, "bold"),
    (Token.Generic.Emph, "italic"),
    (Token.Punctuation, "punctuation.bracket"),
]
"""Pygments token types mapped to the capture names TextArea themes style."""


@lru_cache(maxsize=16)
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@lru_cache(maxsize=512)
def _capture(token: _TokenType) -> str | None:
    for parent, name in _CAPTURES:
        if token in parent:
            return name
    return None


class CellEditor(EditorTextArea):
    """Edits one cell's source; the screen loads and reads it."""

    BINDINGS: ClassVar[list[BindingType]] = [*EDIT_BINDINGS]

    cell_id: str | None = None
    """The cell whose source is loaded."""

    highlight_language: str | None = None
    """Pygments name of the language to highlight (None: plain text)."""

    _highlight_timer: Timer | None = None
    _highlight_now_next = True
    _rows_seen: list[tuple[str, tuple[tuple[int, int | None, str], ...]]] | None = None

    def load_text(self, text: str) -> None:
        """Load a cell's source, highlighted at once whatever its size."""
        self._highlight_now_next = True
        self._rows_seen = None
        super().load_text(text)

    def highlights_changed(self) -> None:
        """Highlight with Pygments (no tree-sitter needed), in TextArea's capture names.

        Lexing re-reads the whole cell (~0.15 ms a line here): in a long cell
        it runs once typing pauses, and the old colours stay until then.
        """
        if self._highlight_timer is not None:
            self._highlight_timer.stop()
            self._highlight_timer = None
        now = self._highlight_now_next
        self._highlight_now_next = False
        if now or self.document.line_count <= HIGHLIGHT_NOW_LINES or not self.is_attached:
            self._highlight()
            self._forget_changed_rows()
        else:
            self.forget_rows()
            self._rows_seen = None
            self._highlight_timer = self.set_timer(HIGHLIGHT_DELAY, self._highlight_later)

    def _forget_changed_rows(self) -> None:
        """Drop the rendered rows whose text or colours changed; keep the others.

        TextArea re-renders every row in sight after each edit (~0.5 ms a row);
        a typed character changes one. With a row added or removed (or soft
        wrapping on) every row is dropped, as TextArea does.
        """
        document = self.document
        highlights = self.highlights
        seen = [
            (document.get_line(row), tuple(highlights.get(row, ())))
            for row in range(document.line_count)
        ]
        old, self._rows_seen = self._rows_seen, seen
        if old is None or len(old) != len(seen) or self.soft_wrap:
            self.forget_rows()
            return
        changed = {
            row for row, (before, now) in enumerate(zip(old, seen, strict=True)) if before != now
        }
        if changed:
            self.forget_rows(changed)

    def _highlight_later(self) -> None:
        self._highlight_timer = None
        self.forget_rows()
        self._rows_seen = None
        self._highlight()
        self.refresh()

    def _highlight(self) -> None:
        highlights = self.highlights
        highlights.clear()
        lexer = _lexer(self.highlight_language) if self.highlight_language else None
        if lexer is None or self.document.line_count > HIGHLIGHT_MAX_LINES:
            return
        row = column = 0
        for token, value in lexer.get_tokens(self.text):
            name = _capture(token)
            parts = value.split("\n")
            for number, part in enumerate(parts):
                if number:
                    row += 1
                    column = 0
                size = len(part.encode("utf-8"))  # TextArea highlights count bytes
                if size and name is not None:
                    highlights[row].append((column, column + size, name))
                column += size

    def render_line(self, y: int) -> Strip:
        """A row of the editor, with any control character shown as a visible mark.

        TextArea writes a document's characters to the terminal as they are; a
        cell's source comes from a file and may hold escape sequences.
        """
        strip = super().render_line(y)
        if not has_controls(strip.text):
            return strip
        segments = [
            Segment(printable(text), style, control) if not control else Segment("")
            for text, style, control in strip
        ]
        return Strip(segments, strip.cell_length)

    async def on_key(self, event: events.Key) -> None:
        """Edit keys in order with the keys around them; `enter` keeps the indentation."""
        if self.cell_id is None:
            # edit mode ended earlier in the same burst of keys: the rest are commands
            event.stop()
            event.prevent_default()
            self.screen.query_one(NotebookView).post_message(events.Key(event.key, event.character))
            return
        if await run_own_binding(self, event):
            return
        if event.key == "escape":
            # Not TextArea's "escape moves focus": left to the `editor.command_mode` binding.
            event.prevent_default()
            return
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            self._newline_with_indent()
        # Other keys: Textual runs TextArea's own key handler next (handlers run along the MRO).

    def _newline_with_indent(self) -> None:
        start, end = self.selection
        first = min(start, end)
        row, column = first
        line = self.document.get_line(row)[:column]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if line.rstrip().endswith(OPENERS):
            indent += " " * self.indent_width
        self.replace_as_typed("\n" + indent, start, end)

    def action_dedent(self) -> None:
        """Remove one indentation level from the cursor's line."""
        row, column = self.cursor_location
        line = self.document.get_line(row)
        leading = len(line) - len(line.lstrip(" "))
        remove = min(leading, (leading - 1) % self.indent_width + 1) if leading else 0
        if remove:
            self.delete((row, 0), (row, remove))
            self.cursor_location = (row, max(0, column - remove))
