"""Run a widget's own key bindings in order with the keys around them.

Textual runs a focused widget's bindings only once the key has bubbled up to
the app, while later keys of the same burst are already being handled by the
widget (or by the widget focused next). Keys that tmux send-keys, a key macro
or a fast typist deliver together could land out of order: "end" then "a"
typed "a" before moving. Widgets here call `run_own_binding` first in their
key handler instead.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget


async def run_own_binding(widget: Widget, event: events.Key) -> bool:
    """Run `widget`'s (non-priority) binding for the key now; True if there was one.

    The bindings come from the screen's binding chain, so a keymap set with
    `App.set_keymap` applies.
    """
    for node, bindings in widget.screen._binding_chain:
        if node is not widget:
            continue
        for binding in bindings.key_to_bindings.get(event.key, ()):
            if binding.priority:
                continue
            event.stop()
            event.prevent_default()
            await widget.run_action(binding.action)
            return True
        break
    return False
