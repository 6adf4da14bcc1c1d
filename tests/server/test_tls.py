"""TLS is verified by default; a server's own certificate is trusted through SSL_CERT_FILE."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.support import make_notebook
from tests.server.engine_support import remote_engine, text_of
from tests.server.support import RunningServer, running_server
from tuinb.server.address import parse_server_url
from tuinb.server.errors import ServerTLSError
from tuinb.server.http import ServerConnection
from tuinb.server.remote import RemoteKernel
from tuinb.server.store import ServerNotebookStore

pytestmark = [pytest.mark.kernel, pytest.mark.timeout(180)]


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no authority signed, and its key."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Path]]:
    home = tmp_path_factory.mktemp("tls-server")
    cert, key = self_signed(home)
    args = (f"--ServerApp.certfile={cert}", f"--ServerApp.keyfile={key}")
    with running_server(home, args=args, https=True) as server:
        yield server, cert


async def test_an_unverified_certificate_is_one_sentence(
    tls_server: tuple[RunningServer, Path],
) -> None:
    server, _cert = tls_server
    (server.root / "n.ipynb").write_text(
        '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    address = parse_server_url(f"https://127.0.0.1:{server.port}/", token=server.token, environ={})
    with pytest.raises(ServerTLSError) as caught:
        await ServerNotebookStore(ServerConnection(address), "n.ipynb").load()
    message = str(caught.value)
    assert "TLS certificate" in message
    assert "SSL_CERT_FILE" in message
    assert "\n" not in message


async def test_a_trusted_certificate_works_for_rest_and_websocket(
    tls_server: tuple[RunningServer, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    address = parse_server_url(f"https://127.0.0.1:{server.port}/", token=server.token, environ={})
    backend = RemoteKernel(
        ServerConnection(address), kernel_name="python3", session_path="t.ipynb", owns_kernel=True
    )
    notebook = make_notebook("print('over wss')")
    async with remote_engine(notebook, backend) as run:
        assert (await run.run("c0", "a cell over wss")).status == "ok"
        assert text_of(notebook, "c0") == "over wss\n"
