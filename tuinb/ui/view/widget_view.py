"""ipywidgets in a cell's outputs, drawn as rows of text from the widget store.

`tuinb.render.widgets.widget_rows` decides the text of each widget (a
progress bar's blocks, a slider's track, ``[x]``, ``[ Run ]``...) and where
its controls are; this module colours it: a progress bar in its
``bar_style`` colour (tqdm turns it green when done, red when stopped), the
rest of the track dim, and the focused control reversed. An Output
widget's captured outputs are drawn like a cell's (`draw_outputs`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from rich.text import Text

from tuinb.engine.widgetstate import REFERENCE
from tuinb.render.widgets import widget_rows
from tuinb.render.widths import text_width
from tuinb.ui.view.output_look import Control

if TYPE_CHECKING:
    from textual.strip import Strip

    from tuinb.engine.widgetstate import WidgetStore
    from tuinb.ui.view.output_look import OutputLook

__all__ = ["BAR_STYLES", "draw_widget", "reachable_models"]

BAR_STYLES = {"success": "green", "info": "cyan", "warning": "yellow", "danger": "red", "": "blue"}
"""A progress bar's ``bar_style`` -> its colour (JupyterLab's blue when unset)."""
FOCUS_STYLE = "reverse"
MAX_DEPTH = 4
"""Output widgets nested deeper than this are not drawn (a widget can contain itself)."""


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, str) and value.startswith(REFERENCE):
        yield value[len(REFERENCE) :]
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _references(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _references(item)


def _char_index(text: str, column: int) -> int:
    """The index in `text` of the character at terminal `column` (wide characters take 2)."""
    if text.isascii():
        return column
    used = 0
    for index, char in enumerate(text):
        if used >= column:
            return index
        used += text_width(char)
    return len(text)


def reachable_models(store: WidgetStore, model_id: str) -> set[str]:
    """The model and every model its state refers to (children, layout, style), transitively:
    a change to any of them changes how the view of `model_id` looks."""
    seen: set[str] = set()
    todo = [model_id]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        model = store.get(current)
        if model is not None:
            todo.extend(_references(model.state))
    return seen


def draw_widget(
    look: OutputLook,
    cell_id: str,
    model_id: str,
    width: int,
    *,
    to_strips: Callable[[Text], list[Strip]],
    draw_outputs: Callable[[list[dict[str, Any]], int], list[Strip]],
    depth: int = 0,
) -> list[Strip]:
    """The rows of one widget view (empty when its model is closed or hidden)."""
    store = look.widgets
    if store is None:
        return []
    look.showed(cell_id, reachable_models(store, model_id))
    controls = look.controls.setdefault(cell_id, [])
    focus = look.focus.control if look.focus is not None and look.focus.cell_id == cell_id else None
    rows: list[Strip] = []
    for row in widget_rows(store, model_id, width=width):
        if row.outputs is not None:
            if depth < MAX_DEPTH:
                rows.extend(draw_outputs(row.outputs, depth + 1))
            continue
        text = Text(row.text, no_wrap=True, overflow="ellipsis")
        if row.bar is not None:
            start, filled, end = (_char_index(row.text, column) for column in row.bar)
            text.stylize(BAR_STYLES.get(row.bar_style, "blue"), start, filled)
            text.stylize("dim", filled, end)
        for control_id, kind, start, end in row.controls:
            control = Control(control_id, kind)
            controls.append(control)
            if control == focus:
                text.stylize(FOCUS_STYLE, _char_index(row.text, start), _char_index(row.text, end))
        rows.extend(to_strips(text))
    return rows
