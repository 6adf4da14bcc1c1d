"""Every use of Textual's private names, in one module (written against Textual 8.2).

Each part below says what tuinb gains from the private name, measured where
it was decided, and `tests/ui/test_textual_compat.py` has one test per part
that fails, naming the internal, when Textual changes it. A Textual upgrade is
an audit of this module and a run of those tests; no other module of tuinb
imports `textual._*` or touches a private attribute of a Textual object
(`tests/ui/test_textual_privacy.py` checks the source).

1. Frames (`FrameTimer`, `PacedScreen`): `Timer._run`, `_interval`, `_repeat`,
   `_active`, `_reset`, `_tick`, `_start`; `Screen._update_timer`, `_timers`,
   `_on_timer_update`, `_dirty_widgets`.
2. Finished rows (`finish_rows`): `textual._styles_cache.StylesCache`.
3. A scrollbar of our own (`install_vertical_scrollbar`):
   `Widget._vertical_scrollbar`, `App._start_widget`.
4. Writing to the terminal (`write_to_terminal`): `App._driver`.
5. Key order (`own_bindings`): `Screen._binding_chain`.
6. The cell editor's base (`EditorTextArea`): `TextArea._build_highlight_map`,
   `_highlights`, `_line_cache`, `_replace_via_keyboard`.
7. Handing the terminal over (`keep_terminal_modes`): the Linux driver's
   `attrs_before`; keys read before Textual started, parsed by
   `textual._xterm_parser.XTermParser` (what the driver's input thread uses).

No longer needed: the view's and the editor's `_on_key` overrides are now
`on_key` (Textual calls one key handler per class along the MRO, the private
name or the public one, so ours still runs before `TextArea`'s).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Sequence
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import events
from textual._styles_cache import StylesCache
from textual.geometry import Size, Spacing
from textual.screen import UPDATE_PERIOD, Screen
from textual.timer import EventTargetGone, Timer
from textual.widgets import TextArea

if TYPE_CHECKING:
    from textual.app import App
    from textual.binding import BindingsMap
    from textual.message import Message
    from textual.scrollbar import ScrollBar
    from textual.strip import Strip
    from textual.widget import Widget
    from textual.widgets.text_area import Location

__all__ = [
    "EditorTextArea",
    "FrameTimer",
    "PacedScreen",
    "finish_rows",
    "install_vertical_scrollbar",
    "keep_terminal_modes",
    "own_bindings",
    "write_to_terminal",
]


# ---- 1. frames ------------------------------------------------------------------------


class FrameTimer(Timer):
    """Ticks as soon as it is resumed, but never within `interval` of its last tick.

    Textual's screen paints on an interval timer that is paused while nothing
    changes. Resumed, it waits for the next point of its fixed 1/60 s grid, and
    the grid is set by when the previous frame ended: a key that arrives 5 to
    15 ms after a frame waited up to 12 ms before anything was painted
    (measured on a `j` at 1,000 cells). This timer keeps the same rate limit
    but counts it from the previous frame: a key that comes after a quiet
    1/60 s is painted at once.
    """

    async def _run(self) -> None:
        count = 0
        last = monotonic() - self._interval
        while self._repeat is None or count < self._repeat:
            await self._active.wait()
            wait = last + self._interval - monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
                await self._active.wait()
            self._reset = False
            last = monotonic()
            count += 1
            try:
                await self._tick(next_timer=last, count=count)
            except EventTargetGone:
                break


class PacedScreen(Screen[None]):
    """A screen whose frames come from a `FrameTimer`, and which can compose one at once.

    `frame_wanted_at_idle()` is asked each time the screen runs out of
    messages; when it says yes, the frame is composed there and then, before
    Textual's own idle handler would resume the frame timer (which, right after
    a frame, waits for the rest of its 1/60 s).
    """

    _frame_timer: FrameTimer | None = None

    @property
    def _update_timer(self) -> Timer:
        """Textual's screen-update timer, replaced by a `FrameTimer`."""
        if self._frame_timer is None:
            timer = FrameTimer(
                self,
                UPDATE_PERIOD,
                name="screen_update",
                callback=self._on_timer_update,
                pause=True,
            )
            timer._start()
            self._timers.add(timer)
            self._frame_timer = timer
        return self._frame_timer

    def frame_wanted_at_idle(self) -> bool:
        """Whether to compose a frame now (override; the screen's pacer decides)."""
        return False

    def is_unpainted(self, widget: Widget) -> bool:
        """Whether `widget` has changed since the last frame (and reported it to the screen)."""
        return widget in self._dirty_widgets

    def on_idle(self, event: events.Idle) -> None:
        """Compose a frame at once if one is wanted now (what Pilot calls to paint)."""
        if self.frame_wanted_at_idle():
            self._on_timer_update()


# ---- 2. finished rows -----------------------------------------------------------------

_NO_PADDING = Spacing(0, 0, 0, 0)


