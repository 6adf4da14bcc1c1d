"""Stored outputs for the notebook view: a cheap height estimate and the renderable.

The MIME rendering itself belongs to `tuinb.ui.render`; this module adapts it
to the view (and renders plain text minimally until it is there).
"""

from __future__ import annotations

import importlib
from typing import Any

from rich.console import RenderableType
from rich.text import Text

FOLD_HEAD = 10
"""Lines shown before the "N more lines" line of a folded output."""
FOLD_TAIL = 10
"""Lines shown after it."""


def _output_text(output: dict[str, Any]) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        text = output.get("text", "")
    elif kind == "error":
        text = "\n".join(
            output.get("traceback") or [f"{output.get('ename')}: {output.get('evalue')}"]
        )
    else:
        data = output.get("data") or {}
        text = data.get("text/plain", "")
        if not text:
            kinds = ", ".join(sorted(data)) or "nothing"
            return f"[output: {kinds}]"
    if isinstance(text, list):
        text = "".join(text)
    return str(text)


def output_height_estimate(outputs: list[dict[str, Any]], *, folded: bool) -> int:
    """Rows the outputs will likely take (exact for unwrapped text)."""
    total = 0
    limit = FOLD_HEAD + FOLD_TAIL + 1
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            text = output.get("text", "")
        elif kind == "error":
            text = "\n".join(output.get("traceback") or [""])
        else:
            text = (output.get("data") or {}).get("text/plain", "x")
        if isinstance(text, list):
            text = "".join(text)
        lines = max(1, str(text).rstrip("\n").count("\n") + 1)
        total += min(lines, limit) if folded else lines
    return total


def outputs_renderable(outputs: list[dict[str, Any]], folded: bool, width: int) -> RenderableType:
    """The outputs of one cell, long ones folded."""
    try:
        render = importlib.import_module("tuinb.ui.render")
    except ImportError:
        render = None
    if render is not None and hasattr(render, "render_outputs"):
        result: RenderableType = render.render_outputs(outputs, folded=folded, width=width)
        return result
    from tuinb.ui.view import printable

    lines: list[str] = []
    for output in outputs:
        lines.extend(_output_text(output).rstrip("\n").split("\n"))
    if folded and len(lines) > FOLD_HEAD + FOLD_TAIL + 1:
        hidden = len(lines) - FOLD_HEAD - FOLD_TAIL
        lines = [*lines[:FOLD_HEAD], f"… {hidden} more lines (o to unfold)", *lines[-FOLD_TAIL:]]
    return Text(printable("\n".join(lines)), no_wrap=True, overflow="ellipsis")
