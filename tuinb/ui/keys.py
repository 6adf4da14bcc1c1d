"""Every key binding of the editor, with a stable id per binding.

The ids (``"cell.delete"``, ``"notebook.save"``) are the names a user remaps
(``App.set_keymap`` today, the config file later): keep them stable. The help
screen and the command palette are built from these tables, so a binding
added here shows up in both. Each action a binding names (``screen.insert_above``)
is a method of `tuinb.ui.screen.notebook_screen.NotebookScreen`, which hands
it to the group of actions it belongs to.

`run_own_binding` runs a widget's bindings in order with the keys around them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from tuinb.ui.textual_compat import own_bindings

if TYPE_CHECKING:
    from textual import events
    from textual.widget import Widget

# ---- running cells and the kernel ----------------------------------------------------
# `ctrl+enter`, `shift+enter` and `alt+enter` arrive only from terminals that speak
# the kitty keyboard protocol, so each has a portable fallback bound next to it:
# `ctrl+j`, `alt+j` and `alt+o`.

RUN_GLOBAL_BINDINGS: list[Binding] = [
    Binding("ctrl+enter,ctrl+j", "screen.run_cell", "Run selected cells", id="cell.run"),
    Binding(
        "shift+enter,alt+j",
        "screen.run_and_advance",
        "Run and select below",
        id="cell.run_advance",
    ),
    Binding(
        "alt+enter,alt+o",
        "screen.run_and_insert",
        "Run and insert a cell below",
        id="cell.run_insert",
    ),
]
"""Both modes. Not priority bindings: those run as the key reaches the app, ahead of
keys still queued for the view, so `j ctrl+j` would run the cell before moving."""

RUN_COMMAND_BINDINGS: list[Binding] = [
    Binding("R,shift+r", "screen.run_all", "Run all cells", id="notebook.run_all"),
    Binding("alt+a", "screen.run_above", "Run all above", id="notebook.run_above"),
    Binding("alt+b", "screen.run_below", "Run this and all below", id="notebook.run_below"),
    Binding("alt+r", "screen.run_selected", "Run selected cells, stay", id="cell.run_selected"),
    Binding(
        "i",
        "screen.chord('kernel.interrupt', 'interrupt_kernel')",
        "Interrupt the kernel (i i)",
        id="kernel.interrupt",
    ),
    Binding(
        "0",
        "screen.chord('kernel.restart', 'restart_kernel')",
        "Restart the kernel (0 0)",
        id="kernel.restart",
    ),
    Binding(
        "alt+0",
        "screen.restart_and_run_all",
        "Restart the kernel and run all",
        id="kernel.restart_run_all",
    ),
    Binding(
        "alt+x",
        "screen.restart_and_clear",
        "Restart the kernel and clear outputs",
        id="kernel.restart_clear",
    ),
    Binding("alt+k", "screen.pick_kernel", "Change kernel", id="kernel.pick"),
]
"""Command mode."""

RUN_CHORD_KEYS = {"kernel.interrupt": "i i", "kernel.restart": "0 0"}
"""Run bindings that fire on the second press of their key."""


# ---- every binding, by mode ------------------------------------------------------------

COMMAND_BINDINGS: list[Binding] = [
    Binding("j,down", "screen.cursor_down", "Next cell", id="cursor.down"),
    Binding("k,up", "screen.cursor_up", "Previous cell", id="cursor.up"),
    Binding(
        "g", "screen.chord('cursor.first', 'first_cell')", "First cell (g g)", id="cursor.first"
    ),
    Binding("home", "screen.first_cell", "First cell", id="cursor.home"),
    Binding("G,shift+g,end", "screen.last_cell", "Last cell", id="cursor.last"),
    Binding(
        "J,shift+j,shift+down", "screen.extend_down", "Extend selection down", id="select.down"
    ),
    Binding("K,shift+k,shift+up", "screen.extend_up", "Extend selection up", id="select.up"),
    Binding("enter", "screen.edit_cell", "Edit cell", id="cell.edit"),
    Binding("a", "screen.insert_above", "Insert cell above", id="cell.insert_above"),
    Binding("b", "screen.insert_below", "Insert cell below", id="cell.insert_below"),
    Binding(
        "d", "screen.chord('cell.delete', 'delete_cells')", "Delete cells (d d)", id="cell.delete"
    ),
    Binding("z", "screen.undo", "Undo cell action", id="notebook.undo"),
    Binding("Z,shift+z", "screen.redo", "Redo cell action", id="notebook.redo"),
    Binding("c", "screen.copy_cells", "Copy cells", id="cell.copy"),
    Binding("x", "screen.cut_cells", "Cut cells", id="cell.cut"),
    Binding("v", "screen.paste_below", "Paste cells below", id="cell.paste_below"),
    Binding("V,shift+v", "screen.paste_above", "Paste cells above", id="cell.paste_above"),
    Binding("m", "screen.to_markdown", "Change to markdown", id="cell.to_markdown"),
    Binding("y", "screen.to_code", "Change to code", id="cell.to_code"),
    Binding("r", "screen.to_raw", "Change to raw", id="cell.to_raw"),
    Binding("M,shift+m", "screen.merge_cells", "Merge selected (or with below)", id="cell.merge"),
    Binding("ctrl+shift+up,alt+up", "screen.move_up", "Move cells up (alt+up)", id="cell.move_up"),
    Binding(
        "ctrl+shift+down,alt+down",
        "screen.move_down",
        "Move cells down (alt+down)",
        id="cell.move_down",
    ),
    Binding("o", "screen.toggle_fold", "Fold / unfold outputs", id="output.toggle_fold"),
    Binding("f", "screen.full_screen_output", "Output full screen", id="output.full_screen"),
    Binding("right", "screen.scroll_output(1)", "Scroll tables right", id="output.scroll_right"),
    Binding("left", "screen.scroll_output(-1)", "Scroll tables left", id="output.scroll_left"),
    Binding("tab", "screen.focus_widget(1)", "Use the next widget", id="widget.focus_next"),
    Binding(
        "shift+tab",
        "screen.focus_widget(-1)",
        "Use the previous widget",
        id="widget.focus_previous",
    ),
    Binding("question_mark", "screen.help", "Help", id="app.help_key"),
    *RUN_COMMAND_BINDINGS,
]
"""Command mode: active while the notebook view has focus."""

EDIT_BINDINGS: list[Binding] = [
    Binding("escape", "screen.command_mode", "Command mode", id="editor.command_mode"),
    Binding(
        "ctrl+shift+minus,ctrl+backslash",
        "screen.split_cell",
        "Split cell at cursor (ctrl+\\)",
        id="cell.split",
    ),
    Binding("shift+tab", "dedent", "Dedent line", id="editor.dedent", show=False),
]
"""Edit mode: active while the cell editor has focus."""

GLOBAL_BINDINGS: list[Binding] = [
    Binding("ctrl+s", "save", "Save", id="notebook.save", priority=True),
    Binding("ctrl+q", "quit_editor", "Quit", id="app.quit", priority=True),
    Binding("f1", "help", "Help", id="app.help"),
    *RUN_GLOBAL_BINDINGS,
]
"""Both modes: bound on the notebook screen."""

CHORD_KEYS = {"cursor.first": "g g", "cell.delete": "d d", **RUN_CHORD_KEYS}
"""Bindings that fire on the second press of their key: shown as chords."""

RUN_FALLBACKS = {"ctrl+enter": "ctrl+j", "shift+enter": "alt+j", "alt+enter": "alt+o"}
"""Portable keys for the run keys that need the kitty keyboard protocol."""

KEY_NOTES = (
    "Terminals send ctrl+enter, shift+enter and alt+enter only with the kitty keyboard "
    "protocol: where they do not arrive, ctrl+j stands for ctrl+enter (run cell), alt+j "
    "for shift+enter (run and select below) and alt+o for alt+enter (run and insert below).",
    "In tmux, enable extended keys with `set -g extended-keys on` and "
    "`set -g extended-keys-format csi-u`; for copying to the system clipboard add "
    "`set -g set-clipboard on`.",
    "ctrl+shift+up / ctrl+shift+down and ctrl+shift+minus have the portable fallbacks "
    "alt+up / alt+down and ctrl+backslash.",
)
"""Extra lines of the help screen about keys some terminals cannot send."""


def key_display(binding: Binding) -> str:
    """The keys of a binding as a person reads them (chords as ``d d``)."""
    if binding.id in CHORD_KEYS:
        return CHORD_KEYS[binding.id]
    names: list[str] = []
    for key in binding.key.split(","):
        key = key.strip()
        if len(key) == 1 and key.isupper():
            key = f"shift+{key.lower()}"
        name = {"question_mark": "?", "backslash": "\\"}.get(key, key)
        if name not in names:
            names.append(name)
    return " / ".join(names)


def all_bindings() -> list[tuple[str, Binding]]:
    """Every binding with the mode it belongs to ("command", "edit", "any")."""
    return (
        [("command", b) for b in COMMAND_BINDINGS]
        + [("edit", b) for b in EDIT_BINDINGS]
        + [("any", b) for b in GLOBAL_BINDINGS]
        + [("any", Binding("ctrl+p", "command_palette", "Command palette", id="app.palette"))]
    )


async def run_own_binding(widget: Widget, event: events.Key) -> bool:
    """Run `widget`'s (non-priority) binding for the key now; True if there was one.

    Textual runs a focused widget's bindings only once the key has bubbled up
    to the app, while later keys of the same burst are already being handled
    by the widget (or by the widget focused next). Keys that tmux send-keys, a
    key macro or a fast typist deliver together could land out of order: "end"
    then "a" typed "a" before moving. The view and the editor call this first
    in their key handlers. The bindings are the screen's, so a keymap set with
    `App.set_keymap` applies.
    """
    bindings = own_bindings(widget)
    if bindings is None:
        return False
    for binding in bindings.key_to_bindings.get(event.key, ()):
        if binding.priority:
            continue
        event.stop()
        event.prevent_default()
        await widget.run_action(binding.action)
        return True
    return False
