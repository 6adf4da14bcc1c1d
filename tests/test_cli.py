"""The entry layer: version, help, and a start-up that loads no UI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tuinb import __version__
from tuinb.cli import main


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"tuinb {__version__}"


def test_help_names_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "tuinb run " in out
    assert "tuinb kernels" in out


@pytest.mark.parametrize(
    "module",
    ["tuinb", "tuinb.cli", "tuinb.model", "tuinb.kernel", "tuinb.engine", "tuinb.headless"],
)
def test_core_imports_load_no_ui(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "loaded = sorted(m for m in ('textual', 'rich') if m in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tuinb", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"tuinb {__version__}"
