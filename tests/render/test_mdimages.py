"""Images in markdown cells: attachments, data: links, files beside the notebook, refusals."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tuinb.render.images import decode_image
from tuinb.render.mdimages import (
    ImageRef,
    ImageRefused,
    ImageSource,
    markdown_image_refs,
    resolve_image,
)

_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)


def test_image_refs_in_markdown_and_html_in_order() -> None:
    source = (
        'Intro ![a plot](plot.png "title")\n'
        '<img src="attachment:pasted.png" alt="pasted">\n'
        "![spaced](<my figure.png>) and ![](data:image/png;base64,AAAA)"
    )
    assert markdown_image_refs(source) == [
        ImageRef("a plot", "plot.png"),
        ImageRef("pasted", "attachment:pasted.png"),
        ImageRef("spaced", "my figure.png"),
        ImageRef("", "data:image/png;base64,AAAA"),
    ]


def test_attachment_from_the_cell() -> None:
    attachments = {"pasted.png": {"image/png": base64.b64encode(_PNG).decode()}}
    found = resolve_image("attachment:pasted.png", attachments=attachments)
    assert isinstance(found, ImageSource)
    assert found.mime == "image/png"
    assert decode_image(found.mime, found.data).size == (1, 1)
    missing = resolve_image("attachment:other.png", attachments=attachments)
    assert isinstance(missing, ImageRefused)


def test_data_link_is_decoded_in_place() -> None:
    found = resolve_image("data:image/png;base64," + base64.b64encode(_PNG).decode())
    assert isinstance(found, ImageSource)
    assert decode_image(found.mime, found.data).size == (1, 1)


def test_file_beside_the_notebook(tmp_path: Path) -> None:
    (tmp_path / "figs").mkdir()
    (tmp_path / "figs" / "my plot.png").write_bytes(_PNG)
    found = resolve_image("figs/my%20plot.png?raw=1", notebook_dir=tmp_path)
    assert isinstance(found, ImageSource)
    assert found.data == _PNG


@pytest.mark.parametrize(
    "src",
    [
        "../secret.png",
        "figs/../../secret.png",
        "/etc/passwd",
        "~/secret.png",
        "https://example.com/plot.png",
        "http://example.com/plot.png",
        "//example.com/plot.png",
        "file:///etc/passwd",
        "missing.png",
    ],
)
def test_files_outside_the_folder_and_network_links_are_refused(tmp_path: Path, src: str) -> None:
    notebook_dir = tmp_path / "nb"
    notebook_dir.mkdir()
    (tmp_path / "secret.png").write_bytes(_PNG)
    (notebook_dir / "figs").mkdir()
    refused = resolve_image(src, notebook_dir=notebook_dir)
    assert isinstance(refused, ImageRefused)
    assert refused.reason.endswith(".")


def test_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    notebook_dir = tmp_path / "nb"
    notebook_dir.mkdir()
    (tmp_path / "secret.png").write_bytes(_PNG)
    (notebook_dir / "inside.png").symlink_to(tmp_path / "secret.png")
    assert isinstance(resolve_image("inside.png", notebook_dir=notebook_dir), ImageRefused)


def test_large_file_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "big.png").write_bytes(_PNG + b"\0" * 2048)
    refused = resolve_image("big.png", notebook_dir=tmp_path, max_bytes=1024)
    assert isinstance(refused, ImageRefused)
    assert "larger" in refused.reason


def test_relative_image_of_an_unsaved_notebook_is_refused() -> None:
    assert isinstance(resolve_image("plot.png", notebook_dir=None), ImageRefused)


def test_images_alone_on_a_line_cut_the_markdown() -> None:
    from tuinb.render.mdimages import image_paragraphs

    source = (
        "# Results\n\nThe plot:\n\n![loss](figs/loss.png)\n\nand inline ![x](x.png) text.\n"
        '<img src="attachment:a.png" alt="pasted">\n```\n![not](code.png)\n```\n'
    )
    assert image_paragraphs(source) == [
        "# Results\n\nThe plot:\n\n",
        ImageRef("loss", "figs/loss.png"),
        "\nand inline ![x](x.png) text.\n",
        ImageRef("pasted", "attachment:a.png"),
        "```\n![not](code.png)\n```\n",
    ]
    assert image_paragraphs("no images") == ["no images"]
