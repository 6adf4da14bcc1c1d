"""A markdown cell as the view draws it: math as Unicode, links made safe, images drawn.

The source goes through `tuinb.render.mimes.markdown_cell_text` (``$…$`` and
``$$…$$`` as Unicode) and Rich's `Markdown`. An image alone on its line
(`tuinb.render.mdimages.image_paragraphs`: the cell's attachments, a
``data:`` link, or a file in the notebook's folder) is drawn between the
text around it by the `ImageDrawer`, whose worker also reads the file; until
then, and when it is refused (a URL, a path out of the notebook's folder),
one dim line with its alt text (and why) stands for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text
from textual.strip import Strip

from tuinb.render.images import ImageError
from tuinb.render.mdimages import ImageRef, ImageRefused, image_paragraphs, resolve_image
from tuinb.render.mimes import markdown_cell_text
from tuinb.sanitize import plain_text
from tuinb.ui.view.rich_outputs import NOTE_STYLE, markdown

if TYPE_CHECKING:
    from tuinb.model import Cell
    from tuinb.ui.view.output_look import OutputLook

__all__ = ["markdown_cell_rows"]


def _label(ref: ImageRef, problem: str = "") -> Text:
    name = plain_text(ref.alt) or plain_text(ref.src.split("/")[-1])[:60]
    text = f"[image: {name}]" + (f" {plain_text(problem)}" if problem else "")
    return Text(text, style=NOTE_STYLE, no_wrap=True, overflow="ellipsis")


def _loader(
    ref: ImageRef, attachments: dict[str, Any] | None, folder: Path | None
) -> Callable[[], tuple[str, Any]]:
    def load() -> tuple[str, Any]:
        found = resolve_image(ref.src, attachments=attachments, notebook_dir=folder)
        if isinstance(found, ImageRefused):
            raise ImageError(found.reason)
        return found.mime, found.data

    return load


def _source_key(ref: ImageRef, attachments: dict[str, Any] | None, folder: Path | None) -> Any:
    """What names the image in the drawer's cache: an attachment by its data (pasting another
    image under the same name shows the new one), a file by its path, a data: link by itself."""
    if ref.src.startswith("attachment:") and attachments:
        bundle = attachments.get(ref.src[len("attachment:") :])
        if isinstance(bundle, dict):
            return ("attachment", tuple((mime, hash(str(v))) for mime, v in bundle.items()))
    return ("markdown image", str(folder), ref.src)


def markdown_cell_rows(
    cell: Cell,
    *,
    folder: Path | None,
    width: int,
    look: OutputLook,
    to_strips: Callable[[RenderableType], list[Strip]],
) -> list[Strip]:
    """The rows of a markdown cell's source."""
    source = markdown_cell_text(cell.source)
    parts = image_paragraphs(source) if "![" in source or "<img" in source.lower() else [source]
    attachments = cell.attachments
    rows: list[Strip] = []
    for part in parts:
        if isinstance(part, str):
            rows.extend(to_strips(markdown(part)))
            continue
        drawn = None
        if look.images is not None:
            source_key = _source_key(part, attachments, folder)
            load = _loader(part, attachments, folder)
            drawn = look.images.linked_rows(cell.id, source_key, load, width, look.background)
        if isinstance(drawn, list):
            rows.extend(strip.extend_cell_length(width) for strip in drawn)
        else:
            rows.extend(to_strips(_label(part, drawn or "")))
    return rows
