"""The representation choice, LaTeX output text, and JSON as foldable lines."""

from __future__ import annotations

import json

import pytest

from tuinb.render.jsonview import default_folds, json_plan, visible_lines
from tuinb.render.mimes import (
    MIME_ORDER,
    WIDGET_VIEW,
    choose_mime,
    latex_output_text,
    markdown_output_text,
)

PLOTLY = {
    "text/html": '<div id="x"></div><script>Plotly.newPlot("x", [])</script>',
    "image/png": "iVBOR",
    "text/plain": "Figure()",
}


def test_order_is_documented() -> None:
    assert MIME_ORDER[:3] == (WIDGET_VIEW, "application/json", "text/html")
    assert MIME_ORDER.index("image/png") < MIME_ORDER.index("image/svg+xml")
    assert MIME_ORDER[-1] == "text/plain"
    assert "application/javascript" not in MIME_ORDER


@pytest.mark.parametrize(
    ("data", "chosen"),
    [
        ({"text/html": "<table><tr><td>1</td></tr></table>", "text/plain": "x"}, "text/html"),
        ({"application/json": {"a": 1}, "text/plain": "{}"}, "application/json"),
        ({"text/markdown": "# hi", "text/plain": "hi"}, "text/markdown"),
        ({"text/latex": "$x^2$", "text/plain": "x**2"}, "text/latex"),
        ({"image/svg+xml": "<svg/>", "image/png": "iVBOR"}, "image/png"),
        ({"image/svg+xml": "<svg/>", "text/plain": "<Figure>"}, "image/svg+xml"),
        (PLOTLY, "image/png"),
        ({"text/html": "<script>x()</script>", "text/plain": "Chart"}, "text/plain"),
        ({"text/html": "<script>x()</script><table></table>"}, "text/html"),
        ({"application/javascript": "alert(1)", "text/plain": "js"}, "text/plain"),
        ({"application/x-custom": "?"}, None),
        ({}, None),
    ],
)
def test_choice(data: dict[str, object], chosen: str | None) -> None:
    assert choose_mime(data) == chosen


def test_images_are_skipped_when_the_terminal_cannot_draw_them() -> None:
    data = {"image/png": "iVBOR", "text/plain": "<Figure size 640x480 with 1 Axes>"}
    assert choose_mime(data, images=False) == "text/plain"


def test_widget_view_only_when_its_model_is_known() -> None:
    data = {WIDGET_VIEW: {"model_id": "abc", "version_major": 2}, "text/plain": "IntSlider()"}
    assert choose_mime(data) == "text/plain"
    assert choose_mime(data, widget_known=lambda model_id: model_id == "abc") == WIDGET_VIEW
    assert choose_mime(data, widget_known=lambda model_id: False) == "text/plain"


def test_latex_output_text_prefers_the_formula_then_text_plain_then_source() -> None:
    assert latex_output_text({"text/latex": "$x^2$", "text/plain": "x**2"}) == ("x²", True)
    unknown = {"text/latex": r"$\foo$", "text/plain": "foo"}
    assert latex_output_text(unknown) == ("foo", False)
    bare = {"text/latex": r"$\foo$", "text/plain": "<IPython.core.display.Math object>"}
    assert latex_output_text(bare) == (r"$\foo$", False)


def test_markdown_output_gets_math_and_loses_controls() -> None:
    assert markdown_output_text("a\x1b[2J $x_i$") == "a xᵢ"


def test_json_plan_lines_and_fold_points() -> None:
    value = {"name": "tuinb", "tags": ["a", "b"], "nested": {"deep": {"x": 1}}, "empty": {}}
    plan = json_plan(value)
    texts = [line.text for line in plan.lines]
    assert "\n".join(texts) == json.dumps(value, indent=2, ensure_ascii=False)
    opener = texts.index('  "tags": [')
    assert plan.lines[opener].closes_at == texts.index("  ],")
    assert plan.lines[opener].count == 2
    assert not plan.lines[texts.index('  "empty": {}')].foldable


def test_folding_collapses_to_one_line_that_unfolds_again() -> None:
    plan = json_plan({"tags": ["a", "b"], "meta": {"k": 1}})
    tags = 1
    folded = visible_lines(plan, {tags})
    assert [line.text for _, line in folded] == [
        "{",
        '  "tags": […], 2 items',
        '  "meta": {',
        '    "k": 1',
        "  }",
        "}",
    ]
    assert folded[1][0] == tags  # the index to toggle
    assert len(visible_lines(plan, set())) == len(plan.lines)


def test_big_documents_open_folded_below_the_second_level() -> None:
    plan = json_plan({"rows": [{"id": i, "values": [i, i + 1]} for i in range(30)]})
    folds = default_folds(plan)
    assert folds
    assert all(plan.lines[index].depth >= 2 for index in folds)
    shown = visible_lines(plan, folds)
    assert len(shown) == 30 + 4
    assert shown[2][1].text == "    {…}, 2 keys"
    assert default_folds(json_plan({"a": [1, 2]})) == set()


def test_json_strings_cannot_carry_controls() -> None:
    plan = json_plan({"k": "a\x1b[2J\x9b31mb"})
    assert all("\x1b" not in line.text and "\x9b" not in line.text for line in plan.lines)
