"""Markdown cells on screen: math as Unicode, images from attachments and files beside the
notebook (never from elsewhere), links as safe hyperlinks."""

from __future__ import annotations

import base64
from pathlib import Path

from tests.ui.editor_helpers import SIZE, make_app, screen_text, settle, write_notebook
from tests.ui.test_output_images import plot_png
from tuinb.config import parse_config
from tuinb.model import load, save


async def test_math_in_a_markdown_cell_is_unicode(tmp_path: Path) -> None:
    source = "Energy $E = mc^2$ and\n\n$$\\sum_{i=1}^{n} x_i$$\n\ncosts $5 and $10"
    path = write_notebook(tmp_path / "m.ipynb", [("markdown", source)])
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Energy E = mc² and" in text
        assert "∑" in text
        assert "costs $5 and $10" in text  # dollars that are not math stay dollars


async def test_images_in_markdown_cells_come_from_the_cell_and_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    (folder / "figs").mkdir(parents=True)
    (folder / "figs" / "loss.png").write_bytes(base64.b64decode(plot_png(2, 1)))
    outside = tmp_path / "secret.png"
    outside.write_bytes(base64.b64decode(plot_png(2, 1)))
    source = (
        "Before\n\n![the loss](figs/loss.png)\n\nBetween\n\n![pasted](attachment:p.png)\n\n"
        "![remote](https://example.org/x.png)\n\n![escape](../secret.png)\n\nAfter"
    )
    path = write_notebook(folder / "m.ipynb", [("markdown", source)])
    notebook = load(path)
    notebook.cells[0].attachments = {"p.png": {"image/png": plot_png(1, 1)}}
    save(notebook, path)
    loaded = parse_config("[output]\nimage_max_height = 4\n", tmp_path / "c.toml")
    app = make_app(path, config=loaded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: screen_text(app).count("▀") >= 2 * 8 * 4, "both images")
        rows = [row[8:].rstrip() for row in screen_text(app).split("\n")]
        blocks = [n for n, row in enumerate(rows) if "▀" in row]
        first = rows.index("Before")
        between = rows.index("Between")
        assert first < blocks[0] < between < blocks[-1]  # each in its place in the text
        text = "\n".join(rows)
        assert "[image: remote] https: images are not fetched" in text
        assert "[image: escape] ../secret.png: only images in the notebook's folder" in text
        assert rows.index("After") > blocks[-1]
