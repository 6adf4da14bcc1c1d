"""Rich outputs on the screen: images set up, widgets kept live and driven by keys, tables
scrolled sideways.

`OutputActions.setup` gives the view's `OutputLook` what it draws with:
the image protocol the terminal speaks (detected at start, or forced by the
config's ``[output] images``), the config's image height, and the engine's
widget store, with the widget state the notebook saved (JupyterLab writes it
when "Save Widget State Automatically" is on), so saved widgets are drawn
before any kernel runs.

The engine's `WidgetChanged` / `WidgetClosed` redraw just the cells that
drew the model (a tqdm bar updates ten times a second; the frame timer
paints at most 60 frames a second whatever comes). Keys:

- `tab` / `shift+tab` give the keys to the next / previous widget control
  in the selected cell's outputs (a slider, a checkbox, a dropdown, a text
  box, a button); while one has them, `left`/`right` move a slider (`home`
  and `end`: its ends), `up`/`down` pick a dropdown's option, `space` or
  `enter` toggle a checkbox or press a button, typing edits a text box
  (`backspace` deletes); `escape` (or any key the control does not use, which
  then does what it does in command mode) gives the keys back. Every change
  goes to the kernel through `EngineLike.widgets` (`update`, `click`).
- `right` / `left` scroll the selected cell's HTML tables sideways by a
  column (the index columns stay); the mouse's sideways wheel scrolls the
  cell under it.
- `f` shows the selected cell's outputs full screen
  (`tuinb.ui.dialogs.output_viewer`: images zoomed and panned, text and
  tables scrolled, JSON folded).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Protocol

from tuinb.engine.widgetstate import WidgetStore
from tuinb.render.imagefit import CellPixels, ImageLayout
from tuinb.render.mimes import WIDGET_VIEW, widget_model_id
from tuinb.render.outputs import ShownHtml, plan_output
from tuinb.ui.screen.hosts import Background, NotebookParts, Notifier, TerminalWriter
from tuinb.ui.view.images import ImageDrawer
from tuinb.ui.view.output_look import Control, WidgetFocus
from tuinb.ui.view.rich_outputs import shift_limit

if TYPE_CHECKING:
    from textual import events
    from textual.screen import Screen

    from tuinb.config import OutputConfig
    from tuinb.engine.protocols import EngineLike
    from tuinb.render.termgraphics import Capabilities

NO_CONTROLS = "No widget to use in this cell's outputs."
NO_OUTPUT = "This cell has no output to show full screen."


class OutputsHost(NotebookParts, Notifier, Background, TerminalWriter, Protocol):
    """What the rich outputs need from the notebook screen."""

    @property
    def engine(self) -> EngineLike | None:
        """The widgets' kernel side (None: widgets change here only)."""
        ...

    def show_screen(self, screen: Screen[Any]) -> None:
        """Put a screen on top (the full-screen output viewer)."""
        ...


