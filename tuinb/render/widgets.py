"""Widgets as rows of text: what a terminal shows for a widget model and its children.

The widgets that ``tqdm.notebook`` and simple dashboards use are drawn here
as plain text (the view colours them and maps keys to the interactive rows):

- IntProgress / FloatProgress: ``description ██████████░░░░░░`` (no
  percentage, as in JupyterLab; tqdm's own text stands beside it);
- IntSlider / FloatSlider: ``description ━━━━━━●────────── 7``;
- Checkbox ``[x] description``, Dropdown ``description [ b ▾]``,
  Text / Textarea ``description [hello     ]``, Button ``[ Run ]``;
- HTML / HTMLMath / Label: their text (tags dropped);
- HBox: children side by side on one row (tqdm's bar is HBox(HTML,
  progress, HTML)); VBox / Box: children stacked;
- Output: its captured outputs, for the normal output renderer.

`widget_supported(store, model_id)` says whether a view can be drawn
(the model and all its children are of those kinds); the representation
choice (`tuinb.render.mimes.choose_mime`) takes it as ``widget_known``, so
any other widget shows its ``text/plain`` with a one-line note instead.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from tuinb.engine.widgetstate import WidgetModel, WidgetStore
from tuinb.render.widths import pad, text_width
from tuinb.sanitize import plain_text

__all__ = ["UNSUPPORTED_NOTE", "WidgetRow", "widget_rows", "widget_supported"]

UNSUPPORTED_NOTE = "(this widget is not drawn in the terminal; its text form is shown)"

_PROGRESS = frozenset({"IntProgressModel", "FloatProgressModel"})
_SLIDERS = frozenset({"IntSliderModel", "FloatSliderModel"})
_BOXES = frozenset({"HBoxModel", "VBoxModel", "BoxModel"})
_TEXT = frozenset({"HTMLModel", "HTMLMathModel", "LabelModel"})
_SUPPORTED = (
    _PROGRESS
    | _SLIDERS
    | _BOXES
    | _TEXT
    | {"CheckboxModel", "DropdownModel", "TextModel", "TextareaModel", "ButtonModel", "OutputModel"}
)
_SUPPORT_MODELS = frozenset({"LayoutModel", "ProgressStyleModel", "SliderStyleModel",
                             "DescriptionStyleModel", "ButtonStyleModel", "CheckboxStyleModel",
                             "HTMLStyleModel", "LabelStyleModel", "TextStyleModel"})  # fmt: skip
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class WidgetRow:
    """One row of a drawn widget.

    `controls` are the interactive widgets on the row, each with the columns
    it spans (``(model_id, kind, start, end)``), so a view can focus one and
    send keys to it; `outputs` is set for an Output widget's row instead of text.
    """

    text: str
    controls: tuple[tuple[str, str, int, int], ...] = ()
    outputs: list[dict[str, Any]] | None = None
    bar_style: str = ""
    """``success`` / ``info`` / ``warning`` / ``danger`` of a progress bar, for its colour."""
    bar: tuple[int, int, int] | None = None
    """A progress bar's columns: where it starts, where its filled part ends, where it ends."""


def _hidden(store: WidgetStore, model: WidgetModel) -> bool:
    for layout_id in model.references("layout"):
        layout = store.get(layout_id)
        if layout is not None and (
            layout.state.get("display") == "none" or layout.state.get("visibility") == "hidden"
        ):
            return True
    return False


def widget_supported(store: WidgetStore, model_id: str, _depth: int = 0) -> bool:
    """Whether the widget and everything it contains can be drawn as rows."""
    model = store.get(model_id)
    if model is None or _depth > 20 or model.name not in _SUPPORTED:
        return False
    if model.name in _BOXES:
        return all(
            widget_supported(store, child, _depth + 1) for child in model.references("children")
        )
    return True


def _text(value: Any) -> str:
    return " ".join(plain_text(html.unescape(_TAG.sub(" ", str(value or "")))).split())


def _description(model: WidgetModel) -> str:
    text = _text(model.state.get("description", ""))
    return f"{text} " if text else ""


def _number(value: Any, model: WidgetModel) -> str:
    if isinstance(value, float) and model.name.startswith("Float"):
        step = model.state.get("step", 0.1)
        decimals = max(0, len(str(step).split(".")[1])) if "." in str(step) else 1
        return f"{value:.{decimals}f}"
    return str(value)


def _fraction(model: WidgetModel) -> float:
    low = float(model.state.get("min", 0) or 0)
    high = float(model.state.get("max", 100) or 0)
    value = float(model.state.get("value", low) or 0)
    if high <= low:
        return 1.0
    return min(1.0, max(0.0, (value - low) / (high - low)))


