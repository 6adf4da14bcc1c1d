"""Reading notebook files and turning notebooks into text: the only module that imports nbformat.

nbformat is imported on first use, not when this module is imported, so
opening tuinb does not pay for it (see PITFALLS.md: ~0.1-1.3 s).

Faithful to the file: ``load`` does what ``nbformat.read(path, as_version=4)``
does (parse, upgrade v1-v3 to v4, validate, repair what validation repairs),
and ``dumps`` produces what ``nbformat.writes`` produces for that notebook
(plus the trailing newline ``nbformat.write`` adds). So load-then-save of a
notebook that nbformat wrote gives the same bytes back, and any other file is
saved exactly as ``nbformat.write(nbformat.read(...))`` would save it.
"""

from __future__ import annotations

import json
import logging
import threading
import warnings
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from tuinb.model import trust
from tuinb.model.diskstate import DiskStamp, stamp_of
from tuinb.model.document import Notebook
from tuinb.model.errors import NotebookReadError
from tuinb.model.files import read_bytes
from tuinb.model.shape import shape_problem
from tuinb.model.writing import sweep_stale_temps

_MAX_REASON = 160
log = logging.getLogger(__name__)


def _nbformat() -> ModuleType:
    import nbformat  # lazy on purpose

    return nbformat


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    line = text[0] if text else type(error).__name__
    return line if len(line) <= _MAX_REASON else line[: _MAX_REASON - 3] + "..."


def _read_text(path: Path) -> tuple[str, DiskStamp]:
    """The file's text and its stamp, from one read (a regular file under the size limit)."""
    raw, info = read_bytes(path)
    try:
        return raw.decode("utf-8-sig"), stamp_of(info, raw)
    except UnicodeDecodeError as err:
        raise NotebookReadError(
            f"Cannot open {path}: it is not UTF-8 text (bad byte at offset {err.start});"
            " notebooks must be saved as UTF-8.",
            path,
        ) from None


def _json(text: str, path: Path) -> dict[str, Any]:
    """The file's JSON object, or NotebookReadError if it is not JSON or not a notebook."""
    try:
        data = json.loads(text)
    except ValueError as err:
        raise NotebookReadError(
            f"Cannot open {path}: it is not valid JSON ({err}); repair it or restore a copy.", path
        ) from None
    except RecursionError:
        raise _too_deep(path) from None
    if not isinstance(data, dict) or "nbformat" not in data:
        raise NotebookReadError(
            f'Cannot open {path}: it is JSON but not a notebook (no "nbformat" field);'
            " check that this is the file you meant.",
            path,
        )
    return data


def _too_deep(path: Path) -> NotebookReadError:
    """JSON nested deeper than Python's recursion limit (~1,000 levels) allows."""
    return NotebookReadError(
        f"Cannot open {path}: its JSON is nested too deeply to be a notebook"
        " (about 1,000 levels or more); repair it or restore a copy.",
        path,
    )


def _is_json_mime(mime: str) -> bool:
    return mime == "application/json" or (
        mime.startswith("application/") and mime.endswith("+json")
    )


def _join_bundle(bundle: dict[str, Any]) -> None:
    for mime, value in list(bundle.items()):
        if (
            not _is_json_mime(mime)
            and isinstance(value, list)
            and all(isinstance(v, str) for v in value)
        ):
            bundle[mime] = "".join(value)


def _join_cell(cell: dict[str, Any]) -> None:
    if isinstance(cell.get("source"), list):
        cell["source"] = "".join(cell["source"])
    for attachment in cell.get("attachments", {}).values():
        _join_bundle(attachment)
    if cell.get("cell_type") == "code":
        for output in cell.get("outputs", []):
            kind = output.get("output_type", "")
            if kind in {"execute_result", "display_data"}:
                _join_bundle(output.get("data", {}))
            elif kind and isinstance(output.get("text", ""), list):
                output["text"] = "".join(output["text"])