class OutputActions:
    """Images, widgets and sideways tables of the notebook view (see the module)."""

    def __init__(self, host: OutputsHost) -> None:
        self.host = host
        self._own_store: WidgetStore | None = None
        self._drawer: ImageDrawer | None = None

    # ---- setting up -------------------------------------------------------------------

    @property
    def store(self) -> WidgetStore:
        """The widget models: the engine's, or this editor's own without an engine."""
        engine = self.host.engine
        if engine is not None:
            return engine.widgets.store
        if self._own_store is None:
            self._own_store = WidgetStore()
        return self._own_store

    def setup(self, capabilities: Capabilities, config: OutputConfig, *, tmux: bool) -> None:
        """Give the view its image protocol, sizes and widget models (at mount)."""
        look = self.host.view.outputs
        protocol = capabilities.protocol
        cell = capabilities.cell if capabilities.cell.width > 0 else CellPixels()
        look.layout = ImageLayout(
            draw=protocol != "none", cell=cell, max_rows=config.image_max_height
        )
        self.close()
        if protocol != "none":
            self._drawer = ImageDrawer(
                protocol,
                look.layout,
                ready=self.images_ready,
                write=self.host.write_terminal,
                tmux=tmux,
            )
            self._drawer.held = True  # until the screen's first frame is painted: `release`
        look.images = self._drawer
        look.widgets = self.store
        self.load_saved_widgets()

    def release(self) -> None:
        """The first frame is on the terminal: decode images."""
        if self._drawer is not None:
            self._drawer.release()

    def load_saved_widgets(self) -> None:
        """Read the widget state saved in the notebook (models the kernel has not opened)."""
        if self.store.load_saved(self.host.notebook.metadata):
            self.host.view.outputs.touch(cell.id for cell in self.host.notebook.cells)

    def close(self) -> None:
        """The screen goes: stop decoding, free the terminal's copies of kitty images."""
        if self._drawer is not None:
            self._drawer.close()
            self._drawer = None

    # ---- redrawing --------------------------------------------------------------------

    def images_ready(self, cell_ids: set[str]) -> None:
        """Images of these cells were decoded: draw them (cells above the screen are laid
        out again at once, so what is on screen does not move)."""
        view = self.host.view
        if not view.is_attached:
            return
        view.outputs.touch(cell_ids)
        top = view.index_at(int(view.scroll_y))
        for index, cell in enumerate(self.host.notebook.cells[:top]):
            if cell.id in cell_ids:
                view.ensure_measured(index)
        view.refresh()

    def widget_changed(self, model_id: str) -> None:
        """The engine changed (or opened, or closed) a widget model: redraw its cells."""
        view = self.host.view
        look = view.outputs
        cells = look.cells_showing(model_id)
        if not cells:  # a new model: the cells whose widget views name it (text until now)
            cells = {
                cell.id
                for cell in self.host.notebook.cells
                if any(_views(output, model_id) for output in cell.outputs)
            }
        if cells:
            look.touch(cells)
            view.refresh()

    # ---- widget keys --------------------------------------------------------------------

    def _cell_id(self) -> str | None:
        view = self.host.view
        cells = self.host.notebook.cells
        return cells[view.cursor].id if 0 <= view.cursor < len(cells) else None

    def focus_control(self, step: int) -> None:
        """Give the keys to the next (`step` 1) or previous (-1) control of the selected cell."""
        view = self.host.view
        cell_id = self._cell_id()
        if cell_id is None:
            return
        view.ensure_measured(view.cursor)
        controls = view.outputs.controls.get(cell_id, [])
        if not controls:
            self.host.tell(NO_CONTROLS, timeout=3)
            return
        look = view.outputs
        current = look.focus.control if look.focus and look.focus.cell_id == cell_id else None
        if current in controls:
            index = controls.index(current) + step
            if not 0 <= index < len(controls):
                self._focus(None)
                return
        else:
            index = 0 if step > 0 else len(controls) - 1
        self._focus(WidgetFocus(cell_id, controls[index]))

    def _focus(self, focus: WidgetFocus | None) -> None:
        look = self.host.view.outputs
        touched = {f.cell_id for f in (look.focus, focus) if f is not None}
        look.focus = focus
        look.touch(touched)
        self.host.view.refresh()

    def take_key(self, event: events.Key) -> bool:
        """A key while a control has the keys: True if the control used it."""
        look = self.host.view.outputs
        focus = look.focus
        if focus is None:
            return False
        if focus.cell_id != self._cell_id() or focus.control.model_id not in self.store:
            self._focus(None)
            return False
        if event.key == "escape":
            self._focus(None)
            return True
        if event.key in ("tab", "shift+tab"):
            self.focus_control(1 if event.key == "tab" else -1)
            return True
        changes = self._changes(focus.control, event)
        if changes is None:
            self._focus(None)
            return False
        if isinstance(changes, str):  # "click"
            self.host.start_work(self._click(focus.control.model_id), "widgets")
        elif changes:
            self.host.start_work(self._update(focus.control.model_id, changes), "widgets")
        return True

    def _changes(self, control: Control, event: events.Key) -> dict[str, Any] | str | None:
        """What a key does to a control: state changes, ``"click"``, {} (nothing, but the
        key is the control's), or None (not a key of this control)."""
        model = self.store.get(control.model_id)
        if model is None:
            return None
        state = model.state
        key = event.key
        if control.kind == "slider":
            return _slide(state, key, model.name.startswith("Float"))
        if control.kind == "checkbox":
            return {"value": not state.get("value")} if key in ("space", "enter") else None
        if control.kind == "dropdown":
            return _pick(state, key)
        if control.kind == "button":
            return "click" if key in ("space", "enter") else None
        if control.kind == "text":
            value = str(state.get("value") or "")
            if key == "backspace":
                return {"value": value[:-1]}
            if key == "ctrl+u":
                return {"value": ""}
            if event.is_printable and event.character:
                return {"value": value + event.character}
            return {} if key == "enter" else None
        return None

    async def _update(self, model_id: str, changes: dict[str, Any]) -> None:
        await self._widgets_call(model_id, changes)

    async def _click(self, model_id: str) -> None:
        await self._widgets_call(model_id, None)

    async def _widgets_call(self, model_id: str, changes: dict[str, Any] | None) -> None:
        engine = self.host.engine
        if engine is None:
            if changes is not None:
                self.store.update(model_id, changes)
        elif changes is None:
            if not await engine.widgets.click(model_id):
                self.host.tell("The button's kernel is gone: nothing ran.", timeout=3)
        else:
            await engine.widgets.update(model_id, changes)
        self.widget_changed(model_id)

    # ---- full screen ---------------------------------------------------------------------

    def full_screen(self) -> None:
        """Show the selected cell's outputs full screen (`tuinb.ui.dialogs.output_viewer`)."""
        from tuinb.ui.dialogs.output_viewer import OutputViewer

        view = self.host.view
        cells = self.host.notebook.cells
        if not 0 <= view.cursor < len(cells) or not cells[view.cursor].outputs:
            self.host.tell(NO_OUTPUT, timeout=3)
            return
        cell = cells[view.cursor]
        viewer = OutputViewer(list(cell.outputs), look=view.outputs, cell_id=cell.id)
        self.host.show_screen(viewer)

    # ---- tables sideways ----------------------------------------------------------------

    def scroll_tables(self, delta: int, index: int | None = None) -> bool:
        """Scroll the HTML tables of a cell (the selected one) sideways by `delta` columns;
        False if it has none that can scroll."""
        view = self.host.view
        cells = self.host.notebook.cells
        index = view.cursor if index is None else index
        if not 0 <= index < len(cells):
            return False
        cell = cells[index]
        limit = 0
        for output in cell.outputs:
            plan = plan_output(output, images=False)
            if isinstance(plan, ShownHtml):
                limit = max(limit, shift_limit(plan))
        if limit <= 0:
            return False
        look = view.outputs
        shift = min(limit, max(0, look.shifts.get(cell.id, 0) + delta))
        if shift != look.shifts.get(cell.id, 0):
            look.shifts[cell.id] = shift
            look.touch([cell.id])
            view.refresh()
        return True


