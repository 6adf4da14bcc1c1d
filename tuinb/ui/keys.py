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

from collections.abc import Mapping
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


# ---- finding, the outline, tags and metadata, the clipboard, completion and help ------------
# JupyterLab's keys where a terminal sends them (ctrl+f, shift+l, ctrl+/ which arrives
# as ctrl+underscore, tab and shift+tab in the editor), plus a portable key for each one
# a terminal may not send (alt+g for ctrl+shift+g; shift+f3 reads as a cursor report).

TOOL_GLOBAL_BINDINGS: list[Binding] = [
    Binding("ctrl+f", "screen.find", "Find in the notebook", id="find.open"),
    Binding("alt+f", "screen.find_replace", "Find and replace", id="find.replace"),
    Binding("ctrl+g,f3", "screen.find_next", "Next match", id="find.next"),
    Binding("ctrl+shift+g,alt+g", "screen.find_previous", "Previous match", id="find.previous"),
    Binding(
        "ctrl+shift+k,alt+t",
        "screen.toggle_outline",
        "Table of contents (outline)",
        id="outline.toggle",
    ),
]
"""Both modes."""

TOOL_COMMAND_BINDINGS: list[Binding] = [
    Binding(
        "L,shift+l", "screen.toggle_line_numbers", "Line numbers on / off", id="view.line_numbers"
    ),
    # one key, two uses, by what the cursor cell holds (see NotebookScreen.action_sideways)
    Binding(
        "left",
        "screen.sideways(-1)",
        "Scroll a wide output left, else collapse the heading's section",
        id="heading.collapse",
    ),
    Binding(
        "right",
        "screen.sideways(1)",
        "Scroll a wide output right, else expand the heading's section",
        id="heading.expand",
    ),
    Binding("t", "screen.edit_tags", "Edit the cell's tags", id="cell.tags"),
    Binding(
        "alt+m", "screen.edit_cell_metadata", "Edit the cell's metadata (JSON)", id="cell.metadata"
    ),
    Binding(
        "alt+n",
        "screen.edit_notebook_metadata",
        "Edit the notebook's metadata (JSON)",
        id="notebook.metadata",
    ),
    Binding(
        "ctrl+c",
        "screen.copy_source",
        "Copy the cell's source to the system clipboard",
        id="clipboard.copy_source",
    ),
    Binding(
        "alt+c",
        "screen.copy_output",
        "Copy the cell's output text to the system clipboard",
        id="clipboard.copy_output",
    ),
]
"""Command mode."""

TOOL_EDIT_BINDINGS: list[Binding] = [
    Binding(
        "tab", "screen.complete", "Complete (indents at the start of a line)", id="editor.complete"
    ),
    Binding(
        "shift+tab",
        "screen.help_or_dedent",
        "Help on the name (dedents at the start of a line)",
        id="editor.help",
    ),
    Binding("alt+h", "screen.help_pager", "Help on the name, full screen", id="editor.help_pager"),
    Binding(
        "ctrl+slash,ctrl+underscore",
        "toggle_comment",
        "Comment / uncomment the lines",
        id="editor.toggle_comment",
    ),
    Binding(
        "ctrl+c",
        "screen.copy_selection",
        "Copy the selection to the system clipboard",
        id="clipboard.copy_selection",
    ),
]
"""Edit mode: bound on the cell editor."""

COMPLETION_BINDINGS: list[Binding] = [
    Binding("down,tab", "next", "Next completion", id="completion.next"),
    Binding("up,shift+tab", "previous", "Previous completion", id="completion.previous"),
    Binding("enter", "accept", "Insert the completion", id="completion.accept"),
    Binding("escape", "close", "Close the completions (stay in edit mode)", id="completion.close"),
]
"""While the completion list is open (the editor keeps the keys; typing filters the list)."""

FIND_BINDINGS: list[Binding] = [
    Binding(
        "enter",
        "screen.find_enter",
        "Next match (in the replace box: replace it)",
        id="find.enter",
    ),
    Binding("shift+enter", "screen.find_previous", "Previous match", id="find.bar_previous"),
    Binding("escape", "screen.find_close", "Close the find bar", id="find.close"),
    Binding("alt+c", "screen.find_toggle('case_sensitive')", "Match case on / off", id="find.case"),
    Binding(
        "alt+w", "screen.find_toggle('whole_word')", "Whole words on / off", id="find.whole_word"
    ),
    Binding("alt+r", "screen.find_toggle('regex')", "Regular expression on / off", id="find.regex"),
    Binding(
        "alt+o", "screen.find_toggle('in_outputs')", "Search outputs on / off", id="find.outputs"
    ),
    Binding(
        "alt+a", "screen.find_replace_all", "Replace all (one undo step)", id="find.replace_all"
    ),
]
"""In the find bar's boxes."""

OUTLINE_BINDINGS: list[Binding] = [
    Binding("enter", "jump", "Go to the heading's cell", id="outline.jump"),
    Binding("j", "cursor_down", "Next heading", id="outline.down"),
    Binding("k", "cursor_up", "Previous heading", id="outline.up"),
    Binding("left", "collapse", "Collapse the heading's section", id="outline.collapse"),
    Binding("right", "expand", "Expand the heading's section", id="outline.expand"),
    Binding("escape", "back", "Back to the notebook (the outline stays)", id="outline.back"),
]
"""In the outline panel."""

