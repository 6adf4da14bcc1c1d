"""The host process stays light: no UI, and nbformat only once it saves."""

from __future__ import annotations

import subprocess
import sys


def test_the_host_and_client_load_no_ui_and_no_nbformat() -> None:
    code = (
        "import sys, tuinb.session.host, tuinb.session.server, tuinb.session.client\n"
        "print(','.join(sorted(m for m in ('textual', 'rich', 'nbformat') if m in sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""
