"""`python -m tuinb` is the same as the `tuinb` command."""

from __future__ import annotations

import sys

from tuinb.cli import main

if __name__ == "__main__":
    sys.exit(main())
