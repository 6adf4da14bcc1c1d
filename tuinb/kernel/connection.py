"""Connection files and where they live (the Jupyter runtime dir).

A connection file tells a kernel where to listen and which key signs its
messages. tuinb writes it with mode 0600 and a `secrets` key. With the `tcp`
transport the ports are on 127.0.0.1; with `ipc` (the default on Linux and
macOS) the sockets are files in a private 0700 directory, which other local
users cannot reach. Unix socket paths are limited to ~107 bytes, so that
directory is kept short (under `XDG_RUNTIME_DIR` or the temp dir).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tuinb.pids import pid_alive

Transport = Literal["tcp", "ipc"]
CHANNELS = ("shell", "iopub", "stdin", "control", "hb")
"""The five sockets of a kernel, in connection-file order."""

MAX_IPC_PATH = 100
"""Longest ipc socket path we create (AF_UNIX allows 107 bytes on Linux, 103 on macOS)."""


@dataclass(frozen=True)
class ConnectionInfo:
    """The contents of a connection file."""

    transport: Transport
    ip: str
    """127.0.0.1 for tcp; for ipc the absolute path prefix of the socket files."""
    shell_port: int
    iopub_port: int
    stdin_port: int
    control_port: int
    hb_port: int
    key: bytes
    signature_scheme: str = "hmac-sha256"
    kernel_name: str = ""

    def port(self, channel: str) -> int:
        """The port (tcp) or socket-file suffix (ipc) of `channel`."""
        return int(getattr(self, f"{channel}_port"))

    def address(self, channel: str) -> str:
        """The zmq endpoint of `channel` (`shell`, `iopub`, `stdin`, `control`, `hb`)."""
        if self.transport == "ipc":
            return f"ipc://{self.ip}-{self.port(channel)}"
        return f"tcp://{self.ip}:{self.port(channel)}"

    def ipc_paths(self) -> list[Path]:
        """The socket files of an ipc connection (empty for tcp)."""
        if self.transport != "ipc":
            return []
        return [Path(f"{self.ip}-{self.port(c)}") for c in CHANNELS]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form written to the connection file."""
        return {
            "transport": self.transport,
            "ip": self.ip,
            "shell_port": self.shell_port,
            "iopub_port": self.iopub_port,
            "stdin_port": self.stdin_port,
            "control_port": self.control_port,
            "hb_port": self.hb_port,
            "key": self.key.decode("ascii"),
            "signature_scheme": self.signature_scheme,
            "kernel_name": self.kernel_name,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConnectionInfo:
        """Parse a connection file's JSON (KeyError/ValueError when fields are missing)."""
        transport = data.get("transport", "tcp")
        if transport not in ("tcp", "ipc"):
            raise ValueError(f"unknown transport {transport!r}")
        key = data.get("key", "")
        return cls(
            transport=transport,
            ip=str(data.get("ip", "127.0.0.1")),
            shell_port=int(data["shell_port"]),
            iopub_port=int(data["iopub_port"]),
            stdin_port=int(data["stdin_port"]),
            control_port=int(data["control_port"]),
            hb_port=int(data["hb_port"]),
            key=key.encode("utf-8") if isinstance(key, str) else bytes(key),
            signature_scheme=str(data.get("signature_scheme", "hmac-sha256")),
            kernel_name=str(data.get("kernel_name", "")),
        )


def jupyter_data_dir() -> Path:
    """Jupyter's per-user data dir (JUPYTER_DATA_DIR, else the platform default)."""
    override = os.environ.get("JUPYTER_DATA_DIR")
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Jupyter"
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA")
        return Path(appdata) / "jupyter" if appdata else home / ".jupyter" / "data"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else home / ".local" / "share") / "jupyter"


def runtime_dir() -> Path:
    """Where connection files go: JUPYTER_RUNTIME_DIR, else `<jupyter data dir>/runtime`."""
    override = os.environ.get("JUPYTER_RUNTIME_DIR")
    return Path(override) if override else jupyter_data_dir() / "runtime"


def default_transport() -> Transport:
    """`ipc` where Unix sockets exist (Linux, macOS), else `tcp`."""
    return "tcp" if sys.platform == "win32" else "ipc"


def _free_tcp_ports(count: int) -> list[int]:
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


MARKER = "tuinb-sockets.json"
"""The file tuinb writes into each socket folder it makes: the proof it is ours."""
_SOCKET_NAMES = {f"k-{number}" for number in range(1, 6)}
"""The socket files of an ipc connection made by `new_connection_info` (prefix `k`)."""


def _owner_pid(folder: Path) -> int | None:
    """The pid in `folder`'s marker, if the folder is provably a socket folder tuinb made.

    The proof: a real folder (not a link) owned by us with mode 0700, holding
    a regular marker file owned by us that names the tuinb process, and
    nothing but that marker and socket files named as ours. A folder whose
    name merely looks like ours (`tuinb-2024-mydata`) has no marker.
    """
    try:
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return None
        if stat.S_IMODE(info.st_mode) != 0o700:
            return None
        marker = folder / MARKER
        marker_info = marker.lstat()
        if not stat.S_ISREG(marker_info.st_mode) or marker_info.st_uid != os.getuid():
            return None
        entries = {entry.name for entry in folder.iterdir()}
        if not entries <= {MARKER} | _SOCKET_NAMES:
            return None
        for name in entries & _SOCKET_NAMES:
            if not stat.S_ISSOCK((folder / name).lstat().st_mode):
                return None
        data = json.loads(marker.read_text(encoding="utf-8"))
        pid = data.get("pid") if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None
    return pid if isinstance(pid, int) and not isinstance(pid, bool) else None


