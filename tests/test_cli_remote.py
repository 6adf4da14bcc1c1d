"""The command line's server, gateway and existing-kernel options."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tuinb.cli import main
from tuinb.engine.sources import Source, SourceError, source_from_args


def test_a_url_names_a_server_notebook_and_its_token() -> None:
    source = source_from_args("http://h:8888/lab/tree/a/b.ipynb?token=t0k", environ={})
    assert source.server is not None
    assert (source.server.base_url, source.server.path) == ("http://h:8888/", "a/b.ipynb")
    assert source.command_line_tokens == ["t0k"]
    assert source.path is None


def test_server_and_path_apart() -> None:
    source = source_from_args("dir/n.ipynb", server="http://h:8888/", token="x", environ={})
    assert source.server is not None
    assert source.server.path == "dir/n.ipynb"
    assert source.command_line_tokens == ["x"]


def test_a_token_from_the_environment_is_not_a_command_line_token() -> None:
    source = source_from_args("http://h:8888/", environ={"JUPYTER_TOKEN": "env"})
    assert source.server is not None
    assert source.server.token is not None
    assert source.command_line_tokens == []


def test_local_notebooks_with_a_gateway_or_an_existing_kernel() -> None:
    gateway = source_from_args("n.ipynb", gateway="http://g:8889/", environ={})
    assert gateway.path is not None
    assert gateway.gateway is not None
    assert source_from_args(None, existing="", environ={}) == Source(existing="")


@pytest.mark.parametrize(
    ("target", "options", "words"),
    [
        ("http://h/lab/tree/a.ipynb", {"gateway": "http://g/"}, "for local notebooks"),
        ("http://h/lab/tree/a.ipynb", {"existing": ""}, "for local notebooks"),
        ("n.ipynb", {"gateway": "http://g/", "existing": "k"}, "not both"),
        ("n.ipynb", {"token": "t"}, "give its URL too"),
        ("n.ipynb", {"existing": "", "kernel": "python3"}, "running already"),
        ("http://h/lab", {"server": "http://h/"}, "Give the server once"),
        ("x", {"server": "ftp://h/"}, "is not a server URL"),
    ],
)
def test_what_cannot_go_together_is_one_sentence(
    target: str, options: dict[str, str], words: str
) -> None:
    with pytest.raises(SourceError) as caught:
        source_from_args(target, environ={}, **options)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_cli_refuses_bad_combinations_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["n.ipynb", "--token", "secret-value"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tuinb: --token is for a server")
    assert "secret-value" not in err


def test_opening_a_local_notebook_imports_nothing_of_the_server_layer() -> None:
    code = (
        "import sys\n"
        "import tuinb.cli as cli\n"
        "args = cli._editor_parser().parse_args(['n.ipynb'])\n"
        "from tuinb.config import load_config\n"
        "assert not cli._beyond_this_machine(args, load_config())\n"
        "import tuinb.server, tuinb.server.address\n"
        "heavy = ('httpx', 'websockets', 'tuinb.engine', 'ctypes')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    ("argv", "path", "existing"),
    [
        (["--existing", "k.json", "nb.ipynb"], "nb.ipynb", "k.json"),
        (["nb.ipynb", "--existing"], "nb.ipynb", ""),
        (["nb.ipynb", "--existing", "k.json"], "nb.ipynb", "k.json"),
        (["--existing", "nb.ipynb"], "nb.ipynb", ""),
        (["--existing", "nb.ipynb", "k.json"], "nb.ipynb", "k.json"),
        (["--existing"], None, ""),
        (["--existing", "k.json"], None, "k.json"),
    ],
)
def test_a_value_of_existing_ending_in_ipynb_is_the_notebook(
    argv: list[str], path: str | None, existing: str
) -> None:
    from tuinb.cli import _editor_parser, _notebook_not_connection_file

    args = _editor_parser().parse_args(argv)
    _notebook_not_connection_file(args)
    assert (args.path, args.existing) == (path, existing)
