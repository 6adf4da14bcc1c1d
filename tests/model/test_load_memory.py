"""A large output is held once: the deferred check reuses the parsed file, not its text.

The editor opens a notebook without nbformat and has nbformat validate it
later (`validate_later`). Keeping the file's text for that check, and parsing
it again, cost a 200,000-line output its size three more times at the peak
(editor and kernel: 176 MB, now 124 MB). Measured here with tracemalloc, which
counts allocations, not time.
"""

from __future__ import annotations

import gc
import json
import tracemalloc
from pathlib import Path

from tuinb.model import load, nbio, wait_validated

LINES = 50_000


def big_notebook(path: Path, lines_count: int = LINES) -> Path:
    lines = [
        f"line {n:06d} of a long output, as a print loop writes it\n" for n in range(lines_count)
    ]
    cell = {
        "cell_type": "code",
        "id": "big",
        "metadata": {},
        "source": ["for n in range(50000):\n", "    print(n)"],
        "outputs": [{"output_type": "stream", "name": "stdout", "text": lines}],
        "execution_count": 1,
    }
    data = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(data, indent=1), "utf-8")
    return path


def test_the_model_and_the_deferred_check_share_the_outputs_text(tmp_path: Path) -> None:
    notebook = load(big_notebook(tmp_path / "big.ipynb"), defer_validation=True)
    text = notebook.cells[0].outputs[0]["text"]
    assert text.count("\n") == LINES  # every line is there
    job = nbio._deferred[notebook]
    assert job.data is not None
    kept = job.data["cells"][0]["outputs"][0]["text"]
    assert kept is text  # one string, not a copy


def test_the_deferred_check_does_not_parse_the_file_again(tmp_path: Path) -> None:
    path = big_notebook(tmp_path / "big.ipynb")
    size = path.stat().st_size
    small = load(big_notebook(tmp_path / "small.ipynb", 10), defer_validation=True)
    assert wait_validated(small, timeout=60)  # nbformat imported, its schema compiled (~10 MB)
    notebook = load(path, defer_validation=True)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        assert wait_validated(notebook, timeout=60), "the background validation"
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert notebook.warnings == []
    assert peak < size // 4, f"the check allocated {peak:,} bytes for a {size:,}-byte file"
