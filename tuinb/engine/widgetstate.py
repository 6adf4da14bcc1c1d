"""The widget models of one notebook: their state, binary buffers, saving and loading.

A widget (ipywidgets' protocol, widget state version 2) is a model id, the
model's class (``_model_module`` / ``_model_name``, e.g.
``@jupyter-widgets/controls`` / ``IntProgressModel``) and a dict of state
(``value``, ``max``, ``description``, ``children`` as ``"IPY_MODEL_<id>"``
references, ``layout`` …). `WidgetStore` keeps them; `tuinb.engine.comms`
fills it from the kernel's comm messages, and a view reads it by model id.

Saving: `widget_state()` is the ``application/vnd.jupyter.widget-state+json``
document JupyterLab writes into ``metadata.widgets`` when "Save Widget State
Automatically" is on (``version_major`` 2, every model with its module,
name, version and state; bytes as base64 ``buffers`` beside the state), so
JupyterLab (and nbconvert, Voilà) shows the same widgets. `load_saved` reads
it back on open: saved widgets are drawn before any kernel runs, as in
JupyterLab, and are replaced when the kernel opens a comm with the same id.
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "WIDGET_STATE_MIME",
    "WidgetModel",
    "WidgetStore",
    "put_buffers",
    "take_buffers",
]

WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
"""The key under ``metadata.widgets`` that JupyterLab writes the widget state to."""

REFERENCE = "IPY_MODEL_"
"""A model reference in a widget's state (``children``, ``layout``): this prefix and an id."""


@dataclass
class WidgetModel:
    """One widget model: its class and its state (bytes where the kernel sent buffers)."""

    model_id: str
    state: dict[str, Any]
    live: bool = True
    """Backed by an open comm (False: loaded from the notebook's saved state)."""
    pending_echo: dict[str, str] = field(default_factory=dict)
    """Key -> msg_id of our last update of it, until the kernel echoes that update."""

    @property
    def module(self) -> str:
        return str(self.state.get("_model_module", ""))

    @property
    def name(self) -> str:
        """``IntProgressModel``, ``HBoxModel``, ``OutputModel`` … (the model's class)."""
        return str(self.state.get("_model_name", ""))

    @property
    def module_version(self) -> str:
        return str(self.state.get("_model_module_version", ""))

    def references(self, key: str) -> list[str]:
        """Model ids referenced by `key` (``children`` or a single ``layout``/``style``)."""
        value = self.state.get(key)
        values = value if isinstance(value, list) else [value]
        return [
            v[len(REFERENCE) :] for v in values if isinstance(v, str) and v.startswith(REFERENCE)
        ]


def put_buffers(state: dict[str, Any], paths: Sequence[Any], buffers: Sequence[bytes]) -> None:
    """Place binary `buffers` in `state` at `paths` (lists of keys and indices), in place."""
    for path, buffer in zip(paths, buffers, strict=False):
        if not isinstance(path, list) or not path:
            continue
        target: Any = state
        try:
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = bytes(buffer)
        except (KeyError, IndexError, TypeError):
            continue


