"""What the view's outputs look like besides the model: images, widgets, sideways scroll, focus.

A cell's rows are cached by the cell's revision and the width
(`NotebookView._key`); what else changes how its outputs look lives here,
and every change to it bumps the cell's `epoch`, which is part of that key:

- `images`: the `ImageDrawer` (None: images are not drawn) and the
  `layout` both the view and the first frame size images by;
- `widgets`: the widget models of the engine (`EngineLike.widgets.store`),
  which a cell's widget views are drawn from; `cells_showing(model_id)` says
  which cells drew a model (or a box around it), so a `WidgetChanged`
  repaints just them;
- `shifts`: how many table columns a cell's HTML tables are scrolled
  sideways;
- `focus`: the widget control that has the keys (`WidgetFocus`), drawn
  reversed; `controls[cell_id]` lists the controls a cell drew, in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from tuinb.render.imagefit import ImageLayout

if TYPE_CHECKING:
    from tuinb.engine.widgetstate import WidgetStore
    from tuinb.ui.view.images import ImageDrawer

__all__ = ["Control", "OutputLook", "WidgetFocus"]

RGB = tuple[int, int, int]


class Control(NamedTuple):
    """An interactive widget drawn in a cell: its model and its kind (``slider``, ``checkbox``,
    ``dropdown``, ``text``, ``button``)."""

    model_id: str
    kind: str


class WidgetFocus(NamedTuple):
    """The control that has the keys: in which cell, which one of the cell's controls."""

    cell_id: str
    control: Control


class OutputLook:
    """The state outputs are drawn with, beyond the model (see the module)."""

    def __init__(self) -> None:
        self.layout = ImageLayout()
        """Whether and how big images are drawn (the same for the first frame)."""
        self.images: ImageDrawer | None = None
        """Draws images (None: their placeholders only, as in tests without a terminal)."""
        self.widgets: WidgetStore | None = None
        """The widget models (None: widget views show their text)."""
        self.background: RGB = (0, 0, 0)
        """The view's background, under transparent pixels."""
        self.shifts: dict[str, int] = {}
        """Cell id -> table columns scrolled sideways."""
        self.focus: WidgetFocus | None = None
        """The widget control that has the keys."""
        self.controls: dict[str, list[Control]] = {}
        """Cell id -> the controls its outputs drew, top to bottom."""
        self.epochs: dict[str, int] = {}
        self._showing: dict[str, set[str]] = {}

    def epoch(self, cell_id: str) -> int:
        """Bumped at every change of how the cell's outputs look (part of its rows' key)."""
        return self.epochs.get(cell_id, 0)

    def touch(self, cell_ids: Iterable[str]) -> None:
        """The outputs of these cells look different now: draw them again."""
        for cell_id in cell_ids:
            self.epochs[cell_id] = self.epochs.get(cell_id, 0) + 1

    def showed(self, cell_id: str, model_ids: Iterable[str]) -> None:
        """A cell drew these widget models (its views and what they contain)."""
        for model_id in model_ids:
            self._showing.setdefault(model_id, set()).add(cell_id)

    def cells_showing(self, model_id: str) -> set[str]:
        """The cells that drew this widget model (when they were last drawn)."""
        return set(self._showing.get(model_id, ()))

    def forget_cell(self, cell_id: str) -> None:
        """A cell is drawn again from scratch: forget what it showed."""
        self.controls.pop(cell_id, None)
        for cells in self._showing.values():
            cells.discard(cell_id)
