"""Completion and contextual help in the editor, against a scripted engine.

`tab` after a name lists the kernel's completions under the cursor; one is
inserted at once; typing filters the list without a new request; a late or
stale answer is dropped and typing never waits. `shift+tab` shows help under
the cursor, again (or `alt+h`) full screen; at a line's start it dedents.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.ui.editor_helpers import SIZE, make_app, nb_screen, settle, write_notebook
from tests.ui.scripted_engine import ScriptedEngine
from tuinb.engine.completion import Completion, Help, Match
from tuinb.model import load
from tuinb.ui.app import TuinbApp
from tuinb.ui.dialogs.help_pager import HelpPager


def completion(code: str, pos: int, start: int, *words: tuple[str, str]) -> Completion:
    """An "ok" answer whose matches replace code[start:pos]."""
    matches = tuple(Match(text, start, pos, kind) for text, kind in words)
    return Completion("ok", code, pos, matches, start, pos)


@asynccontextmanager
async def editing(
    tmp_path: Path, source: str, engine_class: type[ScriptedEngine] = ScriptedEngine
) -> AsyncIterator[tuple[TuinbApp, Pilot[Any], ScriptedEngine]]:
    """The editor on one code cell, in edit mode with the cursor at the end of `source`."""
    path = write_notebook(tmp_path / "c.ipynb", [("code", source)])
    notebook = load(path)
    engine = engine_class(notebook)
    app = make_app(path, engine=engine, check_recovery=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        editor = nb_screen(app).editor
        await settle(pilot, lambda: editor.has_focus, "edit mode")
        lines = source.split("\n")
        editor.cursor_location = (len(lines) - 1, len(lines[-1]))
        yield app, pilot, engine


def popup_text(app: TuinbApp) -> str:
    popup = nb_screen(app).tools.completion_popup
    return str(popup.render()) if popup.display else ""


async def test_tab_lists_completions_with_types_and_enter_inserts(tmp_path: Path) -> None:
    async with editing(tmp_path, "import os\nos.pa") as (app, pilot, engine):
        code = "import os\nos.pa"
        engine.completions[(code, 15)] = completion(
            code, 15, 13, ("pardir", "instance"), ("path", "module"), ("pathsep", "instance")
        )
        screen = nb_screen(app)
        popup = screen.tools.completion_popup
        await pilot.press("tab")
        await settle(pilot, lambda: popup.is_open, "the completion list")
        shown = popup_text(app)
        assert "pardir" in shown
        assert "module" in shown
        assert "pathsep" in shown
        # under the cursor: one row below it, at its column or left of it
        cursor = screen.editor.cursor_screen_offset
        assert popup.region.y == cursor.y + 1
        assert popup.region.x <= cursor.x
        await pilot.press("down", "down", "up")
        assert popup.chosen is not None
        assert popup.chosen.text == "path"
        await pilot.press("enter")
        assert screen.editor.text == "import os\nos.path"
        assert not popup.display
        assert screen.mode == "edit"  # enter inserted the completion, no new line
        assert engine.calls_named("complete") == [(code, 15)]


async def test_typing_filters_without_asking_again_and_escape_stays_in_edit_mode(
    tmp_path: Path,
) -> None:
    async with editing(tmp_path, "pr") as (app, pilot, engine):
        engine.completions[("pr", 2)] = completion(
            "pr", 2, 0, ("print", "function"), ("property", "class"), ("PrintError", "class")
        )
        screen = nb_screen(app)
        popup = screen.tools.completion_popup
        await pilot.press("tab")
        await settle(pilot, lambda: popup.is_open, "the completion list")
        await pilot.press("o")
        assert [m.text for m in popup.matches] == ["property"]
        assert screen.editor.text == "pro"
        await pilot.press("escape")
        assert not popup.display
        assert screen.mode == "edit"
        assert screen.editor.has_focus
        assert len(engine.calls_named("complete")) == 1  # typing asked nothing more
        await pilot.press("x")  # the word left the matches: a new tab asks again
        assert screen.editor.text == "prox"


async def test_a_single_match_is_inserted_at_once_and_a_common_prefix_first(
    tmp_path: Path,
) -> None:
    async with editing(tmp_path, "x = len") as (app, pilot, engine):
        engine.completions[("x = len", 7)] = completion("x = len", 7, 4, ("len", "function"))
        screen = nb_screen(app)
        engine.completions[("x = leng", 8)] = completion(
            "x = leng", 8, 4, ("length_a", ""), ("length_b", "")
        )
        await pilot.press("g", "tab")
        await settle(pilot, lambda: screen.tools.completion_popup.is_open, "the list")
        assert screen.editor.text == "x = length_"  # what both share went in already
        await pilot.press("escape", "backspace", "backspace", "backspace", "backspace", "backspace")
        assert screen.editor.text == "x = le"
        engine.completions[("x = le", 6)] = completion("x = le", 6, 4, ("len", "function"))
        await pilot.press("tab")
        await settle(pilot, lambda: screen.editor.text == "x = len", "the single match")
        assert not screen.tools.completion_popup.display


async def test_tab_at_line_start_or_after_space_indents(tmp_path: Path) -> None:
    async with editing(tmp_path, "if x:\n") as (app, pilot, engine):
        screen = nb_screen(app)
        await pilot.press("tab")
        assert screen.editor.text == "if x:\n    "
        await pilot.press(*"a = ", "tab")
        assert screen.editor.text == "if x:\n    a =     "  # after a space: the next tab stop
        assert engine.calls_named("complete") == []


class GatedEngine(ScriptedEngine):
    """Answers completions only when the test opens the gate."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = asyncio.Event()

    async def complete(self, code: str, cursor_pos: int) -> Completion:
        answer = await super().complete(code, cursor_pos)
        await self.gate.wait()
        return answer


