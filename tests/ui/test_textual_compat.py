"""One test per Textual internal that `tuinb.ui.textual_compat` relies on.

Each fails, naming the internal, when a Textual release changes it: the
audit of an upgrade starts here (the numbers are the compat module's parts).
"""

from __future__ import annotations

import asyncio
import inspect
from collections import defaultdict
from typing import Any, ClassVar

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from tuinb.ui import textual_compat as compat

SIZE = (40, 10)


class Keyed(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "hit", "Hit", id="keyed.hit")]

    def action_hit(self) -> None:
        pass


class Line(Widget):
    DEFAULT_CSS = "Line { background: red; color: white; height: 1; width: 6; }"

    def render_line(self, y: int) -> Strip:
        return Strip([Segment("ab")]).crop_extend(0, self.size.width, None)


class Tall(ScrollView):
    DEFAULT_CSS = "Tall { height: 5; }"

    def on_mount(self) -> None:
        self.virtual_size = Size(10, 50)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return compat.install_vertical_scrollbar(self, lambda: OurBar(vertical=True))


class OurBar(ScrollBar):
    pass


class Paced(compat.PacedScreen):
    wanted = False

    def compose(self) -> ComposeResult:
        yield Static("hello", id="hello")
        yield Keyed(id="keyed")
        yield Line(id="line")
        yield Tall(id="tall")

    def frame_wanted_at_idle(self) -> bool:
        return self.wanted and self.is_unpainted(self.query_one("#hello"))


class Host(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Paced())


async def wait(event: asyncio.Event, what: str) -> None:
    try:
        async with asyncio.timeout(5):
            await event.wait()
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


# ---- 1. frames --------------------------------------------------------------------------


def test_timer_internals_that_the_frame_timer_overrides() -> None:
    timer = Timer(Static(), 0.5, repeat=3)
    assert inspect.iscoroutinefunction(Timer._run), "Timer._run is no longer a coroutine"
    assert timer._interval == 0.5, "Timer._interval changed"
    assert timer._repeat == 3, "Timer._repeat changed"
    assert timer._reset is False, "Timer._reset changed"
    assert isinstance(timer._active, asyncio.Event), "Timer._active is no longer an Event"
    tick = inspect.signature(Timer._tick).parameters
    assert list(tick)[1:] == ["next_timer", "count"], "Timer._tick's arguments changed"
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in list(tick.values())[1:])
    assert callable(Timer._start), "Timer._start is gone"


async def test_frame_timer_ticks_at_once_after_a_quiet_interval_then_waits() -> None:
    ticks: list[int] = []
    ticked = asyncio.Event()

    def tick() -> None:
        ticks.append(1)
        ticked.set()

    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        timer = compat.FrameTimer(app.screen, 10.0, callback=tick, pause=True)
        timer._start()
        try:
            timer.resume()
            await wait(ticked, "the first tick (a Textual Timer waits its 10 s)")
            timer.pause()
            timer.resume()
            await pilot.pause()
            assert ticks == [1], "ticked again within its interval"
        finally:
            timer.stop()


async def test_the_screen_asks_for_its_update_timer_and_reports_dirty_widgets() -> None:
    assert isinstance(inspect.getattr_static(Screen, "_update_timer"), property), (
        "Screen._update_timer is no longer a property"
    )
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, Paced)
        await pilot.pause()
        assert isinstance(screen._frame_timer, compat.FrameTimer), (
            "Textual no longer paints through Screen._update_timer"
        )
        assert screen._frame_timer in screen._timers, "Screen._timers changed"
        assert isinstance(screen._dirty_widgets, set), "Screen._dirty_widgets changed"
        composed = asyncio.Event()
        compose = screen._on_timer_update

        def spy() -> None:  # the frame timer holds the method itself: only `on_idle` calls this
            composed.set()
            compose()

        screen._on_timer_update = spy  # type: ignore[method-assign]
        hello = screen.query_one("#hello", Static)
        screen.wanted = True
        hello.update("changed")
        await wait(composed, "a frame composed at the screen's idle moment")
        assert not screen.is_unpainted(hello), "Screen._on_timer_update left it unpainted"


# ---- 2. finished rows --------------------------------------------------------------------


async def test_finish_rows_styles_a_row_as_the_widget_itself_does() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = app.screen.query_one("#line", Line)
        own = line.render_lines(Region(0, 0, line.size.width, 1))
        finished = compat.finish_rows(line, [line.render_line(0)], line.size.width)
        assert finished == own, "textual._styles_cache.StylesCache.render changed"


# ---- 3. a scrollbar of our own -------------------------------------------------------------