def _row(store: WidgetStore, model: WidgetModel, width: int) -> WidgetRow:
    name, state = model.name, model.state
    lead = _description(model)
    if name in _PROGRESS:
        # no percentage, as in JupyterLab (tqdm writes its own beside the bar)
        room = max(10, min(40, width - text_width(lead)))
        filled = round(_fraction(model) * room)
        style = str(state.get("bar_style", "") or "")
        start = text_width(lead)
        return WidgetRow(
            f"{lead}{'█' * filled}{'░' * (room - filled)}",
            bar_style=style,
            bar=(start, start + filled, start + room),
        )
    if name in _SLIDERS:
        room = max(10, min(40, width - text_width(lead) - 8))
        knob = round(_fraction(model) * (room - 1))
        track = "━" * knob + "●" + "─" * (room - knob - 1)
        text = f"{lead}{track} {_number(state.get('value'), model)}"
        start = text_width(lead)
        return WidgetRow(text, controls=((model.model_id, "slider", start, start + room),))
    if name == "CheckboxModel":
        mark = "[x]" if state.get("value") else "[ ]"
        text = f"{mark} {_description(model).strip()}".rstrip()
        return WidgetRow(text, controls=((model.model_id, "checkbox", 0, 3),))
    if name == "DropdownModel":
        labels = [_text(label) for label in state.get("_options_labels") or []]
        index = state.get("index")
        chosen = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else ""
        box = f"[ {pad(chosen, max((text_width(lbl) for lbl in labels), default=1))} ▾]"
        start = text_width(lead)
        return WidgetRow(
            lead + box, controls=((model.model_id, "dropdown", start, start + text_width(box)),)
        )
    if name in ("TextModel", "TextareaModel"):
        value = _text(state.get("value", "")) or _text(state.get("placeholder", ""))
        box = f"[{pad(value, 20)}]"
        start = text_width(lead)
        return WidgetRow(
            lead + box, controls=((model.model_id, "text", start, start + text_width(box)),)
        )
    if name == "ButtonModel":
        text = f"[ {_text(state.get('description', '')) or 'Button'} ]"
        return WidgetRow(text, controls=((model.model_id, "button", 0, text_width(text)),))
    if name in _TEXT:
        return WidgetRow(_text(state.get("value", "")))
    if name == "OutputModel":
        outputs = state.get("outputs")
        return WidgetRow("", outputs=list(outputs) if isinstance(outputs, list) else [])
    return WidgetRow(f"[{plain_text(name)}] {UNSUPPORTED_NOTE}")


def widget_rows(
    store: WidgetStore, model_id: str, *, width: int = 80, _depth: int = 0
) -> list[WidgetRow]:
    """The rows that draw widget `model_id` (empty if it is unknown or hidden)."""
    model = store.get(model_id)
    if model is None or _depth > 20 or _hidden(store, model):
        return []
    if model.name not in _BOXES:
        return [_row(store, model, width)]
    child_ids = model.references("children")
    bars = {cid for cid in child_ids if (m := store.get(cid)) and m.name in _PROGRESS | _SLIDERS}
    if model.name == "HBoxModel" and bars:  # the bars share what the other children leave
        others = [widget_rows(store, cid, width=width, _depth=_depth + 1) for cid in child_ids]
        used = sum(text_width(rows[0].text) for cid, rows in zip(child_ids, others, strict=True)
                   if rows and cid not in bars)  # fmt: skip
        width = max(10, (width - used - len(child_ids) + 1) // len(bars))
    children = [widget_rows(store, cid, width=width, _depth=_depth + 1) for cid in child_ids]
    children = [rows for rows in children if rows]
    if model.name == "HBoxModel" and all(
        len(rows) == 1 and rows[0].outputs is None for rows in children
    ):
        text, controls, style = "", [], ""
        bar: tuple[int, int, int] | None = None
        for (row,) in children:
            offset = text_width(text) + (1 if text else 0)
            text = f"{text} {row.text}" if text else row.text
            controls += [
                (mid, kind, start + offset, end + offset) for mid, kind, start, end in row.controls
            ]
            style = style or row.bar_style
            if bar is None and row.bar is not None:
                bar = (row.bar[0] + offset, row.bar[1] + offset, row.bar[2] + offset)
        return [WidgetRow(text, controls=tuple(controls), bar_style=style, bar=bar)]
    return [row for rows in children for row in rows]