def _fast_v4(data: dict[str, Any]) -> dict[str, Any] | None:
    """What nbformat reads from an nbformat-4 file that needs no repair; None otherwise.

    For a v4 file nbformat's read is: join the line lists of sources and
    text outputs, drop the transient keys, then validate. Validation changes
    the notebook only when a >= 4.5 file lacks or repeats cell ids, and
    problems it finds are warnings, not errors. So for the common file this
    builds the same dict without importing nbformat (0.1 s, or 1.7 s with
    jupyter-server's jsonschema extras); every other file, and any surprise
    here, takes nbformat's own path. ``data`` may be changed in place.
    """
    minor = data.get("nbformat_minor", 0)
    cells, metadata = data.get("cells"), data.get("metadata")
    if type(data["nbformat"]) is not int or data["nbformat"] != 4 or type(minor) is not int:
        return None
    if not isinstance(cells, list) or not isinstance(metadata, dict):
        return None
    if not all(isinstance(cell, dict) and isinstance(cell.get("metadata"), dict) for cell in cells):
        return None
    if minor >= 5:
        ids = [cell.get("id") for cell in cells]
        if not all(isinstance(cell_id, str) for cell_id in ids) or len(set(ids)) != len(ids):
            return None
    try:
        for cell in cells:
            _join_cell(cell)
    except (AttributeError, TypeError):
        return None
    for key in ("orig_nbformat", "orig_nbformat_minor", "signature"):
        metadata.pop(key, None)
    for cell in cells:
        cell["metadata"].pop("trusted", None)
    return data


def _parse(source: str | dict[str, Any], path: Path) -> tuple[Any, list[str]]:
    """nbformat.reads(text, as_version=4), without its logging, with clear errors.

    `source` is the file's text, or its JSON already parsed (nbformat copies
    the containers it converts and leaves the dict as it was).
    """
    data = _json(source, path) if isinstance(source, str) else source
    nbformat = _nbformat()
    major = data["nbformat"]
    if not isinstance(major, int) or isinstance(major, bool) or major not in nbformat.versions:
        supported = ", ".join(str(v) for v in sorted(nbformat.versions))
        raise NotebookReadError(
            f"Cannot open {path}: nbformat version {major!r} is not supported"
            f" (tuinb reads versions {supported}).",
            path,
        )
    problem = shape_problem(data)
    if problem is not None:
        raise NotebookReadError(
            f"Cannot open {path}: it is not a valid notebook ({problem});"
            " repair it or restore a copy.",
            path,
        )
    problems: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            node = nbformat.versions[major].to_notebook_json(
                data, minor=data.get("nbformat_minor", 0)
            )
            node = nbformat.convert(node, 4)
            try:
                nbformat.validate(node)
            except nbformat.ValidationError as err:
                problems.append(f"not valid nbformat: {_first_line(err)}")
        problems[:0] = [_first_line(w.message) for w in caught]  # type: ignore[arg-type]
    except NotebookReadError:
        raise
    except RecursionError:
        raise _too_deep(path) from None
    except KeyError as err:
        raise NotebookReadError(
            f"Cannot open {path}: it is not a valid notebook (the key {err} is missing);"
            " repair it or restore a copy.",
            path,
        ) from None
    except Exception as err:  # nbformat raises many kinds for broken files
        raise NotebookReadError(
            f"Cannot open {path}: it is not a valid notebook ({_first_line(err)});"
            " repair it or restore a copy.",
            path,
        ) from None
    return node, problems


