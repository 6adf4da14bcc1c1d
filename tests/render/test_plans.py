"""The Rich-free plans both renderers draw: what a cell, an output and the status bar show."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from tuinb.engine.widgetstate import WidgetStore
from tuinb.model import Notebook
from tuinb.render.cells import (
    GUTTER,
    GutterHead,
    estimate_rows,
    gutter_head,
    gutter_label,
    label_cells,
    source_kind,
)
from tuinb.render.marks import RunMarks
from tuinb.render.mimes import WIDGET_VIEW
from tuinb.render.outputs import (
    MAX_LINES,
    Placeholder,
    ShownHtml,
    ShownImage,
    ShownMarkdown,
    ShownText,
    ShownWidget,
    fold_note,
    plan_output,
)
from tuinb.render.status import kernel_name, kernel_status, status_parts


def display(data: dict[str, Any]) -> dict[str, Any]:
    return {"output_type": "display_data", "data": data, "metadata": {}}


def lines(count: int) -> str:
    return "".join(f"line {n}\n" for n in range(count))


def test_render_imports_neither_textual_nor_rich() -> None:
    code = (
        "import sys, tuinb.render.cells, tuinb.render.outputs, tuinb.render.status,"
        " tuinb.render.marks, tuinb.render.html;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_streams_and_errors_are_text_stderr_and_bare_errors_in_red() -> None:
    plan = plan_output({"output_type": "stream", "name": "stderr", "text": "oops\n"})
    assert isinstance(plan, ShownText)
    assert (plan.fold.head, plan.error, plan.ansi) == ("oops", True, True)
    bare = plan_output({"output_type": "error", "ename": "KeyError", "evalue": "'x'"})
    assert isinstance(bare, ShownText)
    assert (bare.fold.head, bare.error) == ("KeyError: 'x'", True)
    traced = plan_output({"output_type": "error", "ename": "E", "evalue": "", "traceback": ["tb"]})
    assert isinstance(traced, ShownText)
    assert (traced.fold.head, traced.error, traced.ansi) == ("tb", False, True)


def test_a_long_output_folds_to_its_ends_unless_unfolded() -> None:
    output = {"output_type": "stream", "name": "stdout", "text": lines(200_000)}
    plan = plan_output(output)
    assert isinstance(plan, ShownText)
    assert plan.fold.hidden == 200_000 - MAX_LINES
    assert plan.fold.head.count("\n") == MAX_LINES // 2 - 1
    assert plan.fold.tail.endswith("line 199999")
    assert not plan.wrap
    whole = plan_output(output, folded=False)
    assert isinstance(whole, ShownText)
    assert (whole.fold.hidden, whole.wrap) == (0, True)
    assert whole.fold.head.count("\n") == 199_999
    assert fold_note(12_345) == "… 12,345 more lines (o to expand) …"


def test_the_mime_type_shown_and_what_stands_for_the_rest() -> None:
    markdown = plan_output(display({"text/markdown": "# T", "text/plain": "t"}))
    assert isinstance(markdown, ShownMarkdown)  # plans are named tuples: check the kind too
    assert markdown.source == "# T"
    long_markdown = plan_output(display({"text/markdown": lines(100)}))
    assert isinstance(long_markdown, ShownText)
    assert not long_markdown.ansi  # folded Markdown is shown as its text
    json_plan = plan_output(display({"application/json": {"a": 1}}))
    assert isinstance(json_plan, ShownText)
    assert json_plan.json
    image = plan_output(display({"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}))
    assert isinstance(image, ShownImage)
    assert image.summary.startswith("[image/png")
    assert image.size is None  # the header says nothing: a one-row placeholder
    text_form = plan_output(display({"image/png": "iVBOR", "text/plain": "<Fig>"}), images=False)
    assert isinstance(text_form, ShownText)
    assert text_form.fold.head == "<Fig>"
    placeholders = [
        plan_output(display({"application/x-\x1b]0;t\x07thing": 1})),
        plan_output({"output_type": "weird"}),
        plan_output({"output_type": "display_data"}),
    ]
    assert all(isinstance(plan, Placeholder) for plan in placeholders)
    assert placeholders == [  # sanitised
        Placeholder("[application/x-thing]"),
        Placeholder("[weird output]"),
        Placeholder("[empty output]"),
    ]


def test_html_is_planned_whole_and_read_when_drawn() -> None:
    html = "<p>before</p><table><tr><th>a</th></tr><tr><td>1</td></tr></table>"
    plan = plan_output(display({"text/html": html, "text/plain": "df"}))
    assert plan == ShownHtml(html, True, MAX_LINES)
    assert plan_output(display({"text/html": html}), folded=False) == ShownHtml(
        html, False, MAX_LINES
    )


def test_math_in_markdown_and_latex_outputs_is_unicode() -> None:
    markdown = plan_output(display({"text/markdown": "Energy: $E = mc^2$"}))
    assert markdown == ShownMarkdown("Energy: E = mc²")
    latex = plan_output(display({"text/latex": r"$\alpha_i$", "text/plain": "alpha_i"}))
    assert isinstance(latex, ShownText)
    assert (latex.fold.head, latex.ansi) == ("αᵢ", False)


def test_a_widget_view_is_drawn_from_the_store_or_shown_as_text() -> None:
    data = {WIDGET_VIEW: {"model_id": "w1", "version_major": 2}, "text/plain": "IntSlider(5)"}
    assert plan_output(display(data)) == plan_output(display({"text/plain": "IntSlider(5)"}))
    store = WidgetStore()
    store.opened("w1", {"_model_name": "IntSliderModel", "value": 5, "min": 0, "max": 10})
    assert plan_output(display(data), widgets=store) == ShownWidget("w1")
    store.opened("w1", {"_model_name": "ColorPickerModel", "value": "red"})
    other = plan_output(display(data), widgets=store)
    assert isinstance(other, ShownText)
    assert other.fold.head == "IntSlider(5)"
    assert "not drawn in the terminal" in other.note


def test_gutter_labels_marks_and_widths() -> None:
    notebook = Notebook.new()
    code = notebook.cells[0]
    code.execution_count = 12
    assert gutter_label(code) == "[12]:"
    code.execution_count = "\x1b]0;x\x07"  # type: ignore[assignment]  # a crafted file
    assert "\x1b" not in gutter_label(code)
    markdown = notebook.insert_cell(1, "markdown", "# Title")
    raw = notebook.insert_cell(2, "raw", "")
    assert (gutter_label(markdown), gutter_label(raw)) == ("md", "raw")
    marks = RunMarks()
    marks.queue(code.id)
    assert gutter_head(code, marks) == GutterHead("[*]:", "…", "yellow")
    assert gutter_head(markdown, None) == GutterHead("md", " ", "")
    assert label_cells("[123456]:") == "[12345"
    assert len(label_cells("md")) == GUTTER - 2
    assert [source_kind(c) for c in notebook.cells] == ["code", "markdown", "text"]


def test_height_estimates_count_source_outputs_and_the_blank_row() -> None:
    notebook = Notebook.new()
    cell = notebook.cells[0]
    notebook.set_source(cell.id, "a\nb\nc")
    notebook.append_output(cell.id, {"output_type": "stream", "name": "stdout", "text": lines(500)})
    assert estimate_rows(cell) == 3 + (MAX_LINES + 1) + 1
    assert estimate_rows(cell, folded=False) == 3 + 500 + 1
    assert estimate_rows(cell, source_rows=10) == 10 + MAX_LINES + 1 + 1


def test_status_text_and_kernel_label() -> None:
    assert kernel_name({"kernelspec": {"name": "py", "display_name": "Python 3"}}) == "Python 3"
    assert kernel_name({}, "ir") == "ir"
    assert kernel_name({}) == "no kernel"
    assert kernel_status("Python 3", "busy") == "Python 3 (busy)"
    assert kernel_status("Python 3", "dead") == "Python 3 (dead: 0 0 restarts)"
    assert kernel_status("Python 3", None) == "Python 3"
    parts = status_parts(
        name="n\x1b]0;t\x07.ipynb", dirty=True, mode="edit", kernel="k", cell=2, cells=5
    )
    assert "".join(text for text, _ in parts) == " n.ipynb [+]  EDIT  k  cell 2/5"
    assert parts[2][1] == "bold reverse"
