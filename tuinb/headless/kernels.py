"""`tuinb kernels`: the installed kernels, as `jupyter kernelspec list` shows them, plus columns."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from tuinb.headless.terminal import Parser, one_line, say


def kernels_command() -> int:
    """Print the installed kernels (as `jupyter kernelspec list`, plus columns)."""
    from tuinb.kernel.kernelspec import find_kernel_specs

    specs = find_kernel_specs()
    if not specs:
        say("tuinb kernels", "no kernel found; install one, e.g. `pip install ipykernel`.")
        return 1
    rows: list[list[str]] = [["NAME", "DISPLAY NAME", "LANGUAGE", "PATH"]]
    rows += [  # names and paths come from kernelspec files: no escape reaches the terminal
        [
            one_line(text)
            for text in (name, spec.display_name, spec.language, str(spec.resource_dir))
        ]
        for name, spec in sorted(specs.items())
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(3)]
        sys.stdout.write("  ".join([*cells, row[3]]).rstrip() + "\n")
    return 0


def main(argv: Sequence[str]) -> int:
    """`tuinb kernels`: list the kernels; returns the exit code."""
    Parser(
        prog="tuinb kernels",
        description="List the kernels tuinb can start (the same names as "
        "`jupyter kernelspec list`).",
    ).parse_args(argv)
    return kernels_command()