def _plain(value: Any) -> Any:
    """NotebookNode trees as plain dicts and lists."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


@dataclass
class _Validation:
    data: dict[str, Any] | None
    """The file's JSON as the fast path left it: its strings are the model's, so keeping
    it costs only its containers (the file's text, or a second parse of it, cost its
    size again: 14 + 46 MB for a 200,000-line output)."""
    path: Path
    done: threading.Event = field(default_factory=threading.Event)
    started: bool = False


_deferred: weakref.WeakKeyDictionary[Notebook, _Validation] = weakref.WeakKeyDictionary()
_deferred_lock = threading.Lock()


def load(path: Path | str, *, defer_validation: bool = False) -> Notebook:
    """Read a notebook of any nbformat version as v4; raises NotebookReadError.

    Problems nbformat tolerates (schema violations, missing or duplicate cell
    ids that it repairs) are listed in ``Notebook.warnings``. With
    ``defer_validation`` (the editor's start-up), an nbformat-4 file that
    needs no repair is read without importing nbformat; `validate_later`
    then has nbformat validate it in a background thread, adding to
    ``warnings`` (and having nbformat imported before the first save).
    """
    path = Path(path)
    text, disk_stamp = _read_text(path)
    try:
        fast = _fast_v4(_json(text, path)) if defer_validation else None
        if fast is not None:
            notebook = Notebook.from_dict(fast, path=path)
            _deferred[notebook] = _Validation(fast, path)
            trust.record_pending(notebook)
        else:
            node, problems = _parse(text, path)
            notebook = Notebook.from_dict(_plain(node), path=path, warnings=problems)
            check_trust(notebook, node)
    except RecursionError:  # deep JSON that the parser took but a later walk did not
        raise _too_deep(path) from None
    notebook.disk_stamp = disk_stamp
    sweep_stale_temps(path)
    return notebook


def validate_later(notebook: Notebook) -> None:
    """Start the deferred validation of a notebook loaded with ``defer_validation``.

    Call it once the screen is up: it imports nbformat (0.1 s, or 1.7 s with
    jupyter-server's jsonschema extras), which would otherwise compete with
    start-up for the interpreter. Does nothing for other notebooks or twice.
    """
    with _deferred_lock:
        job = _deferred.get(notebook)
        if job is None or job.started:
            return
        job.started = True

    def work() -> None:
        try:
            data, job.data = job.data, None  # the check need not outlive itself
            if data is None:
                return
            try:
                node, problems = _parse(data, job.path)
                check_trust(notebook, node)
            except NotebookReadError as err:  # not expected: the fast path read it
                problems = [str(err)]
            notebook.warnings.extend(problems)
        finally:
            job.done.set()

    threading.Thread(target=work, name="tuinb-validate", daemon=True).start()


def wait_validated(notebook: Notebook, timeout: float | None = None) -> bool:
    """Validate now if still deferred, and wait until ``warnings`` is complete; False on timeout."""
    validate_later(notebook)
    job = _deferred.get(notebook)
    return job is None or job.done.wait(timeout)


def dumps(notebook: Notebook | dict[str, Any]) -> str:
    """The file text: what ``nbformat.write`` writes for this notebook.

    Also takes a `Notebook.to_dict()` snapshot, so a copy taken on the UI's
    event loop can be serialised in a thread without being rebuilt first.
    """
    nbformat = _nbformat()
    data = notebook.to_dict() if isinstance(notebook, Notebook) else notebook
    text: str = nbformat.versions[4].writes_json(nbformat.from_dict(data))
    return text if text.endswith("\n") else text + "\n"


def is_readable_notebook(path: Path) -> bool:
    """Whether ``path`` exists and would load without a NotebookReadError."""
    try:
        _parse(_read_text(path)[0], path)
    except NotebookReadError:
        return False
    return True


# ---------------------------------------------------------------- trust (nbformat's notary)
#
# As JupyterLab: a notebook is trusted when its signature is in the user's
# database (nbformat's `NotebookNotary`: the secret and `nbsignatures.db` in
# the Jupyter data folder), and a save signs it when every output that needs
# trust may be vouched for (`tuinb.model.trust`), so JupyterLab shows the HTML
# and JavaScript of outputs made in tuinb when the notebook is reopened there.


def _notary() -> Any:
    from nbformat.sign import NotebookNotary  # lazy on purpose (sqlite3, the secret)

    return NotebookNotary()  # type: ignore[no-untyped-call]


def check_trust(notebook: Notebook, node: Any) -> None:
    """Record whether `node` (the notebook as nbformat read it) is trusted.

    A notebook with no output that needs trust is trusted without asking the
    notary (nbformat's rule), which spares hashing a large stream output.
    """
    outputs = [
        output
        for cell in node.get("cells", [])
        for output in cell.get("outputs", [])
        if isinstance(output, dict) and trust.needs_trust(output)
    ]
    if not outputs:
        trust.record_outputs(notebook, [])
        return
    try:
        signed = bool(_notary().check_signature(node))
    except Exception as err:  # an unreadable secret or database: trust nothing
        log.warning("could not check the notebook's signature: %s", _first_line(err))
        signed = False
    trust.record_outputs(notebook, [] if signed else outputs)


def _check_deferred_trust(notebook: Notebook) -> None:
    """Check a fast-loaded notebook's signature now, from the JSON it was read from."""
    job = _deferred.get(notebook)
    with _deferred_lock:
        data = job.data if job is not None and not job.started else None
    if data is None:
        wait_validated(notebook)  # validation (which checks trust) is under way or done
        return
    nbformat = _nbformat()
    try:
        node = nbformat.versions[4].to_notebook_json(data)  # copies what it converts
    except Exception as err:  # the fast path read it, so not expected
        log.warning("could not read the notebook to check its signature: %s", _first_line(err))
        trust.record_outputs(notebook, [])
        return
    check_trust(notebook, node)


def is_trusted(notebook: Notebook) -> bool | None:
    """Whether JupyterLab would trust the notebook as it is now (signed, or every output
    that needs trust made here); None while its signature has not been checked yet.

    The editor's fast load checks it with nbformat's validation, after the first frame.
    """
    return trust.state(notebook)


def sign_if_trusted(notebook: Notebook, data: dict[str, Any]) -> bool:
    """Sign `data` (the notebook as just saved) if the notebook is trusted; True if signed.

    A notebook whose signature was not checked yet is checked first. Signing
    never fails a save: a problem with the secret or the database is logged.
    """
    if trust.state(notebook) is None:
        _check_deferred_trust(notebook)
    if not trust.state(notebook):
        return False
    try:
        _notary().sign(_nbformat().from_dict(data))
    except Exception as err:
        log.warning("could not sign the notebook: %s", _first_line(err))
        return False
    return True


# ---------------------------------------------------------------- notebooks from a server


def from_server_content(content: Any, label: str) -> Notebook:
    """The notebook of a Jupyter server's contents model (`content` of a `type: notebook`).

    The server read and upgraded it with nbformat and marked each code cell's
    `metadata.trusted` by its own notary; the marks are taken as the trust
    record and removed (they are not saved). `label` names it in errors.
    """
    if not isinstance(content, dict) or "nbformat" not in content:
        raise NotebookReadError(
            f"Cannot open {label}: the server did not send a notebook; check the path."
        )
    marked = [
        (output, cell.get("metadata", {}).get("trusted"))
        for cell in content.get("cells", [])
        if isinstance(cell, dict) and isinstance(cell.get("metadata"), dict)
        for output in cell.get("outputs", []) or []
        if isinstance(output, dict)
    ]
    untrusted = [output for output, mark in marked if mark is not True]
    fast = _fast_v4(content)
    if fast is not None:
        notebook = Notebook.from_dict(fast)
    else:
        node, problems = _parse(content, Path(label))
        notebook = Notebook.from_dict(_plain(node), warnings=problems)
    trust.record_outputs(notebook, untrusted)
    return notebook


def to_server_content(notebook: Notebook) -> dict[str, Any]:
    """The notebook as a server's contents API takes it, each code cell marked
    `metadata.trusted` as JupyterLab marks it, so that the server signs it if all are."""
    data = notebook.to_dict()
    for cell, entry in zip(notebook.cells, data.get("cells", []), strict=True):
        if cell.cell_type == "code":
            entry.setdefault("metadata", {})["trusted"] = trust.cell_trusted(notebook, cell)
    return data