def _views(output: dict[str, Any], model_id: str) -> bool:
    data = output.get("data")
    return isinstance(data, dict) and WIDGET_VIEW in data and widget_model_id(data) == model_id


def _step(state: dict[str, Any], floating: bool) -> float:
    step = state.get("step")
    if isinstance(step, int | float) and not isinstance(step, bool) and step > 0:
        return float(step)
    return 0.1 if floating else 1.0


def _slide(state: dict[str, Any], key: str, floating: bool) -> dict[str, Any] | None:
    low = float(state.get("min", 0) or 0)
    high = float(state.get("max", 100) or 0)
    value = state.get("value", low)
    current = float(value) if isinstance(value, int | float) else low
    step = _step(state, floating)
    moves = {"right": step, "left": -step, "shift+right": 10 * step, "shift+left": -10 * step}
    if key in moves:
        target = current + moves[key]
    elif key == "home":
        target = low
    elif key == "end":
        target = high
    else:
        return None
    target = min(high, max(low, target))
    if floating:
        decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
        new: float | int = round(target, decimals + 2)
    else:
        new = round(target)
    return {"value": new} if new != value else {}


def _pick(state: dict[str, Any], key: str) -> dict[str, Any] | None:
    labels = state.get("_options_labels") or []
    if key not in ("up", "down", "left", "right") or not isinstance(labels, list) or not labels:
        return None
    index = state.get("index")
    current = index if isinstance(index, int) else -1
    target = current + (1 if key in ("down", "right") else -1)
    target = min(len(labels) - 1, max(0, target))
    return {"index": target} if target != current else {}
