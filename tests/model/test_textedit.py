"""Comment toggling by language and auto-closing brackets and quotes."""

from __future__ import annotations

import pytest

from tuinb.model.textedit import (
    Typed,
    backspace_pair,
    comment_prefix,
    toggle_comment,
    typed_char,
)


@pytest.mark.parametrize(
    ("language", "prefix"),
    [
        ("python", "#"),
        ("R", "#"),
        ("julia", "#"),
        ("bash", "#"),
        ("C++17", "//"),
        ("javascript", "//"),
        ("rust", "//"),
        ("go", "//"),
        ("sql", "--"),
        ("haskell", "--"),
        ("lua", "--"),
        ("matlab", "%"),
        ("octave", "%"),
        ("clojure", ";"),
        ("brainfuck", "#"),
    ],
)
def test_comment_prefix_follows_the_kernel_language(language: str, prefix: str) -> None:
    assert comment_prefix(language) == prefix


def test_comment_at_the_smallest_indent_and_back() -> None:
    text = "def f():\n    x = 1\n\n    return x\n"
    edit = toggle_comment(text, 1, 3, "#")
    assert edit.text == "def f():\n    # x = 1\n\n    # return x\n"
    assert edit.moved(1, 8) == (1, 10)
    assert edit.moved(1, 2) == (1, 2)  # in the indentation: stays
    back = toggle_comment(edit.text, 1, 3, "#")
    assert back.text == text
    assert back.moved(1, 10) == (1, 8)
    assert back.moved(1, 5) == (1, 4)  # inside the removed marker: to where it was


def test_a_mixed_range_is_commented_whole() -> None:
    edit = toggle_comment("# a\nb", 0, 1, "#")
    assert edit.text == "# # a\n# b"
    assert toggle_comment("//a\n  // b", 0, 1, "//").text == "a\n  b"


def test_blank_ranges_and_clamped_rows() -> None:
    assert toggle_comment("\n  \n", 0, 2, "#").text == "\n  \n"
    assert toggle_comment("x", -3, 99, "--").text == "-- x"


@pytest.mark.parametrize(
    ("char", "before", "after", "result"),
    [
        ("(", "print", "", Typed("()", 1)),
        ("[", "x = ", ")", Typed("[]", 1)),
        ("(", "f", "abc", None),  # before a word: no pair
        (")", "f(", ")", Typed("", 1)),  # type over the closer
        (")", "f(", "", None),
        ('"', "x = ", "", Typed('""', 1)),
        ('"', 'x = "', '"', Typed("", 1)),
        ("'", "don", "", None),  # an apostrophe
        ('"', 'x = ""', "", Typed('""""', 1)),  # the third quote opens a triple-quoted string
        ('"', '""', "x = 1", None),  # not before text: typed over an existing line
        ("a", "", "", None),
    ],
)
def test_typed_brackets_and_quotes(
    char: str, before: str, after: str, result: Typed | None
) -> None:
    assert typed_char(char, before, after) == result


def test_backspace_deletes_an_empty_pair() -> None:
    assert backspace_pair("f(", ")")
    assert backspace_pair('x = "', '"')
    assert not backspace_pair("f(", "x)")
    assert not backspace_pair("", ")")
