"""render_output(): every MIME type, folding, and no escape or markup from a notebook."""

from __future__ import annotations

import base64
import io
import re
import struct
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console, RenderableType
from rich.markdown import Markdown

from tuinb.render.media import image_summary
from tuinb.render.mimes import choose_mime
from tuinb.render.outputs import fold_lines
from tuinb.ui.view.rich_outputs import MAX_LINES, render_output, render_outputs

WIDTH = 80


def screen(renderable: RenderableType, width: int = WIDTH) -> str:
    """What the renderable looks like as plain text."""
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    lines = console.render_lines(renderable, console.options.update(width=width), pad=False)
    return "".join("".join(segment.text for segment in line) + "\n" for line in lines)


def terminal_bytes(renderable: RenderableType, width: int = WIDTH) -> str:
    """What the renderable would write to a colour terminal."""
    out = io.StringIO()
    console = Console(file=out, width=width, color_system="truecolor", force_terminal=True)
    console.print(renderable)
    return out.getvalue()


def display(data: dict[str, Any], kind: str = "display_data") -> dict[str, Any]:
    output: dict[str, Any] = {"output_type": kind, "data": data, "metadata": {}}
    if kind == "execute_result":
        output["execution_count"] = 1
    return output


def stream(text: str, name: str = "stdout") -> dict[str, Any]:
    return {"output_type": "stream", "name": name, "text": text}


def png(width: int, height: int, extra: int = 0) -> str:
    header = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR"
    header += struct.pack(">II", width, height) + b"\x08\x06\x00\x00\x00"
    return base64.b64encode(header + b"\x00" * extra).decode()


def jpeg(width: int, height: int) -> str:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return base64.b64encode(b"\xff\xd8" + app0 + sof + b"\xff\xd9").decode()


# ---- streams and errors ---------------------------------------------------------------


def test_stdout_plain() -> None:
    assert screen(render_output(stream("hello\nworld\n"), width=WIDTH)) == "hello\nworld\n"


def test_stream_as_list_of_lines() -> None:
    out = {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]}
    assert screen(render_output(out, width=WIDTH)) == "a\nb\n"


def test_stderr_is_styled_apart() -> None:
    raw = terminal_bytes(render_output(stream("oops\n", "stderr"), width=WIDTH))
    plain = terminal_bytes(render_output(stream("oops\n"), width=WIDTH))
    assert "oops" in raw
    assert raw != plain
    assert "\x1b[31m" in raw


def test_stream_colours_kept() -> None:
    raw = terminal_bytes(render_output(stream("\x1b[32mgreen\x1b[0m\n"), width=WIDTH))
    assert "\x1b[32mgreen" in raw


def test_error_traceback_with_colours() -> None:
    out = {
        "output_type": "error",
        "ename": "ZeroDivisionError",
        "evalue": "division by zero",
        "traceback": ["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero", "line two"],
    }
    text = screen(render_output(out, width=WIDTH))
    assert text == "ZeroDivisionError: division by zero\nline two\n"
    assert "\x1b[31mZeroDivisionError" in terminal_bytes(render_output(out, width=WIDTH))


def test_error_without_traceback() -> None:
    out = {"output_type": "error", "ename": "KeyError", "evalue": "'x'", "traceback": []}
    assert screen(render_output(out, width=WIDTH)) == "KeyError: 'x'\n"


# ---- MIME bundles -------------------------------------------------------------------


def test_priority_follows_the_documented_order() -> None:
    bundle = {
        "text/plain": "p",
        "text/latex": "$x$",
        "text/html": "<b>h</b>",
        "application/json": {},
        "text/markdown": "m",
        "image/png": png(1, 1),
    }
    shown = []
    while bundle:
        mime = choose_mime(bundle)
        assert mime is not None
        shown.append(mime)
        del bundle[mime]
    assert shown == [
        "application/json",
        "text/html",
        "text/markdown",
        "text/latex",
        "image/png",
        "text/plain",
    ]
    assert choose_mime({"application/x-unknown": 1}) is None


def test_markdown() -> None:
    renderable = render_output(display({"text/markdown": "# Title\n\n*em* text"}), width=WIDTH)
    assert isinstance(renderable, Markdown)
    text = screen(renderable)
    assert "Title" in text
    assert "em text" in text
    assert "#" not in text


def test_json_pretty() -> None:
    renderable = render_output(display({"application/json": {"a": [1, 2], "b": "x"}}), width=WIDTH)
    assert screen(renderable) == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": "x"\n}\n'


def test_html_table_becomes_a_table() -> None:
    html = (
        "<div><style scoped>.dataframe {color: red}</style>"
        '<table border="1" class="dataframe"><thead><tr><th></th><th>name</th><th>n</th></tr>'
        "</thead><tbody><tr><th>0</th><td>ada</td><td>1</td></tr>"
        "<tr><th>1</th><td>bob</td><td>22</td></tr></tbody></table></div>"
    )
    out = display({"text/html": html, "text/plain": "   name   n\n0  ada   1"}, "execute_result")
    text = screen(render_output(out, width=WIDTH))
    lines = [line for line in text.splitlines() if line.strip()]
    assert "name" in lines[0]
    assert any("ada" in line and "1" in line for line in lines)
    assert any("bob" in line and "22" in line for line in lines)
    assert "color" not in text
    assert "<" not in text


