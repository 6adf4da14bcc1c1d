"""Widgets in outputs: drawn from the engine's store, redrawn when it changes, driven by keys."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.ui.editor_helpers import (
    SIZE,
    make_app,
    notices,
    screen_text,
    settle,
    write_notebook,
)
from tests.ui.scripted_engine import ScriptedEngine
from tuinb.engine import events as ev
from tuinb.engine.comms import OfflineWidgets
from tuinb.engine.widgetstate import WIDGET_STATE_MIME, WidgetStore
from tuinb.model import load
from tuinb.render.mimes import WIDGET_VIEW
from tuinb.ui.app import TuinbApp

CONTROLS = "@jupyter-widgets/controls"


class RecordingWidgets(OfflineWidgets):
    """Widgets whose kernel side is the test: every update and click is recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, Any]] = []

    async def update(self, model_id: str, changes: dict[str, Any]) -> bool:
        self.sent.append((model_id, changes))
        return await super().update(model_id, changes)

    async def click(self, model_id: str) -> bool:
        self.sent.append((model_id, "click"))
        return True


def view_of(model_id: str, text: str = "widget") -> dict[str, Any]:
    data = {WIDGET_VIEW: {"model_id": model_id, "version_major": 2}, "text/plain": text}
    return {"output_type": "display_data", "data": data, "metadata": {}}


def model(name: str, **state: Any) -> dict[str, Any]:
    return {"_model_name": name, "_model_module": CONTROLS, **state}


def tqdm_models(store: WidgetStore, value: int) -> None:
    """What `tqdm.notebook` opens: HBox(HTML, FloatProgress, HTML)."""
    store.opened("left", model("HTMLModel", value=f"copying: {value * 10}%"))
    store.opened("bar", model("FloatProgressModel", value=value, min=0, max=10, bar_style=""))
    store.opened("right", model("HTMLModel", value=f" {value}/10 [00:01&lt;00:02]"))
    children = ["IPY_MODEL_left", "IPY_MODEL_bar", "IPY_MODEL_right"]
    store.opened("box", model("HBoxModel", children=children))


Harness = tuple[TuinbApp, ScriptedEngine, RecordingWidgets, Pilot[Any]]


