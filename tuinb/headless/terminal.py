"""Everything the commands write to a terminal outside the editor, made safe to print.

A notebook's error values, a kernel's output, a kernelspec's names and a
path can all hold escape sequences (a window title, an OSC 52 clipboard
write, a screen clear). Every line `tuinb` prints goes through here:

- `say(prog, text)`: a one-line message on stderr, `prog: text`;
- `shown(text)`: text with each control character as a visible mark
  (``ESC`` becomes ``␛``), as vim shows ``^[``: the reader sees that
  something was there, and the terminal never acts on it;
- `Parser`: argparse whose error lines (which quote the arguments) are shown
  the same way;
- `install_safe_logging()`: warnings logged when no handler is set up
  (Python's last resort prints them raw to stderr, and a dying kernel's last
  output lines are logged) are shown the same way.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import NoReturn

from tuinb.sanitize import printable


def shown(text: str) -> str:
    """`text` with every control character but newline and tab as a visible mark."""
    return printable(text)


def one_line(text: str) -> str:
    """`shown(text)` on one line (newlines and tabs as spaces): for table cells."""
    return shown(text).replace("\n", " ").replace("\t", " ")


def say(prog: str, text: str) -> None:
    """Write `prog: text` to stderr, control characters shown as marks."""
    sys.stderr.write(shown(f"{prog}: {text}") + "\n")
    sys.stderr.flush()


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose error messages, which quote the arguments, are shown safely."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and `prog: error: message` (controls as marks); exit 2."""
        self.print_usage(sys.stderr)
        say(self.prog, f"error: {message}")
        raise SystemExit(2)


class _SafeStderr(logging.Handler):
    """Python's last-resort handler (level WARNING, bare message), with controls shown as marks."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(shown(self.format(record)) + "\n")
        except Exception:
            self.handleError(record)


def install_safe_logging() -> None:
    """Make the handler used when logging has none set up show control characters as marks.

    Called by the `tuinb` entry point only (it is the program, so the process's
    logging is its own); a program that configures logging is left alone.
    """
    logging.lastResort = _SafeStderr(logging.WARNING)


def write_table(rows: list[list[str]]) -> None:
    """Rows in aligned columns (the last one unpadded). Names and paths come from kernelspec
    files or a server: each cell is shown on one line, with no escape reaching the terminal."""
    rows = [[one_line(cell) for cell in row] for row in rows]
    count = len(rows[0]) - 1
    widths = [max(len(row[i]) for row in rows) for i in range(count)]
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(count)]
        sys.stdout.write("  ".join([*cells, row[count]]).rstrip() + "\n")
