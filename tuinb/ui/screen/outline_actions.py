"""The outline and collapsible headings (`alt+t`, `left` / `right`, the panel's keys).

The headings come from `tuinb.model.outline.Outline`, which re-reads only
the markdown cells that changed. The panel (`tuinb.ui.screen.outline_panel`)
lists them while it is open, the heading of the cursor's section marked;
`enter` there jumps to a heading's cell, expanding any collapsed heading that
hides it. `left` on a heading cell (command mode) collapses its section,
`right` expands it, as JupyterLab does; the state is saved in the cell's
metadata as JupyterLab 4 saves it (an undo step). The view hides the cells of
collapsed sections (`tuinb.render.sections`, also drawn by the first frame),
and the cursor steps over them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tuinb.model.outline import NOT_A_HEADING, Outline, is_collapsed
from tuinb.render.sections import NO_SECTIONS, Sections, plan_sections
from tuinb.ui.screen.hosts import EditorPart, NotebookParts

if TYPE_CHECKING:
    from tuinb.model.outline import Heading
    from tuinb.ui.screen.cursor_actions import CursorActions
    from tuinb.ui.screen.edit_actions import EditActions
    from tuinb.ui.screen.outline_panel import OutlinePanel


class OutlineHost(NotebookParts, EditorPart, Protocol):
    """What the outline needs from the notebook screen."""

    @property
    def outline_panel(self) -> OutlinePanel: ...


class OutlineActions:
    """The outline panel, jumping to headings, collapsing and expanding sections."""

    def __init__(self, host: OutlineHost, *, cursor: CursorActions, editing: EditActions) -> None:
        self.host = host
        self.cursor = cursor
        self.editing = editing
        self._outline: Outline | None = None
        self._sections: tuple[int, Sections] = (-1, NO_SECTIONS)

    @property
    def outline(self) -> Outline:
        """The outline of the notebook on screen."""
        notebook = self.host.notebook
        if self._outline is None or self._outline.notebook is not notebook:
            self._outline = Outline(notebook)
            self._sections = (-1, NO_SECTIONS)
        return self._outline

    def sections(self) -> Sections:
        """The sections collapsed headings hide (for the view; worked out once per change)."""
        outline = self.outline
        revision = outline.notebook.revision
        if self._sections[0] != revision:
            self._sections = (revision, plan_sections(outline.notebook, outline))
        return self._sections[1]

    # ---- the panel -------------------------------------------------------------------------

    def toggle(self) -> None:
        """`alt+t`: open the panel with the keys; give them back, or close it if it has them."""
        panel = self.host.outline_panel
        if not panel.display:
            panel.display = True
            self.refresh()
            self.host.focus_widget(panel)
        elif panel.has_focus:
            panel.display = False
            self.back()
        else:
            self.host.focus_widget(panel)

    def refresh(self) -> None:
        """List the headings again if the panel shows (after a change, or a cursor move)."""
        panel = self.host.outline_panel
        if not panel.display:
            return
        outline = self.outline
        cells = self.host.notebook.cells
        current = outline.current(self.host.view.cursor) if cells else None
        folded = {cell.id for cell in cells if cell.cell_type == "markdown" and is_collapsed(cell)}
        panel.show_headings(outline.headings(), current, folded)

    def back(self) -> None:
        """The keys back to the notebook: the editor in edit mode, else the view."""
        editor = self.host.editor
        if self.editing.mode == "edit" and editor.display:
            self.host.focus_widget(editor)
        else:
            self.host.focus_widget(self.host.view)

    def acted(self, what: str, heading: Heading | None) -> None:
        """A key of the panel: `jump`, `collapse`, `expand` on a heading, or `back`."""
        if what == "back" or heading is None:
            self.back()
            return
        if what == "jump":
            self.jump(heading)
        else:
            self.set_collapsed(heading.cell_id, collapsed=what == "collapse")

    def jump(self, heading: Heading) -> None:
        """Go to a heading's cell (expanding what hides it), in command mode."""
        self.editing.to_command_mode()
        try:
            self.outline.reveal(heading.cell_id)
            index = self.host.notebook.index_of(heading.cell_id)
        except KeyError:
            return
        self.cursor.show_changes(heading.cell_id)
        self.host.view.scroll_to_cell(index)
        self.host.focus_widget(self.host.view)
        self.refresh()

    # ---- collapsing ------------------------------------------------------------------------

    def set_collapsed(self, cell_id: str, *, collapsed: bool) -> bool:
        """Collapse or expand a heading cell's section; False if it is no heading."""
        try:
            changed = self.outline.set_collapsed(cell_id, collapsed)
        except KeyError:
            return False
        if changed:
            self.cursor.show_changes()
            self.refresh()
        return changed

    def collapse_at_cursor(self) -> None:
        """`left`: collapse the cursor's heading; in a section, go to its heading first."""
        cells = self.host.notebook.cells
        if not cells:
            return
        index = self.host.view.cursor
        outline = self.outline
        if outline.level(index) != NOT_A_HEADING:
            if not is_collapsed(cells[index]):
                self.set_collapsed(cells[index].id, collapsed=True)
            return
        heading = outline.current(index)
        if heading is not None:
            self.cursor.select(heading.cell_index)

    def expand_at_cursor(self) -> None:
        """`right`: expand the cursor's collapsed heading."""
        cells = self.host.notebook.cells
        if cells:
            self.set_collapsed(cells[self.host.view.cursor].id, collapsed=False)

    def cursor_moved(self) -> None:
        """The cursor moved: mark its section in the panel (if it shows)."""
        if self.host.outline_panel.display:
            self.refresh()
