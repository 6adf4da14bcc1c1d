"""`tuinb config`: the documented default config file, where the file is, and a check of it.

- `tuinb config` prints every option with its default and a comment (from
  the declarations in `tuinb.config`), ready to be saved and edited;
- `tuinb config --path` prints where tuinb reads the file;
- `tuinb config --check` reads the file and prints each problem (exit 1);
- `tuinb config --write` writes the default file there, never over one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tuinb import paths
from tuinb.config import load_config
from tuinb.default_config import default_config_text
from tuinb.sanitize import printable


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tuinb config",
        description="Print the documented default config file (every option, its default "
        "and what it does).",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--path", action="store_true", help="print where tuinb reads its config file"
    )
    action.add_argument(
        "--check", action="store_true", help="read the config file and report its problems"
    )
    action.add_argument(
        "--write",
        action="store_true",
        help="write the default file where tuinb reads it (never over an existing file)",
    )
    return parser


def main(argv: Sequence[str]) -> int:
    """`tuinb config ARGS`; returns the exit code."""
    args = build_parser().parse_args(argv)
    path = paths.config_file()
    shown = printable(str(path))
    if args.path:
        sys.stdout.write(f"{shown}\n")
        return 0
    if args.check:
        loaded = load_config(path)
        for warning in loaded.warnings:
            sys.stderr.write(f"tuinb config: {warning}\n")
        if loaded.warnings:
            return 1
        state = "is fine" if path.exists() else "does not exist (every option has its default)"
        sys.stdout.write(f"{shown} {state}.\n")
        return 0
    text = default_config_text(path)
    if not args.write:
        sys.stdout.write(text)
        return 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        sys.stderr.write(f"tuinb config: {shown} exists already; it was left as it is.\n")
        return 1
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        sys.stderr.write(f"tuinb config: cannot write {shown} ({reason}).\n")
        return 1
    sys.stdout.write(f"Wrote {shown}.\n")
    return 0
