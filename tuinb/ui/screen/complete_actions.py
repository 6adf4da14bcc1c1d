"""Completion and contextual help in edit mode (`tab`, `shift+tab`, `alt+h`).

`tab` after a name asks the kernel for completions (`EngineLike.complete`)
and lists them under the cursor (`tuinb.ui.editor.popups`); one match is
inserted at once, and the text all matches share is inserted before the
list opens. At the start of a line, after whitespace or with a selection
`tab` indents. `shift+tab` after a name asks for help (`EngineLike.inspect`)
and shows its start under the cursor; pressed again (or `alt+h`) it opens
the whole text in a pager. At the start of a line or with a selection it
dedents.

Typing never waits for the kernel: requests run in a worker; a reply is
dropped if a later request was made meanwhile
(`tuinb.engine.introspect.Completer`) or if the text or the cursor is no
longer the one it was asked for; while the list is open typing filters it
without asking again (`refine`). A kernel that is busy or does
not answer within a second gets a one-line hint ("kernel busy").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from textual.geometry import Offset, Region

from tuinb.engine.completion import (
    Completion,
    Help,
    Match,
    apply_match,
    common_prefix,
    refine,
    wants_completion,
    wants_help,
)
from tuinb.engine.introspect import Completer
from tuinb.ui.keys import COMPLETION_BINDINGS, TOOL_EDIT_BINDINGS, binding_keys, keys_for
from tuinb.ui.screen.hosts import Background, EditorPart

if TYPE_CHECKING:
    from textual import events

    from tuinb.engine.protocols import EngineLike
    from tuinb.model import Notebook
    from tuinb.ui.editor.popups import CompletionPopup, HelpPopup

NO_KERNEL_HINT = "no kernel running"
HELP_MORE = "shift+tab again or alt+h: all of it · escape: close"


class CompleteHost(EditorPart, Background, Protocol):
    """What completion and help need from the notebook screen."""

    @property
    def notebook(self) -> Notebook: ...
    @property
    def engine(self) -> EngineLike | None:
        """Answers completion and help requests; None: no kernel."""
        ...

    @property
    def completion_popup(self) -> CompletionPopup: ...
    @property
    def help_popup(self) -> HelpPopup: ...
    @property
    def popup_area(self) -> Region:
        """The screen region the popups' offsets count from."""
        ...

    @property
    def keymap(self) -> Mapping[str, str]:
        """The user's remapped keys, by binding id (the popups' keys follow them)."""
        ...

    def show_pager(self, text: str, title: str) -> None:
        """Show help full screen."""
        ...