async def test_our_vertical_scrollbar_is_the_one_textual_shows() -> None:
    assert Widget()._vertical_scrollbar is None, "Widget._vertical_scrollbar changed"
    assert list(inspect.signature(App._start_widget).parameters) == ["self", "parent", "widget"]
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tall = app.screen.query_one("#tall", Tall)
        bar = tall.vertical_scrollbar
        assert isinstance(bar, OurBar)
        assert bar.parent is tall, "App._start_widget no longer attaches the scrollbar"


# ---- 4. writing to the terminal -------------------------------------------------------------


async def test_the_apps_driver_writes_to_the_terminal() -> None:
    app = Host()
    assert app._driver is None, "App._driver changed"
    async with app.run_test(size=SIZE):
        driver = app._driver
        assert driver is not None, "App._driver is not the running driver"
        assert callable(driver.write)
        assert callable(driver.flush)
        assert compat.write_to_terminal(app, "\a") is False  # headless: nothing written


# ---- 5. key order ---------------------------------------------------------------------------


async def test_own_bindings_come_from_the_binding_chain_with_the_keymap() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        keyed = app.screen.query_one("#keyed", Keyed)
        keyed.focus()
        await pilot.pause()
        bindings = compat.own_bindings(keyed)
        assert bindings is not None, "Screen._binding_chain no longer lists the focused widget"
        assert "x" in bindings.key_to_bindings
        app.set_keymap({"keyed.hit": "y"})
        remapped = compat.own_bindings(keyed)
        assert remapped is not None
        assert "y" in remapped.key_to_bindings
        assert "x" not in remapped.key_to_bindings


# ---- 6. the cell editor's base ----------------------------------------------------------------


class Counting(compat.EditorTextArea):
    rebuilt = 0

    def highlights_changed(self) -> None:
        self.rebuilt += 1


class EditorHost(App[None]):
    def compose(self) -> ComposeResult:
        yield Counting("ab\ncd", id="area")


async def test_text_area_internals_of_the_cell_editor() -> None:
    app = EditorHost()
    async with app.run_test(size=SIZE) as pilot:
        area = app.query_one(Counting)
        await pilot.pause()
        before = area.rebuilt
        area.insert("x")
        assert area.rebuilt > before, "TextArea._build_highlight_map is no longer called"
        assert isinstance(area.highlights, defaultdict), "TextArea._highlights changed"
        area.render_line(0)
        keys = list(area._line_cache.keys())
        assert any(key[2] == 0 for key in keys), "TextArea._line_cache's keys changed"
        area.forget_rows({0})
        assert not any(key[2] == 0 for key in list(area._line_cache.keys()))
        area.replace_as_typed("Z", (1, 0), (1, 0))
        assert area.text.split("\n")[1] == "Zcd", "TextArea._replace_via_keyboard changed"
        area.undo()
        assert area.text.split("\n")[1] == "cd"


# ---- 7. handing the terminal over ---------------------------------------------------------------


def test_the_linux_driver_restores_attrs_before() -> None:
    start = inspect.getsource(LinuxDriver.start_application_mode)
    stop = inspect.getsource(LinuxDriver.stop_application_mode)
    assert "self.attrs_before" in start, "LinuxDriver no longer saves attrs_before"
    assert "self.attrs_before" in stop, "LinuxDriver no longer restores attrs_before"


def test_keep_terminal_modes_gives_the_driver_the_saved_attributes() -> None:
    class Found:
        attrs_before: list[str] | None = None

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def start_application_mode(self) -> None:
            self.attrs_before = ["found"]

    app = Host()
    app.driver_class = Found  # type: ignore[assignment]
    compat.keep_terminal_modes(app, ["saved"])
    driver: Any = app.driver_class(app)
    driver.start_application_mode()
    assert driver.attrs_before == ["saved"]


def test_keys_read_before_textual_parse_as_its_input_thread_parses_them() -> None:
    from textual import events

    found = compat.typed_events(b"j\x1b[Aab")
    keys = [event.key for event in found if isinstance(event, events.Key)]
    assert keys == ["j", "up", "a", "b"]


def test_keys_typed_during_the_handoff_go_first() -> None:
    order: list[str] = []

    class Found:
        attrs_before: list[str] | None = None

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def process_message(self, message: Any) -> None:
            order.append(f"key {message.key}")

        def start_application_mode(self) -> None:
            order.append("input thread started")

    app = Host()
    app.driver_class = Found  # type: ignore[assignment]
    compat.keep_terminal_modes(app, ["saved"], typed=lambda: b"jk")
    driver: Any = app.driver_class(app)
    driver.start_application_mode()
    assert order == ["key j", "key k", "input thread started"]
