"""Cell tags and metadata as the user edits them: undoable, validated, nothing lost.

- Tags live in `metadata.tags` (a list of strings, unique, no commas: the
  nbformat schema). `add_tag`/`remove_tag` are one undo step each; the last
  tag removed removes the key. `tag_suggestions` completes a tag from the
  ones used elsewhere in the notebook (most used first), then the tags tools
  act on (papermill's `parameters`, nbclient's `skip-execution`, ...).
- Metadata as JSON: `metadata_json` is the text to edit; `apply_cell_metadata`
  / `apply_notebook_metadata` take the edited text back. Invalid JSON, or a
  value the nbformat schema refuses (`tags` not a list, `kernelspec` without
  a name), is refused with one sentence and nothing changes. The edit is
  merged key by key against what the editor was opened with: a key the user
  did not touch keeps its value as it is now, so timings a cell's run wrote
  while the editor was open survive.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

from tuinb.model.cell import Cell
from tuinb.model.document import Notebook
from tuinb.sanitize import printable

__all__ = [
    "KNOWN_TAGS",
    "add_tag",
    "apply_cell_metadata",
    "apply_notebook_metadata",
    "merge_metadata",
    "metadata_json",
    "parse_metadata",
    "remove_tag",
    "tag_problem",
    "tag_suggestions",
    "tags_of",
]

KNOWN_TAGS = (
    "parameters",
    "skip-execution",
    "raises-exception",
    "remove-cell",
    "remove-input",
    "remove-output",
    "hide-input",
    "hide-output",
    "hide-cell",
)
"""Tags that tools act on (papermill, nbclient, nbconvert, Jupyter Book): offered last."""

_MISSING = object()


def tags_of(cell: Cell) -> list[str]:
    """A cell's tags (the strings of `metadata.tags`; [] if it holds anything else)."""
    tags = cell.metadata.get("tags")
    return [tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else []


def tag_problem(tag: str) -> str | None:
    """Why `tag` cannot be a tag (one sentence), or None."""
    if not tag:
        return "A tag cannot be empty."
    if "," in tag:
        return "A tag cannot contain a comma (the notebook format forbids it)."
    if any(char.isspace() for char in tag):
        return "A tag cannot contain spaces: use - or _ instead."
    return None


def add_tag(notebook: Notebook, cell_id: str, tag: str) -> str | None:
    """Tag a cell (one undo step); returns why not, or None. A tag it has is left alone."""
    tag = tag.strip()
    problem = tag_problem(tag)
    if problem is not None:
        return problem
    cell = notebook.cell(cell_id)
    tags = tags_of(cell)
    if tag not in tags:
        notebook.set_cell_metadata(cell_id, "tags", [*tags, tag])
    return None


def remove_tag(notebook: Notebook, cell_id: str, tag: str) -> bool:
    """Untag a cell (one undo step); the last tag takes `metadata.tags` with it."""
    cell = notebook.cell(cell_id)
    tags = tags_of(cell)
    if tag not in tags:
        return False
    rest = [t for t in tags if t != tag]
    if rest:
        notebook.set_cell_metadata(cell_id, "tags", rest)
    else:
        notebook.remove_cell_metadata(cell_id, "tags")
    return True


def tag_suggestions(
    notebook: Notebook, prefix: str = "", *, cell_id: str | None = None
) -> list[str]:
    """Tags to offer while typing `prefix`: the notebook's own (most used first), then known ones.

    The tags `cell_id` already has are left out; the prefix ignores case.
    """
    own = set(tags_of(notebook.cell(cell_id))) if cell_id is not None else set()
    used = Counter(tag for cell in notebook.cells for tag in tags_of(cell))
    ranked = sorted(used, key=lambda tag: (-used[tag], tag))
    ranked += [tag for tag in KNOWN_TAGS if tag not in used]
    folded = prefix.casefold()
    return [tag for tag in ranked if tag not in own and tag.casefold().startswith(folded)]


# ------------------------------------------------------------ metadata as JSON


def metadata_json(metadata: Mapping[str, Any]) -> str:
    """The text the metadata editor shows (JSON, indented as JupyterLab does)."""
    return json.dumps(metadata, indent=2, ensure_ascii=False)


def parse_metadata(text: str) -> dict[str, Any] | str:
    """The edited metadata, or one sentence saying why the text is refused."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; nothing changed."
    except RecursionError:
        return "Invalid JSON: it is nested too deeply; nothing changed."
    if not isinstance(value, dict):
        kind = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}.get(
            type(value), "a number"
        )
        return f"Metadata must be a JSON object ({{...}}), not {kind}; nothing changed."
    return value


def _cell_problem(metadata: Mapping[str, Any]) -> str | None:
    tags = metadata.get("tags", _MISSING)
    if tags is not _MISSING:
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            return '"tags" must be a list of strings'
        for tag in tags:
            problem = tag_problem(tag) if "," in tag or not tag else None
            if problem is not None:
                return f'"tags" holds {json.dumps(tag)}: {problem[:-1].lower()}'
        if len(set(tags)) != len(tags):
            return '"tags" must not repeat a tag'
    for key in ("collapsed", "deletable", "editable"):
        if key in metadata and not isinstance(metadata[key], bool):
            return f'"{key}" must be true or false'
    scrolled = metadata.get("scrolled", False)
    if not (isinstance(scrolled, bool) or scrolled == "auto"):
        return '"scrolled" must be true, false or "auto"'
    if "name" in metadata and not (isinstance(metadata["name"], str) and metadata["name"]):
        return '"name" must be a non-empty string'
    for key in ("jupyter", "execution"):
        if key in metadata and not isinstance(metadata[key], dict):
            return f'"{key}" must be an object'
    execution = metadata.get("execution")
    if isinstance(execution, dict) and not all(isinstance(v, str) for v in execution.values()):
        return '"execution" must hold strings (timestamps)'
    jupyter = metadata.get("jupyter")
    if isinstance(jupyter, dict):
        for key in ("source_hidden", "outputs_hidden"):
            if key in jupyter and not isinstance(jupyter[key], bool):
                return f'"jupyter.{key}" must be true or false'
    return None


def _notebook_problem(metadata: Mapping[str, Any]) -> str | None:
    spec = metadata.get("kernelspec", _MISSING)
    if spec is not _MISSING:
        if not isinstance(spec, dict):
            return '"kernelspec" must be an object'
        for key in ("name", "display_name"):
            if not isinstance(spec.get(key), str):
                return f'"kernelspec" needs "{key}" as a string'
    info = metadata.get("language_info", _MISSING)
    if info is not _MISSING and not (isinstance(info, dict) and isinstance(info.get("name"), str)):
        return '"language_info" must be an object with "name" as a string'
    if "title" in metadata and not isinstance(metadata["title"], str):
        return '"title" must be a string'
    if "authors" in metadata and not isinstance(metadata["authors"], list):
        return '"authors" must be a list'
    return None


def merge_metadata(
    original: Mapping[str, Any], edited: Mapping[str, Any], current: Mapping[str, Any]
) -> dict[str, Any]:
    """`current` with the user's changes (from `original` to `edited`) applied, key by key.

    A key the user changed or added takes the edited value; a key the user
    removed goes; every other key keeps its current value (also keys added
    while the editor was open).
    """
    merged = copy.deepcopy(dict(current))
    for key in set(original) | set(edited):
        if key not in edited:
            merged.pop(key, None)
        elif original.get(key, _MISSING) != edited[key]:
            merged[key] = copy.deepcopy(edited[key])
    return merged


def _refused(problem: str) -> str:
    return f"{printable(problem)}; nothing changed."


def apply_cell_metadata(
    notebook: Notebook, cell_id: str, text: str, original: Mapping[str, Any]
) -> str | None:
    """Take a cell's edited metadata JSON back (one undo step); why not, or None.

    `original` is the metadata the editor was opened with.
    """
    edited = parse_metadata(text)
    if isinstance(edited, str):
        return edited
    problem = _cell_problem(edited)
    if problem is not None:
        return _refused(problem)
    merged = merge_metadata(original, edited, notebook.cell(cell_id).metadata)
    notebook.replace_cell_metadata(cell_id, merged)
    return None


def apply_notebook_metadata(
    notebook: Notebook, text: str, original: Mapping[str, Any]
) -> str | None:
    """Take the notebook's edited metadata JSON back (one undo step); why not, or None."""
    edited = parse_metadata(text)
    if isinstance(edited, str):
        return edited
    problem = _notebook_problem(edited)
    if problem is not None:
        return _refused(problem)
    notebook.replace_notebook_metadata(merge_metadata(original, edited, notebook.metadata))
    return None
