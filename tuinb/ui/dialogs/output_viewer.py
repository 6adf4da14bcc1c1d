"""An output full screen: images zoomed and panned, text and tables scrolled, JSON folded.

`f` in command mode opens the selected cell's outputs here, one at a time
(`n` / `p` go to the next / previous one). What each shows is the same plan
the cell shows (`tuinb.render.outputs`), unfolded, at the screen's size:

- an image fills the screen (aspect kept; a small one is scaled up), `+` and
  `-` zoom (`0` back to the screen's size) and the arrows, page keys and the
  wheel move over it (with sixel, which draws a row's slice after its cells,
  the zoom stops at the screen's width and only scrolls down);
- text, HTML (tables at their whole width) and widgets scroll both ways;
- JSON shows a cursor line: `up` / `down` move it, `enter` or `space` fold or
  unfold the object or array it is on, as JupyterLab's JSON viewer does.

`escape` or `q` closes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.highlighter import JSONHighlighter
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from tuinb.render.imagefit import ImageLayout
from tuinb.render.jsonview import JsonPlan, default_folds, json_plan, visible_lines
from tuinb.render.kitty import MAX_CELLS
from tuinb.render.mimes import choose_mime
from tuinb.render.outputs import ShownImage, ShownWidget, plan_output
from tuinb.sanitize import plain_text
from tuinb.ui.view.images import ImageDrawer
from tuinb.ui.view.output_look import OutputLook
from tuinb.ui.view.rich_outputs import draw_plan, image_placeholder, safe_links
from tuinb.ui.view.widget_view import draw_widget

if TYPE_CHECKING:
    from textual import events

__all__ = ["OutputViewer", "StripView"]

ZOOM_STEP = 1.5
MAX_ZOOM = 8.0
CURSOR_STYLE = Style(reverse=True)


class StripView(ScrollView, can_focus=True):
    """Rows made beforehand, scrolled both ways (the Line API, as the notebook view)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Strip] = []

    def show(self, rows: list[Strip], width: int) -> None:
        """Show these rows; `width` is how wide the widest is."""
        self.rows = rows
        self.virtual_size = Size(width, len(rows))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """One row of the view, scrolled."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        row = self.rows[index] if 0 <= index < len(self.rows) else Strip.blank(width)
        return row.crop_extend(scroll_x, scroll_x + width, self.rich_style)


class OutputViewer(ModalScreen[None]):
    """One output of a cell, full screen (see the module)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close_viewer", "Close", id="viewer.close"),
        Binding("plus,equals_sign", "zoom(1)", "Zoom in", id="viewer.zoom_in"),
        Binding("minus", "zoom(-1)", "Zoom out", id="viewer.zoom_out"),
        Binding("0", "zoom(0)", "Fit the screen", id="viewer.zoom_fit"),
        Binding("n", "other_output(1)", "Next output", id="viewer.next"),
        Binding("p", "other_output(-1)", "Previous output", id="viewer.previous"),
    ]

    DEFAULT_CSS = """
    OutputViewer { background: $background; }
    OutputViewer #viewer-title { height: 1; background: $panel; color: $text; }
    OutputViewer StripView { height: 1fr; }
    """

    def __init__(
        self,
        outputs: list[dict[str, Any]],
        *,
        look: OutputLook,
        cell_id: str,
        index: int = 0,
    ) -> None:
        super().__init__(id="output-viewer")
        self.outputs = outputs
        self.index = max(0, min(index, len(outputs) - 1))
        self.look = look
        self.cell_id = cell_id
        self.zoom = 1.0
        """Image size against the screen's (1: it fits)."""
        self.json: JsonPlan | None = None
        self.folds: set[int] = set()
        self.cursor = 0
        """The JSON line the cursor is on (an index into the visible lines)."""
        self._drawer: ImageDrawer | None = None

    def compose(self) -> ComposeResult:
        """A title row and the rows of the output."""
        yield Static(id="viewer-title")
        yield StripView(id="viewer-body")

    @property
    def body(self) -> StripView:
        """The scrolled rows."""
        return self.query_one(StripView)

    def on_mount(self) -> None:
        """Draw the first output and take the keys."""
        self.body.focus()
        self.call_after_refresh(self.draw)

    def on_unmount(self) -> None:
        """Stop decoding."""
        if self._drawer is not None:
            self._drawer.close()

    def on_resize(self, event: events.Resize) -> None:
        """Another size: draw again."""
        self.call_after_refresh(self.draw)

    # ---- drawing --------------------------------------------------------------------

    def _strips(self, renderable: RenderableType, width: int) -> list[Strip]:
        console = self.app.console
        options = console.options.update(width=width, highlight=False)
        lines = safe_links(console.render_lines(renderable, options, pad=False))
        return [Strip(line).crop_extend(0, width, None) for line in lines]

    def draw(self) -> None:
        """Lay the output out for the screen (and the zoom, the folds)."""
        if not self.is_attached or not self.outputs:
            return
        body = self.body
        width = max(10, body.scrollable_content_region.width)
        height = max(3, body.scrollable_content_region.height)
        output = self.outputs[self.index]
        look = self.look
        plan = plan_output(output, folded=False, images=look.layout.draw, widgets=look.widgets)
        title = f" output {self.index + 1}/{len(self.outputs)}"
        if isinstance(plan, ShownImage):
            rows, wide = self._image(plan, width, height)
            title += f"  {plan.summary}  zoom {self.zoom:g}x  (+ - 0, arrows)"
        elif isinstance(plan, ShownWidget):
            rows = draw_widget(
                look,
                self.cell_id,
                plan.model_id,
                width,
                to_strips=lambda text: self._strips(text, width),
                draw_outputs=lambda outputs, depth: [],
            )
            wide = width
        elif self._is_json(output):
            rows, wide = self._json_rows(output, width)
            title += "  (up/down, enter folds)"
        else:
            rows, wide = self._text(plan, width)
        self.query_one("#viewer-title", Static).update(Text(plain_text(title), no_wrap=True))
        body.show(rows, wide)

    def _text(self, plan: Any, width: int) -> tuple[list[Strip], int]:
        renderable = draw_plan(plan, width=None, layout=self.look.layout)
        measured = self._strips(renderable, 10_000)
        wide = max((strip.cell_length for strip in measured), default=width)
        wide = max(width, min(wide, 2_000))
        rows = [strip.crop(0, wide) for strip in self._strips(renderable, wide)]
        return [strip.extend_cell_length(wide) for strip in rows], wide

    def _image(self, plan: ShownImage, width: int, height: int) -> tuple[list[Strip], int]:
        look = self.look
        main = look.images
        if main is None:
            return self._strips(image_placeholder(plan, width, look.layout), width), width
        columns = width if main.protocol == "sixel" else round(width * self.zoom)
        rows = max(1, round(height * self.zoom))
        if main.protocol == "kitty":  # placeholders number at most this many rows and columns
            columns, rows = min(columns, MAX_CELLS - 1), min(rows, MAX_CELLS)
        layout = ImageLayout(cell=look.layout.cell, max_rows=rows, enlarge=True)
        if self._drawer is None or self._drawer.layout != layout:
            if self._drawer is not None:
                self._drawer.close()
            self._drawer = ImageDrawer(
                main.protocol,
                layout,
                ready=lambda owners: self.draw(),
                write=main.write,
                tmux=main.tmux,
                cache=main.cache,
            )
        drawn = self._drawer.rows("viewer", plan.mime, plan.data, columns + 1, look.background)
        if isinstance(drawn, list):
            wide = max((strip.cell_length for strip in drawn), default=width)
            return [strip.extend_cell_length(max(wide, width)) for strip in drawn], max(wide, width)
        placeholder = image_placeholder(plan, width, layout, problem=drawn or "")
        return self._strips(placeholder, width), width

    # ---- JSON -------------------------------------------------------------------------

    def _is_json(self, output: dict[str, Any]) -> bool:
        data = output.get("data")
        return isinstance(data, dict) and choose_mime(data) == "application/json"

    def _json_rows(self, output: dict[str, Any], width: int) -> tuple[list[Strip], int]:
        if self.json is None:
            self.json = json_plan(output["data"]["application/json"])
            self.folds = default_folds(self.json)
        shown = visible_lines(self.json, self.folds)
        self.cursor = max(0, min(self.cursor, len(shown) - 1))
        wide = max(width, max((len(line.text) for _, line in shown), default=0))
        highlighter = JSONHighlighter()
        rows: list[Strip] = []
        for number, (_, line) in enumerate(shown):
            text = highlighter(Text(line.text, no_wrap=True))
            if number == self.cursor:
                text.stylize(CURSOR_STYLE)
            rows.extend(self._strips(text, wide))
        return rows, wide

    def _json_move(self, step: int) -> bool:
        if self.json is None:
            return False
        shown = visible_lines(self.json, self.folds)
        self.cursor = max(0, min(self.cursor + step, len(shown) - 1))
        self.draw()
        body = self.body
        view = body.scrollable_content_region.height
        if self.cursor < body.scroll_offset.y:
            body.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= body.scroll_offset.y + view:
            body.scroll_to(y=self.cursor - view + 1, animate=False)
        return True

    def _json_toggle(self) -> bool:
        if self.json is None:
            return False
        shown = visible_lines(self.json, self.folds)
        if not shown:
            return False
        index, line = shown[self.cursor]
        if not line.foldable:
            return True
        self.folds ^= {index}
        self.draw()
        return True

    def on_key(self, event: events.Key) -> None:
        """JSON's cursor keys (everything else is a binding or the scroll view's)."""
        actions: dict[str, Callable[[], bool]] = {
            "up": lambda: self._json_move(-1),
            "down": lambda: self._json_move(1),
            "enter": self._json_toggle,
            "space": self._json_toggle,
        }
        action = actions.get(event.key)
        if action is not None and action():
            event.stop()
            event.prevent_default()

    # ---- actions ----------------------------------------------------------------------

    def action_close_viewer(self) -> None:
        """Back to the notebook."""
        self.dismiss(None)

    def action_zoom(self, step: int) -> None:
        """Zoom an image in (1), out (-1), or back to the screen's size (0)."""
        if step == 0:
            self.zoom = 1.0
        else:
            factor = ZOOM_STEP if step > 0 else 1 / ZOOM_STEP
            self.zoom = max(1.0, min(MAX_ZOOM, self.zoom * factor))
        self.draw()

    def action_other_output(self, step: int) -> None:
        """The next (1) or previous (-1) output of the cell."""
        index = self.index + step
        if 0 <= index < len(self.outputs) and index != self.index:
            self.index = index
            self.zoom = 1.0
            self.json = None
            self.cursor = 0
            self.body.scroll_to(0, 0, animate=False)
            self.draw()