def test_html_without_table_is_drawn_as_markdown() -> None:
    out = display({"text/html": "<p>styled</p>", "text/plain": "the plain repr"})
    assert screen(render_output(out, width=WIDTH)).rstrip() == "styled"


def test_html_only_strips_tags() -> None:
    out = display(
        {
            "text/html": "<h1>Head</h1><p>Some <b>bold</b> &amp; text</p><script>evil()</script>",
            "text/plain": "<IPython.core.display.HTML object>",
        }
    )
    text = screen(render_output(out, width=WIDTH))
    assert "Head" in text
    assert "Some bold & text" in text
    assert "evil" not in text
    assert "IPython" not in text


def test_html_with_bare_repr_strips_tags() -> None:
    out = display({"text/html": "<b>HTML</b>", "text/plain": "<IPython.core.display.HTML at 0x1>"})
    assert screen(render_output(out, width=WIDTH)).rstrip() == "HTML"


def test_long_html_table_is_folded() -> None:
    rows = "".join(f"<tr><td>{i}</td><td>v{i}</td></tr>" for i in range(500))
    out = display({"text/html": f"<table><tr><th>i</th><th>v</th></tr>{rows}</table>"})
    renderable = render_output(out, width=WIDTH)
    text = screen(renderable)
    assert "v0" in text
    assert "v499" in text
    assert "v250" not in text
    assert "480 more rows" in text
    unfolded = screen(render_output(out, width=WIDTH, folded=False))
    assert "v250" in unfolded


def test_latex_is_unicode_else_its_plain_text() -> None:
    out = display({"text/latex": r"$\alpha \leq \sqrt{x}$", "text/plain": "alpha <= sqrt(x)"})
    assert screen(render_output(out, width=WIDTH)) == "α ≤ √x\n"
    out = display({"text/latex": r"$\unknownmacro{x}$", "text/plain": "the plain form"})
    assert screen(render_output(out, width=WIDTH)) == "the plain form\n"


def test_png_placeholder_with_size_takes_the_images_rows() -> None:
    out = display({"image/png": png(640, 480, extra=23 * 1024), "text/plain": "<Figure>"})
    rows = screen(render_output(out, width=WIDTH)).split("\n")[:-1]
    assert rows[0] == "[image/png 640\u00d7480, 23 KB]"
    assert len(rows) == 24  # 480 px at 20 px a row (the default cell)
    assert not any(row.strip() for row in rows[1:])


def test_png_with_newlines_in_base64() -> None:
    data = png(3, 2)
    wrapped = "\n".join(data[i : i + 10] for i in range(0, len(data), 10))
    assert image_summary("image/png", wrapped).startswith("[image/png 3\u00d72, ")


def test_jpeg_placeholder_with_size() -> None:
    assert image_summary("image/jpeg", jpeg(1024, 768)).startswith("[image/jpeg 1024\u00d7768, ")


def test_gif_and_broken_image() -> None:
    gif = base64.b64encode(b"GIF89a" + struct.pack("<HH", 7, 9) + b"\x00" * 10).decode()
    assert image_summary("image/gif", gif).startswith("[image/gif 7\u00d79, ")
    assert image_summary("image/png", "bm90IGFuIGltYWdl") == "[image/png, 12 B]"
    assert image_summary("image/png", "not base64!") == "[image/png, 0 B]"
    assert image_summary("image/png", "") == "[image/png, 0 B]"


def test_svg_placeholder() -> None:
    svg = (
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="120pt" height="80pt">'
    )
    svg += "<rect/></svg>"
    out = display({"image/svg+xml": svg})
    rows = screen(render_output(out, width=WIDTH)).split("\n")[:-1]
    assert rows[0] == f"[image/svg+xml 120\u00d780, {len(svg)} B]"
    assert len(rows) == 24  # sized to the width, at most 24 rows
    assert image_summary("image/svg+xml", '<svg viewBox="0 0 30 40"></svg>').startswith(
        "[image/svg+xml 30\u00d740"
    )


def test_plain_execute_result() -> None:
    out = display({"text/plain": "42"}, "execute_result")
    assert screen(render_output(out, width=WIDTH)) == "42\n"


def test_unknown_mime_placeholder() -> None:
    out = display({"application/vnd.jupyter.widget-view+json": {"model_id": "x"}})
    text = screen(render_output(out, width=WIDTH))
    assert text == "[application/vnd.jupyter.widget-view+json]\n"


def test_unknown_output_type_and_bad_data() -> None:
    assert screen(render_output({"output_type": "weird"}, width=WIDTH)) == "[weird output]\n"
    assert screen(render_output({"output_type": "display_data"}, width=WIDTH)) == (
        "[empty output]\n"
    )


def test_render_outputs_in_order() -> None:
    outputs = [stream("one\n"), display({"text/plain": "two"}), stream("three\n", "stderr")]
    assert screen(render_outputs(outputs, width=WIDTH)) == "one\ntwo\nthree\n"


