"""Every test runs with private data, config and Jupyter runtime folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point tuinb's and Jupyter's per-user folders (data, runtime) at a fresh temporary folder."""
    root = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TUINB_DATA_DIR", str(root / "tuinb-data"))
        patch.setenv("TUINB_CONFIG_FILE", str(root / "tuinb-config.toml"))
        patch.setenv("JUPYTER_RUNTIME_DIR", str(root / "jupyter-runtime"))
        # the notary's secret and signature database (saving signs notebooks)
        patch.setenv("JUPYTER_DATA_DIR", str(root / "jupyter-data"))
        yield root


@pytest.fixture
def python3_kernelspec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A `python3` kernelspec for this interpreter in a private JUPYTER_PATH.

    Kernel tests ask for it with ``pytest.mark.usefixtures("python3_kernelspec")``.
    """
    from tests.kernel_support import kernel_env, write_ipykernel_spec

    root = tmp_path_factory.mktemp("jupyter-path")
    spec_dir = write_ipykernel_spec(root, "python3")
    with kernel_env(root):
        yield spec_dir
