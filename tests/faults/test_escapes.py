"""Issue 9, item 2: no escape sequence from a notebook, kernel, kernelspec or path reaches
the terminal from any command. Each test runs the installed `tuinb` and checks the raw
bytes it wrote (the message is still there, its controls shown as visible marks)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.faults.support import (
    PAYLOAD,
    assert_no_controls,
    one_line,
    run_on_terminal,
    tuinb,
    write_notebook,
)
from tests.kernel_support import write_kernelspec

SHOWN = "␛]0;PWNED␇␛]52;c;SGVsbG8=␇␛[2J"
"""`PAYLOAD` as tuinb prints it."""


@pytest.mark.kernel
@pytest.mark.usefixtures("python3_kernelspec")
def test_run_prints_a_cells_error_value_without_its_escapes(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", f"raise ValueError({PAYLOAD!r})")
    done = tuinb("run", path, "-o", tmp_path / "out.ipynb")
    assert done.returncode == 1
    assert_no_controls(done.stdout + done.stderr, "tuinb run")
    last = done.stderr.decode().strip().splitlines()[-1]
    assert last == f"tuinb run: cell 1: ValueError: {SHOWN}"


@pytest.mark.kernel
@pytest.mark.usefixtures("python3_kernelspec")
def test_run_prints_a_dying_kernels_last_output_without_its_escapes(tmp_path: Path) -> None:
    code = f"import os\nos.write(2, {PAYLOAD.encode()!r})\nos._exit(1)"
    path = write_notebook(tmp_path / "nb.ipynb", code)
    done = tuinb("run", path, "-o", tmp_path / "out.ipynb")
    assert done.returncode == 1
    assert_no_controls(done.stdout + done.stderr, "tuinb run")
    assert SHOWN in done.stderr.decode(), "the kernel's last output is logged, shown safely"


def test_run_names_a_missing_file_without_its_escapes(tmp_path: Path) -> None:
    done = tuinb("run", tmp_path / f"{PAYLOAD}.ipynb")
    assert done.returncode == 2
    assert_no_controls(done.stdout + done.stderr, "tuinb run")
    assert SHOWN in one_line(done.stderr)


def test_run_names_an_unknown_kernel_without_its_escapes(tmp_path: Path) -> None:
    meta = {"kernelspec": {"name": PAYLOAD, "display_name": PAYLOAD}}
    path = write_notebook(tmp_path / "nb.ipynb", "1", metadata=meta)
    done = tuinb("run", path)
    assert done.returncode == 2
    assert_no_controls(done.stdout + done.stderr, "tuinb run")
    assert "There is no kernel named '\\x1b]0;PWNED" in one_line(done.stderr)  # as repr quotes it


def test_a_kernel_that_cannot_start_is_quoted_without_its_escapes(tmp_path: Path) -> None:
    say = f"import os; os.write(2, {PAYLOAD.encode()!r}); os._exit(3)"
    write_kernelspec(tmp_path / "jp", "broken", [sys.executable, "-c", say])
    path = write_notebook(tmp_path / "nb.ipynb", "1")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(tmp_path / "jp"))
        done = tuinb("run", path, "--kernel", "broken")
    assert done.returncode == 2
    assert_no_controls(done.stdout + done.stderr, "tuinb run")
    assert SHOWN in done.stderr.decode()


def test_argument_errors_quote_the_arguments_without_their_escapes(tmp_path: Path) -> None:
    for command in (["run", "nb.ipynb", PAYLOAD], ["kernels", PAYLOAD], ["--" + PAYLOAD]):
        done = tuinb(*command, cwd=tmp_path)
        assert done.returncode == 2, command
        assert_no_controls(done.stdout + done.stderr, f"tuinb {command[0]}")
        assert SHOWN in done.stderr.decode()


def test_kernels_table_shows_kernelspec_names_without_their_escapes(tmp_path: Path) -> None:
    write_kernelspec(
        tmp_path, "evil", [sys.executable, "-c", "pass"], display_name=PAYLOAD, language=PAYLOAD
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(tmp_path))
        done = tuinb("kernels")
    assert done.returncode == 0
    assert_no_controls(done.stdout + done.stderr, "tuinb kernels")
    (row,) = [line for line in done.stdout.decode().splitlines() if line.startswith("evil ")]
    assert row.split()[1:3] == [SHOWN, SHOWN]


def test_the_editor_names_a_file_it_cannot_open_without_its_escapes(tmp_path: Path) -> None:
    path = tmp_path / f"{PAYLOAD}.ipynb"
    path.write_text(json.dumps({"not": "a notebook"}), encoding="utf-8")
    code, raw = run_on_terminal(path)
    assert code == 2
    assert_no_controls(raw, "the editor")
    assert SHOWN in one_line(raw)
