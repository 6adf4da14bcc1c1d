"""Key bindings for running cells and controlling the kernel (merged into `tuinb.ui.keys`).

`ctrl+enter`, `shift+enter` and `alt+enter` arrive only from terminals that
speak the kitty keyboard protocol, so each has a portable fallback bound next
to it: `ctrl+j`, `alt+j` and `alt+o`.
"""

from __future__ import annotations

from textual.binding import Binding

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