def finish_rows(widget: Widget, lines: Sequence[Strip], width: int) -> list[Strip]:
    """Rows of a widget's content with Textual's styles applied, as its own rows would be.

    Runs Textual's styles cache over ``lines`` as if they were a widget of
    ``width`` columns and ``len(lines)`` rows: background, opacity and the
    app's line filters (ANSI colours to the theme's) are applied. The widget
    must have no border, outline or padding (the notebook view has none): a
    part of a row is finished on its own, and the parts are joined after. The
    notebook view keys its finished rows by what they show, where Textual keys
    them by their place on screen: a `j` then re-renders only the rows that
    came into sight (41 to ~10 ms key to frame at 1,000 cells).
    """
    if not lines:
        return []
    scratch = StylesCache()
    base_background, background = widget.background_colors
    size = Size(width, len(lines))
    app = widget.app
    return scratch.render(
        widget.styles,
        size,
        base_background,
        background,
        lines.__getitem__,
        widget.get_line_filters(),
        None,
        None,
        content_size=size,
        padding=_NO_PADDING,
        crop=size.region,
        opacity=widget.opacity,
        ansi_theme=app.ansi_theme,
        native_ansi=app.native_ansi_color,
    )


# ---- 3. a scrollbar of our own --------------------------------------------------------


def install_vertical_scrollbar(widget: Widget, make: Callable[[], ScrollBar]) -> ScrollBar:
    """The widget's vertical scrollbar, made by `make` the first time (as Textual makes its own).

    For a `vertical_scrollbar` property: the notebook view's scrollbar styles
    each of its few distinct rows once (~1.6 ms of a `j` that scrolls).
    """
    bar = widget._vertical_scrollbar
    if bar is None:
        bar = make()
        bar.display = False
        widget._vertical_scrollbar = bar
        widget.app._start_widget(widget, bar)
    return bar


# ---- 4. writing to the terminal -------------------------------------------------------


def write_to_terminal(app: App[Any], text: str) -> bool:
    """Write `text` to the terminal now (a bell, a notification); False without one.

    Textual offers no public way to send an escape sequence of our own.
    """
    driver = app._driver
    if driver is None or app.is_headless:
        return False
    driver.write(text)
    driver.flush()
    return True


# ---- 5. key order ---------------------------------------------------------------------


def own_bindings(widget: Widget) -> BindingsMap | None:
    """The widget's own bindings as the screen applies them (with the app's keymap).

    Textual runs a focused widget's bindings only once the key has bubbled up
    to the app; `tuinb.ui.keys.run_own_binding` runs them first, in order with
    the keys around them.
    """
    for node, bindings in widget.screen._binding_chain:
        if node is widget:
            return bindings
    return None


# ---- 6. the cell editor's base --------------------------------------------------------

Highlights = defaultdict[int, list[tuple[int, int | None, str]]]
"""Row -> (start byte, end byte, capture name) of each highlighted span."""


class EditorTextArea(TextArea):
    """`TextArea` with its highlighting and its rendered-row cache opened to a subclass.

    The cell editor highlights with Pygments (no tree-sitter, whose query
    took seconds to compile for many editors) and re-renders only the rows
    whose text or colours changed (TextArea re-renders every row in sight after
    each edit, ~0.5 ms a row).
    """

    def _build_highlight_map(self) -> None:
        self.highlights_changed()

    def highlights_changed(self) -> None:
        """The text changed: rebuild `highlights` (override; Textual's own by default)."""
        super()._build_highlight_map()

    @property
    def highlights(self) -> Highlights:
        """The spans the next render colours, by row (change them in place)."""
        highlights: Highlights = self._highlights  # type: ignore[assignment]
        return highlights

    def forget_rows(self, rows: set[int] | None = None) -> None:
        """Drop the rendered rows of the document's rows `rows` (every row if None)."""
        cache = self._line_cache
        if rows is None:
            cache.clear()
            return
        for key in list(cache.keys()):
            if key[2] in rows:  # the row's absolute y (`TextArea.render_line`'s cache key)
                cache.discard(key)

    def replace_as_typed(self, text: str, start: Location, end: Location) -> None:
        """Replace the text between `start` and `end` as typing does (undo, read-only)."""
        self._replace_via_keyboard(text, start, end)


# ---- 7. handing the terminal over -----------------------------------------------------


def typed_events(data: bytes) -> list[Message]:
    """Keys (and pastes) read from the terminal before Textual did, as its input thread makes
    them."""
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    text = data.decode("utf-8", "replace")
    return [*parser.feed(text), *parser.feed("")]


def keep_terminal_modes(
    app: App[Any], saved: list[Any], *, typed: Callable[[], bytes] | None = None
) -> None:
    """Make Textual give back `saved` terminal attributes when it stops, not the ones it found;
    and hand it the keys `typed()` returns before its own input thread starts.

    Textual's Linux driver saves the attributes it finds when it starts (the
    first frame's, with echo off) and puts them back when it stops: on exit,
    and when the process is suspended (SIGTSTP), so a shell would get no echo.
    The first frame asks the terminal about images and reads the answers for
    a moment (`tuinb.ui.firstframe.terminal.GraphicsProbe`); `typed()` waits
    for that to end and gives the keys it read meanwhile, which go first.
    """
    base = app.driver_class

    class HandoffDriver(base):  # type: ignore[valid-type, misc]
        def start_application_mode(self) -> None:
            early = typed() if typed is not None else b""
            for event in typed_events(early) if early else ():
                self.process_message(event)
            super().start_application_mode()
            if getattr(self, "attrs_before", None) is not None:  # Linux only
                self.attrs_before = saved

    app.driver_class = HandoffDriver
