"""Real Jupyter Servers and Kernel Gateways for the tests, on 127.0.0.1.

`start_server(root)` starts `jupyter server` (or, with `gateway=True`,
`jupyter kernelgateway`) on a free port with a random token and private
Jupyter folders, and waits until its REST API answers; `stop_server` stops
it and checks that no kernel it started is left. Kernels are this
interpreter's ipykernel (a `python3` kernelspec in the server's JUPYTER_PATH).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.kernel_support import write_ipykernel_spec
from tuinb.server.address import ServerAddress, parse_server_url

START_WITHIN = 60.0
"""Seconds a server may take to answer its first request (a loaded 2-core machine)."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    """A server process the test started."""

    home: Path
    """Its private folder: root/, jupyter-path/, runtime/, config/, data/, server.log."""
    port: int
    token: str
    gateway: bool
    args: list[str]
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None
    https: bool = False
    """Served over TLS (the probe then skips certificate checks)."""

    @property
    def root(self) -> Path:
        """The server's root folder (the contents API's `""`)."""
        return self.home / "root"

    @property
    def runtime(self) -> Path:
        """Where its kernels' connection files are."""
        return self.home / "runtime"

    @property
    def url(self) -> str:
        return f"{'https' if self.https else 'http'}://127.0.0.1:{self.port}/"

    def address(self, path: str | None = None, *, token: str | None = None) -> ServerAddress:
        """The server's address with its token (or `token`), optionally a path on it."""
        return parse_server_url(
            self.url, token=token or self.token, path=path, environ={}, gateway=self.gateway
        )

    def log(self) -> str:
        return (self.home / "server.log").read_text(errors="replace")

    def api(self, method: str, path: str, json: object = None) -> httpx.Response:
        """A direct (synchronous) REST call with the token, for arranging tests."""
        headers = {"Authorization": f"token {self.token}"}
        return httpx.request(
            method, self.url + path, headers=headers, timeout=30, verify=False, json=json
        )


def _server_command(server: RunningServer) -> list[str]:
    root_user = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    if server.gateway:
        return [
            sys.executable, "-m", "kernel_gateway",
            "--KernelGatewayApp.ip=127.0.0.1", f"--KernelGatewayApp.port={server.port}",
            f"--KernelGatewayApp.auth_token={server.token}",
            "--JupyterWebsocketPersonality.list_kernels=True",
            *server.args,
        ]  # fmt: skip
    return [
        sys.executable, "-m", "jupyter_server", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={server.port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={server.token}",
        f"--ServerApp.root_dir={server.root}",
        *root_user, *server.args,
    ]  # fmt: skip


def launch(server: RunningServer) -> None:
    """Start (or start again) the server process and wait until it answers."""
    log = (server.home / "server.log").open("ab")
    server.proc = subprocess.Popen(
        _server_command(server),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=server.env,
        cwd=server.root,
        start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + START_WITHIN
    probe = "api/kernelspecs" if server.gateway else "api/status"
    while True:
        if server.proc.poll() is not None:
            pytest.fail(f"the server exited at once; its log:\n{server.log()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if server.api("GET", probe).status_code == 200:
                return
        if time.monotonic() > deadline:
            stop_server(server)
            pytest.fail(
                f"the server did not answer within {START_WITHIN:g} s:\n{server.log()[-3000:]}"
            )
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.proc.wait(0.05)  # a bounded wait for the next probe, not a sleep


def start_server(
    home: Path,
    *,
    gateway: bool = False,
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    port: int | None = None,
    https: bool = False,
) -> RunningServer:
    """A server on a free port with a random token, private folders and a `python3` kernel."""
    for sub in ("root", "jupyter-path", "runtime", "config", "data"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    write_ipykernel_spec(home / "jupyter-path", "python3")
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))},
        "JUPYTER_PATH": str(home / "jupyter-path"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_PLATFORM_DIRS": "0",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    server = RunningServer(
        home, port or free_port(), secrets.token_hex(16), gateway, list(args), full_env, https=https
    )
    launch(server)
    return server


def kernel_processes(server: RunningServer) -> list[int]:
    """Pids of live processes whose command line names the server's runtime folder."""
    needle = str(server.runtime).encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if needle in (entry / "cmdline").read_bytes():
                stat = (entry / "stat").read_text().rpartition(")")[2].split()
                if stat[0] != "Z":
                    found.append(int(entry.name))
    return found


def stop_server(server: RunningServer, *, check_kernels: bool = True) -> None:
    """Stop the server (SIGTERM, then SIGKILL to its group) and check its kernels are gone."""
    proc = server.proc
    if proc is None:
        return
    server.proc = None
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
    if not check_kernels:
        return
    deadline = time.monotonic() + 10
    left = kernel_processes(server)
    while left and time.monotonic() < deadline:
        with contextlib.suppress(ProcessLookupError, ChildProcessError, OSError):
            os.waitpid(-1, os.WNOHANG)
        left = kernel_processes(server)
        if left:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(0.1)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert not left, f"kernels {left} of the server outlived it"


@contextlib.contextmanager
def running_server(home: Path, **kwargs: object) -> Iterator[RunningServer]:
    """`start_server` ... `stop_server`."""
    server = start_server(home, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        stop_server(server)


def kernel_pid(server: RunningServer, kernel_id: str) -> int:
    """The process of the server's kernel `kernel_id` (its connection file names the id)."""
    needle = f"kernel-{kernel_id}.json".encode()
    for pid in kernel_processes(server):
        with contextlib.suppress(OSError):
            if needle in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
    raise AssertionError(f"no process for kernel {kernel_id} of the server")
