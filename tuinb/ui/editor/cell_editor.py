"""The one live editor: a highlighted `TextArea` for the cell being edited.

Adds what Textual's TextArea lacks for code: Enter keeps the current
indentation (plus one level after a trailing ``:``); `tab` and the dedent
keys indent and dedent every line of a selection; ``ctrl+/`` comments the
lines with the kernel language's marker; brackets and quotes close
themselves as they are typed (`tuinb.model.textedit`, as CodeMirror does).
Escape is bound on it (``editor.command_mode``) so the screen takes the text
back into the model. A popup open over it (completions, help) sees each key
first, through `key_hook`.
"""

from __future__ import annotations

from collections.abc import Callable
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
from textual.widgets.text_area import Location, Selection

from tuinb.model.textedit import CLOSERS, backspace_pair, toggle_comment, typed_char
from tuinb.sanitize import has_controls, printable
from tuinb.ui.keys import EDIT_BINDINGS, pass_on_alt, run_own_binding
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

    comment_marker = "#"
    """The line-comment marker of the cell's language (`ctrl+/`)."""

    auto_close = True
    """Brackets and quotes close themselves as they are typed (the config's option)."""

    key_hook: Callable[[events.Key], bool] | None = None
    """Sees every key first while a popup is open over the editor; True: it took the key."""

    blur_hook: Callable[[], None] | None = None
    """Called when the editor loses the keys (the popups over it close)."""

    def on_blur(self, event: events.Blur) -> None:
        """The keys went elsewhere: tell `blur_hook`."""
        if self.blur_hook is not None:
            self.blur_hook()

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
        if self.key_hook is not None and self.key_hook(event):
            event.stop()
            event.prevent_default()
            return
        if not self.read_only and self._pair_typed(event):
            event.stop()
            event.prevent_default()
            return
        if await run_own_binding(self, event) or pass_on_alt(event):
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
        """A new line, indented as the one before (one level more after an opener); between
        an empty pair of brackets, the closer goes one line further down, as CodeMirror does."""
        start, end = self.selection
        first, last = sorted((start, end))
        row, column = first
        full = self.document.get_line(row)
        line = full[:column]
        base = line[: len(line) - len(line.lstrip(" \t"))]
        indent = base
        if line.rstrip().endswith(OPENERS):
            indent += " " * self.indent_width
        after = self.document.get_line(last[0])[last[1] :]
        if line[-1:] in CLOSERS and after[:1] == CLOSERS[line[-1]]:
            self.replace_as_typed("\n" + indent + "\n" + base, start, end)
            self.cursor_location = (row + 1, len(indent))
            return
        self.replace_as_typed("\n" + indent, start, end)

    # ---- positions -------------------------------------------------------------------

    @property
    def cursor_offset(self) -> int:
        """The cursor as an offset in the text (code points, as kernels count them)."""
        row, column = self.cursor_location
        get_line = self.document.get_line
        return sum(len(get_line(number)) + 1 for number in range(row)) + column

    def location_of(self, offset: int) -> Location:
        """The (row, column) of an offset in the text (clamped to the text)."""
        get_line = self.document.get_line
        last = self.document.line_count - 1
        row = 0
        while row < last and offset > len(get_line(row)):
            offset -= len(get_line(row)) + 1
            row += 1
        return row, max(0, min(offset, len(get_line(row))))

    def line_before_cursor(self) -> str:
        """The text of the cursor's line before the cursor."""
        row, column = self.cursor_location
        return self.document.get_line(row)[:column]

    @property
    def has_selection(self) -> bool:
        """Whether some text is selected."""
        return not self.selection.is_empty

    def _rows(self) -> tuple[int, int]:
        """First and last row of the selection (a selection ending at a line's start
        leaves that line out, as editors do)."""
        start, end = sorted(self.selection)
        last = end[0] - 1 if end[0] > start[0] and end[1] == 0 else end[0]
        return start[0], last

    # ---- indenting, comments, pairs ------------------------------------------------------

    def indent(self) -> None:
        """`tab` where it does not complete: spaces to the next tab stop, or one level more
        on every line of a selection over several lines."""
        first, last = self._rows()
        if first == last:
            column = self.cursor_location[1]
            width = self.indent_width - column % self.indent_width
            self.replace_as_typed(" " * width, *self.selection)
            return
        self._shift_rows(first, last, self.indent_width)

    def action_dedent(self) -> None:
        """Remove one indentation level from the cursor's line (every line of a selection)."""
        first, last = self._rows()
        self._shift_rows(first, last, -self.indent_width)

    def _shift_rows(self, first: int, last: int, by: int) -> None:
        """Indent (`by` > 0) or dedent rows `first`..`last` as one edit; the cursor follows."""
        lines = [self.document.get_line(row) for row in range(first, last + 1)]
        moved: dict[int, int] = {}
        for number, line in enumerate(lines):
            leading = len(line) - len(line.lstrip(" "))
            if by > 0:
                change = by if line.strip() or first == last else 0
            else:
                change = -min(leading, (leading - 1) % self.indent_width + 1) if leading else 0
            lines[number] = " " * max(0, leading + change) + line[leading:]
            moved[first + number] = change
        if not any(moved.values()):
            return
        start, end = self.selection
        self.replace_as_typed(
            "\n".join(lines), (first, 0), (last, len(self.document.get_line(last)))
        )

        def shift(location: Location) -> Location:
            row, column = location
            return row, max(0, column + moved.get(row, 0))

        self.selection = Selection(shift(start), shift(end))

    def action_toggle_comment(self) -> None:
        """`ctrl+/`: comment the lines (every line of a selection), or uncomment them."""
        if not self.comment_marker:  # markdown and raw cells have no line comments
            return
        first, last = self._rows()
        edit = toggle_comment(self.text, first, last, self.comment_marker)
        if not edit.shifts:
            return
        start, end = self.selection
        lines = edit.text.split("\n")[first : last + 1]
        self.replace_as_typed(
            "\n".join(lines), (first, 0), (last, len(self.document.get_line(last)))
        )
        self.selection = Selection(edit.moved(*start), edit.moved(*end))

    def _pair_typed(self, event: events.Key) -> bool:
        """Close a bracket or quote as it is typed, step over a closer, delete an empty pair."""
        if not self.auto_close or self.has_selection:
            return False
        row, column = self.cursor_location
        line = self.document.get_line(row)
        if event.key == "backspace":
            if not backspace_pair(line[:column], line[column:]):
                return False
            self.replace_as_typed("", (row, column - 1), (row, column + 1))
            return True
        char = event.character
        if char is None or char not in "()[]{}'\"":
            return False
        typed = typed_char(char, line[:column], line[column:])
        if typed is None:
            return False
        if typed.insert or typed.replace:
            self.replace_as_typed(typed.insert, (row, column), (row, column + typed.replace))
        self.cursor_location = (row, column + typed.cursor)
        return True
