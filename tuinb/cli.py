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

if TYPE_CHECKING:
    from tuinb.engine.sources import Source

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("tuinb.headless.run", "execute a notebook headless (tuinb run --help)"),
    "kernels": ("tuinb.headless.kernels", "list the installed kernels"),
}
"""Subcommand name -> (module with `main(argv) -> int`, one line for `tuinb --help`)."""


def _editor_parser() -> argparse.ArgumentParser:
    usage = [f"  tuinb {name:<16} {summary}" for name, (_module, summary) in SUBCOMMANDS.items()]
    parser = argparse.ArgumentParser(
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
        "folder, or the newest there",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tuinb` console script; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        module = importlib.import_module(SUBCOMMANDS[args[0]][0])
        code: int = module.main(args[1:])
        return code
    editor_args = _editor_parser().parse_args(args)
    path = Path(editor_args.path).expanduser() if editor_args.path is not None else None
    if _beyond_this_machine(editor_args):
        source = _source(editor_args)
        if source is None:
            return 2
        sys.stderr.write(
            "tuinb: the editor cannot open server notebooks, gateway or existing kernels yet; "
            "`tuinb run` can run server notebooks.\n"
        )
        return 2
    from tuinb.ui.launch import open_editor

    try:
        return open_editor(path, kernel=editor_args.kernel)
    except KeyboardInterrupt:  # ctrl+c while the first frame waits for Textual
        return 130


def _beyond_this_machine(args: argparse.Namespace) -> bool:
    """Whether a server, a gateway or an existing kernel is involved (a plain local notebook
    is opened without importing any of that: the first frame does not wait for it)."""
    import os

    url = args.path is not None and args.path.startswith(("http://", "https://"))
    gateway = args.gateway_url or os.environ.get("JUPYTER_GATEWAY_URL")
    return bool(url or args.server or args.token or gateway or args.existing is not None)


def _source(args: argparse.Namespace) -> Source | None:
    """What to open, from the editor's arguments (None after printing why it cannot be).

    A token typed on the command line is overwritten in the process's arguments at once.
    """
    import os

    from tuinb.engine.sources import SourceError, source_from_args

    try:
        source = source_from_args(
            args.path,
            server=args.server,
            token=args.token,
            gateway=args.gateway_url or os.environ.get("JUPYTER_GATEWAY_URL") or None,
            existing=args.existing,
            kernel=args.kernel,
        )
    except SourceError as exc:
        sys.stderr.write(f"tuinb: {exc}\n")
        return None
    if source.command_line_tokens:
        from tuinb.server.secret import scrub_command_line

        for token in source.command_line_tokens:
            scrub_command_line(token)
    return source
