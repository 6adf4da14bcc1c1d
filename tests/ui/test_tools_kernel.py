"""Completion and help in the editor against a real ipykernel (started by tuinb's layers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.editor_helpers import nb_screen
from tests.ui.test_exec_kernel import editor, wait

pytestmark = [pytest.mark.kernel, pytest.mark.usefixtures("python3_kernelspec")]


async def test_tab_completes_from_the_kernel_with_types(tmp_path: Path) -> None:
    async with editor(tmp_path, [("code", "import os\nos.pa"), ("code", "print(")]) as (app, pilot):
        screen = nb_screen(app)
        popup = screen.tools.completion_popup
        await pilot.press("enter", "down", "end")

        async def listed() -> bool:
            # a fresh kernel's first answer (jedi warming up) may miss the 1 s deadline:
            # the hint shows and the late answer is dropped; tab again
            if popup.shows_hint:
                await pilot.press("escape")
            if not popup.display:
                await pilot.press("tab")
            await pilot.pause(0.1)
            return popup.is_open

        for _ in range(20):
            if await listed():
                break
        assert popup.is_open
        texts = [match.text for match in popup.matches]
        assert "path" in texts
        assert "pathsep" in texts
        typed = [match for match in popup.matches if match.type]
        assert typed  # types from IPython's _jupyter_types_experimental
        rendered = str(popup.render())
        assert f"{typed[0].text}" in rendered
        assert typed[0].type in rendered
        chosen = popup.chosen
        assert chosen is not None
        await pilot.press("enter")
        assert screen.editor.text == "import os\nos." + chosen.text
        await pilot.press("escape", "j", "enter", "end", "shift+tab")
        help_popup = screen.tools.help_popup
        await wait(pilot, lambda: help_popup.is_open, "the kernel's help on print")
        assert "print(" in help_popup.text.replace("\x1b[0m", "")
        assert "Docstring" in help_popup.text or "Prints the values" in help_popup.text


async def test_a_busy_kernel_answers_at_once_and_typing_goes_on(tmp_path: Path) -> None:
    cells = [("code", "import time\ntime.sleep(5)"), ("code", "time.sl")]
    async with editor(tmp_path, cells) as (app, pilot):  # type: ignore[arg-type]
        screen = nb_screen(app)
        await pilot.press("ctrl+j")
        await wait(pilot, lambda: "busy" in screen.status.plain, "the cell to run")
        await pilot.press("j", "enter", "end", "tab")
        popup = screen.tools.completion_popup
        await wait(pilot, lambda: popup.shows_hint, "the hint")
        assert popup.hint == "kernel busy"
        await pilot.press("e")
        assert screen.editor.text == "time.sle"
        await pilot.press("escape")
        await pilot.press("i", "i")  # interrupt the sleep: the kernel goes down quickly
