"""Completion and help without a kernel: replies as values, the text rules, stale replies."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from tests.kernel_support import within
from tuinb.engine.completion import (
    Completion,
    Help,
    Match,
    apply_match,
    common_prefix,
    completion_from_reply,
    help_from_reply,
    refine,
    wants_completion,
    wants_help,
)
from tuinb.engine.introspect import Completer, complete, inspect

CODE = "import os\nos.pa"


def reply(**content: Any) -> SimpleNamespace:
    return SimpleNamespace(**{"status": "ok", "metadata": {}, **content})


def ipython_reply() -> SimpleNamespace:
    """What ipykernel sent for CODE (recorded), trimmed to three matches."""
    types = [
        {"start": 13, "end": 15, "text": "pardir", "type": "module", "signature": ""},
        {"start": 13, "end": 15, "text": "path", "type": "<unknown>", "signature": ""},
        {"start": 13, "end": 15, "text": "Pathlike", "type": "class", "signature": "(x)"},
    ]
    return reply(
        matches=["pardir", "path", "Pathlike"],
        cursor_start=13,
        cursor_end=15,
        metadata={"_jupyter_types_experimental": types},
    )


def test_types_come_from_jupyter_types_experimental() -> None:
    result = completion_from_reply(ipython_reply(), CODE, len(CODE))
    assert result.status == "ok"
    assert (result.cursor_start, result.cursor_end) == (13, 15)
    assert result.matches == (
        Match("pardir", 13, 15, "module"),
        Match("path", 13, 15, ""),
        Match("Pathlike", 13, 15, "class", "(x)"),
    )
    assert result.hint == ""


def test_matches_without_types_and_odd_values_are_kept_safe() -> None:
    content = reply(matches=["a", 3, "b", "a"], cursor_start=-4, cursor_end=99)
    result = completion_from_reply(content, "ab", 2)
    assert result.matches == (Match("a", 2, 2), Match("b", 2, 2))
    types = [{"text": "b", "type": "function", "signature": "()"}]
    misaligned = reply(
        matches=["a", "b"],
        cursor_start=0,
        cursor_end=2,
        metadata={"_jupyter_types_experimental": types},
    )
    assert completion_from_reply(misaligned, "ab", 2).matches == (
        Match("a", 0, 2),
        Match("b", 0, 2, "function", "()"),
    )


def test_an_error_reply_and_an_empty_one() -> None:
    assert completion_from_reply(reply(status="error"), "x", 1).status == "error"
    empty = completion_from_reply(reply(matches=[], cursor_start=1, cursor_end=1), "x", 1)
    assert empty.hint == "no completions"
    assert Completion("busy", "x", 1).hint == "kernel busy"


def test_help_keeps_colours_and_drops_every_other_escape() -> None:
    text = "\x1b[31mSignature:\x1b[39m len(obj)\x1b]0;title\x07\x1b[2J\nDocstring: ok"
    result = help_from_reply(reply(found=True, data={"text/plain": text}))
    assert result.found
    assert result.text == "\x1b[31mSignature:\x1b[39m len(obj)\nDocstring: ok"
    assert result.plain == "Signature: len(obj)\nDocstring: ok"
    missing = help_from_reply(reply(found=False, data={}))
    assert (missing.found, missing.hint) == (False, "no help found")
    assert Help("timeout").hint == "the kernel did not answer"


@pytest.mark.parametrize(
    ("before", "selection", "completes"),
    [
        ("os.pa", False, True),
        ("x = f(", False, True),
        ("    ", False, False),
        ("", False, False),
        ("x = ", False, False),
        ("os.pa", True, False),
    ],
)
def test_tab_completes_after_text_and_indents_after_blanks(
    before: str, selection: bool, completes: bool
) -> None:
    assert wants_completion(before, has_selection=selection) is completes


@pytest.mark.parametrize(
    ("before", "selection", "helps"),
    [
        ("len", False, True),
        ("print(x, ", False, True),
        ("    ", False, False),
        ("", False, False),
        ("len", True, False),
    ],
)
def test_shift_tab_helps_after_a_name_and_dedents_at_the_margin(
    before: str, selection: bool, helps: bool
) -> None:
    assert wants_help(before, has_selection=selection) is helps


def test_typing_on_filters_without_asking_again() -> None:
    result = completion_from_reply(ipython_reply(), CODE, len(CODE))
    assert [m.text for m in refine(result, CODE + "t", len(CODE) + 1) or []] == [
        "path",
        "Pathlike",
    ]
    assert [m.text for m in refine(result, CODE + "r", len(CODE) + 1) or []] == ["pardir"]
    assert refine(result, CODE + "z", len(CODE) + 1) == []
    assert refine(result, CODE[:-1], len(CODE) - 1) is not None  # backspace inside the word
    assert [m.text for m in refine(result, "import os\nos.P", 14) or []] == [
        "Pathlike",
        "pardir",
        "path",
    ]


def test_leaving_the_word_closes_the_list() -> None:
    result = completion_from_reply(ipython_reply(), CODE, len(CODE))
    assert refine(result, CODE + " ", len(CODE) + 1) is None
    assert refine(result, "import os\nos", 12) is None  # before the completed word
    assert refine(result, "import sys\nos.pa", 16) is None  # text before it changed
    assert refine(Completion("busy", CODE, 15), CODE, 15) is None


def test_accepting_a_match_replaces_the_word_and_what_was_typed_since() -> None:
    code = "x = os.pa + 1"
    result = completion_from_reply(reply(matches=["path"], cursor_start=7, cursor_end=9), code, 9)
    typed_on = "x = os.pat + 1"
    assert apply_match(result, result.matches[0], typed_on, 10) == ("x = os.path + 1", 11)
    assert apply_match(result, result.matches[0], code, 9) == ("x = os.path + 1", 11)


def test_common_prefix_of_the_matches() -> None:
    assert common_prefix([Match("pathconf", 0, 1), Match("pathsep", 0, 1)]) == "path"
    assert common_prefix([Match("a", 0, 1), Match("b", 0, 1)]) == ""
    assert common_prefix([]) == ""


# ----------------------------------------------------------- deadlines


class Never:
    """A client whose kernel never answers."""

    async def complete(self, code: str, cursor_pos: int, *, timeout: float = 10) -> Any:  # noqa: ASYNC109
        await asyncio.Event().wait()

    async def inspect(
        self,
        code: str,
        cursor_pos: int,
        detail_level: int = 0,
        *,
        timeout: float = 10,  # noqa: ASYNC109
    ) -> Any:
        await asyncio.Event().wait()


class Broken(Never):
    async def complete(self, code: str, cursor_pos: int, *, timeout: float = 10) -> Any:  # noqa: ASYNC109
        raise RuntimeError("the connection to python3 was closed")


async def test_a_kernel_that_never_answers_gives_timeout_or_busy_at_the_deadline() -> None:
    async with within(5, "three requests to time out"):
        idle = await complete(Never(), "x", 1, deadline=0.05)
        busy = await complete(Never(), "x", 1, deadline=0.05, busy=lambda: True)
        helpless = await inspect(Never(), "x", 1, deadline=0.05, busy=lambda: True)
    assert (idle.status, busy.status, helpless.status) == ("timeout", "busy", "busy")


async def test_while_our_cell_runs_the_answer_is_busy_without_a_request() -> None:
    async with within(1, "an answer without a request"):
        assert (await complete(Never(), "x", 1, running=True)).status == "busy"
        assert (await inspect(Never(), "x", 1, running=True)).status == "busy"


async def test_no_kernel_or_a_failing_one_is_unavailable() -> None:
    async with within(5, "requests without a kernel"):
        assert (await complete(None, "x", 9)).status == "unavailable"
        assert (await complete(Broken(), "x", 1)).status == "unavailable"
        assert (await inspect(None, "x", 1)).status == "unavailable"


class Gate:
    """A source that answers when the test says so."""

    def __init__(self) -> None:
        self.open = asyncio.Event()

    async def complete(self, code: str, cursor_pos: int) -> Completion:
        await self.open.wait()
        return Completion("ok", code, cursor_pos, (Match("alpha", 0, cursor_pos),))

    async def inspect(self, code: str, cursor_pos: int, detail_level: int = 0) -> Help:
        await self.open.wait()
        return Help("ok", True, "alpha(x)")


async def test_a_reply_for_changed_text_is_dropped() -> None:
    gate = Gate()
    completer = Completer(gate)
    async with within(5, "a stale and a fresh completion"):
        pending = asyncio.create_task(completer.complete("al", 2))
        await asyncio.sleep(0)
        completer.text_changed()
        gate.open.set()
        assert await pending is None
        fresh = await completer.complete("alp", 3)
        assert fresh is not None
        assert fresh.matches[0].text == "alpha"


async def test_only_the_latest_request_is_answered() -> None:
    gate = Gate()
    completer = Completer(gate)
    async with within(5, "two overlapping requests"):
        first = asyncio.create_task(completer.complete("a", 1))
        second = asyncio.create_task(completer.inspect("a", 1))
        await asyncio.sleep(0)
        gate.open.set()
        assert await first is None
        helped = await second
        assert helped is not None
        assert helped.text == "alpha(x)"
