"""`f`: an output full screen, an image zoomed and panned, text scrolled, JSON folded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.editor_helpers import SIZE, make_app, settle, stream, write_notebook
from tests.ui.test_output_images import image_output, plot_png
from tuinb.ui.app import TuinbApp
from tuinb.ui.dialogs.output_viewer import OutputViewer


def viewer(app: TuinbApp) -> OutputViewer:
    screen = app.screen
    assert isinstance(screen, OutputViewer)
    return screen


def rows(app: TuinbApp) -> list[str]:
    body = viewer(app).body
    return [body.render_line(y).text for y in range(body.scrollable_content_region.height)]


def title(app: TuinbApp) -> str:
    return str(viewer(app).query_one("#viewer-title").render())


def json_output(value: Any) -> dict[str, Any]:
    return {"output_type": "display_data", "data": {"application/json": value}, "metadata": {}}


async def test_an_image_fills_the_screen_and_zooms(tmp_path: Path) -> None:
    outputs = [image_output(plot_png()), stream("".join(f"line {n}\n" for n in range(300)))]
    path = write_notebook(tmp_path / "v.ipynb", [("code", "plot")], {0: outputs})
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await settle(pilot, lambda: isinstance(app.screen, OutputViewer), "the viewer")
        await settle(pilot, lambda: sum("▀" in row for row in rows(app)) > 20, "the image")
        body = viewer(app).body
        fitted = sum("▀" in row for row in rows(app))
        assert fitted == body.scrollable_content_region.height  # 4:3, as tall as the screen
        assert "zoom 1x" in title(app)
        await pilot.press("plus")
        await settle(pilot, lambda: body.virtual_size.height > fitted, "the zoomed image")
        assert body.virtual_size.width > SIZE[0]  # wider than the screen: it pans
        await pilot.press("right", "down")
        assert body.scroll_offset.x > 0
        assert body.scroll_offset.y > 0
        await pilot.press("0")
        await settle(
            pilot,
            lambda: body.virtual_size.height <= fitted and body.virtual_size.width <= SIZE[0],
            "fitted again",
        )
        await pilot.press("n")  # the next output: all 300 lines, unfolded
        await settle(pilot, lambda: "line 0" in rows(app)[0], "the text output")
        assert "output 2/2" in title(app)
        await pilot.press("end")
        await settle(pilot, lambda: "line 299" in "\n".join(rows(app)), "its last line")
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, OutputViewer), "the viewer closed")


async def test_json_folds_at_the_cursor(tmp_path: Path) -> None:
    value = {"meta": {"name": "x"}, "rows": [{"id": n, "tags": ["a", "b"]} for n in range(30)]}
    path = write_notebook(tmp_path / "j.ipynb", [("code", "data")], {0: [json_output(value)]})
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await settle(pilot, lambda: isinstance(app.screen, OutputViewer), "the viewer")
        await settle(pilot, lambda: '"rows": [' in "\n".join(rows(app)), "the JSON")
        shown = rows(app)
        # long: deep levels start folded, as in JupyterLab
        assert any("{…}, 2 keys" in row for row in shown)
        before = len(viewer(app).body.rows)
        await pilot.press("down", "down", "down", "down", "down", "enter")  # rows[0]: {…}
        await settle(pilot, lambda: len(viewer(app).body.rows) > before, "one row unfolded")
        await pilot.press("enter")
        await settle(pilot, lambda: len(viewer(app).body.rows) == before, "folded again")


async def test_f_without_outputs_says_so(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "e.ipynb", [("code", "x = 1")])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await settle(
            pilot,
            lambda: any("no output" in str(n.message) for n in app._notifications),
            "the notice",
        )
        assert not isinstance(app.screen, OutputViewer)
