"""Importing the model is cheap: no nbformat, no Textual/Rich, no zmq until a file is read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"

PROBE = """
import json, sys
import tuinb.model
before = sorted(m for m in ("nbformat", "textual", "rich", "zmq") if m in sys.modules)
tuinb.model.load(sys.argv[1])
after = "nbformat" in sys.modules
print(json.dumps({"before": before, "after": after}))
"""


def test_importing_model_does_not_import_nbformat() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            str(DATA / "jupyter__nbclient__tests__files__HelloWorld.ipynb"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(result.stdout)
    assert report["before"] == []
    assert report["after"] is True  # loading is what brings nbformat in
