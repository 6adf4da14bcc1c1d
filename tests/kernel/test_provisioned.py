"""Kernelspecs that name a jupyter_client kernel provisioner start through it."""

from __future__ import annotations

import asyncio
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine.support import make_notebook
from tests.kernel_support import ipykernel_argv, kernel_env, spec_from_folder, write_kernelspec
from tests.server.engine_support import remote_engine, text_of
from tuinb.engine import KernelDied
from tuinb.engine.backends import ProvisionerInfo
from tuinb.engine.kernels import make_engine
from tuinb.kernel.errors import KernelStartError
from tuinb.kernel.provisioned import ProvisionedKernel, is_installed, kernel_backend

pytestmark = [pytest.mark.kernel, pytest.mark.timeout(180)]

DIST = Path(__file__).parent / "provisioner_dist"
"""A tiny installed distribution: the test provisioner and its entry point."""


def provisioned_spec(root: Path, provisioner: str = "tuinb-test-provisioner") -> Path:
    return write_kernelspec(
        root,
        "provisioned",
        ipykernel_argv(),
        display_name="Provisioned Python",
        metadata={"kernel_provisioner": {"provisioner_name": provisioner}},
    )


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The test provisioner on sys.path (as if pip-installed); its call log."""
    monkeypatch.syspath_prepend(str(DIST))
    importlib.invalidate_caches()
    log = tmp_path / "provisioner.log"
    monkeypatch.setenv("TUINB_PROVISIONER_LOG", str(log))
    return log


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


async def test_a_provisioned_kernel_runs_interrupts_restarts_and_dies_through_it(
    installed: Path, tmp_path: Path
) -> None:
    assert is_installed("tuinb-test-provisioner")
    spec = spec_from_folder(provisioned_spec(tmp_path / "kernels"))
    backend = kernel_backend(spec, cwd=tmp_path)
    assert isinstance(backend, ProvisionedKernel)
    assert isinstance(backend, ProvisionerInfo)
    assert backend.provisioner_name == "tuinb-test-provisioner"
    notebook = make_notebook(
        "import os\nprint(os.environ.get('TUINB_PROVISIONED'), os.getcwd())",
        "import time\nfor _ in range(600): time.sleep(0.1)",
        "z = 1",
        "z",
        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
    )
    async with remote_engine(notebook, backend) as run:
        assert calls(installed)[:2] == ["pre_launch", "launch_kernel"]
        assert (await run.run("c0", "a cell")).status == "ok"
        assert text_of(notebook, "c0") == f"yes {tmp_path}\n"  # launched its way, in the cwd
        run.engine.run_cell("c1")
        await run.until(lambda: run.engine.kernel_state == "busy", "the loop to start")
        await run.engine.interrupt()
        await run.until(lambda: "c1" in run.finished(), "the interrupt")
        assert run.finished()["c1"].ename == "KeyboardInterrupt"
        assert "send_signal 2" in calls(installed)
        await run.run("c2", "z = 1")
        await run.engine.restart()
        assert "cleanup restart=True" in calls(installed)
        assert (await run.run("c3", "z after the restart")).ename == "NameError"
        run.engine.run_cell("c4")  # the kernel kills itself
        await run.until(lambda: any(isinstance(e, KernelDied) for e in run.seen), "the death", 10)
        await run.engine.restart()
        assert (await run.run("c0", "a cell after the death")).status == "ok"
    assert calls(installed)[-1] == "cleanup restart=False"  # shut down through it


async def test_a_provisioner_that_is_not_installed_is_one_sentence(tmp_path: Path) -> None:
    spec = spec_from_folder(provisioned_spec(tmp_path / "k", "kubernetes-provisioner"))
    backend = kernel_backend(spec)
    with pytest.raises(KernelStartError) as caught:
        await backend.start(timeout=10)
    message = str(caught.value)
    assert "kubernetes-provisioner" in message
    assert "pip install 'gateway_provisioners[k8s]'" in message
    assert "\n" not in message


async def test_the_editor_s_engine_uses_the_provisioner(installed: Path, tmp_path: Path) -> None:
    root = tmp_path / "jp"
    provisioned_spec(root)
    with kernel_env(root):
        engine = make_engine(make_notebook("1"), "provisioned", cwd=tmp_path)
        try:
            async with asyncio.timeout(60):
                await engine.start()
            assert calls(installed)[:2] == ["pre_launch", "launch_kernel"]
        finally:
            await engine.shutdown()


def test_tuinb_kernels_shows_the_provisioner(tmp_path: Path) -> None:
    root = tmp_path / "jp"
    provisioned_spec(root)
    env = {**os.environ, "JUPYTER_PATH": str(root), "PYTHONPATH": str(DIST)}
    done = subprocess.run(
        [sys.executable, "-m", "tuinb", "kernels"],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )  # fmt: skip
    line = next(row for row in done.stdout.splitlines() if row.startswith("provisioned"))
    assert "tuinb-test-provisioner" in line
    header = done.stdout.splitlines()[0]
    assert "PROVISIONER" in header


def test_tuinb_run_starts_a_provisioned_kernel_through_its_provisioner(tmp_path: Path) -> None:
    from tests.headless.test_run import write_notebook

    root = tmp_path / "jp"
    provisioned_spec(root)
    path = write_notebook(tmp_path / "p.ipynb", "import os\nprint(os.environ['TUINB_PROVISIONED'])")
    log = tmp_path / "provisioner.log"
    env = {
        **os.environ,
        "JUPYTER_PATH": str(root),
        "PYTHONPATH": str(DIST),
        "TUINB_PROVISIONER_LOG": str(log),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tuinb", "run", str(path), "--kernel", "provisioned"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "yes" in path.read_text()
    assert calls(log)[:2] == ["pre_launch", "launch_kernel"]
    assert calls(log)[-1] == "cleanup restart=False"
