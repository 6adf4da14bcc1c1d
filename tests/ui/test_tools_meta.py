"""Tags and metadata from the editor; copying to the system clipboard (the bytes written)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from tests.ui.editor_helpers import (
    SIZE,
    make_app,
    nb_screen,
    screen_text,
    settle,
    stream,
    write_notebook,
)
from tuinb.model import load, save
from tuinb.ui.app import TuinbApp
from tuinb.ui.dialogs.metadata_editor import MetadataEditor
from tuinb.ui.dialogs.tag_editor import TagEditor
from tuinb.ui.screen.notebook_screen import NotebookScreen

OSC52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")


async def test_tags_are_added_with_completion_removed_and_shown_under_the_cell(
    tmp_path: Path,
) -> None:
    path = write_notebook(tmp_path / "t.ipynb", [("code", "a = 1"), ("code", "b = 2")])
    notebook = load(path)
    notebook.set_cell_metadata(notebook.cells[1].id, "tags", ["slow-test"])
    save(notebook, path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await settle(pilot, lambda: isinstance(app.screen, TagEditor), "the tag editor")
        await pilot.press(*"sl", "right", "enter")  # completed from the notebook's tags
        await pilot.press(*"bad tag", "enter")
        problem = str(app.screen.query_one("#tags-problem").render())
        assert "cannot contain spaces" in problem
        await pilot.press("ctrl+u", *"param", "right", "enter")
        assert app.notebook.cells[0].metadata["tags"] == ["slow-test", "parameters"]
        await pilot.press("tab", "delete")  # the first tag in the list
        assert app.notebook.cells[0].metadata["tags"] == ["parameters"]
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, TagEditor), "the editor to close")
        await pilot.pause()
        assert "tags: parameters" in screen_text(app)
        assert "tags: slow-test" in screen_text(app)  # the other cell's
        await pilot.press("z")  # each change is an undo step
        assert app.notebook.cells[0].metadata["tags"] == ["slow-test", "parameters"]


async def test_metadata_json_refused_with_the_reason_then_applied(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "m.ipynb", [("code", "a = 1")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+m")
        await settle(pilot, lambda: isinstance(app.screen, MetadataEditor), "the editor")
        dialog = app.screen
        assert isinstance(dialog, MetadataEditor)
        box = dialog.query_one("#metadata-text")
        box.text = '{"tags": ["x"], "custom": [1, 2'  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        problem = str(dialog.query_one("#metadata-problem").render())
        assert problem.startswith("Invalid JSON at line 1")
        assert "nothing changed" in problem
        assert dialog.edited == '{"tags": ["x"], "custom": [1, 2'  # the text is kept
        assert app.notebook.cells[0].metadata == {}
        box.text = '{"tags": ["x"], "custom": [1, 2]}'  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not isinstance(app.screen, MetadataEditor), "it to apply")
        assert app.notebook.cells[0].metadata == {"tags": ["x"], "custom": [1, 2]}
        await pilot.press("alt+n")
        await settle(pilot, lambda: isinstance(app.screen, MetadataEditor), "the editor")
        dialog = app.screen
        assert isinstance(dialog, MetadataEditor)
        assert '"kernelspec"' in dialog.edited
        dialog.query_one("#metadata-text").text = '{"kernelspec": 3}'  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        assert '"kernelspec" must be an object' in str(
            dialog.query_one("#metadata-problem").render()
        )
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, MetadataEditor), "it to close")
        assert app.notebook.metadata["kernelspec"]["name"] == "python3"


def capture_writes(screen: NotebookScreen) -> list[str]:
    """What the screen writes to the terminal from now on (a headless app has none)."""
    written: list[str] = []

    def write(text: str) -> bool:
        written.append(text)
        return True

    screen.write_terminal = write  # type: ignore[method-assign]
    return written


def copies(app: TuinbApp, written: list[str]) -> list[str]:
    """The texts sent to the clipboard, decoded from the OSC 52 sequences written."""
    return [base64.b64decode(m).decode() for text in written for m in OSC52.findall(text)]


async def test_copies_go_to_the_terminal_as_osc52_and_output_text_is_sanitised(
    tmp_path: Path,
) -> None:
    path = write_notebook(
        tmp_path / "c.ipynb",
        [("code", "print('hi')\nx = 1")],
        outputs={0: [stream("red \x1b[31mtext\x1b[0m\x1b]0;title\x07\n")]},
    )
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        written = capture_writes(screen)
        await pilot.press("ctrl+c")
        assert copies(app, written) == ["print('hi')\nx = 1"]
        await pilot.press("alt+c")
        assert copies(app, written)[-1] == "red text"
        assert "\x1b[31m" not in "".join(written[1:]).replace("\x1b]52;", "")
        await pilot.press("enter", "shift+right", "shift+right", "shift+right", "shift+right")
        await pilot.press("shift+right", "ctrl+c")
        assert copies(app, written)[-1] == "print"
        assert screen.mode == "edit"
        assert app.cell_clipboard == []  # the cells' clipboard (c / x / v) is another one


async def test_a_copy_too_large_for_a_terminal_is_refused(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "c.ipynb", [("code", "x" * 200_000)])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = nb_screen(app)
        written = capture_writes(screen)
        await pilot.press("ctrl+c")
        assert written == []
        notes = [str(note.message) for note in app._notifications]
        assert any(note.startswith("Not copied: the cell's source is 200 KB") for note in notes)
