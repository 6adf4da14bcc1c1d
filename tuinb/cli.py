"""The `tuinb` command: parses arguments, then picks the editor or a headless command.

Heavy modules (Textual, nbformat, zmq) are imported only inside the branch that
needs them, so `tuinb --version` and `tuinb --help` answer at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tuinb import __version__

SUBCOMMANDS = ("run", "kernels")


def _editor_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tuinb",
        description="A Jupyter notebook editor for the terminal.",
        epilog=(
            "other commands:\n"
            "  tuinb run NOTEBOOK   execute a notebook headless (tuinb run --help)\n"
            "  tuinb kernels        list the installed kernels"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tuinb {__version__}")
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="notebook to open; a missing file is created on first save "
        "(default: the next free Untitled.ipynb)",
    )
    parser.add_argument("--kernel", metavar="NAME", help="kernel to use instead of the notebook's")
    return parser


def _run_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tuinb run",
        description="Execute every code cell of a notebook in order and save the outputs.",
    )
    parser.add_argument("notebook", type=Path, help="the notebook to execute")
    parser.add_argument(
        "-o", "--output", type=Path, metavar="OUT", help="write here instead of in place"
    )
    parser.add_argument("--kernel", metavar="NAME", help="kernel to use instead of the notebook's")
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="per-cell time limit: the kernel is interrupted and the cell fails",
    )
    parser.add_argument(
        "--allow-errors",
        action="store_true",
        help="keep going after a cell raises (cells tagged raises-exception always may)",
    )
    return parser


def _kernels_parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="tuinb kernels",
        description="List the kernels tuinb can start (the same names as "
        "`jupyter kernelspec list`).",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tuinb` console script; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "run":
        run_args = _run_parser().parse_args(args[1:])
        from tuinb.headless.run import run_command

        return run_command(
            run_args.notebook,
            output=run_args.output,
            kernel=run_args.kernel,
            timeout=run_args.timeout,
            allow_errors=run_args.allow_errors,
        )
    if args and args[0] == "kernels":
        _kernels_parser().parse_args(args[1:])
        from tuinb.headless.kernels import kernels_command

        return kernels_command()
    editor_args = _editor_parser().parse_args(args)
    from tuinb.ui.launch import open_editor

    try:
        return open_editor(editor_args.path, kernel=editor_args.kernel)
    except KeyboardInterrupt:  # ctrl+c while the first frame waits for Textual
        return 130
