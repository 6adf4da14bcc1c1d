"""The status bar's connection state and untrusted mark, and the restart question for a
kernel tuinb does not own, with a scripted engine (a real server cannot drop on demand)."""

from __future__ import annotations

from pathlib import Path

from tests.ui.editor_helpers import settle, status, write_notebook
from tests.ui.test_exec_scripted import editor
from tuinb.engine import events as ev
from tuinb.model import Notebook
from tuinb.model import trust as trust_records
from tuinb.render.status import UNTRUSTED_MARK, TrustMark, kernel_status, status_parts
from tuinb.ui.dialogs.choice import ChoiceModal


def test_kernel_status_says_the_connection_while_it_is_down() -> None:
    assert kernel_status("Python 3", "busy", connection="reconnecting") == (
        "Python 3 (reconnecting…)"
    )
    assert kernel_status("Python 3", "idle", connection="closed") == "Python 3 (disconnected)"
    assert kernel_status("Python 3", "idle", connection="connected") == "Python 3 (idle)"


def test_the_untrusted_mark_rides_in_the_file_names_run() -> None:
    parts = status_parts(
        name="nb.ipynb", dirty=False, mode="command", kernel="k", cell=1, cells=1, untrusted=True
    )
    assert parts[0] == (f" nb.ipynb{UNTRUSTED_MARK}", "bold")


def test_the_trust_mark_is_worked_out_again_only_when_the_notebook_changed() -> None:
    notebook = Notebook.new()
    mark = TrustMark()
    assert not mark.untrusted(notebook)  # made here: trusted
    output = {"output_type": "display_data", "data": {"text/html": "<b>x</b>"}, "metadata": {}}
    notebook.cells[0].outputs.append(output)
    trust_records.record_outputs(notebook, [output])
    assert not mark.untrusted(notebook), "no change of revision: the answer is kept"
    notebook.mark_unsaved()
    assert mark.untrusted(notebook)


async def test_the_bar_says_reconnecting_then_tells_when_the_kernel_is_back(
    tmp_path: Path,
) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "1")])
    async with editor(path) as (app, engine, pilot):
        engine.emit(ev.KernelConnectionChanged("reconnecting", "the server went away"))
        await settle(pilot, lambda: "(reconnecting…)" in status(app), "the reconnecting state")
        engine.emit(ev.KernelConnectionChanged("connected"))
        await settle(pilot, lambda: "(idle)" in status(app), "the kernel's state again")
        said = "\n".join(str(n.message) for n in app._notifications)
        assert "The connection to the kernel dropped (the server went away)" in said
        assert "Reconnected to the kernel." in said


async def test_restarting_a_kernel_tuinb_does_not_own_asks_that_question(
    tmp_path: Path,
) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "1")])
    async with editor(path) as (app, engine, pilot):
        engine.backend.owns_kernel = False  # type: ignore[attr-defined]
        await pilot.press("0", "0")
        await settle(pilot, lambda: isinstance(app.screen, ChoiceModal), "the restart question")
        question = app.screen
        assert isinstance(question, ChoiceModal)
        assert question.question.startswith("This kernel is not tuinb's")
        await pilot.press("c")
        await settle(pilot, lambda: not isinstance(app.screen, ChoiceModal), "the answer")
        assert ("restart", None) not in engine.calls
