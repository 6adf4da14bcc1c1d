"""The status bar's text, decided once without Rich: the view's bar and the first frame's.

`status_parts(...)` is the bar as runs of text with a style each (file name,
`[RO]` for a file the user may not simply write, unsaved mark, mode, kernel,
cell position); the kernel part comes from `kernel_name` and
`kernel_status` (with the connection to a server's or gateway's kernel while it is
down), the `[RO]` mark from `is_read_only`, the untrusted mark from `TrustMark`. Names come from the
file system and the notebook's metadata, so every part is sanitised here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from tuinb.sanitize import plain_text

if TYPE_CHECKING:
    from tuinb.model.core import NotebookCore

__all__ = [
    "NO_KERNEL",
    "READ_ONLY_MARK",
    "UNTRUSTED_MARK",
    "StatusStyle",
    "TrustMark",
    "is_read_only",
    "kernel_name",
    "kernel_status",
    "status_parts",
]

NO_KERNEL = "no kernel"
"""The kernel part when the notebook names none."""

READ_ONLY_MARK = " [RO]"
"""After the file name when saving would need a question (marked read-only) or cannot
write the file (no permission, a read-only file system), as vim's `[RO]`."""
UNTRUSTED_MARK = " [not trusted]"
"""After the file name while the notebook holds outputs JupyterLab would not trust (it was
not signed by this user, and those outputs were not made here since): JupyterLab's "Not
Trusted"; running the cells again, then saving, signs it (`tuinb.model.trust`)."""
CONNECTION_NOTES = {"reconnecting": "reconnecting…", "closed": "disconnected"}
"""The kernel part's state while the connection to a remote kernel is not `connected`."""
INTERRUPT_UNANSWERED = "interrupt unanswered: 0 0 restarts"
"""The kernel part's note while a cell runs on after an interrupt (`InterruptUnanswered`)."""

StatusStyle = Literal["", "bold", "bold reverse"]
"""How a run of the status bar is drawn."""


def is_read_only(access: str) -> bool:
    """Whether a `tuinb.model.WriteAccess` earns the `[RO]` mark (read-only or forbidden)."""
    return access in ("read-only", "forbidden")


def kernel_name(metadata: Mapping[str, Any], override: str | None = None) -> str:
    """The kernel's name for the status bar: `override` (``--kernel``), else the
    notebook's kernelspec display name (or name), else `NO_KERNEL`."""
    if override:
        return override
    spec = metadata.get("kernelspec")
    if isinstance(spec, dict):
        name = spec.get("display_name") or spec.get("name")
        if name:
            return str(name)
    return NO_KERNEL


def kernel_status(
    name: str, state: str | None, *, unanswered: bool = False, connection: str = "connected"
) -> str:
    """The kernel part of the bar: its name and state (None: this editor runs no kernel);
    `unanswered`: the running cell went on after an interrupt (a restart is offered);
    `connection`: a server's or gateway's kernel's (`KernelConnectionChanged`), said
    instead of the state while it is not `connected`."""
    if state is None:
        return name
    if connection in CONNECTION_NOTES:
        return f"{name} ({CONNECTION_NOTES[connection]})"
    if state == "dead":
        state = "dead: 0 0 restarts"
    elif unanswered and state == "busy":
        state = f"busy, {INTERRUPT_UNANSWERED}"
    return f"{name} ({state})"


def status_parts(
    *,
    name: str,
    dirty: bool,
    mode: str,
    kernel: str,
    cell: int,
    cells: int,
    read_only: bool = False,
    untrusted: bool = False,
) -> list[tuple[str, StatusStyle]]:
    """The bar's runs of text, left to right, sanitised."""
    marks = (READ_ONLY_MARK if read_only else "") + (UNTRUSTED_MARK if untrusted else "")
    return [
        (f" {plain_text(name)}{marks}", "bold"),
        (" [+]" if dirty else "    ", ""),
        (f"  {mode.upper()}", "bold reverse" if mode == "edit" else "bold"),
        (f"  {plain_text(kernel)}", ""),
        (f"  cell {cell}/{cells}", ""),
    ]


class TrustMark:
    """Whether the bar shows `UNTRUSTED_MARK`, worked out again only when the notebook
    changed (`revision`): the check hashes the outputs that came untrusted, which is
    nothing for a trusted notebook but would be work on every key for an untrusted one."""

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self._untrusted = False

    def untrusted(self, notebook: NotebookCore) -> bool:
        """True if the notebook is known not to be trusted (not while that is unknown)."""
        key = (id(notebook), notebook.revision)
        if key != self._key:
            from tuinb.model import trust

            self._key = key
            self._untrusted = trust.state(notebook) is False
        return self._untrusted