class CompleteActions:
    """The completion list and the help popup of the editor, and the requests behind them."""

    def __init__(self, host: CompleteHost) -> None:
        self.host = host
        self._completer: Completer | None = None
        self.completion: Completion | None = None
        """The answer the open list comes from."""
        self._keys: dict[str, str] | None = None
        self._help_keys: set[str] | None = None
        self.help_name = ""
        """The name the help popup is about."""

    # ---- keys while a popup is open -------------------------------------------------------

    def _popup_keys(self) -> dict[str, str]:
        if self._keys is None:
            self._keys = keys_for(COMPLETION_BINDINGS, self.host.keymap)
        return self._keys

    def _pager_keys(self) -> set[str]:
        """The keys that open the pager from the help popup (help pressed again, or alt+h)."""
        if self._help_keys is None:
            keys: set[str] = set()
            for binding in TOOL_EDIT_BINDINGS:
                if binding.id in ("editor.help", "editor.help_pager"):
                    keys.update(
                        k.strip() for k in binding_keys(binding, self.host.keymap).split(",")
                    )
            self._help_keys = keys
        return self._help_keys

    def key(self, event: events.Key) -> bool:
        """A key reached the editor: True if an open popup took it."""
        popup = self.host.completion_popup
        if popup.is_open:
            action = self._popup_keys().get(event.key)
            if action == "next":
                popup.move(1)
            elif action == "previous":
                popup.move(-1)
            elif action == "accept":
                self.accept()
            elif action == "close":
                self.close()
            else:
                return False  # typing goes on (and filters the list)
            return True
        if popup.shows_hint:
            popup.close()
            return event.key == "escape"
        help_popup = self.host.help_popup
        if help_popup.is_open:
            if event.key in self._pager_keys():
                help_popup.close()
                self.host.show_pager(help_popup.text, self.help_name)
                return True
            help_popup.close()
            return event.key == "escape"
        return False

    def close(self) -> None:
        """Close the popups."""
        self.completion = None
        self.host.completion_popup.close()
        self.host.help_popup.close()

    # ---- completion --------------------------------------------------------------------

    def _source(self) -> Completer | None:
        engine = self.host.engine
        if engine is None:
            return None
        if self._completer is None or self._completer.source is not engine:
            self._completer = Completer(engine)
        return self._completer

    def _in_code(self) -> bool:
        """Whether the editor holds a code cell (markdown and raw cells ask no kernel)."""
        cell_id = self.host.editor.cell_id
        try:
            return cell_id is not None and self.host.notebook.cell(cell_id).cell_type == "code"
        except KeyError:
            return False

    def complete(self) -> None:
        """`tab`: ask the kernel for completions, or indent where `tab` indents."""
        editor = self.host.editor
        if editor.cell_id is None:
            return
        line = editor.line_before_cursor()
        if not self._in_code() or not wants_completion(line, has_selection=editor.has_selection):
            editor.indent()
            return
        completer = self._source()
        if completer is None:
            self._hint(NO_KERNEL_HINT)
            return
        code, offset = editor.text, editor.cursor_offset
        self.host.start_work(
            self._ask_completion(completer, code, offset), "complete", exclusive=True
        )

    async def _ask_completion(self, completer: Completer, code: str, offset: int) -> None:
        result = await completer.complete(code, offset)
        if result is None or not self._unchanged(code, offset):
            return  # the text or the cursor moved on: a late answer is not shown
        self.show_completion(result)

    def _unchanged(self, code: str, offset: int) -> bool:
        editor = self.host.editor
        return editor.cell_id is not None and editor.text == code and editor.cursor_offset == offset

    def show_completion(self, result: Completion) -> None:
        """Show the kernel's answer: insert a single match, else list the matches."""
        if result.status != "ok" or not result.matches:
            self._hint(result.hint)
            return
        editor = self.host.editor
        matches = refine(result, editor.text, editor.cursor_offset) or list(result.matches)
        if len(matches) == 1:
            self._insert(result, matches[0])
            return
        typed = editor.cursor_offset - result.cursor_start
        prefix = common_prefix(matches)
        if len(prefix) > typed and all(match.start == result.cursor_start for match in matches):
            self._insert(result, Match(prefix, result.cursor_start, result.cursor_end))
            matches = refine(result, editor.text, editor.cursor_offset) or matches
        self.completion = result
        self.host.help_popup.close()
        self.host.completion_popup.show(matches, self._cursor(), self.host.popup_area)

    def accept(self) -> None:
        """Insert the chosen completion and close the list."""
        popup = self.host.completion_popup
        match, completion = popup.chosen, self.completion
        self.close()
        if match is not None and completion is not None:
            self._insert(completion, match)

    def _insert(self, completion: Completion, match: Match) -> None:
        editor = self.host.editor
        offset = editor.cursor_offset
        typed = offset - completion.cursor_pos
        end = max(match.end + typed, match.start)
        _, cursor = apply_match(completion, match, editor.text, offset)
        editor.replace_as_typed(
            match.text, editor.location_of(match.start), editor.location_of(end)
        )
        editor.cursor_location = editor.location_of(cursor)

    def text_changed(self) -> None:
        """The cell's text changed: the open list is filtered.

        An answer on its way is not dropped here: the change may be a key typed before
        the `tab` whose message arrives after it. An answer is dropped when it comes
        back if the text or the cursor is no longer the one it was asked for.
        """
        self.cursor_moved()

    def cursor_moved(self) -> None:
        """Keep the open list to the matches that still fit; close it when none do."""
        popup = self.host.completion_popup
        if not popup.is_open or self.completion is None:
            return
        editor = self.host.editor
        matches = refine(self.completion, editor.text, editor.cursor_offset)
        if not matches:
            self.close()
        else:
            popup.refine(matches)

    def _hint(self, hint: str) -> None:
        self.host.completion_popup.show_hint(hint, self._cursor(), self.host.popup_area)

    def _cursor(self) -> Offset:
        offset = self.host.editor.cursor_screen_offset
        return Offset(offset.x, offset.y)

    # ---- help ----------------------------------------------------------------------------

    def help_or_dedent(self) -> None:
        """`shift+tab`: help on the name before the cursor, or dedent at a line's start."""
        editor = self.host.editor
        if editor.cell_id is None:
            return
        line = editor.line_before_cursor()
        if not self._in_code() or not wants_help(line, has_selection=editor.has_selection):
            editor.action_dedent()
            return
        self._ask_help(full=False)

    def help_pager(self) -> None:
        """`alt+h`: the whole help on the name before the cursor, in the pager."""
        help_popup = self.host.help_popup
        if help_popup.is_open:
            help_popup.close()
            self.host.show_pager(help_popup.text, self.help_name)
            return
        if self._in_code():
            self._ask_help(full=True)

    def _ask_help(self, *, full: bool) -> None:
        completer = self._source()
        if completer is None:
            self._hint(NO_KERNEL_HINT)
            return
        editor = self.host.editor
        code, offset = editor.text, editor.cursor_offset
        self.host.start_work(
            self._ask(completer, code, offset, full=full), "complete", exclusive=True
        )

    async def _ask(self, completer: Completer, code: str, offset: int, *, full: bool) -> None:
        result = await completer.inspect(code, offset)
        if result is None or not self._unchanged(code, offset):
            return
        self.show_help(result, name=_name_before(code, offset), full=full)

    def show_help(self, result: Help, *, name: str, full: bool = False) -> None:
        """Show help under the cursor (or in the pager with `full`), or why there is none."""
        if result.status != "ok" or not result.found:
            self._hint(result.hint)
            return
        self.help_name = name
        if full:
            self.host.show_pager(result.text, name)
            return
        self.host.completion_popup.close()
        self.host.help_popup.show(result.text, self._cursor(), self.host.popup_area, more=HELP_MORE)


def _name_before(code: str, offset: int) -> str:
    """The dotted name ending at `offset` (the pager's title), or ""."""
    start = offset
    while start > 0 and (code[start - 1].isalnum() or code[start - 1] in "_."):
        start -= 1
    return code[start:offset]
