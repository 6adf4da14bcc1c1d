"""`tuinb attach [NOTEBOOK]`: open the editor on a running session (entry layer).

The choice of session is `tuinb.session.commands.attach_target`; this module
only hands the notebook to the editor, which attaches to the notebook's live
session instead of starting a kernel of its own.
"""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str]) -> int:
    """Attach to the named session (or the only one); returns the exit code."""
    from tuinb.session.commands import attach_target

    target = attach_target(argv)
    if isinstance(target, int):
        return target
    from tuinb.ui.launch import open_editor

    try:
        return open_editor(target, kernel=None, attach_only=True)
    except KeyboardInterrupt:
        return 130
