"""Math as Unicode: the formula set from real notebooks, fallbacks, and `$` in markdown."""

from __future__ import annotations

import pytest

from tests.render.latex_cases import CASES, UNSUPPORTED
from tuinb.render.latex import latex_to_unicode, strip_math_delimiters
from tuinb.render.mathspans import markdown_math


@pytest.mark.parametrize(("source", "expected"), CASES, ids=[source for source, _ in CASES])
def test_formula_reads_as_expected_unicode(source: str, expected: str) -> None:
    assert latex_to_unicode(source) == expected


@pytest.mark.parametrize("source", UNSUPPORTED)
def test_formula_not_understood_falls_back_to_source(source: str) -> None:
    assert latex_to_unicode(source) is None


@pytest.mark.parametrize(
    ("source", "inner"),
    [
        ("$$x$$", "x"),
        ("$x$", "x"),
        (r"\[x\]", "x"),
        (r"\(x\)", "x"),
        ("$a$ and $b$", "$a$ and $b$"),  # two formulas, not one
        ("  x  ", "x"),
    ],
)
def test_delimiters_are_stripped_once(source: str, inner: str) -> None:
    assert strip_math_delimiters(source) == inner


def test_multi_row_formula_keeps_columns_aligned() -> None:
    text = latex_to_unicode(r"\begin{bmatrix} 1 & 20 \\ 300 & 4 \end{bmatrix}")
    assert text is not None
    rows = text.split("\n")
    assert rows == ["⎡  1   20 ⎤", "⎣ 300  4  ⎦"]


def test_prices_are_not_math() -> None:
    text = "It costs $5 and $10, or $ 3 $ with spaces."
    assert markdown_math(text) == text


def test_inline_and_display_math_in_markdown() -> None:
    text = markdown_math("Energy $E = mc^2$ and $\\alpha_i$.\n\n$$\\sum_{i=1}^n x_i$$\n")
    assert "Energy E = mc² and αᵢ." in text
    assert "∑ᵢ₌₁ⁿ xᵢ" in text
    assert "$" not in text


def test_math_inside_code_is_left_alone() -> None:
    source = "Inline `$x^2$` code.\n\n```python\nprice = '$a$'\n```\n\n    $b$ indented\n"
    assert markdown_math(source) == source


def test_escaped_dollar_is_a_dollar() -> None:
    assert markdown_math(r"Pay \$5 for $x$") == r"Pay \$5 for x"


def test_markdown_specials_in_unicode_are_escaped() -> None:
    # a fallback ^(…) or a literal * must not turn into markdown emphasis or links
    assert markdown_math("$a^{*} b_{[x]}$") == r"a\* b\_\(\[x\]\)"


def test_unknown_macro_keeps_its_source_in_markdown() -> None:
    assert markdown_math(r"see $\foo{x}$ here") == r"see $\foo{x}$ here"


def test_inline_matrix_keeps_its_source() -> None:
    source = r"inline $\begin{pmatrix}a\\b\end{pmatrix}$ text"
    assert markdown_math(source) == source


def test_display_matrix_keeps_rows_and_alignment() -> None:
    out = markdown_math("$$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$$")
    rows = [row.rstrip("\\") for row in out.strip().split("\n")]
    assert rows == ["⎛\u00a0a\u00a0\u00a0b\u00a0⎞", "⎝\u00a0c\u00a0\u00a0d\u00a0⎠"]


def test_equation_environment_in_markdown() -> None:
    out = markdown_math("\\begin{equation}\ne^{i\\pi} = -1\n\\end{equation}")
    assert out.strip() == r"e^\(iπ\) = \-1"
