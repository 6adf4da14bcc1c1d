"""Find and replace across the notebook (`ctrl+f`, `alt+f`, `ctrl+g`, `alt+g`, the bar's keys).

The search is `tuinb.model.find.Finder`: every cell's source (and, with the
outputs toggle, its outputs' text) on each keystroke, only changed cells
again after an edit. The view marks the matches on its rows
(`tuinb.ui.view.find_marks`); a keystroke recomputes the marks of the rows
on screen only. Typing scrolls to the first match at or after the cursor
cell; `enter` / `ctrl+g` go to the next match (its cell becomes the cursor
cell), `shift+enter` / `alt+g` to the previous one, round the notebook.

Opening the bar in edit mode puts the editor's text into the model first
(the search sees what is typed) and leaves edit mode; closing the bar goes
back to editing that cell when the cursor is still on it, at the current
match. Replacing works on sources: one match (`enter` in the replace box),
or all of them as one undo step (`alt+a`).
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Literal, Protocol

from textual.widgets.text_area import Selection

from tuinb.model.find import Finder, FindOptions, Hit
from tuinb.model.replace import replace_all, replace_current
from tuinb.ui.screen.hosts import EditorPart, NotebookParts, Notifier
from tuinb.ui.view.find_marks import RowMarks

if TYPE_CHECKING:
    from tuinb.ui.screen.cursor_actions import CursorActions
    from tuinb.ui.screen.edit_actions import EditActions
    from tuinb.ui.screen.find_bar import FindBar

Toggle = Literal["case_sensitive", "whole_word", "regex", "in_outputs"]
"""A toggle of the find bar (a field of `FindOptions`)."""


class FindHost(NotebookParts, EditorPart, Notifier, Protocol):
    """What finding needs from the notebook screen."""

    @property
    def find_bar(self) -> FindBar: ...


class FindActions:
    """The find bar's search, its marks in the view, moving between matches, replacing."""

    def __init__(self, host: FindHost, *, cursor: CursorActions, editing: EditActions) -> None:
        self.host = host
        self.cursor = cursor
        self.editing = editing
        self.finder: Finder | None = None
        """The search (made when the bar first opens, for the notebook then on screen)."""
        self.marks: RowMarks | None = None
        self._return_to: str | None = None
        self._seen = -1

    @property
    def is_open(self) -> bool:
        """Whether the find bar is open."""
        return self.host.find_bar.is_open

    # ---- opening and closing ---------------------------------------------------------------

    def open(self, *, replace: bool = False) -> None:
        """`ctrl+f` (`alt+f`: with the replace box): open the bar, or go back to its find box."""
        bar = self.host.find_bar
        selected = ""
        if self.editing.mode == "edit":
            editor = self.host.editor
            selected = editor.selected_text if "\n" not in editor.selected_text else ""
            self._return_to = editor.cell_id
            self.editing.leave(commit=True)
        if self.finder is None or self.finder.notebook is not self.host.notebook:
            self.finder = Finder(self.host.notebook)
            self.marks = RowMarks(self.finder)
        was_open = bar.is_open
        bar.open(replace=replace)
        box = bar.query_box
        if selected:
            box.value = selected
        elif was_open:
            box.select_all()
        self.host.view.show_marks(self.marks)
        self.search(box.value)

    def close(self) -> None:
        """Close the bar and its marks; back to editing the cell it was opened from."""
        bar = self.host.find_bar
        if not bar.is_open:
            return
        bar.close()
        self.host.view.show_marks(None)
        view = self.host.view
        back = self._return_to
        self._return_to = None
        cells = self.host.notebook.cells
        if back is not None and cells and cells[view.cursor].id == back:
            self.editing.start()
            hit = self.finder.current if self.finder is not None else None
            if hit is not None and hit.cell_id == back and hit.output is None:
                editor = self.host.editor
                editor.selection = Selection(
                    editor.location_of(hit.start), editor.location_of(hit.end)
                )
            return
        self.host.focus_widget(view)

    # ---- searching -------------------------------------------------------------------------

    def search(self, query: str) -> None:
        """The find box changed: search again and mark the matches; show the first one
        at or after the cursor cell."""
        finder = self.finder
        if finder is None:
            return
        finder.search(query, near=(self.host.view.cursor, 0))
        self._changed(scroll=True)

    def toggle(self, name: Toggle) -> None:
        """Turn a toggle on or off and search again."""
        finder = self.finder
        if finder is None:
            return
        options = finder.options
        flipped = replace(options, **{name: not asdict(options)[name]})
        finder.search(finder.query, flipped, near=(self.host.view.cursor, 0))
        self._changed(scroll=True)

    def model_changed(self) -> None:
        """Cells changed (an edit, a run's outputs): bring the matches up to date."""
        if self.finder is None or not self.is_open:
            return
        revision = self.finder.notebook.revision
        self.finder.refresh()
        if revision != self._seen:
            self._changed(scroll=False)

    def _changed(self, *, scroll: bool) -> None:
        finder = self.finder
        assert finder is not None
        assert self.marks is not None
        self._seen = finder.notebook.revision
        self.marks.changed()
        self.host.view.refresh()
        self.host.find_bar.show_state(finder.options, finder.label, error=finder.error is not None)
        if scroll and finder.current is not None:
            self._show(finder.current, select=False)

    # ---- moving ----------------------------------------------------------------------------

    def step(self, *, forward: bool) -> None:
        """Go to the next (previous) match, round the notebook; its cell becomes the cursor's."""
        if self.finder is None or not self.is_open:
            self.open()
            return
        finder = self.finder
        hit = finder.next() if forward else finder.previous()
        self._changed(scroll=False)
        if hit is not None:
            self._show(hit, select=True)

    def enter(self) -> None:
        """`enter` in the bar: the next match, or in the replace box, replace the current one."""
        bar = self.host.find_bar
        if bar.replacing and bar.replace_box.has_focus:
            self.replace_one()
        else:
            self.step(forward=True)

    def _show(self, hit: Hit, *, select: bool) -> None:
        view = self.host.view
        try:
            index = self.host.notebook.index_of(hit.cell_id)
        except KeyError:
            return
        if view.is_hidden(index):
            return  # under a collapsed heading: the count says it is there
        if select:
            self.cursor.select(index)
        view.ensure_measured(index)
        cell = self.host.notebook.cells[index]
        if hit.output is None and cell.cell_type == "code":
            row = cell.source.count("\n", 0, hit.start)
        elif hit.output is None:
            row = 0
        else:
            row = view.source_rows(index)
        view.scroll_to_cell(index, row=row)

    # ---- replacing -------------------------------------------------------------------------

    def replace_one(self) -> None:
        """Replace the current match with the replace box's text (one undo step)."""
        finder = self.finder
        if finder is None:
            return
        done = replace_current(finder, self.host.find_bar.replace_box.value)
        if done.error is not None:
            self.host.find_bar.show_state(finder.options, done.error, error=True)
            return
        self.cursor.show_changes()
        self._changed(scroll=False)
        if finder.current is not None:
            self._show(finder.current, select=True)

    def replace_all(self) -> None:
        """Replace every match in every source as one undo step (`z` undoes it)."""
        finder = self.finder
        if finder is None or not self.is_open:
            return
        done = replace_all(finder, self.host.find_bar.replace_box.value)
        if done.error is not None:
            self.host.find_bar.show_state(finder.options, done.error, error=True)
            return
        self.cursor.show_changes()
        self._changed(scroll=False)
        plural = "" if done.count == 1 else "es"
        self.host.tell(f"Replaced {done.count} match{plural} (z undoes it).", timeout=3)

    def notebook_replaced(self) -> None:
        """Another document is on screen (reload, restore): start the search over."""
        self.finder = None
        self.marks = None
        self.host.find_bar.close()
        self.host.view.show_marks(None)

    def options(self) -> FindOptions:
        """The toggles as they are."""
        return self.finder.options if self.finder is not None else FindOptions()
