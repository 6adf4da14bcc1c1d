"""Where sessions live, proving a session's files stale, and who may connect."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from tuinb.session.host_socket import bind_socket
from tuinb.session.places import (
    SessionError,
    SessionFiles,
    clean_if_stale,
    host_alive,
    peer_allowed,
    peer_uid,
    private_folder,
    release,
    session_key,
    take_lock,
)


def test_the_folder_is_created_private(runtime_dir: Path) -> None:
    folder = private_folder()
    assert folder == runtime_dir
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_folder_open_to_others_is_closed(runtime_dir: Path) -> None:
    runtime_dir.mkdir(mode=0o755)
    runtime_dir.chmod(0o755)
    private_folder()
    assert stat.S_IMODE(runtime_dir.stat().st_mode) == 0o700


def test_a_symbolic_link_as_the_folder_is_refused(runtime_dir: Path, tmp_path: Path) -> None:
    runtime_dir.symlink_to(tmp_path)
    with pytest.raises(SessionError, match="not a folder of yours"):
        private_folder()


def test_the_key_follows_the_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert session_key(Path("a.ipynb")) == session_key(tmp_path / "a.ipynb")
    assert session_key(tmp_path / "a.ipynb") != session_key(tmp_path / "b.ipynb")


def test_a_held_lock_means_a_live_host(tmp_path: Path) -> None:
    files = SessionFiles.for_notebook(tmp_path / "a.ipynb")
    lock = take_lock(files)
    assert lock is not None
    try:
        assert host_alive(files)
        assert take_lock(files) is None  # a second host for the notebook is refused
        assert not clean_if_stale(files)
        assert files.lock.exists()
    finally:
        release(files, lock)
    assert not files.lock.exists()
    assert not host_alive(files)


def _dead_host_files(tmp_path: Path) -> SessionFiles:
    """What a host killed with kill -9 leaves: lock, socket and info, nobody holding the lock."""
    files = SessionFiles.for_notebook(tmp_path / "a.ipynb")
    lock = take_lock(files)
    assert lock is not None
    bind_socket(files.socket).close()
    files.info.write_text("{}")
    os.close(lock)  # the kernel drops the lock of a dead process
    return files


def test_a_dead_hosts_files_are_removed(tmp_path: Path) -> None:
    files = _dead_host_files(tmp_path)
    assert files.socket.exists()
    assert not host_alive(files)
    assert clean_if_stale(files)
    assert not files.socket.exists()
    assert not files.info.exists()
    assert not files.lock.exists()


def test_nothing_is_removed_by_name_alone(tmp_path: Path) -> None:
    """A socket-named file without tuinb's lock file is not proven stale: it stays."""
    files = SessionFiles.for_notebook(tmp_path / "a.ipynb")
    bind_socket(files.socket).close()
    assert not clean_if_stale(files)
    assert files.socket.exists()


def test_a_lock_file_open_to_others_is_not_ours(tmp_path: Path) -> None:
    files = _dead_host_files(tmp_path)
    files.lock.chmod(0o644)
    assert not clean_if_stale(files)
    assert files.socket.exists()


def test_a_symbolic_link_in_place_of_the_socket_is_left_alone(tmp_path: Path) -> None:
    files = _dead_host_files(tmp_path)
    files.socket.unlink()
    target = tmp_path / "precious"
    target.write_text("keep me")
    files.socket.symlink_to(target)
    assert clean_if_stale(files)
    assert files.socket.is_symlink()
    assert target.read_text() == "keep me"


def test_the_socket_is_private_from_the_start(tmp_path: Path) -> None:
    files = SessionFiles.for_notebook(tmp_path / "a.ipynb")
    listening = bind_socket(files.socket)
    try:
        assert stat.S_IMODE(files.socket.stat().st_mode) == 0o600
    finally:
        listening.close()


def test_the_peer_of_a_socket_is_our_user() -> None:
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        assert peer_uid(left) == os.getuid()
        assert peer_allowed(left)


def test_a_peer_of_another_user_is_refused() -> None:
    """SO_PEERCRED reports the peer's uid; a uid other than ours is refused. (The test
    cannot become another user, so it checks the comparison with a faked own uid.)"""
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        assert not peer_allowed(left, own_uid=os.getuid() + 1)


def test_a_socket_without_credentials_is_refused() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with sock:
        assert not peer_allowed(sock)
