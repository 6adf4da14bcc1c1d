"""tuinb: a Jupyter notebook editor for the terminal.

Importing this package is cheap on purpose: it loads neither Textual, Rich,
zmq nor nbformat (`tuinb --version` must answer at once).
"""

from __future__ import annotations

__version__ = "0.1.0"
