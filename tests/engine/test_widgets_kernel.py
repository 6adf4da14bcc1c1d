"""Widgets against a real ipykernel with real ipywidgets and tqdm: the comm protocol end to end."""

from __future__ import annotations

import json
from pathlib import Path

import ipywidgets
import jsonschema
import pytest

from tests.engine.live import running
from tuinb.engine import WidgetChanged, WidgetClosed
from tuinb.engine.widgetstate import WIDGET_STATE_MIME
from tuinb.render.widgets import widget_rows

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("python3_kernelspec")]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


async def test_tqdm_notebook_progress_bar_reaches_its_end() -> None:
    loop = "from tqdm.notebook import tqdm\nfor i in tqdm(range(5), desc='work'):\n    pass"
    async with running(loop) as run:
        await run.run("c0")
        bar = run.model(lambda m: m.name in ("FloatProgressModel", "IntProgressModel"))
        await run.until(lambda: bar.state.get("value") == 5, "the bar to reach 5")
        assert bar.state["max"] == 5
        box = run.model(lambda m: m.name == "HBoxModel")
        assert bar.model_id in box.references("children")
        (view,) = [o for o in run.notebook.cell("c0").outputs if WIDGET_VIEW in o.get("data", {})]
        assert view["data"][WIDGET_VIEW]["model_id"] == box.model_id
        labels = [m.state.get("value", "") for m in run.engine.widgets.store.models()]
        assert any("work" in str(label) for label in labels)
        assert any("5/5" in str(label) for label in labels)
        (row,) = widget_rows(run.engine.widgets.store, box.model_id, width=60)
        assert row.text.startswith("work: 100%")
        assert "████" in row.text
        assert "5/5" in row.text
        changed = {e.model_id for e in run.seen if isinstance(e, WidgetChanged)}
        assert {bar.model_id, box.model_id} <= changed


async def test_moving_a_slider_reaches_the_kernel() -> None:
    setup = (
        "import ipywidgets as w\n"
        "seen = []\n"
        "s = w.IntSlider(value=1, max=10)\n"
        "s.observe(lambda change: seen.append(change['new']), names='value')\n"
        "display(s)"
    )
    async with running(setup, "print(seen, s.value)") as run:
        await run.run("c0")
        slider = run.model(lambda m: m.name == "IntSliderModel")
        assert await run.engine.widgets.update(slider.model_id, {"value": 7})
        await run.until(lambda: not slider.pending_echo, "the kernel to echo the change")
        assert slider.state["value"] == 7
        await run.run("c1")
        assert run.stdout("c1") == "[7] 7\n"


async def test_button_click_runs_its_handler() -> None:
    setup = (
        "import ipywidgets as w\n"
        "clicks = []\n"
        "b = w.Button(description='go')\n"
        "b.on_click(lambda button: clicks.append(button.description))\n"
        "display(b)"
    )
    async with running(setup, "print(clicks)") as run:
        await run.run("c0")
        button = run.model(lambda m: m.name == "ButtonModel")
        assert await run.engine.widgets.click(button.model_id)
        await run.run("c1")
        assert run.stdout("c1") == "['go']\n"


async def test_output_widget_captures_a_print() -> None:
    code = (
        "import ipywidgets as w\n"
        "out = w.Output()\n"
        "display(out)\n"
        "with out:\n"
        "    print('inside')\n"
        "print('outside')"
    )
    async with running(code) as run:
        await run.run("c0")
        out = run.model(lambda m: m.name == "OutputModel")
        await run.until(lambda: bool(out.state.get("outputs")), "the capture")
        assert out.state["outputs"] == [
            {"output_type": "stream", "name": "stdout", "text": "inside\n"}
        ]
        assert run.stdout("c0") == "outside\n"


async def test_unknown_comm_target_is_closed_politely() -> None:
    setup = (
        "from comm import create_comm\n"
        "closed = []\n"
        "c = create_comm(target_name='nobody.listens')\n"
        "c.on_close(lambda msg: closed.append(msg['content']['comm_id'] == c.comm_id))"
    )
    async with running(setup, "print(closed)") as run:
        await run.run("c0")
        await run.run("c1")
        assert run.stdout("c1") == "[True]\n"
        assert len(run.engine.widgets.store) == 0


async def test_closed_widget_leaves_the_store() -> None:
    async with running(
        "import ipywidgets as w\nx = w.Checkbox(value=True)\ndisplay(x)", "x.close()"
    ) as run:
        await run.run("c0")
        box = run.model(lambda m: m.name == "CheckboxModel")
        await run.run("c1")
        await run.until(
            lambda: any(
                isinstance(e, WidgetClosed) and e.model_id == box.model_id for e in run.seen
            ),
            "the checkbox to close",
        )
        assert box.model_id not in run.engine.widgets.store


async def test_saved_widget_state_is_what_jupyterlab_reads() -> None:
    code = (
        "import ipywidgets as w\n"
        "display(w.VBox([w.IntProgress(value=3, max=10), w.Dropdown(options=['a', 'b']),"
        " w.Text(value='hi'), w.HTML('<b>x</b>'), w.Label('l'), w.FloatSlider(value=0.5)]))"
    )
    async with running(code) as run:
        await run.run("c0")
        metadata: dict[str, object] = {}
        assert run.engine.widgets.store.save_into(metadata)
    saved = metadata["widgets"]
    assert isinstance(saved, dict)
    document = saved[WIDGET_STATE_MIME]
    schema_path = Path(ipywidgets.__file__).parent / "state.schema.json"
    jsonschema.validate(document, json.loads(schema_path.read_text()))
    names = {entry["model_name"] for entry in document["state"].values()}
    assert {"VBoxModel", "IntProgressModel", "DropdownModel", "TextModel"} <= names
    json.dumps(document)  # JSON all the way down
