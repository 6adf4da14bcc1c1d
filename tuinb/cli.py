"""The `tuinb` command: parses arguments, then picks the editor or a subcommand.

Each subcommand is a module with `main(argv) -> int` and its own parser,
named in `SUBCOMMANDS`; the module is imported only when its name is typed.
Heavy modules (Textual, nbformat, zmq) are imported only inside the branch
that needs them, so `tuinb --version` and `tuinb --help` answer at once.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tuinb import __version__
from tuinb.headless.terminal import Parser, install_safe_logging, say

if TYPE_CHECKING:
    from tuinb.config import LoadedConfig
    from tuinb.engine.sources import Source

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("tuinb.headless.run_entry", "execute a notebook headless (tuinb run --help)"),
    "kernels": ("tuinb.headless.kernels", "list the installed kernels"),
    "config": ("tuinb.headless.config_command", "print the documented default config file"),
    "sessions": ("tuinb.session.commands", "list the notebooks running in the background"),
    "attach": ("tuinb.cli_attach", "attach to a notebook running in the background"),
}
"""Subcommand name -> (module with `main(argv) -> int`, one line for `tuinb --help`)."""


def _editor_parser() -> argparse.ArgumentParser:
    usage = [f"  tuinb {name:<16} {summary}" for name, (_module, summary) in SUBCOMMANDS.items()]
    parser = Parser(
        prog="tuinb",
        description="A Jupyter notebook editor for the terminal.",
        epilog="other commands:\n" + "\n".join(usage),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tuinb {__version__}")
    parser.add_argument(
        "path",
        nargs="?",
        help="notebook to open: a path (a missing file is created on first save; default: "
        "the next free Untitled.ipynb), or its URL on a Jupyter server",
    )
    parser.add_argument("--kernel", metavar="NAME", help="kernel to use instead of the notebook's")
    remote = parser.add_argument_group("servers and running kernels")
    remote.add_argument("--server", metavar="URL", help="open PATH on this Jupyter server")
    remote.add_argument(
        "--token", help="the server's or gateway's token (better: JUPYTER_TOKEN in the environment)"
    )
    remote.add_argument(
        "--gateway-url",
        metavar="URL",
        help="run the kernel on this kernel gateway (default: $JUPYTER_GATEWAY_URL)",
    )
    remote.add_argument(
        "--existing",
        nargs="?",
        const="",
        metavar="FILE",
        help="attach to a running kernel: a connection file, a name in the Jupyter runtime "
        "folder, or the newest there (a value ending in .ipynb is the notebook)",
    )
    parser.add_argument(
        "--no-detach",
        action="store_true",
        help="run the kernel in this process: cells stop when the terminal goes "
        "(no background session)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tuinb` console script; returns the exit code."""
    install_safe_logging()
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        module = importlib.import_module(SUBCOMMANDS[args[0]][0])
        code: int = module.main(args[1:])
        return code
    editor_args = _editor_parser().parse_args(args)
    _notebook_not_connection_file(editor_args)
    path = Path(editor_args.path).expanduser() if editor_args.path is not None else None
    from tuinb.config import load_config

    loaded = load_config()  # once: the gateway's URL may come from it, and the editor's options
    if _beyond_this_machine(editor_args, loaded):
        source = _source(editor_args, loaded)
        if source is None:
            return 2
        refused = _refuse_without_terminal(source.path)
        if refused is not None:
            return refused
        from tuinb.ui.launch_remote import open_source

        try:
            return open_source(source, loaded)
        except KeyboardInterrupt:
            return 130
    refused = _refuse_without_terminal(path)
    if refused is not None:
        return refused
    from tuinb.ui.launch import open_editor

    try:
        return open_editor(
            path, kernel=editor_args.kernel, detach=not editor_args.no_detach, loaded=loaded
        )
    except KeyboardInterrupt:  # ctrl+c while the first frame waits for Textual
        return 130


def _notebook_not_connection_file(args: argparse.Namespace) -> None:
    """`tuinb --existing nb.ipynb`: the notebook, attached to the newest running kernel.

    `--existing` takes an optional value, so argparse gives it the word that
    follows; a value ending in `.ipynb` is the notebook (no connection file is
    named so), and `--existing FILE.json nb.ipynb` and `nb.ipynb --existing
    [FILE]` already parse as meant.
    """
    existing = args.existing
    if not existing or not existing.endswith(".ipynb"):
        return
    if args.path is None:
        args.path, args.existing = existing, ""
    elif not args.path.endswith(".ipynb"):  # `--existing nb.ipynb FILE.json`
        args.path, args.existing = existing, args.path


def _beyond_this_machine(args: argparse.Namespace, loaded: LoadedConfig) -> bool:
    """Whether a server, a gateway or an existing kernel is involved (a plain local notebook
    is opened without importing any of that: the first frame does not wait for it)."""
    url = args.path is not None and args.path.startswith(("http://", "https://"))
    return bool(
        url or args.server or args.token or _gateway(args, loaded) or args.existing is not None
    )


def _gateway(args: argparse.Namespace, loaded: LoadedConfig) -> str | None:
    """The gateway a local notebook's kernel runs on: `--gateway-url`, else
    `JUPYTER_GATEWAY_URL`, else the config file's `gateway_url` or `server_url` (as
    `tuinb.engine.sources.gateway_url` says, without importing the engine here: a local
    notebook's start-up pays only for reading the config file); the environment's and the
    config's are not for a server notebook or `--existing`."""
    import os

    if args.gateway_url:
        return str(args.gateway_url)
    url = args.path is not None and args.path.startswith(("http://", "https://"))
    if url or args.server or args.existing is not None:
        return None
    if os.environ.get("JUPYTER_GATEWAY_URL"):
        return os.environ["JUPYTER_GATEWAY_URL"]
    config = loaded.config
    return config.gateway_url or config.server_url or None


def _source(args: argparse.Namespace, loaded: LoadedConfig) -> Source | None:
    """What to open, from the editor's arguments (None after printing why it cannot be).

    A token typed on the command line is overwritten in the process's arguments at once.
    """
    from tuinb.engine.sources import SourceError, source_from_args

    try:
        source = source_from_args(
            args.path,
            server=args.server,
            token=args.token,
            gateway=_gateway(args, loaded),
            existing=args.existing,
            kernel=args.kernel,
        )
    except SourceError as exc:
        say("tuinb", str(exc))
        return None
    if source.command_line_tokens:
        from tuinb.server.secret import scrub_command_line

        for token in source.command_line_tokens:
            scrub_command_line(token)
    return source


def _refuse_without_terminal(path: Path | None) -> int | None:
    """Exit code 2, with one sentence, when stdin or stdout is not a terminal; else None.

    The editor would otherwise wait for keys that never come and write its
    screen into a file (`tuinb nb.ipynb < /dev/null > out.txt`, a cron job,
    a mistyped command such as `tuinb config`). Checked before the UI is
    imported. A path that cannot be opened is named first, as with a terminal.
    """
    if sys.stdin.isatty() and sys.stdout.isatty():
        return None
    advice = (
        "the editor needs a terminal on stdin and stdout; to execute a notebook without one,"
        " use `tuinb run NOTEBOOK`."
    )
    if path is not None and (path.exists() or path.is_symlink()):
        from tuinb.model import NotebookError, load

        try:
            load(path, defer_validation=True)
        except NotebookError as err:
            say("tuinb", str(err))
            return 2
    elif path is not None and not path.suffix and len(path.parts) == 1:
        commands = ", ".join(SUBCOMMANDS)
        advice = f"{str(path)!r} is not a command ({commands}), and {advice}"
    say("tuinb", advice)
    return 2
