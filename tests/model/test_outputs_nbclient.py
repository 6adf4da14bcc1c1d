"""Oracle check against nbclient with a real kernel: saved stream text agrees.

The same iopub messages go to nbclient (``coalesce_streams=True``, the mode
that merges streams like tuinb) and to the model; the saved stream texts
must be equal for progress-bar output.
"""

from __future__ import annotations

from typing import Any

import nbformat as _nbformat
import pytest
from nbclient import NotebookClient

from tuinb.model import Notebook

nbformat: Any = _nbformat

pytestmark = pytest.mark.kernel

PROGRESS = r"""
import sys
last = 0
for done in range(21):
    line = f"{5 * done:3d}%|{'#' * done}{' ' * (20 - done)}| {done}/20"
    sys.stderr.write("\r" + line + " " * max(last - len(line), 0))
    sys.stderr.flush()
    last = len(line)
sys.stderr.write("\n")
sys.stderr.flush()
print("done", end="")
print(" and dusted")
"""


class _Tee(NotebookClient):
    """An nbclient that also feeds every output message to a tuinb model."""

    model: Notebook

    def output(
        self, outs: list[Any], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> Any:
        content = dict(msg["content"])
        content["output_type"] = msg["msg_type"]
        if msg["msg_type"] == "stream":
            self.model.append_output(self.model.cells[cell_index].id, content)
        return super().output(outs, msg, display_id, cell_index)


def test_stream_text_matches_nbclient_coalesced() -> None:
    node = nbformat.v4.new_notebook()
    node.cells.append(nbformat.v4.new_code_cell(PROGRESS))
    node.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    model = Notebook.new()
    client = _Tee(node, timeout=60, kernel_name="python3", coalesce_streams=True)
    client.model = model
    client.execute()
    theirs = {o["name"]: o["text"] for o in node.cells[0].outputs if o["output_type"] == "stream"}
    ours = {o["name"]: o["text"] for o in model.cells[0].outputs if o["output_type"] == "stream"}
    assert theirs["stderr"].startswith("100%|####################| 20/20")
    assert ours == theirs
    assert ours["stdout"] == "done and dusted\n"
