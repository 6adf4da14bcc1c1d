"""Issue 9, item 6: bad input is refused in one sentence with exit 2, never a traceback
or a hang. Each case runs the installed `tuinb` (the editor on a pseudo-terminal)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.faults.support import assert_no_controls, one_line, run_on_terminal, tuinb
from tuinb.cli import SUBCOMMANDS
from tuinb.model import NotebookReadError, load

NESTED = '{"cells":' + "[" * 100_000
"""Issue 9's deeply nested JSON."""


def refused_by_run(path: Path, fragment: str) -> None:
    done = tuinb("run", path, timeout=20)
    assert done.returncode == 2, done.stderr
    line = one_line(done.stderr)
    assert line.startswith("tuinb run: Cannot open ")
    assert fragment in line
    assert b"Traceback" not in done.stderr


def refused_by_editor(path: Path, fragment: str) -> None:
    code, raw = run_on_terminal(path, timeout=20)
    assert code == 2, raw
    assert_no_controls(raw, "the editor")  # nothing drawn: refused before any frame
    line = one_line(raw)
    assert line.startswith("tuinb: ")
    assert fragment in line


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "f.ipynb"
    os.mkfifo(fifo)
    refused_by_run(fifo, "it is a named pipe (FIFO), not a notebook file")
    refused_by_editor(fifo, "named pipe")
    source = tmp_path / "nb.ipynb"
    source.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    done = tuinb("run", source, "-o", fifo, timeout=20)  # as the output: refused before running
    assert done.returncode == 2
    assert one_line(done.stderr) == (
        f"tuinb run: Could not save {fifo}: it is a named pipe (FIFO), not a notebook file;"
        " save under another name; nothing was run."
    )


def test_a_device_is_refused_at_once() -> None:
    refused_by_run(Path("/dev/zero"), "it is a device, not a notebook file")
    refused_by_editor(Path("/dev/zero"), "it is a device")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.ipynb"
    big.write_bytes(b" " * (3 * 1024 * 1024))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TUINB_MAX_NOTEBOOK_MB", "2")
        refused_by_run(big, "it is 3 MiB, over tuinb's limit of 2 MiB (set TUINB_MAX_NOTEBOOK_MB")
        with pytest.raises(NotebookReadError, match="over tuinb's limit"):
            load(big)


def test_deeply_nested_json_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "deep.ipynb"
    path.write_text(NESTED)
    refused_by_run(path, "its JSON is nested too deeply to be a notebook")
    refused_by_editor(path, "nested too deeply")
    inner = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code"}]}
    deep_output = json.dumps(inner)[:-3] + ', "outputs": ' + "[" * 950 + "]" * 950 + "}]}"
    path.write_text(deep_output)  # parses, but too deep for what reads it next
    with pytest.raises(NotebookReadError):
        load(path)


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ({"cells": "nope"}, '"cells" is a string, not a list'),
        ({"cells": [1]}, "cell 1 is a number, not an object"),
        ({"cells": [{"source": "x"}]}, 'cell 1 has no "cell_type"'),
        ({"cells": [{"cell_type": "code", "source": 3}]}, 'cell 1\'s "source" is a number'),
        ({"cells": [{"cell_type": "code", "outputs": {}}]}, 'cell 1\'s "outputs" is an object'),
        ({"cells": [], "metadata": []}, '"metadata" is a list, not an object'),
        ({"worksheets": "x", "nbformat": 3}, '"worksheets" is a string, not a list'),
    ],
)
def test_a_broken_structure_is_said_in_words(
    tmp_path: Path, document: dict[str, object], words: str
) -> None:
    path = tmp_path / "shape.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, **document}))
    with pytest.raises(NotebookReadError) as info:
        load(path)
    assert str(info.value) == (
        f"Cannot open {path}: it is not a valid notebook ({words}"
        + str(info.value).split(words, 1)[1]
    )
    assert "attribute" not in str(info.value)
    assert str(info.value).endswith("); repair it or restore a copy.")


def test_cells_nope_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "nope.ipynb"
    path.write_text('{"cells": "nope", "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    refused_by_run(path, '"cells" is a string, not a list')


def test_the_editor_without_a_terminal_refuses_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    before = path.read_bytes()
    out = tmp_path / "out.txt"
    with out.open("wb") as stdout:
        done = tuinb(path, timeout=20, stdin=subprocess_devnull())
        stdout.write(done.stdout)
    assert done.returncode == 2
    assert done.stdout == b"", "nothing drawn into a file"
    assert one_line(done.stderr) == (
        "tuinb: the editor needs a terminal on stdin and stdout; to execute a notebook"
        " without one, use `tuinb run NOTEBOOK`."
    )
    assert path.read_bytes() == before
    mistyped = tuinb("kernel", timeout=20, cwd=tmp_path)  # for `tuinb kernels`
    assert mistyped.returncode == 2
    commands = ", ".join(SUBCOMMANDS)
    assert one_line(mistyped.stderr).startswith(
        f"tuinb: 'kernel' is not a command ({commands}), and the editor needs a terminal"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb.ipynb", "out.txt"]


def subprocess_devnull() -> int:
    import subprocess

    return subprocess.DEVNULL