@asynccontextmanager
async def editor(path: Path, store_setup: Any = None) -> AsyncIterator[Harness]:
    notebook = load(path)
    notebook.path = path
    engine = ScriptedEngine(notebook)
    widgets = RecordingWidgets()
    engine.widgets = widgets
    if store_setup is not None:
        store_setup(widgets.store)
    app = TuinbApp(notebook, engine=engine, check_recovery=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        yield app, engine, widgets, pilot


async def test_a_tqdm_bar_is_drawn_and_follows_the_kernel(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "w.ipynb", [("code", "for x in tqdm(range(10)): ...")], {0: [view_of("box")]}
    )
    async with editor(path, lambda store: tqdm_models(store, 3)) as (app, engine, widgets, pilot):
        text = screen_text(app)
        (bar,) = re.findall(r"copying: 30% (█+░+) 3/10 \[00:01<00:02\]", text)
        assert bar.count("█") == round(0.3 * len(bar))
        assert "widget" not in text  # the text form is not shown when the widget is drawn
        widgets.store.update("bar", {"value": 10, "bar_style": "success"})
        widgets.store.update("right", {"value": " 10/10 [00:03&lt;00:00]"})
        engine.emit(ev.WidgetChanged("bar"), ev.WidgetChanged("right"))
        await settle(pilot, lambda: "█ 10/10" in screen_text(app), "the bar at its end")
        engine.emit(ev.WidgetClosed("box"))
        widgets.store.closed("box")
        engine.emit(ev.WidgetChanged("box"))
        await settle(pilot, lambda: "10/10" not in screen_text(app), "the closed widget gone")


async def test_a_slider_moves_with_the_keys_and_the_kernel_hears_it(tmp_path: Path) -> None:
    def setup(store: WidgetStore) -> None:
        store.opened("s", model("IntSliderModel", value=5, min=0, max=10, step=1, description="n"))
        store.opened("c", model("CheckboxModel", value=False, description="fast"))
        store.opened("d", model("DropdownModel", _options_labels=["a", "b", "c"], index=0))
        store.opened("t", model("TextModel", value="", description="name"))
        store.opened("b", model("ButtonModel", description="Run"))

    outputs = [view_of(name) for name in ("s", "c", "d", "t", "b")]
    path = write_notebook(tmp_path / "w.ipynb", [("code", "interact(...)")], {0: outputs})
    async with editor(path, setup) as (app, _, widgets, pilot):
        assert "n ━━━" in screen_text(app)
        await pilot.press("tab")  # the slider has the keys
        await pilot.press("right", "right")
        await settle(pilot, lambda: widgets.store.get("s").state["value"] == 7, "the slider at 7")  # type: ignore[union-attr]
        assert widgets.sent[:2] == [("s", {"value": 6}), ("s", {"value": 7})]
        await pilot.press("end")
        await settle(pilot, lambda: "━● 10" in screen_text(app), "the slider drawn at its end")
        await pilot.press("tab", "space")  # the checkbox
        await settle(pilot, lambda: "[x] fast" in screen_text(app), "the box ticked")
        await pilot.press("tab", "down", "down")  # the dropdown
        await settle(pilot, lambda: ("d", {"index": 2}) in widgets.sent, "option c picked")
        assert "[ c ▾]" in screen_text(app)
        await pilot.press("tab", "h", "i", "j")  # typing goes to the text box, j included
        await settle(pilot, lambda: "name [hij" in screen_text(app), "the text typed")
        await pilot.press("tab", "enter")  # the button
        await settle(pilot, lambda: ("b", "click") in widgets.sent, "the click")
        await pilot.press("escape", "k")  # the keys back: k moves as in command mode
        assert app.notebook_screen.view.outputs.focus is None


async def test_an_output_widget_shows_what_it_captured(tmp_path: Path) -> None:
    def setup(store: WidgetStore) -> None:
        captured = [
            {"output_type": "stream", "name": "stdout", "text": "captured line\n"},
            {"output_type": "display_data", "data": {"text/markdown": "**bold** $x^2$"}},
        ]
        store.opened(
            "o", model("OutputModel", outputs=captured, _model_module="@jupyter-widgets/output")
        )
        store.opened("l", model("LabelModel", value="a label"))
        store.opened("v", model("VBoxModel", children=["IPY_MODEL_l", "IPY_MODEL_o"]))

    path = write_notebook(tmp_path / "w.ipynb", [("code", "out")], {0: [view_of("v")]})
    async with editor(path, setup) as (app, _, _, _):
        rows = [row[8:].rstrip() for row in screen_text(app).split("\n")]
        start = rows.index("a label")
        assert rows[start + 1 : start + 3] == ["captured line", "bold x²"]


async def test_tab_without_widgets_says_so(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "w.ipynb", [("code", "1")])
    async with editor(path) as (app, _, _, pilot):
        await pilot.press("tab")
        await settle(
            pilot,
            lambda: any("No widget" in str(n.message) for n in app._notifications),
            "the notice",
        )


async def test_an_unknown_widget_shows_its_text_and_a_note(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "w.ipynb", [("code", "picker")], {0: [view_of("p", "ColorPicker(value='red')")]}
    )
    setup = lambda store: store.opened("p", model("ColorPickerModel", value="red"))  # noqa: E731
    async with editor(path, setup) as (app, _, _, _):
        text = screen_text(app)
        assert "ColorPicker(value='red')" in text
        assert "not drawn in the terminal" in text


def saved_state() -> dict[str, Any]:
    store = WidgetStore()
    store.opened("g", model("IntProgressModel", value=40, max=100, description="saved"))
    return store.widget_state()


async def test_widget_state_saved_by_jupyterlab_is_drawn_on_open(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "w.ipynb", [("code", "bar")], {0: [view_of("g")]})
    notebook = load(path)
    notebook.metadata["widgets"] = {WIDGET_STATE_MIME: saved_state()}
    from tuinb.model import save

    save(notebook, path)
    app = make_app(path, check_recovery=False)  # no engine: the state alone draws it
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: "saved ████" in screen_text(app), "the saved progress bar")
        (bar,) = re.findall(r"saved (█+░+)", screen_text(app))
        assert bar.count("█") == round(0.4 * len(bar))


def saved_once(app: TuinbApp) -> bool:
    return "Saved " in notices(app)


async def test_widget_state_is_saved_only_when_the_config_says_so(tmp_path: Path) -> None:
    from functools import partial

    from tuinb.config import parse_config

    for setting, saved in (("false", False), ("true", True)):
        path = write_notebook(tmp_path / f"{setting}.ipynb", [("code", "bar")], {0: [view_of("g")]})
        notebook = load(path)
        notebook.path = path
        engine = ScriptedEngine(notebook)
        engine.widgets.store.opened("g", model("IntProgressModel", value=7, max=10))
        loaded = parse_config(f"[output]\nsave_widget_state = {setting}\n", tmp_path / "c.toml")
        app = TuinbApp(notebook, engine=engine, check_recovery=False, config=loaded)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+s")
            await settle(pilot, partial(saved_once, app), "the save")
        widgets = load(path).metadata.get("widgets")
        if saved:
            assert widgets is not None
            state = widgets[WIDGET_STATE_MIME]["state"]["g"]
            assert (state["model_name"], state["state"]["value"]) == ("IntProgressModel", 7)
        else:
            assert widgets is None
