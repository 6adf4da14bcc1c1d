"""The outline: ATX and setext headings (not in code), sections, JupyterLab's collapsed headings."""

from __future__ import annotations

from typing import Any

from tuinb.model import Notebook
from tuinb.model.outline import (
    COLLAPSED_KEY,
    LEGACY_COLLAPSED_KEY,
    Heading,
    Outline,
    parse_headings,
)


def notebook(
    *cells: tuple[str, str], metadata: dict[int, dict[str, Any]] | None = None
) -> Notebook:
    return Notebook.from_dict(
        {
            "cells": [
                {
                    "id": f"c{i}",
                    "cell_type": kind,
                    "source": source,
                    "metadata": (metadata or {}).get(i, {}),
                    **({"outputs": [], "execution_count": None} if kind == "code" else {}),
                }
                for i, (kind, source) in enumerate(cells)
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def md(source: str) -> tuple[str, str]:
    return ("markdown", source)


def code(source: str) -> tuple[str, str]:
    return ("code", source)


def test_atx_and_setext_headings_with_their_lines() -> None:
    source = (
        "# Title #\n"
        "text\n"
        "   ### Three  \n"
        "#not a heading\n"
        "    # indented code\n"
        "Sub *title*\n"
        "---\n"
        "Big\n"
        "===\n"
        "####### seven\n"
        '<h2 id="x">HTML <b>heading</b></h2>\n'
        "##\n"
    )
    assert parse_headings(source) == [
        (1, "Title", 0, False),
        (3, "Three", 2, False),
        (2, "Sub title", 5, False),
        (1, "Big", 7, False),
        (2, "HTML heading", 10, False),
        (2, "", 11, False),
    ]


def test_nothing_in_code_fences_or_front_matter_counts() -> None:
    source = (
        "---\ntitle: x\n# not\n---\n"
        "```python\n# comment\n```\n"
        "~~~~\n# also not\n~~~\n## still in the fence\n~~~~\n"
        "## Real\n"
        "- item\n---\n"  # a thematic break after a list, not a setext heading
        "\n---\n"
    )
    assert parse_headings(source) == [(2, "Real", 12, False)]


def test_markup_and_escapes_are_removed_from_the_text() -> None:
    source = "# **Bold** [link](http://x) `code` <a id='a'></a>\x1b]0;t\x07end\n"
    assert parse_headings(source) == [(1, "Bold link code end", 0, False)]
    skipped = '## Contents <a class="tocSkip"></a>\n'
    assert parse_headings(skipped) == [(2, "Contents", 0, True)]


def test_outline_levels_current_section_and_skipped_headings() -> None:
    nb = notebook(
        md("# One"),
        code("1"),
        md("## One.a\ntext\n# Back to one"),
        md('## Skipped <span class="tocSkip"></span>'),
        code("2"),
        md("# Two"),
    )
    outline = Outline(nb)
    assert [(h.cell_index, h.level, h.text) for h in outline.headings()] == [
        (0, 1, "One"),
        (2, 2, "One.a"),
        (2, 1, "Back to one"),
        (5, 1, "Two"),
    ]
    assert outline.level(2) == 1  # the highest heading of the cell, as JupyterLab
    assert outline.level(1) == 7
    assert outline.current(1) == Heading("c0", 0, 1, "One", 0)
    current = outline.current(4)
    assert current is not None
    assert current.text == "Back to one"
    assert outline.current(5) == Heading("c5", 5, 1, "Two", 0)


def test_a_collapsed_heading_hides_its_section() -> None:
    nb = notebook(
        md("# A"),
        code("1"),
        md("## A.1"),
        code("2"),
        md("# B"),
        code("3"),
        metadata={0: {COLLAPSED_KEY: True}},
    )
    outline = Outline(nb)
    assert outline.section(0) == range(1, 4)
    assert outline.section(2) == range(3, 4)
    assert outline.section(1) == range(2, 2)
    assert outline.hidden() == {"c1", "c2", "c3"}
    assert outline.hiding(3) == ["c0"]


def test_nested_collapse_and_the_legacy_key() -> None:
    nb = notebook(
        md("# A"),
        md("## A.1"),
        code("1"),
        md("## A.2"),
        code("2"),
        metadata={1: {LEGACY_COLLAPSED_KEY: True}},
    )
    outline = Outline(nb)
    assert outline.hidden() == {"c2"}
    assert outline.set_collapsed("c0", True)
    assert outline.hidden() == {"c1", "c2", "c3", "c4"}
    assert outline.hiding(2) == ["c0", "c1"]
    assert outline.reveal("c2") == ["c0", "c1"]
    assert outline.hidden() == set()
    assert nb.cell("c1").metadata == {}  # both keys gone
    assert nb.cell("c0").metadata == {}


def test_collapsing_writes_jupyterlabs_key_and_is_undoable() -> None:
    nb = notebook(md("# A"), code("1"))
    outline = Outline(nb)
    assert outline.toggle("c0")
    assert nb.cell("c0").metadata == {COLLAPSED_KEY: True}
    assert outline.hidden() == {"c1"}
    assert not outline.toggle("c1")  # not a heading
    nb.undo()
    assert outline.hidden() == set()


def test_edits_are_seen() -> None:
    nb = notebook(md("text"), code("1"))
    outline = Outline(nb)
    assert outline.headings() == []
    nb.set_source("c0", "# Now a heading")
    assert [h.text for h in outline.headings()] == ["Now a heading"]
    nb.change_cell_type(["c1"], "markdown")
    nb.set_source("c1", "## Below")
    assert [h.level for h in outline.headings()] == [1, 2]
