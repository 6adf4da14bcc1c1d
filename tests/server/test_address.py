"""Server URLs as Jupyter prints them and browsers show them; tokens kept out of sight."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tuinb.server.address import AddressError, looks_like_url, parse_server_url
from tuinb.server.secret import Token


@pytest.mark.parametrize(
    ("url", "base", "path"),
    [
        ("http://h:8888/lab/tree/dir/nb.ipynb?token=abc", "http://h:8888/", "dir/nb.ipynb"),
        ("http://h:8888/lab/workspaces/w1/tree/nb.ipynb", "http://h:8888/", "nb.ipynb"),
        ("http://h:8888/doc/tree/a%20b/nb.ipynb", "http://h:8888/", "a b/nb.ipynb"),
        ("http://h:8888/lab/doc/tree/nb.ipynb", "http://h:8888/", "nb.ipynb"),
        ("http://h:8888/notebooks/dir/nb.ipynb", "http://h:8888/", "dir/nb.ipynb"),
        ("http://h:8888/tree/dir", "http://h:8888/", "dir"),
        ("http://h:8888/tree?token=abc", "http://h:8888/", ""),
        ("http://h:8888/lab?token=abc", "http://h:8888/", None),
        ("http://h:8888/", "http://h:8888/", None),
        ("http://h:8888", "http://h:8888/", None),
        ("https://hub.io/user/al/lab/tree/x.ipynb", "https://hub.io/user/al/", "x.ipynb"),
        ("https://hub.example/user/tree/lab", "https://hub.example/user/tree/", None),
        ("http://me:pw@h:8888/prefix/", "http://h:8888/prefix/", None),
        ("http://[::1]:8888/lab/tree/n.ipynb", "http://[::1]:8888/", "n.ipynb"),
    ],
)  # fmt: skip
def test_urls_jupyter_prints_give_the_server_and_the_path(
    url: str, base: str, path: str | None
) -> None:
    address = parse_server_url(url, environ={})
    assert (address.base_url, address.path) == (base, path)
    assert "token" not in address.base_url
    assert "pw" not in address.base_url


def test_a_path_given_apart_wins_over_the_url_s() -> None:
    address = parse_server_url("http://h:8888/lab/tree/a.ipynb", path="/b/c.ipynb", environ={})
    assert address.path == "b/c.ipynb"


def test_token_from_the_option_then_the_url_then_the_environment() -> None:
    env = {"JUPYTER_TOKEN": "from-env"}
    url = "http://h:8888/lab?token=from-url"
    chosen = parse_server_url(url, token="from-option", environ=env).token
    assert chosen is not None
    assert (chosen.reveal(), chosen.source) == ("from-option", "option")
    chosen = parse_server_url(url, environ=env).token
    assert chosen is not None
    assert (chosen.reveal(), chosen.source) == ("from-url", "url")
    chosen = parse_server_url("http://h:8888/", environ=env).token
    assert chosen is not None
    assert (chosen.reveal(), chosen.source) == ("from-env", "environment")
    assert parse_server_url("http://h:8888/", environ={}).token is None


def test_a_gateway_token_may_come_from_jupyter_server_s_gateway_variable() -> None:
    env = {"JUPYTER_GATEWAY_AUTH_TOKEN": "gw", "JUPYTER_TOKEN": "srv"}
    token = parse_server_url("http://g:8889/", environ=env, gateway=True).token
    assert token is not None
    assert token.reveal() == "gw"
    # a gateway URL's path is its base, not a notebook
    assert parse_server_url("http://g:8889/tree/x", environ={}, gateway=True).path is None


def test_a_token_does_not_show_itself() -> None:
    token = Token("s3cret-value", "option")
    assert "s3cret" not in repr(token)
    assert (
        "s3cret" not in f"{token} {[token]} {parse_server_url('http://h/', token='s3cret-value')}"
    )


@pytest.mark.parametrize(
    "bad", ["ftp://h/", "h:8888", "/tmp/nb.ipynb", "http:///nohost", "http://h:port/"]
)
def test_what_is_not_a_server_url_is_refused_in_one_sentence(bad: str) -> None:
    with pytest.raises(AddressError) as caught:
        parse_server_url(bad, environ={})
    assert "\n" not in str(caught.value)


def test_urls_are_told_from_paths() -> None:
    assert looks_like_url("https://h/lab")
    assert not looks_like_url("notebooks/http.ipynb")


def test_a_token_on_the_command_line_is_scrubbed_from_the_process_s_arguments(
    tmp_path: Path,
) -> None:
    secret = "tok-" + "x" * 20
    script = (
        "import sys\n"
        "from tuinb.server.secret import scrub_command_line\n"
        "ok = scrub_command_line(sys.argv[2].split('=')[1])\n"
        "print(ok, open('/proc/self/cmdline','rb').read(), sys.argv)\n"
    )
    (tmp_path / "scrub.py").write_text(script)
    done = subprocess.run(
        [
            sys.executable,
            str(tmp_path / "scrub.py"),
            f"http://h/lab?token={secret}",
            f"--token={secret}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    if not sys.platform.startswith("linux"):
        pytest.skip("the command line is only rewritten on Linux")
    assert done.stdout.startswith("True")
    assert secret not in done.stdout
