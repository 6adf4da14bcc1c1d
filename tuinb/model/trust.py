"""Which outputs JupyterLab may trust: the bookkeeping behind notebook signing.

JupyterLab runs the HTML and JavaScript of a notebook's outputs only when the
notebook is *trusted*: signed with the user's secret (nbformat's notary), or
made entirely of outputs produced on the user's own machine. tuinb keeps the
same promise when it saves: it signs (`tuinb.model.nbio`) only if every
output that needs trust is one it may vouch for.

An output needs trust when it is an `execute_result` or `display_data` with
data (nbformat's rule). When a notebook is loaded untrusted, the fingerprints
of such outputs are recorded; such an output stays untrusted until the cell
is run again. An output counts as produced here (and trusted) only if the
kernel made it in this session: identity, not content, since a copy of an
untrusted output (paste, undo) must not become trusted by being copied.
Notebooks loaded trusted, and new ones, record nothing and cost nothing.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuinb.model.cell import Cell
    from tuinb.model.core import NotebookCore

UNSAFE_OUTPUT_TYPES = frozenset({"execute_result", "display_data"})
"""Output types that may carry HTML or JavaScript (nbformat.sign's list for v4)."""
_SAFE_KEYS = frozenset({"output_type", "execution_count", "metadata"})
_PRUNE_FLOOR = 64


def needs_trust(output: dict[str, Any]) -> bool:
    """Whether JupyterLab would need trust to show `output` as it is (nbformat's rule)."""
    return output.get("output_type") in UNSAFE_OUTPUT_TYPES and bool(set(output) - _SAFE_KEYS)


_CHUNK = 1 << 16
UNHASHABLE = "unhashable"
"""The fingerprint of an output nested too deeply to walk (never trusted unless made here)."""


def _feed(digest: Any, value: Any) -> None:
    """Hash `value`'s content piece by piece (a large text is never copied whole)."""
    if isinstance(value, dict):
        digest.update(b"{%d" % len(value))
        for key in sorted(value, key=str):
            _feed(digest, str(key))
            _feed(digest, value[key])
    elif isinstance(value, list | tuple):
        digest.update(b"[%d" % len(value))
        for item in value:
            _feed(digest, item)
    elif isinstance(value, str):
        digest.update(b"s%d:" % len(value))
        for start in range(0, len(value), _CHUNK):
            digest.update(value[start : start + _CHUNK].encode("utf-8", "surrogatepass"))
    else:
        digest.update(f"{type(value).__name__}:{value!r};".encode())


def fingerprint(output: dict[str, Any]) -> str:
    """A digest of an output's content (its identity across copies)."""
    digest = hashlib.sha256()
    try:
        _feed(digest, output)
    except RecursionError:
        return UNHASHABLE
    return digest.hexdigest()


@dataclass
class TrustRecord:
    """What was untrusted when a notebook was loaded, and what the kernel made since."""

    untrusted: frozenset[str] | None = None
    """Fingerprints of the outputs that needed trust and did not have it; None while the
    check is still to come (nbformat checks the signature after the first frame)."""
    produced: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Outputs the kernel made in this session, by identity (kept alive while listed)."""
    prune_at: int = _PRUNE_FLOOR
    """Forget produced outputs no cell holds once there are this many."""


_records: weakref.WeakKeyDictionary[NotebookCore, TrustRecord] = weakref.WeakKeyDictionary()


def record_pending(notebook: NotebookCore) -> None:
    """The notebook was read without checking its signature yet (see `record_outputs`)."""
    _records[notebook] = TrustRecord()


def record_outputs(notebook: NotebookCore, untrusted: Iterable[dict[str, Any]]) -> None:
    """Record the outputs that came untrusted when the notebook was read.

    `untrusted` are the outputs as read (not the cells' current ones: by the time
    a deferred check runs, cells may have been run again). Nothing untrusted:
    the notebook is trusted. Outputs produced meanwhile stay known as such.
    """
    fingerprints = frozenset(fingerprint(o) for o in untrusted if needs_trust(o))
    previous = _records.get(notebook)
    record = TrustRecord(fingerprints)
    if previous is not None and fingerprints:
        record.produced = previous.produced
    _records[notebook] = record


def state(notebook: NotebookCore) -> bool | None:
    """True if trusted now, False if not, None while the check is still to come.

    A notebook with no record was made in memory (new, or built by tuinb): trusted.
    """
    record = _records.get(notebook)
    if record is None:
        return True
    if record.untrusted is None:
        return None
    return not untrusted_cells(notebook)


def note_produced(notebook: NotebookCore, output: dict[str, Any]) -> None:
    """The kernel made `output` in this session (called by `Notebook.append_output`)."""
    record = _records.get(notebook)
    if record is None or record.untrusted == frozenset() or not needs_trust(output):
        return
    record.produced[id(output)] = output
    if len(record.produced) >= record.prune_at:
        _prune(notebook, record)
        record.prune_at = max(_PRUNE_FLOOR, 2 * len(record.produced))


def _prune(notebook: NotebookCore, record: TrustRecord) -> None:
    live = {id(o) for cell in notebook.cells for o in cell.outputs}
    record.produced = {key: o for key, o in record.produced.items() if key in live}


def cell_trusted(notebook: NotebookCore, cell: Cell) -> bool:
    """Whether every output of `cell` that needs trust may be vouched for.

    While the check is still to come, nothing is vouched for but what the kernel made.
    """
    record = _records.get(notebook)
    if record is None or record.untrusted == frozenset():
        return True
    for output in cell.outputs:
        if not needs_trust(output) or record.produced.get(id(output)) is output:
            continue
        if record.untrusted is None or fingerprint(output) in record.untrusted:
            return False
    return True


def untrusted_cells(notebook: NotebookCore) -> list[str]:
    """Ids of the cells whose outputs keep the notebook from being trusted, in order."""
    record = _records.get(notebook)
    if record is None or record.untrusted == frozenset():
        return []
    _prune(notebook, record)
    return [cell.id for cell in notebook.cells if not cell_trusted(notebook, cell)]