def _walk_bytes(value: Any, path: list[Any]) -> Iterator[tuple[list[Any], bytes]]:
    if isinstance(value, bytes | bytearray | memoryview):
        yield path, bytes(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_bytes(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_bytes(item, [*path, index])


def take_buffers(state: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A JSON-ready copy of `state` without its bytes, and the saved form of those bytes."""
    found = list(_walk_bytes(dict(state), []))
    clean = copy.deepcopy(dict(state))
    saved = []
    for path, data in found:
        target: Any = clean
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = None
        saved.append(
            {"path": path, "encoding": "base64", "data": base64.b64encode(data).decode("ascii")}
        )
    return clean, saved


class WidgetStore:
    """Every widget model of one notebook, by model id."""

    def __init__(self) -> None:
        self._models: dict[str, WidgetModel] = {}
        self._capture: dict[str, str] = {}
        self._clear_wait: set[str] = set()

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._models

    def __len__(self) -> int:
        return len(self._models)

    def get(self, model_id: str) -> WidgetModel | None:
        """The model, or None (closed, or never known)."""
        return self._models.get(model_id)

    def models(self) -> list[WidgetModel]:
        return list(self._models.values())

    # ---- changes

    def opened(self, model_id: str, state: dict[str, Any]) -> WidgetModel:
        """A comm opened for a widget (replaces a saved model of the same id)."""
        model = WidgetModel(model_id, dict(state), live=True)
        self._models[model_id] = model
        self._track_capture(model)
        return model

    def update(self, model_id: str, changes: Mapping[str, Any]) -> WidgetModel | None:
        """Apply state `changes`; None if the model is not known."""
        model = self._models.get(model_id)
        if model is None:
            return None
        model.state.update(changes)
        if "msg_id" in changes:
            self._track_capture(model)
        return model

    def closed(self, model_id: str) -> bool:
        """The comm closed: the model is gone (its views show nothing, as in JupyterLab)."""
        model = self._models.pop(model_id, None)
        if model is not None:
            self._capture = {k: v for k, v in self._capture.items() if v != model_id}
        return model is not None

    def kernel_gone(self) -> None:
        """The kernel restarted or died: models stay drawn but no comm backs them."""
        for model in self._models.values():
            model.live = False
            model.pending_echo.clear()
        self._capture.clear()

    # ---- Output widgets: outputs whose parent is the widget's msg_id go to it

    def _track_capture(self, model: WidgetModel) -> None:
        if model.name != "OutputModel":
            return
        self._capture = {k: v for k, v in self._capture.items() if v != model.model_id}
        msg_id = model.state.get("msg_id")
        if isinstance(msg_id, str) and msg_id:
            self._capture[msg_id] = model.model_id

    def capturing(self, parent_msg_id: str | None) -> WidgetModel | None:
        """The Output widget capturing the outputs of request `parent_msg_id`, if any."""
        if not parent_msg_id:
            return None
        model_id = self._capture.get(parent_msg_id)
        return self._models.get(model_id) if model_id is not None else None

    def set_outputs(self, model_id: str, outputs: list[dict[str, Any]]) -> None:
        model = self._models.get(model_id)
        if model is not None:
            model.state["outputs"] = outputs

    def clear_outputs(self, model_id: str, *, wait: bool) -> None:
        """``clear_output`` inside the capture (``wait``: at the next output)."""
        if wait:
            self._clear_wait.add(model_id)
        else:
            self.set_outputs(model_id, [])

    def take_clear_wait(self, model_id: str) -> bool:
        """Whether a ``clear_output(wait=True)`` waits for this output (and forget it)."""
        if model_id in self._clear_wait:
            self._clear_wait.discard(model_id)
            return True
        return False

    # ---- saving and loading

    def widget_state(self) -> dict[str, Any]:
        """The ``application/vnd.jupyter.widget-state+json`` document of every model."""
        state: dict[str, Any] = {}
        for model in self._models.values():
            clean, buffers = take_buffers(model.state)
            entry: dict[str, Any] = {
                "model_name": model.name,
                "model_module": model.module,
                "model_module_version": model.module_version,
                "state": clean,
            }
            if buffers:
                entry["buffers"] = buffers
            state[model.model_id] = entry
        return {"version_major": 2, "version_minor": 0, "state": state}

    def save_into(self, metadata: dict[str, Any]) -> bool:
        """Write the widget state into notebook `metadata` (False: no widgets, nothing written)."""
        if not self._models:
            return False
        widgets = metadata.get("widgets")
        widgets = dict(widgets) if isinstance(widgets, dict) else {}
        widgets[WIDGET_STATE_MIME] = self.widget_state()
        metadata["widgets"] = widgets
        return True

    def load_saved(self, metadata: Mapping[str, Any]) -> int:
        """Read the saved widget state of a notebook (unknown shapes are skipped); count loaded."""
        widgets = metadata.get("widgets")
        saved = widgets.get(WIDGET_STATE_MIME) if isinstance(widgets, Mapping) else None
        if not isinstance(saved, Mapping) or saved.get("version_major") != 2:
            return 0
        states = saved.get("state")
        if not isinstance(states, Mapping):
            return 0
        loaded = 0
        for model_id, entry in states.items():
            if not isinstance(entry, Mapping) or not isinstance(entry.get("state"), Mapping):
                continue
            if model_id in self._models:
                continue
            state = copy.deepcopy(dict(entry["state"]))
            state.setdefault("_model_name", entry.get("model_name", ""))
            state.setdefault("_model_module", entry.get("model_module", ""))
            state.setdefault("_model_module_version", entry.get("model_module_version", ""))
            for buffer in entry.get("buffers") or []:
                if not isinstance(buffer, Mapping) or buffer.get("encoding") != "base64":
                    continue
                try:
                    data = base64.b64decode(str(buffer.get("data", "")))
                except (binascii.Error, ValueError):
                    continue
                put_buffers(state, [buffer.get("path")], [data])
            self._models[str(model_id)] = WidgetModel(str(model_id), state, live=False)
            loaded += 1
        return loaded
