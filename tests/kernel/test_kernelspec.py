"""Kernelspec discovery against jupyter_client's KernelSpecManager (the oracle)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager

from tests.kernel_support import write_kernelspec
from tuinb.kernel.errors import NoSuchKernel
from tuinb.kernel.kernelspec import (
    KernelSpec,
    default_kernel_name,
    find_kernel_specs,
    get_kernel_spec,
    kernel_dirs,
)


@pytest.fixture
def layered(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Two JUPYTER_PATH entries and a user data dir, with one name in several places."""
    first, second, user = tmp_path / "first", tmp_path / "second", tmp_path / "user"
    write_kernelspec(first, "shared", ["first-kernel", "{connection_file}"], display_name="First")
    write_kernelspec(second, "shared", ["second-kernel"], display_name="Second")
    write_kernelspec(second, "Mixed-Case", ["m"], language="julia")
    write_kernelspec(user, "userk", ["u", "-f", "{connection_file}", "{resource_dir}"],
                     env={"A": "1"}, interrupt_mode="message")  # fmt: skip
    (second / "kernels" / "not-a-kernel").mkdir()
    monkeypatch.setenv("JUPYTER_PATH", f"{first}{':'}{second}")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(user))
    return tmp_path


def _oracle() -> dict[str, str]:
    return KernelSpecManager().find_kernel_specs()


def test_same_names_and_folders_as_jupyter(layered: Path) -> None:
    ours = find_kernel_specs()
    oracle = _oracle()
    assert set(ours) == set(oracle)
    for name, folder in oracle.items():
        assert Path(folder).resolve() == ours[name].resource_dir.resolve(), name


def test_precedence_and_fields(layered: Path) -> None:
    specs = find_kernel_specs()
    assert specs["shared"].display_name == "First"
    assert "mixed-case" in specs
    assert specs["mixed-case"].language == "julia"
    user = specs["userk"]
    assert user.env == {"A": "1"}
    assert user.interrupt_mode == "message"
    cmd = user.command(Path("/run/k.json"))
    assert cmd == ["u", "-f", "/run/k.json", str(user.resource_dir)]


def test_search_order_matches_jupyter_core(layered: Path) -> None:
    from jupyter_core.paths import jupyter_path

    expected = [Path(p) for p in jupyter_path("kernels")]
    assert kernel_dirs()[: len(expected)] == expected


def test_native_python3_when_none_installed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "empty-user"))
    spec = get_kernel_spec("python3")
    assert spec.language == "python"
    # the venv's own python3 spec or the built-in one; both run this interpreter
    assert spec.command(Path("c.json"))[0] == sys.executable
    assert default_kernel_name() == "python3"
    assert "python3" in _oracle()


def test_unknown_kernel_names_the_available_ones(layered: Path) -> None:
    with pytest.raises(NoSuchKernel) as info:
        get_kernel_spec("nope")
    message = str(info.value)
    assert "'nope'" in message
    assert "shared" in message
    assert "python3" in message


def test_broken_kernel_json_is_skipped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "kernels" / "broken"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text("{not json")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert "broken" not in find_kernel_specs()


def test_prefix_and_env_substitution(layered: Path) -> None:
    spec = get_kernel_spec("userk")
    assert spec.environment({"A": "0", "HOME": "/h"})["A"] == "1"
    templated = KernelSpec(
        name="t",
        display_name="t",
        language="x",
        argv=["{prefix}/bin/k", "{unknown}"],
        env={"PATH": "/opt/k/bin:${PATH}", "KEEP": "$NOT_SET"},
    )
    assert templated.command(Path("c.json")) == [f"{sys.prefix}/bin/k", "{unknown}"]
    env = templated.environment({"PATH": "/usr/bin"})
    assert env["PATH"] == "/opt/k/bin:/usr/bin"
    assert env["KEEP"] == "$NOT_SET"
