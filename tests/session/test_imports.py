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


def test_finding_and_attaching_before_the_first_frame_loads_no_engine() -> None:
    """Every editor start asks for a live session, and an attach happens before the first
    frame: neither may pay for the engine, asyncio or zmq (tens of milliseconds)."""
    code = (
        "import sys, tuinb.session.places, tuinb.session.launch\n"
        "heavy = ('tuinb.engine', 'asyncio', 'zmq', 'textual', 'nbformat')\n"
        "print(','.join(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""