def _remove_socket_folder(folder: Path) -> None:
    """Remove our socket files, the marker and the folder; never anything else in it."""
    for name in (*sorted(_SOCKET_NAMES), MARKER):
        with contextlib.suppress(OSError):
            (folder / name).unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()  # fails, leaving the folder, if anything else is in it


def sweep_stale_ipc_dirs(base: Path) -> None:
    """Delete socket folders in `base` left by a tuinb that was killed (`kill -9`).

    Only folders tuinb provably made (`_owner_pid`: marker, owner, mode,
    contents) whose tuinb process is gone; never by name alone.
    """
    with contextlib.suppress(OSError):
        for entry in list(base.glob("tuinb-*")):
            pid = _owner_pid(entry)
            if pid is not None and pid != os.getpid() and not pid_alive(pid):
                _remove_socket_folder(entry)


def _stale_connection_file(entry: Path) -> bool:
    """A connection file tuinb wrote (ours, mode 0600, a connection file's fields) for a
    tuinb process that is gone."""
    pid_text = entry.name.split("-")[2] if entry.name.count("-") >= 3 else ""
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        info = entry.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            return False
        if stat.S_IMODE(info.st_mode) != 0o600:
            return False
        ConnectionInfo.from_dict(json.loads(entry.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return not pid_alive(int(pid_text))


def connection_file_path() -> Path:
    """A new connection file name in the runtime dir, `kernel-tuinb-<pid>-<random>.json`.

    Connection files of killed tuinb processes found there are deleted (only
    files that are provably tuinb's: see `_stale_connection_file`).
    """
    folder = runtime_dir()
    with contextlib.suppress(OSError):
        for entry in list(folder.glob("kernel-tuinb-*-*.json")):
            if _stale_connection_file(entry):
                entry.unlink(missing_ok=True)
    return folder / f"kernel-tuinb-{os.getpid()}-{secrets.token_hex(6)}.json"


def make_ipc_dir() -> Path:
    """A new private (0700) directory for ipc sockets, with a short absolute path.

    Named `tuinb-<our pid>-<random>`, with a marker file naming our pid, so
    that a later tuinb can prove it ours and sweep it if we are killed.
    """
    candidates = [os.environ.get("XDG_RUNTIME_DIR"), tempfile.gettempdir(), "/tmp"]
    for base in candidates:
        # "<base>/tuinb-<pid>-XXXXXXXX/k-5" must fit in MAX_IPC_PATH
        if base and Path(base).is_dir() and len(os.fsencode(base)) + 32 <= MAX_IPC_PATH:
            sweep_stale_ipc_dirs(Path(base))
            try:
                folder = Path(tempfile.mkdtemp(prefix=f"tuinb-{os.getpid()}-", dir=base))
            except OSError:
                continue
            try:
                fd = os.open(folder / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump({"pid": os.getpid(), "made_by": "tuinb"}, handle)
            except OSError:
                _remove_socket_folder(folder)
                continue
            return folder.absolute()
    raise OSError("There is no short writable folder for kernel sockets; set TMPDIR to one.")


def new_connection_info(transport: Transport, *, kernel_name: str = "") -> ConnectionInfo:
    """Fresh connection details: a random key, and free ports or a private socket dir."""
    key = secrets.token_hex(32).encode("ascii")
    if transport == "ipc":
        prefix = make_ipc_dir() / "k"
        return ConnectionInfo("ipc", str(prefix), 1, 2, 3, 4, 5, key, kernel_name=kernel_name)
    shell, iopub, stdin, control, hb = _free_tcp_ports(5)
    return ConnectionInfo(
        "tcp", "127.0.0.1", shell, iopub, stdin, control, hb, key, kernel_name=kernel_name
    )


def write_connection_file(info: ConnectionInfo, path: Path) -> None:
    """Write `info` to `path` (created with mode 0600; its folder 0700 if new)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = json.dumps(info.to_dict(), indent=1).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)


def read_connection_file(path: Path) -> ConnectionInfo:
    """Read a connection file written by tuinb, jupyter_client or a kernel."""
    return ConnectionInfo.from_dict(json.loads(path.read_text(encoding="utf-8")))


def remove_connection(info: ConnectionInfo, path: Path | None) -> None:
    """Delete the connection file and, for ipc, the socket files and their private dir."""
    if path is not None:
        path.unlink(missing_ok=True)
    for sock in info.ipc_paths():
        sock.unlink(missing_ok=True)
    if info.transport == "ipc":
        folder = Path(info.ip).parent
        if _owner_pid(folder) is not None:  # a folder tuinb made (its marker says so)
            _remove_socket_folder(folder)
