"""The comm manager on scripted messages: echoes, buffers, version target, saved state."""

from __future__ import annotations

from typing import Any

from tests.engine.fakes import FakeMessage, message
from tuinb.engine import EngineEvent, WidgetChanged, WidgetClosed
from tuinb.engine.comms import CommManager
from tuinb.engine.widgetstate import WIDGET_STATE_MIME, WidgetStore


class Kernel:
    """Records what the manager sends; each message gets msg_id s1, s2, …"""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def send(self, msg_type: str, content: dict[str, Any]) -> str:
        self.sent.append((msg_type, content))
        return f"s{len(self.sent)}"


def manager() -> tuple[CommManager, Kernel, list[EngineEvent]]:
    kernel = Kernel()
    events: list[EngineEvent] = []
    return CommManager(kernel.send, events.append), kernel, events


def slider_open(comm_id: str = "m1", **state: Any) -> FakeMessage:
    data = {
        "state": {"_model_name": "IntSliderModel", "_model_module": "@jupyter-widgets/controls",
                  "_model_module_version": "2.0.0", "value": 1, **state},
        "buffer_paths": [],
    }  # fmt: skip
    return message("comm_open", "exec1", comm_id=comm_id, target_name="jupyter.widget", data=data)


def comm_msg(comm_id: str, parent: str | None, **data: Any) -> FakeMessage:
    return message("comm_msg", parent, comm_id=comm_id, data=data)


async def test_open_update_close() -> None:
    comms, _, events = manager()
    assert await comms.handle(slider_open())
    assert await comms.handle(comm_msg("m1", "exec1", method="update", state={"value": 4}))
    model = comms.store.get("m1")
    assert model is not None
    assert model.state["value"] == 4
    assert await comms.handle(message("comm_close", "exec1", comm_id="m1", data={}))
    assert "m1" not in comms.store
    assert events == [WidgetChanged("m1"), WidgetChanged("m1"), WidgetClosed("m1")]


async def test_other_messages_are_left_to_the_router() -> None:
    comms, _, _ = manager()
    assert not await comms.handle(message("stream", "exec1", name="stdout", text="x"))
    assert not await comms.handle(message("status", "exec1", execution_state="idle"))


async def test_echo_of_an_older_change_does_not_move_the_slider_back() -> None:
    comms, kernel, _ = manager()
    await comms.handle(slider_open())
    await comms.update("m1", {"value": 5})
    await comms.update("m1", {"value": 6})
    assert [content["data"]["state"] for _, content in kernel.sent] == [{"value": 5}, {"value": 6}]
    model = comms.store.get("m1")
    assert model is not None
    await comms.handle(comm_msg("m1", "s1", method="echo_update", state={"value": 5}))
    assert model.state["value"] == 6
    assert model.pending_echo == {"value": "s2"}
    await comms.handle(comm_msg("m1", "s2", method="echo_update", state={"value": 6}))
    assert model.pending_echo == {}
    # an echo of another frontend's change applies
    await comms.handle(comm_msg("m1", "other", method="echo_update", state={"value": 9}))
    assert model.state["value"] == 9


async def test_binary_buffers_land_at_their_paths_and_save_as_base64() -> None:
    comms, _, _ = manager()
    data = {
        "state": {"_model_name": "ImageModel", "value": None, "format": "png"},
        "buffer_paths": [["value"]],
    }
    opened = message("comm_open", "e", comm_id="img", target_name="jupyter.widget", data=data)
    opened = FakeMessage(**{**opened.__dict__, "buffers": [b"\x89PNG"]})
    await comms.handle(opened)
    model = comms.store.get("img")
    assert model is not None
    assert model.state["value"] == b"\x89PNG"
    saved = comms.store.widget_state()["state"]["img"]
    assert saved["state"]["value"] is None
    assert saved["buffers"] == [{"path": ["value"], "encoding": "base64", "data": "iVBORw=="}]
    again = WidgetStore()
    assert again.load_saved({"widgets": {WIDGET_STATE_MIME: comms.store.widget_state()}}) == 1
    restored = again.get("img")
    assert restored is not None
    assert restored.state["value"] == b"\x89PNG"
    assert not restored.live


async def test_unknown_target_is_closed_and_version_target_validated() -> None:
    comms, kernel, events = manager()
    assert await comms.handle(message("comm_open", "e", comm_id="x", target_name="no.one", data={}))
    assert await comms.handle(
        message("comm_open", "e", comm_id="v", target_name="jupyter.widget.version", data={})
    )
    assert kernel.sent == [
        ("comm_close", {"comm_id": "x", "data": {}}),
        ("comm_msg", {"comm_id": "v", "data": {"validated": True}}),
    ]
    assert events == []


async def test_changes_to_a_saved_widget_stay_local() -> None:
    comms, kernel, _ = manager()
    saved = {
        "version_major": 2,
        "version_minor": 0,
        "state": {"m9": {"model_name": "CheckboxModel", "model_module": "@jupyter-widgets/controls",
                         "model_module_version": "2.0.0", "state": {"value": False}}},
    }  # fmt: skip
    assert comms.store.load_saved({"widgets": {WIDGET_STATE_MIME: saved}}) == 1
    assert await comms.update("m9", {"value": True})
    assert kernel.sent == []
    assert not await comms.click("m9")
    assert not await comms.update("unknown", {"value": 1})


async def test_output_widget_capture_and_clear_wait() -> None:
    comms, _, _ = manager()
    state = {"_model_name": "OutputModel", "msg_id": "", "outputs": []}
    await comms.handle(
        message("comm_open", "e", comm_id="o", target_name="jupyter.widget", data={"state": state})
    )
    await comms.handle(comm_msg("o", "e", method="update", state={"msg_id": "exec7"}))
    assert await comms.handle(message("stream", "exec7", name="stdout", text="a\n"))
    assert await comms.handle(message("stream", "exec7", name="stdout", text="b\n"))
    assert await comms.handle(message("clear_output", "exec7", wait=True))
    out = comms.store.get("o")
    assert out is not None
    assert out.state["outputs"] == [{"output_type": "stream", "name": "stdout", "text": "a\nb\n"}]
    assert await comms.handle(message("stream", "exec7", name="stdout", text="c\n"))
    assert out.state["outputs"] == [{"output_type": "stream", "name": "stdout", "text": "c\n"}]
    await comms.handle(comm_msg("o", "e", method="update", state={"msg_id": ""}))
    assert not await comms.handle(message("stream", "exec7", name="stdout", text="d\n"))


async def test_kernel_gone_keeps_models_but_stops_sending() -> None:
    comms, kernel, _ = manager()
    await comms.handle(slider_open())
    comms.kernel_gone()
    assert await comms.update("m1", {"value": 3})
    assert kernel.sent == []
    model = comms.store.get("m1")
    assert model is not None
    assert model.state["value"] == 3