async def test_typing_never_waits_and_a_stale_answer_is_dropped(tmp_path: Path) -> None:
    async with editing(tmp_path, "ab", GatedEngine) as (app, pilot, engine):
        assert isinstance(engine, GatedEngine)
        engine.completions[("ab", 2)] = completion("ab", 2, 0, ("abc", ""), ("abd", ""))
        screen = nb_screen(app)
        await pilot.press("tab")
        await settle(pilot, lambda: engine.calls_named("complete") != [], "the request")
        await pilot.press("x", "y")  # the kernel has not answered: typing goes on
        assert screen.editor.text == "abxy"
        engine.gate.set()

        def answered() -> bool:
            return all(w.is_finished for w in app.workers if w.group == "complete")

        await settle(pilot, answered, "the late answer")
        await pilot.pause()
        assert not screen.tools.completion_popup.display  # the answer was for "ab"
        assert screen.editor.text == "abxy"


async def test_a_busy_kernel_shows_a_hint_that_the_next_key_closes(tmp_path: Path) -> None:
    async with editing(tmp_path, "a") as (app, pilot, engine):
        engine.completions[("a", 1)] = Completion("busy", "a", 1)
        popup = nb_screen(app).tools.completion_popup
        await pilot.press("tab")
        await settle(pilot, lambda: popup.shows_hint, "the hint")
        assert "kernel busy" in popup_text(app)
        await pilot.press("b")
        assert not popup.display
        assert nb_screen(app).editor.text == "ab"


async def test_shift_tab_shows_help_then_the_pager(tmp_path: Path) -> None:
    text = "\x1b[31mSignature:\x1b[0m print(*args)\x1b]52;c;ZXZpbA==\x07\nDocstring: prints.\n"
    async with editing(tmp_path, "print(") as (app, pilot, engine):
        engine.help[("print(", 6)] = Help("ok", True, text)
        screen = nb_screen(app)
        popup = screen.tools.help_popup
        await pilot.press("shift+tab")
        await settle(pilot, lambda: popup.is_open, "the help popup")
        shown = popup.render()
        assert "Signature: print(*args)" in str(shown)
        assert "52;c" not in str(shown)  # only colours of the kernel's text are kept
        await pilot.press("shift+tab")
        await settle(pilot, lambda: isinstance(app.screen, HelpPager), "the pager")
        assert not popup.display
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, HelpPager), "the pager to close")
        assert screen.editor.has_focus
        assert screen.editor.text == "print("
        await pilot.press("alt+h")  # the pager at once
        await settle(pilot, lambda: isinstance(app.screen, HelpPager), "the pager again")


async def test_shift_tab_dedents_at_line_start_and_alt_comma_always(tmp_path: Path) -> None:
    async with editing(tmp_path, "if x:\n        y") as (app, pilot, engine):
        screen = nb_screen(app)
        editor = screen.editor
        editor.cursor_location = (1, 8)
        await pilot.press("shift+tab")
        assert editor.text == "if x:\n    y"
        assert engine.calls_named("inspect") == []
        editor.cursor_location = (1, 5)
        await pilot.press("alt+comma")
        assert editor.text == "if x:\ny"


async def test_help_with_nothing_found_says_so(tmp_path: Path) -> None:
    async with editing(tmp_path, "zzz") as (app, pilot, engine):
        engine.help[("zzz", 3)] = Help("ok", False)
        popup = nb_screen(app).tools.completion_popup
        await pilot.press("shift+tab")
        await settle(pilot, lambda: popup.shows_hint, "the hint")
        assert "no help found" in popup_text(app)


async def test_markdown_cells_indent_and_ask_no_kernel(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "m.ipynb", [("markdown", "Some text")])
    notebook = load(path)
    engine = ScriptedEngine(notebook)
    app = make_app(path, engine=engine, check_recovery=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "end", "tab")
        editor = nb_screen(app).editor
        assert editor.text == "Some text   "  # to the next tab stop
        await pilot.press("shift+tab")
        assert engine.calls_named("complete") == []
        assert engine.calls_named("inspect") == []
