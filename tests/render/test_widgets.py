"""Widgets drawn as rows of text from their models."""

from __future__ import annotations

from typing import Any

from tuinb.engine.widgetstate import WidgetStore
from tuinb.render.mimes import WIDGET_VIEW, choose_mime
from tuinb.render.widgets import widget_rows, widget_supported


def store_of(**models: dict[str, Any]) -> WidgetStore:
    store = WidgetStore()
    for model_id, state in models.items():
        store.opened(model_id, state)
    return store


def test_progress_bar_fills_to_its_value() -> None:
    store = store_of(
        p={"_model_name": "IntProgressModel", "value": 5, "max": 10, "description": "load"}
    )
    (row,) = widget_rows(store, "p", width=30)
    # the bar takes the width left (25 columns), half of it filled; no percentage, as in
    # JupyterLab
    assert row.text == "load " + "█" * 12 + "░" * 13
    assert row.bar == (5, 17, 30)


def test_tqdm_style_hbox_is_one_row() -> None:
    store = store_of(
        box={"_model_name": "HBoxModel", "children": ["IPY_MODEL_a", "IPY_MODEL_b", "IPY_MODEL_c"]},
        a={"_model_name": "HTMLModel", "value": "work: 100%"},
        b={"_model_name": "FloatProgressModel", "value": 3.0, "max": 3.0, "bar_style": "success"},
        c={"_model_name": "HTMLModel", "value": " 3/3 [00:00&lt;00:00]"},
    )
    (row,) = widget_rows(store, "box", width=40)
    bar = 40 - len("work: 100% ") - len(" 3/3 [00:00<00:00]")
    assert row.text == "work: 100% " + "█" * bar + " 3/3 [00:00<00:00]"
    assert row.bar_style == "success"


def test_dashboard_controls_and_their_columns() -> None:
    store = store_of(
        v={"_model_name": "VBoxModel", "children": [f"IPY_MODEL_{c}" for c in "sdkbt"]},
        s={"_model_name": "IntSliderModel", "value": 5, "min": 0, "max": 10, "description": "n"},
        d={"_model_name": "DropdownModel", "_options_labels": ["a", "bbb"], "index": 1},
        k={"_model_name": "CheckboxModel", "value": True, "description": "on"},
        b={"_model_name": "ButtonModel", "description": "Run"},
        t={"_model_name": "TextModel", "value": "hi", "description": "name"},
    )
    rows = widget_rows(store, "v", width=40)
    texts = [row.text for row in rows]
    assert texts[0].startswith("n ━")
    assert "●" in texts[0]
    assert texts[0].endswith(" 5")
    assert texts[1:] == ["[ bbb ▾]", "[x] on", "[ Run ]", "name [hi                  ]"]
    assert rows[0].controls[0][:2] == ("s", "slider")
    assert rows[3].controls == (("b", "button", 0, 7),)


def test_output_widget_row_carries_its_outputs() -> None:
    outputs = [{"output_type": "stream", "name": "stdout", "text": "x\n"}]
    store = store_of(o={"_model_name": "OutputModel", "outputs": outputs})
    (row,) = widget_rows(store, "o")
    assert row.outputs == outputs


def test_hidden_and_unknown_widgets() -> None:
    store = store_of(
        h={"_model_name": "LabelModel", "value": "x", "layout": "IPY_MODEL_l"},
        l={"_model_name": "LayoutModel", "display": "none"},
        c={"_model_name": "ColorPickerModel", "value": "red"},
        box={"_model_name": "VBoxModel", "children": ["IPY_MODEL_c"]},
    )
    assert widget_rows(store, "h") == []
    assert widget_rows(store, "missing") == []
    assert not widget_supported(store, "c")
    assert not widget_supported(store, "box")  # a child it cannot draw
    assert widget_supported(store, "h")
    data = {WIDGET_VIEW: {"model_id": "c"}, "text/plain": "ColorPicker(value='red')"}
    known = lambda model_id: widget_supported(store, model_id)  # noqa: E731
    assert choose_mime(data, widget_known=known) == "text/plain"


def test_text_from_the_kernel_is_sanitised() -> None:
    store = store_of(x={"_model_name": "LabelModel", "value": "a\x1b]52;c;x\x07b<i>c</i>"})
    (row,) = widget_rows(store, "x")
    assert row.text == "ab c"