DIALOG_BINDINGS: dict[str, list[Binding]] = {
    "tags": [
        Binding("delete,backspace", "remove", "Remove the chosen tag", id="tags.remove"),
        Binding("escape", "close", "Close the tag editor", id="tags.close"),
    ],
    "metadata": [
        Binding("ctrl+s", "apply", "Apply the edited metadata", id="metadata.apply"),
        Binding(
            "escape",
            "cancel",
            "Close without changing anything",
            id="metadata.cancel",
            priority=True,
        ),
    ],
    "help pager": [
        Binding("escape,q", "close", "Close the help", id="pager.close"),
    ],
}
"""The dialogs' own keys, by dialog (the tag editor adds a tag with enter in its box)."""

TYPING_MODES = frozenset({"edit", "any", "find", "completion", "tags", "metadata"})
"""Modes whose keys type text: a printable key cannot be given to their bindings."""


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
    Binding("tab", "screen.focus_widget(1)", "Use the next widget", id="widget.focus_next"),
    Binding(
        "shift+tab",
        "screen.focus_widget(-1)",
        "Use the previous widget",
        id="widget.focus_previous",
    ),
    Binding("question_mark", "screen.help", "Help", id="app.help_key"),
    *RUN_COMMAND_BINDINGS,
    *TOOL_COMMAND_BINDINGS,
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
    Binding("alt+comma", "dedent", "Dedent the lines", id="editor.dedent", show=False),
    *TOOL_EDIT_BINDINGS,
]
"""Edit mode: active while the cell editor has focus."""

GLOBAL_BINDINGS: list[Binding] = [
    Binding("ctrl+s", "save", "Save", id="notebook.save", priority=True),
    Binding(
        "ctrl+shift+s,alt+s",
        "save_as",
        "Save as (alt+s)",
        id="notebook.save_as",
        priority=True,
    ),
    Binding("ctrl+q", "quit_editor", "Quit", id="app.quit", priority=True),
    Binding(
        "alt+d",
        "detach",
        "Detach: keep the notebook running in the background",
        id="session.detach",
        priority=True,
    ),
    Binding("f1", "help", "Help", id="app.help"),
    *RUN_GLOBAL_BINDINGS,
    *TOOL_GLOBAL_BINDINGS,
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
    "alt+up / alt+down and ctrl+backslash; ctrl+shift+s (save as) has alt+s; "
    "ctrl+shift+g (previous match) has alt+g.",
    "Terminals send ctrl+/ as ctrl+_ (both toggle comments). shift+tab asks for help after "
    "a name and dedents at the start of a line or with a selection; alt+comma always dedents.",
)
"""Extra lines of the help screen about keys some terminals cannot send."""


NO_KEY = "no_key"
"""The key an id unbound by the user's config is given: no terminal sends it (Textual's
keymap can replace a binding's keys but not remove them)."""


_SHOWN = {"question_mark": "?", "backslash": "\\", "slash": "/", "underscore": "_", "comma": ","}
"""Key names shown as the character they stand for."""


def binding_keys(binding: Binding, keymap: Mapping[str, str] | None = None) -> str:
    """A binding's keys (``"ctrl+g,f3"``), as the keymap the app applied makes them."""
    if keymap is not None and binding.id is not None and binding.id in keymap:
        return keymap[binding.id]
    return binding.key


def key_display(binding: Binding, keymap: Mapping[str, str] | None = None) -> str:
    """The keys of a binding as a person reads them (chords as ``d d``), remapped by `keymap`."""
    keys = binding_keys(binding, keymap)
    if keys == NO_KEY:
        return "(no key)"
    if binding.id in CHORD_KEYS:
        chord = keys.split(",")[0].strip() if keys != binding.key else CHORD_KEYS[binding.id]
        return chord if " " in chord else f"{chord} {chord}"
    names: list[str] = []
    for key in keys.split(","):
        key = key.strip()
        if len(key) == 1 and key.isupper():
            key = f"shift+{key.lower()}"
        mods, plus, last = key.rpartition("+")
        name = mods + plus + _SHOWN.get(last, last)
        if name not in names:
            names.append(name)
    return " / ".join(names)


def all_bindings() -> list[tuple[str, Binding]]:
    """Every binding with the mode it belongs to: "command", "edit", "any" (both), or the
    popup, bar, panel or dialog it works in ("completion", "find", "outline", "tags", ...)."""
    return (
        [("command", b) for b in COMMAND_BINDINGS]
        + [("edit", b) for b in EDIT_BINDINGS]
        + [("any", b) for b in GLOBAL_BINDINGS]
        + [("any", Binding("ctrl+p", "command_palette", "Command palette", id="app.palette"))]
        + [("completion", b) for b in COMPLETION_BINDINGS]
        + [("find", b) for b in FIND_BINDINGS]
        + [("outline", b) for b in OUTLINE_BINDINGS]
        + [(dialog, b) for dialog, table in DIALOG_BINDINGS.items() for b in table]
    )


def keys_for(bindings: list[Binding], keymap: Mapping[str, str] | None = None) -> dict[str, str]:
    """Key -> action of bindings the app does not dispatch itself (a popup's keys, while the
    editor keeps the focus), with the keymap applied."""
    found: dict[str, str] = {}
    for binding in bindings:
        for key in binding_keys(binding, keymap).split(","):
            found.setdefault(key.strip(), binding.action)
    return found


def pass_on_alt(event: events.Key) -> bool:
    """Keep an alt key from typing its letter in a text box; True if it was one.

    A terminal sends alt+j as ESC j, which Textual reads as "alt+j" with the character
    "j": a `TextArea` or `Input` would type it. Stopped from typing, the key goes on to
    the screen's bindings (alt+j, alt+t, alt+g ... work in edit mode and in the find bar).
    """
    if event.is_printable and event.key.startswith("alt+"):
        event.prevent_default()
        return True
    return False


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
