"""Issue 9, item 4: a recovery copy is never dropped while it holds work the file lacks.

The reproduction: open a notebook, type, `kill -9` tuinb (its recovery copy
stays), then `touch` the notebook as a `git checkout` would. The copy must
be offered (with which is newer and when each was written), and only a
discard, or a save that holds its content, may delete it.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.ui.editor_helpers import SIZE, make_app, settle, sources, write_notebook
from tests.ui.test_editor_safety import modal_id
from tuinb import paths
from tuinb.model import find_recovery, load, load_recovery, note_saved, save, write_recovery


def killed_with_unsaved_work(tmp_path: Path) -> tuple[Path, Path]:
    """The state a killed tuinb leaves: the file, and a copy with work it lacks; then touch."""
    path = write_notebook(tmp_path / "nb.ipynb", [("code", "a = 1")])
    work = load(path)
    work.set_source(work.cells[0].id, "a = 1  # typed before kill -9")
    copy = write_recovery(work, path)
    os.utime(copy, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    os.utime(path)  # git checkout: the file is newer than the copy, without the work
    return path, copy


def test_a_copy_older_than_a_touched_file_is_offered_and_says_which_is_newer(
    tmp_path: Path,
) -> None:
    path, copy = killed_with_unsaved_work(tmp_path)
    offer = find_recovery(path)
    assert offer is not None
    assert offer.copy == copy
    assert not offer.copy_is_newer
    question = offer.question()
    assert question.startswith("A recovery copy of nb.ipynb holds unsaved work that differs")
    assert "the copy was written 2023-11-14 " in question
    assert "the file is newer" in question
    assert offer.file_written is not None
    assert offer.file_written.strftime("%Y-%m-%d %H:%M:%S") in question


def test_a_save_that_did_not_restore_the_copy_keeps_it(tmp_path: Path) -> None:
    path, copy = killed_with_unsaved_work(tmp_path)
    offer = find_recovery(path)
    assert offer is not None
    from tuinb.model import set_aside

    aside = set_aside(path, offer.copy)  # the user put the offer off
    assert aside is not None
    assert aside != copy
    fresh = load(path)
    fresh.set_source(fresh.cells[0].id, "other work")
    write_recovery(fresh, path)  # this session's own copy: the other one is untouched
    save(fresh)
    note_saved(path)
    assert not copy.exists(), "this session's copy is dropped by its save"
    assert aside.exists(), "the put-off copy still holds work the file lacks"
    again = find_recovery(path)
    assert again is not None
    assert again.copy == aside
    restored = load_recovery(path, aside)
    assert restored.cells[0].source == "a = 1  # typed before kill -9"
    save(restored)
    note_saved(path)
    assert not aside.exists()
    assert not copy.exists()
    assert find_recovery(path) is None


async def test_the_editor_offers_it_and_escape_keeps_it_for_later(tmp_path: Path) -> None:
    path, _copy = killed_with_unsaved_work(tmp_path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: modal_id(app) == "recovery-modal", "the recovery offer")
        await pilot.press("escape")  # decide later
        await settle(pilot, lambda: modal_id(app) is None, "the offer to close")
        assert sources(app) == ["a = 1"]
        await pilot.press("b", "ctrl+s")  # a save of other work
        await settle(pilot, lambda: not app.notebook.dirty, "the save")
    kept = find_recovery(path)
    assert kept is not None, "the save deleted a copy the user had not discarded"
    assert load(kept.copy).cells[0].source == "a = 1  # typed before kill -9"
    assert not paths.recovery_file(path).exists(), "the session's own copy went with its save"

    again = make_app(path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: modal_id(again) == "recovery-modal", "the offer again")
        await pilot.press("d")
        await settle(pilot, lambda: modal_id(again) is None, "the offer to close")
    assert find_recovery(path) is None
    assert not kept.copy.exists()


async def test_the_editor_restores_it_and_the_save_drops_it(tmp_path: Path) -> None:
    path, copy = killed_with_unsaved_work(tmp_path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: modal_id(app) == "recovery-modal", "the recovery offer")
        await pilot.press("r")
        await settle(
            pilot, lambda: sources(app) == ["a = 1  # typed before kill -9"], "the restore"
        )
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not app.notebook.dirty, "the save")
    assert load(path).cells[0].source == "a = 1  # typed before kill -9"
    assert not copy.exists()
    assert find_recovery(path) is None
