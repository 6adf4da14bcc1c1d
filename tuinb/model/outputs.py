"""How execution output lands in a cell: stream merging, ``\\r`` and ``\\b``, displays.

Saved form of streams
---------------------
JupyterLab appends a stream message to the cell's last output when that is a
stream of the same name, then rewrites the text the way a terminal shows it:
a character followed by a backspace is removed, ``\\r\\n`` is a newline, and a
``\\r`` returns to the start of the line so that the following text *overlays*
what was there (``"abcdef\\rXY"`` shows and saves as ``"XYcdef"``). A ``\\r``
at the very end of the text is kept until more text arrives. The saved
notebook holds that processed text. The model does exactly this.

nbclient (and so ``jupyter execute`` / papermill) stores every stream message
as its own output by default. With ``coalesce_streams=True`` it merges the
streams of a cell after the run and deletes everything on a line up to the
last ``\\r`` (``"abcdef\\rXY"`` becomes ``"XY"``). The two agree whenever a
rewritten line is at least as long as the line it replaces, which is what
progress bars do: tqdm pads each update with spaces to the previous length,
so a tqdm bar saves to the same final line either way (tested in
``tests/model/test_outputs.py``). Backspaces differ: nbclient 0.11 means to
remove them but its loop never runs, so its saved text keeps them; tuinb
applies them as JupyterLab does. nbclient also merges same-name streams
that are not consecutive (and moves stdout before stderr); JupyterLab and
tuinb merge only a stream that directly follows one of the same name. We
follow JupyterLab because tuinb is an
interactive editor whose saved file should match what the user saw; the
terminal-overlay rule is also what ``cat`` of the same text shows.
"""

from __future__ import annotations

import re
from typing import Any

_BACKSPACE = re.compile(r"[^\n]\x08")
_CR_LF = re.compile(r"\r+\n")


def _fix_backspace(text: str) -> str:
    while True:
        shorter = _BACKSPACE.sub("", text)
        if len(shorter) == len(text):
            return text
        text = shorter


def _overlay(line: str) -> str:
    """Apply the ``\\r`` characters inside one line (no ``\\n`` in it)."""
    parts = line.split("\r")
    trailing = parts[-1] == "" and len(parts) > 1
    shown = parts[0]
    for part in parts[1:]:
        if part:
            shown = part + shown[len(part) :]
    return shown + ("\r" if trailing else "")


def render_stream_text(text: str) -> str:
    """``text`` as JupyterLab displays and saves it (backspaces, then carriage returns)."""
    if "\x08" in text:
        text = _fix_backspace(text)
    if "\r" not in text:
        return text
    text = _CR_LF.sub("\n", text)
    return "\n".join(_overlay(line) if "\r" in line else line for line in text.split("\n"))


def _text_of(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return str(value)


def split_transient(output: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A copy of ``output`` without ``transient``, and its ``display_id`` if any."""
    clean = {key: value for key, value in output.items() if key != "transient"}
    transient = output.get("transient")
    display_id = transient.get("display_id") if isinstance(transient, dict) else None
    if clean.get("output_type") == "stream":
        clean["text"] = _text_of(clean.get("text", ""))
    return clean, display_id if isinstance(display_id, str) and display_id else None


def appended(outputs: list[dict[str, Any]], output: dict[str, Any]) -> list[dict[str, Any]]:
    """The outputs after ``output`` (already without ``transient``) arrives.

    A stream joins the previous output when that is a stream of the same
    name; stream text is then rewritten by `render_stream_text`. Output dicts
    are never changed in place (undo snapshots share them): merging makes a
    new dict.
    """
    if output.get("output_type") != "stream":
        return [*outputs, output]
    text = output.get("text", "")
    last = outputs[-1] if outputs else None
    if (
        last is not None
        and last.get("output_type") == "stream"
        and last.get("name") == output.get("name")
    ):
        merged = {**last, "text": render_stream_text(_text_of(last.get("text", "")) + text)}
        return [*outputs[:-1], merged]
    return [*outputs, {**output, "text": render_stream_text(text)}]


def with_display(
    output: dict[str, Any], data: dict[str, Any], metadata: dict[str, Any]
) -> dict[str, Any]:
    """A copy of a display_data/execute_result output showing new data and metadata."""
    return {**output, "data": dict(data), "metadata": dict(metadata)}
