"""The tools' keys as actions of the notebook screen, each handed in one line to its group.

A binding in `tuinb.ui.keys` names ``screen.<action>``, so each action must
be a method of the screen; these are the ones of the editor's tools (find,
outline, headings, tags and metadata, clipboard, completion and help, line
numbers). `NotebookScreen` takes them from this class; each reads only
`tools` (`tuinb.ui.screen.tools.Tools`), nothing else of the screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuinb.ui.screen.find_actions import Toggle
    from tuinb.ui.screen.tools import Tools


class ToolKeys:
    """`action_*` methods for the tools' bindings (a base of `NotebookScreen`)."""

    tools: Tools

    # ---- find and replace ------------------------------------------------------------------

    def action_find(self) -> None:
        self.tools.finding.open()

    def action_find_replace(self) -> None:
        self.tools.finding.open(replace=True)

    def action_find_next(self) -> None:
        self.tools.finding.step(forward=True)

    def action_find_previous(self) -> None:
        self.tools.finding.step(forward=False)

    def action_find_enter(self) -> None:
        self.tools.finding.enter()

    def action_find_close(self) -> None:
        self.tools.finding.close()

    def action_find_toggle(self, name: Toggle) -> None:
        self.tools.finding.toggle(name)

    def action_find_replace_all(self) -> None:
        self.tools.finding.replace_all()

    # ---- outline and headings ------------------------------------------------------------

    def action_toggle_outline(self) -> None:
        self.tools.outlining.toggle()

    # ---- tags, metadata, clipboard ----------------------------------------------------------

    def action_edit_tags(self) -> None:
        self.tools.meta.edit_tags()

    def action_edit_cell_metadata(self) -> None:
        self.tools.meta.edit_cell_metadata()

    def action_edit_notebook_metadata(self) -> None:
        self.tools.meta.edit_notebook_metadata()

    def action_copy_source(self) -> None:
        self.tools.copying.copy_source()

    def action_copy_output(self) -> None:
        self.tools.copying.copy_output()

    def action_copy_selection(self) -> None:
        self.tools.copying.copy_selection()

    # ---- the editor ------------------------------------------------------------------------

    def action_complete(self) -> None:
        self.tools.completing.complete()

    def action_help_or_dedent(self) -> None:
        self.tools.completing.help_or_dedent()

    def action_help_pager(self) -> None:
        self.tools.completing.help_pager()

    def action_toggle_line_numbers(self) -> None:
        self.tools.toggle_line_numbers()
