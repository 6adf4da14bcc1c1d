"""Kernelspec discovery: the same kernels, in the same precedence, as `jupyter kernelspec list`.

Search order (jupyter_core's `jupyter_path("kernels")`, then IPython's folder):

1. every entry of `JUPYTER_PATH`;
2. the user data dir (`JUPYTER_DATA_DIR`, else `~/.local/share/jupyter` on
   Linux, `~/Library/Jupyter` on macOS) and Python's user-site `share/jupyter`
   — after the environment dir instead when running in a virtualenv/conda env
   the user owns, or when `JUPYTER_PREFER_ENV_PATH` says so;
3. `sys.prefix/share/jupyter`;
4. `/usr/local/share/jupyter`, `/usr/share/jupyter`;
5. `~/.ipython/kernels` (IPYTHONDIR).

The first folder that has a kernel name wins. When none provides `python3`,
the running interpreter's ipykernel is offered under that name.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import site
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any, Literal

from tuinb.kernel.connection import jupyter_data_dir
from tuinb.kernel.errors import NoSuchKernel

log = logging.getLogger(__name__)

NATIVE_KERNEL_NAME = "python3"


@dataclass(frozen=True)
class KernelSpec:
    """One installed kernel (a `kernel.json` and the folder it is in)."""

    name: str
    """The folder name, lower-cased: what `--kernel` and notebook metadata use."""
    display_name: str
    language: str
    argv: list[str]
    """The command; `{connection_file}` and `{resource_dir}` are substituted at launch."""
    env: dict[str, str] = field(default_factory=dict)
    """Extra environment variables for the kernel process."""
    interrupt_mode: Literal["signal", "message"] = "signal"
    """`signal`: SIGINT to the process group; `message`: `interrupt_request` on control."""
    resource_dir: Path = field(default_factory=Path)
    metadata: dict[str, Any] = field(default_factory=dict)

    def command(self, connection_file: Path) -> list[str]:
        """`argv` with `{connection_file}`, `{resource_dir}` and `{prefix}` filled in.

        A bare `python`/`python3`/`python3.X` becomes the running interpreter,
        as jupyter_client does (ipykernel's own spec says just `python`).
        """
        values = {
            "connection_file": str(connection_file),
            "resource_dir": str(self.resource_dir),
            "prefix": sys.prefix,
        }
        argv = [_substitute(arg, values) for arg in self.argv]
        major, minor = sys.version_info[:2]
        if argv and argv[0] in ("python", f"python{major}", f"python{major}.{minor}"):
            argv[0] = sys.executable
        return argv

    def environment(self, base: Mapping[str, str]) -> dict[str, str]:
        """`base` plus the spec's `env`, whose values may refer to `base` as `${NAME}`."""
        merged = dict(base)
        merged.update({k: Template(v).safe_substitute(base) for k, v in self.env.items()})
        return merged


def _substitute(arg: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        arg = arg.replace("{" + key + "}", value)
    return arg


def _is_env_prefix_owned() -> bool:
    path = Path(sys.prefix).resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return path.stat().st_uid == os.geteuid()
    except (AttributeError, OSError):
        return os.access(path, os.W_OK)


def _prefer_env_path() -> bool:
    flag = os.environ.get("JUPYTER_PREFER_ENV_PATH")
    if flag is not None:
        return flag.lower() not in ("", "0", "false", "no", "off", "n", "f")
    if sys.prefix != sys.base_prefix and _is_env_prefix_owned():
        return True
    conda = os.environ.get("CONDA_PREFIX")
    return bool(
        conda
        and sys.prefix.startswith(conda)
        and os.environ.get("CONDA_DEFAULT_ENV", "base") != "base"
        and _is_env_prefix_owned()
    )


def jupyter_data_paths() -> list[Path]:
    """The Jupyter data folders, highest priority first (as jupyter_core orders them)."""
    paths: list[str] = []
    if os.environ.get("JUPYTER_PATH"):
        paths.extend(p.rstrip(os.sep) for p in os.environ["JUPYTER_PATH"].split(os.pathsep))
    user = [str(jupyter_data_dir())]
    if site.ENABLE_USER_SITE and site.getuserbase():
        userdir = str(Path(site.getuserbase(), "share", "jupyter"))
        if userdir not in user:
            user.append(userdir)
    system = ["/usr/local/share/jupyter", "/usr/share/jupyter"]
    if sys.platform == "win32":
        system = [str(Path(sys.prefix, "share", "jupyter"))]
    env = [p for p in [str(Path(sys.prefix, "share", "jupyter"))] if p not in system]
    paths.extend([*env, *user] if _prefer_env_path() else [*user, *env])
    paths.extend(p for p in system if p not in paths)
    return [Path(p) for p in paths]


def kernel_dirs() -> list[Path]:
    """Every folder searched for kernelspecs, highest priority first."""
    ipython = os.environ.get("IPYTHONDIR") or str(Path.home() / ".ipython")
    return [p / "kernels" for p in jupyter_data_paths()] + [Path(ipython) / "kernels"]


def _read_spec(name: str, folder: Path) -> KernelSpec | None:
    try:
        data = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
        argv = data["argv"]
        if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
            raise ValueError("argv must be a non-empty list of strings")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring the kernelspec in %s: %s", folder, exc)
        return None
    mode = data.get("interrupt_mode", "signal")
    return KernelSpec(
        name=name,
        display_name=str(data.get("display_name", name)),
        language=str(data.get("language", "")),
        argv=list(argv),
        env={str(k): str(v) for k, v in (data.get("env") or {}).items()},
        interrupt_mode="message" if mode == "message" else "signal",
        resource_dir=folder,
        metadata=dict(data.get("metadata") or {}),
    )


def native_kernel_spec() -> KernelSpec | None:
    """The running interpreter's ipykernel as `python3`, or None without ipykernel."""
    if importlib.util.find_spec("ipykernel") is None:
        return None
    origin = importlib.util.find_spec("ipykernel")
    locations = origin.submodule_search_locations if origin else None
    resources = Path(next(iter(locations)), "resources") if locations else Path(sys.prefix)
    return KernelSpec(
        name=NATIVE_KERNEL_NAME,
        display_name=f"Python {sys.version_info[0]} (ipykernel)",
        language="python",
        argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        resource_dir=resources,
        metadata={"debugger": True},
    )


def find_kernel_specs() -> dict[str, KernelSpec]:
    """Every installed kernelspec by name (first folder wins), plus the native `python3`."""
    found: dict[str, KernelSpec] = {}
    for folder in kernel_dirs():
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            name = entry.name.lower()
            if name in found or not (entry / "kernel.json").is_file():
                continue
            spec = _read_spec(name, entry)
            if spec is not None:
                found[name] = spec
    if NATIVE_KERNEL_NAME not in found:
        native = native_kernel_spec()
        if native is not None:
            found[NATIVE_KERNEL_NAME] = native
    return found


def get_kernel_spec(name: str) -> KernelSpec:
    """The kernelspec called `name` (case-insensitive); raises `NoSuchKernel`."""
    specs = find_kernel_specs()
    spec = specs.get(name.lower())
    if spec is None:
        raise NoSuchKernel(name, list(specs))
    return spec


def default_kernel_name() -> str:
    """The kernel used when a notebook names none: `python3`."""
    return NATIVE_KERNEL_NAME
