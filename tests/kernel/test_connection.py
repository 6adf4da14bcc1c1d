"""Connection files, transports and the runtime dir."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tuinb.kernel.connection import (
    MAX_IPC_PATH,
    ConnectionInfo,
    connection_file_path,
    jupyter_data_dir,
    new_connection_info,
    read_connection_file,
    remove_connection,
    runtime_dir,
    sweep_stale_ipc_dirs,
    write_connection_file,
)


def test_runtime_dir_follows_jupyter(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "rt"))
    assert runtime_dir() == tmp_path / "rt"
    monkeypatch.delenv("JUPYTER_RUNTIME_DIR")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    assert jupyter_data_dir() == tmp_path / "data"
    assert runtime_dir() == tmp_path / "data" / "runtime"


def test_tcp_connection_file(tmp_path: Path) -> None:
    info = new_connection_info("tcp", kernel_name="k")
    path = tmp_path / "new" / "kernel-1.json"
    write_connection_file(info, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["ip"] == "127.0.0.1"
    assert data["transport"] == "tcp"
    assert len(data["key"]) >= 64
    assert data["signature_scheme"] == "hmac-sha256"
    ports = {data[f"{c}_port"] for c in ("shell", "iopub", "stdin", "control", "hb")}
    assert len(ports) == 5
    assert read_connection_file(path) == info
    assert info.address("shell") == f"tcp://127.0.0.1:{info.shell_port}"
    assert new_connection_info("tcp").key != info.key


def test_ipc_paths_are_absolute_private_and_short(tmp_path: Path) -> None:
    info = new_connection_info("ipc")
    try:
        folder = Path(info.ip).parent
        assert Path(info.ip).is_absolute()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for sock in info.ipc_paths():
            assert len(os.fsencode(sock)) <= MAX_IPC_PATH
        assert info.address("hb") == f"ipc://{info.ip}-5"
    finally:
        remove_connection(info, None)
    assert not Path(info.ip).parent.exists()


def test_long_xdg_runtime_dir_is_avoided(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 6)
    deep.mkdir(parents=True)
    assert len(os.fsencode(deep)) > 110
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))
    info = new_connection_info("ipc")
    try:
        assert not info.ip.startswith(str(deep))
        assert all(len(os.fsencode(p)) <= MAX_IPC_PATH for p in info.ipc_paths())
    finally:
        remove_connection(info, None)


def test_reads_a_jupyter_client_connection_file(tmp_path: Path) -> None:
    from jupyter_client.connect import write_connection_file as jc_write

    path = tmp_path / "jc.json"
    jc_write(str(path), key=b"abc", signature_scheme="hmac-sha256", kernel_name="python3")
    info = read_connection_file(path)
    assert info.key == b"abc"
    assert info.transport == "tcp"
    assert info.kernel_name == "python3"


def test_missing_field_is_an_error() -> None:
    with pytest.raises(KeyError):
        ConnectionInfo.from_dict({"transport": "tcp", "ip": "127.0.0.1"})


LEAVE_A_CONNECTION = """
import sys
from tuinb.kernel.connection import connection_file_path, new_connection_info, write_connection_file
info = new_connection_info("ipc")
path = connection_file_path()
write_connection_file(info, path)
print(info.ip)
print(path)
"""


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A folder with a path short enough for socket folders (pytest's may be too long)."""
    folder = Path(tempfile.mkdtemp(prefix="tuinb-t", dir="/tmp"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def killed_frontend(base: Path) -> tuple[Path, Path]:
    """The socket folder and connection file (in `base`) a tuinb killed with kill -9 leaves."""
    env = {**os.environ, "TMPDIR": str(base), "JUPYTER_RUNTIME_DIR": str(base)}
    env.pop("XDG_RUNTIME_DIR", None)
    done = subprocess.run([sys.executable, "-c", LEAVE_A_CONNECTION],
                          capture_output=True, text=True, check=True, env=env)  # fmt: skip
    prefix, path = done.stdout.split()
    assert Path(prefix).parent.parent == base
    return Path(prefix).parent, Path(path)


def test_socket_dirs_of_dead_frontends_are_swept(short_tmp: Path) -> None:
    tmp_path = short_tmp
    stale, _file = killed_frontend(tmp_path)
    assert stale.name.startswith("tuinb-")
    alive = tmp_path / f"tuinb-{os.getppid()}-abcdefgh"
    alive.mkdir()
    unrelated = tmp_path / "tuinb-notes"
    unrelated.mkdir()
    sweep_stale_ipc_dirs(tmp_path)
    assert not stale.exists()
    assert alive.exists()
    assert unrelated.exists()
    info = new_connection_info("ipc")
    try:
        assert Path(info.ip).parent.name.startswith(f"tuinb-{os.getpid()}-")
    finally:
        remove_connection(info, None)
    assert not Path(info.ip).parent.exists()


def test_connection_files_of_dead_frontends_are_swept(
    monkeypatch: pytest.MonkeyPatch, short_tmp: Path
) -> None:
    tmp_path = short_tmp
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    _folder, stale = killed_frontend(tmp_path)
    alive = tmp_path / f"kernel-tuinb-{os.getppid()}-0123456789ab.json"
    foreign = tmp_path / "kernel-12345.json"  # jupyter_client's: never ours to delete
    for path in (alive, foreign):
        path.write_bytes(stale.read_bytes())
        path.chmod(0o600)
    path = connection_file_path()
    assert path.parent == tmp_path
    assert path.name.startswith(f"kernel-tuinb-{os.getpid()}-")
    assert not stale.exists()
    assert alive.exists()
    assert foreign.exists()


def test_sockets_retry_a_booting_kernel_often() -> None:
    """Every channel is attached soon after the kernel binds (a stdin socket attached
    late would lose the kernel's first input_request)."""
    import zmq

    from tuinb.kernel.channels import RECONNECT_MS, connect_socket, context

    info = new_connection_info("ipc", kernel_name="t")
    for channel in ("shell", "control", "stdin", "iopub", "hb"):
        sock = connect_socket(context(), info, channel, b"session")
        try:
            assert sock.getsockopt(zmq.RECONNECT_IVL) == RECONNECT_MS
        finally:
            sock.close(linger=0)
    assert RECONNECT_MS <= 10
