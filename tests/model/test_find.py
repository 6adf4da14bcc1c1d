"""Find and replace across a notebook: toggles, navigation, counts, highlights, undo."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuinb.model import Cell, Notebook, find
from tuinb.model.find import Finder, Hit
from tuinb.model.matching import FindOptions, compile_query, output_text
from tuinb.model.replace import replace_all, replace_current


def notebook(*sources: str, outputs: dict[int, list[dict[str, object]]] | None = None) -> Notebook:
    cells: list[dict[str, Any]] = [
        {
            "id": f"c{i}",
            "cell_type": "code",
            "source": source,
            "metadata": {},
            "outputs": (outputs or {}).get(i, []),
            "execution_count": None,
        }
        for i, source in enumerate(sources)
    ]
    return Notebook.from_dict({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def stream(text: str) -> dict[str, object]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def found(finder: Finder) -> list[tuple[str, int, int]]:
    hits = []
    for cell in finder.notebook.cells:
        hits += [(cell.id, start, end) for start, end in finder.spans(cell.id)]
    return hits


def test_matches_in_every_source_ignoring_case_by_default() -> None:
    finder = Finder(notebook("x = 1\nX += 1", "print(x)", "y = 2"))
    finder.search("x")
    assert found(finder) == [("c0", 0, 1), ("c0", 6, 7), ("c1", 6, 7)]
    assert finder.label == "1 of 3"
    finder.search("x", FindOptions(case_sensitive=True))
    assert found(finder) == [("c0", 0, 1), ("c1", 6, 7)]


def test_whole_word_and_regex_toggles() -> None:
    finder = Finder(notebook("total = tot + to", "to_do = 'to'"))
    finder.search("to", FindOptions(whole_word=True))
    assert found(finder) == [("c0", 14, 16), ("c1", 9, 11)]
    finder.search(r"to\w*", FindOptions(regex=True))
    assert [s for _, s, _ in found(finder)] == [0, 8, 14, 0, 9]
    finder.search(r"^\w+", FindOptions(regex=True))  # ^ at every line start
    assert found(finder) == [("c0", 0, 5), ("c1", 0, 5)]


def test_an_invalid_regex_is_one_sentence_and_no_matches() -> None:
    finder = Finder(notebook("a(b"))
    finder.search("a(", FindOptions(regex=True))
    assert (
        finder.error
        == "Invalid regular expression: missing ), unterminated subpattern at position 1."
    )
    assert finder.label == finder.error
    assert found(finder) == []
    assert finder.next() is None
    finder.search("a(", FindOptions())  # the same text as a literal is fine
    assert found(finder) == [("c0", 0, 2)]
    assert compile_query("[", FindOptions()) != compile_query("[", FindOptions(regex=True))


def test_empty_matches_are_skipped() -> None:
    finder = Finder(notebook("abc"))
    finder.search("x*", FindOptions(regex=True))
    assert found(finder) == []
    assert finder.label == "no matches"


def test_next_and_previous_go_across_cells_and_wrap() -> None:
    finder = Finder(notebook("a a", "b", "a"))
    finder.search("a", near=(1, 0))
    assert finder.current == Hit("c2", 0, 1)
    assert finder.label == "3 of 3"
    assert finder.next() == Hit("c0", 0, 1)
    assert finder.next() == Hit("c0", 2, 3)
    assert finder.label == "2 of 3"
    assert finder.previous() == Hit("c0", 0, 1)
    assert finder.previous() == Hit("c2", 0, 1)
    assert finder.go_to(0, 1) == Hit("c0", 2, 3)
    assert finder.go_to(0, 3) == Hit("c2", 0, 1)
    assert finder.go_to(2, 0, forward=False) == Hit("c2", 0, 1)
    assert finder.go_to(1, 0, forward=False) == Hit("c0", 2, 3)


def test_outputs_are_searched_sanitised_when_asked() -> None:
    nb = notebook(
        "print('hi')",
        outputs={
            0: [
                stream("\x1b[31mhi\x1b[0m there\n"),
                {"output_type": "error", "ename": "E", "evalue": "v", "traceback": []},
            ]
        },
    )
    finder = Finder(nb)
    finder.search("hi")
    assert finder.count == 1
    finder.search("hi", FindOptions(in_outputs=True))
    assert finder.count == 2
    assert finder.spans("c0", 0) == [(0, 2)]
    assert finder.next() == Hit("c0", 0, 2, output=0)
    assert output_text(nb.cells[0].outputs[1]) == "E: v"
    finder.search("e: v", FindOptions(in_outputs=True))
    assert finder.spans("c0", 1) == [(0, 4)]
    assert replace_current(finder, "x").error == (
        "Outputs cannot be edited: only matches in sources are replaced."
    )


def test_line_spans_for_highlighting() -> None:
    finder = Finder(notebook("ab\nxab ab\n\nab"))
    finder.search("ab")
    assert finder.line_spans("c0") == {0: [(0, 2)], 1: [(1, 3), (4, 6)], 3: [(0, 2)]}
    finder.search("b\nx", FindOptions(regex=True))
    assert finder.line_spans("c0") == {0: [(1, 2)], 1: [(0, 1)]}
    assert finder.is_current("c0", 1)


def test_edits_are_picked_up_by_refresh() -> None:
    nb = notebook("cat", "dog")
    finder = Finder(nb)
    finder.search("o")
    assert finder.count == 1
    nb.set_source("c0", "cow")
    finder.refresh()
    assert found(finder) == [("c0", 1, 2), ("c1", 1, 2)]
    nb.delete_cells(["c0"])
    finder.refresh()
    assert found(finder) == [("c1", 1, 2)]


def test_replace_one_moves_to_the_next_and_is_undoable() -> None:
    nb = notebook("a a", "a")
    finder = Finder(nb)
    finder.search("a")
    assert replace_current(finder, "aa").count == 1
    assert nb.cell("c0").source == "aa a"
    assert finder.current == Hit("c0", 3, 4)  # not inside the replacement
    assert finder.label == "3 of 4"  # "aa" holds two matches of its own
    nb.undo()
    assert nb.cell("c0").source == "a a"


def test_replace_all_is_one_undo_step() -> None:
    nb = notebook("x = 1\nx += 1", "print(x)", "y")
    finder = Finder(nb)
    finder.search("x", FindOptions(whole_word=True))
    result = replace_all(finder, "value")
    assert (result.count, result.error) == (3, None)
    assert [c.source for c in nb.cells] == ["value = 1\nvalue += 1", "print(value)", "y"]
    assert finder.label == "no matches"
    assert nb.undo()
    assert [c.source for c in nb.cells] == ["x = 1\nx += 1", "print(x)", "y"]
    assert not nb.dirty


def test_regex_replacement_uses_groups() -> None:
    nb = notebook("f(a, b)\nf(c, d)")
    finder = Finder(nb)
    finder.search(r"f\((\w), (\w)\)", FindOptions(regex=True))
    assert replace_all(finder, r"g(\2, \1)").count == 2
    assert nb.cell("c0").source == "g(b, a)\ng(d, c)"
    finder.search(r"(g)", FindOptions(regex=True))
    bad = replace_all(finder, r"\3")
    assert bad == replace_all(finder, r"\3")
    assert bad.count == 0
    assert bad.error == "Invalid replacement: invalid group reference 3."
    assert nb.cell("c0").source == "g(b, a)\ng(d, c)"


def test_literal_replacement_takes_backslashes_as_they_are() -> None:
    nb = notebook("path")
    finder = Finder(nb)
    finder.search("path")
    replace_all(finder, r"C:\new")
    assert nb.cell("c0").source == r"C:\new"


@pytest.mark.parametrize("query", ["", "nothing"])
def test_no_query_or_no_match(query: str) -> None:
    finder = Finder(notebook("a"))
    finder.search(query)
    assert finder.count == 0
    assert finder.current is None
    assert replace_all(finder, "b").count == 0


def test_only_changed_cells_are_scanned_again(monkeypatch: pytest.MonkeyPatch) -> None:
    nb = notebook(*[f"x{i} = {i}" for i in range(50)])
    finder = Finder(nb)
    finder.search("x1")
    scanned: list[str] = []
    original = Finder._scan

    def counting(self: Finder, cell: Cell, *args: Any) -> Any:
        scanned.append(cell.id)
        return original(self, cell, *args)

    monkeypatch.setattr(Finder, "_scan", counting)
    nb.set_source("c30", "x1 = 30")
    finder.refresh()
    assert scanned == ["c30"]
    assert finder.count == 12  # x1, x10..x19, and c30 now


def test_the_search_stops_at_the_match_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(find, "MAX_MATCHES", 5)
    finder = Finder(notebook("a a a", "a a a", "a"))
    finder.search("a")
    assert finder.truncated
    assert finder.count == 5
    assert finder.label == "1 of 5+"
    assert finder.spans("c2") == []  # never reached
    finder.search("a", near=(2, 0))
    assert finder.current == Hit("c0", 0, 1)  # so the search wraps to the first match


@given(
    text=st.text(alphabet="aAb_ .\n", max_size=40),
    needle=st.text(alphabet="aAb_ .", min_size=1, max_size=3),
    case=st.booleans(),
    whole=st.booleans(),
)
def test_the_fast_literal_search_finds_what_the_expression_finds(
    text: str, needle: str, case: bool, whole: bool
) -> None:
    options = FindOptions(case_sensitive=case, whole_word=whole)
    pattern = compile_query(needle, options)
    assert not isinstance(pattern, str)
    expected = [m.span() for m in pattern.finditer(text) if m.end() > m.start()]
    finder = Finder(notebook(text))
    finder.search(needle, options)
    assert finder.spans("c0") == expected
