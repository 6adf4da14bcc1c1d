"""Issue 9, item 4 as the issue reproduced it: the installed tuinb in tmux, typed into,
killed with `kill -9`, the notebook touched (as a `git checkout` would), reopened."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import tmux, tuinb, write_notebook
from tests.e2e.test_editor_e2e import crash_with_unsaved_work, open_editor
from tests.e2e.tmux import TmuxSession
from tuinb.model import load

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]
__all__ = ["tmux", "tuinb"]  # the fixtures, used here


async def test_kill_9_then_touch_still_offers_the_copy_and_a_later_save_keeps_it(
    tmux: TmuxSession, tuinb: Path, tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "crash.ipynb", [{"source": ""}, {"source": "y = 2"}])
    copy = await crash_with_unsaved_work(tmux, tuinb, notebook)
    os.utime(notebook)  # touched after the crash: the file is newer than the copy

    await open_editor(tmux, tuinb, notebook, session="again")
    screen = await tmux.wait_for(re.compile("the file is newer"), what="the recovery offer")
    assert "holds unsaved work" in screen
    await tmux.send("Escape")  # later
    await tmux.wait_for(re.compile("COMMAND"), what="the notebook")
    await tmux.send("C-s")
    await tmux.send("C-q")
    assert await tmux.wait_exit() == 0, await tmux.exit_report()
    kept = [p for p in copy.parent.iterdir() if p.name.startswith(copy.stem)]
    assert len(kept) == 1
    assert load(kept[0]).cells[0].source == "survivor = 'kept'"