# ---- folding --------------------------------------------------------------------------


def test_fold_lines_cuts_head_and_tail() -> None:
    text = "\n".join(str(i) for i in range(100)) + "\n"
    fold = fold_lines(text, 20)
    assert fold.head.split("\n") == [str(i) for i in range(10)]
    assert fold.tail.split("\n") == [str(i) for i in range(90, 100)]
    assert fold.hidden == 80
    assert fold_lines("a\nb\n", 20).hidden == 0
    # one hidden line is not worth a fold line
    assert fold_lines("\n".join("x" * 21), 20).hidden == 0


def test_folded_stream_shows_fold_line() -> None:
    text = "".join(f"line {i}\n" for i in range(1000))
    shown = screen(render_output(stream(text), width=WIDTH)).splitlines()
    assert len(shown) == MAX_LINES + 1
    assert shown[0] == "line 0"
    assert shown[-1] == "line 999"
    assert shown[MAX_LINES // 2] == "… 980 more lines (o to expand) …"
    unfolded = screen(render_output(stream(text), width=WIDTH, folded=False)).splitlines()
    assert len(unfolded) == 1000


def test_folded_long_lines_do_not_wrap_unfolded_do() -> None:
    out = stream("x" * 200 + "\n")
    assert len(screen(render_output(out, width=WIDTH)).splitlines()) == 1
    assert len(screen(render_output(out, width=WIDTH, folded=False)).splitlines()) == 3


def test_200k_line_output_renders_fast() -> None:
    text = "".join(f"{i:>8} some output text\n" for i in range(200_000))
    start = time.perf_counter()
    renderable = render_output(stream(text), width=120)
    shown = screen(renderable, width=120)
    elapsed = time.perf_counter() - start
    assert "199,980 more lines" in shown
    assert elapsed < 0.5, f"folding a 200,000-line output took {elapsed:.3f} s"


def test_long_json_and_markdown_fold() -> None:
    out = display({"application/json": list(range(500))})
    assert "more lines" in screen(render_output(out, width=WIDTH))
    out = display({"text/markdown": "\n".join(f"- item {i}" for i in range(500))})
    assert "more lines" in screen(render_output(out, width=WIDTH))


# ---- injection ------------------------------------------------------------------------

NASTY = (
    "\x1b]52;c;cHduZWQ=\x07"  # clipboard write
    "\x1b]0;pwned title\x1b\\"  # window title
    "\x1b[2J\x1b[H"  # clear screen, home
    "\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\"  # tmux passthrough
    "\x9b2J"  # 8-bit CSI
    "[/INST] [bold red]not markup[/]"
)


@pytest.mark.parametrize(
    "output",
    [
        stream(NASTY),
        stream(NASTY, "stderr"),
        {"output_type": "error", "ename": "E", "evalue": NASTY, "traceback": [NASTY]},
        display({"text/plain": NASTY}, "execute_result"),
        display({"text/markdown": NASTY}),
        display({"application/json": {"k": NASTY}}),
        display({"text/html": f"<table><tr><td>{NASTY}</td></tr></table>"}),
        display({"text/html": f"<p>{NASTY}</p>"}),
        display({"text/latex": NASTY}),
        display({NASTY: "unknown type"}),
        {"output_type": NASTY},
    ],
)
def test_nothing_but_colour_reaches_the_terminal(output: dict[str, Any]) -> None:
    raw = terminal_bytes(render_output(output, width=200))
    for bad in ("\x1b]", "\x1bP", "\x1b[2J", "\x1b[H", "\x9b", "\x07", "\x1bc"):
        assert bad not in raw
    without_sgr = re.sub(r"\x1b\[[0-9;]*m", "", raw)
    assert "\x1b" not in without_sgr
    if output.get("output_type") in ("stream", "error", "execute_result"):
        assert "[/INST] [bold red]not markup[/]" in screen(render_output(output, width=200))


def test_markup_is_shown_as_text() -> None:
    text = screen(render_output(stream("[/INST] [bold]x[/bold]\n"), width=WIDTH))
    assert text == "[/INST] [bold]x[/bold]\n"
    table = render_output(display({"text/html": "<table><tr><td>[/]</td></tr></table>"}), width=40)
    assert "[/]" in screen(table)


_nasty_alphabet = st.sampled_from(
    [
        *("\x1b", "[", "]", "P", "\\", "\x07", "\x9b", "\x9c", "\x9d", "0", "2", "5", ";", "m"),
        *("H", "J", "c", "t", "[/", "]", "\n", "\r", "\t", "x", "é", "日"),
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_nasty_alphabet, max_size=80).map("".join))
def test_property_rendered_stream_has_only_sgr(raw: str) -> None:
    for output in (stream(raw), display({"text/plain": raw}), display({"text/markdown": raw})):
        written = terminal_bytes(render_output(output, width=60))
        assert "\x1b" not in re.sub(r"\x1b\[[0-9;]*m", "", written)
        assert not any(0x80 <= ord(ch) <= 0x9F for ch in written)
