"""Start the editor for a path (imported lazily by the CLI).

The notebook is read before Textual is imported, so a bad path is refused
in one sentence at once, with exit code 2 and nothing written. Then its first
frame is drawn by `tuinb.ui.firstframe.frame` (see `tuinb.ui.firstframe.terminal`) while
Textual is imported and started, which takes most of the start-up time.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuinb.model import Notebook

UNTITLED = "Untitled"


def next_untitled(folder: Path) -> Path:
    """The first free ``Untitled.ipynb``, ``Untitled1.ipynb``, ... in a folder."""
    number = 0
    while True:
        name = f"{UNTITLED}{number or ''}.ipynb"
        candidate = folder / name
        if not candidate.exists():
            return candidate
        number += 1


class OpenError(Exception):
    """The path cannot be opened; ``str()`` is the one sentence to show."""


def open_notebook(path: Path | None) -> Notebook:
    """The notebook to edit: loaded, or new (created on first save) for a missing path."""
    from tuinb.model import Notebook, NotebookError, load

    if path is None:
        path = next_untitled(Path.cwd())
    path = path.expanduser()
    if path.is_dir():
        raise OpenError(f"{path} is a folder; give the path of a notebook (.ipynb) file.")
    if not path.exists():
        if path.is_symlink():
            raise OpenError(f"{path} is a broken symbolic link; fix it or choose another path.")
        parent = path.parent if str(path.parent) else Path()
        if not parent.is_dir():
            raise OpenError(
                f"Cannot create {path}: the folder {parent} does not exist; create it first."
            )
        notebook = Notebook.new()
        notebook.path = path
        return notebook
    try:
        return load(path, defer_validation=True)  # nbformat validates after the first frame
    except NotebookError as err:
        raise OpenError(str(err)) from err


def open_editor(path: Path | None, *, kernel: str | None) -> int:
    """Open the editor on `path`; returns the exit code."""
    try:
        notebook = open_notebook(path)
    except OpenError as err:
        from tuinb.sanitize import printable  # a path can hold escape sequences

        sys.stderr.write(f"tuinb: {printable(str(err))}\n")
        return 2
    from tuinb.config import load_config
    from tuinb.ui.firstframe.terminal import prepainted

    loaded = load_config()  # its warnings are shown once the editor is up

    output = loaded.config.output
    with prepainted(notebook, kernel=kernel, output=output) as handoff:  # while Textual loads
        from tuinb.engine.kernels import kernel_for, kill_all_kernels, launch_early, make_engine

        assert notebook.path is not None
        name = kernel_for(notebook.metadata, kernel)
        engine = make_engine(notebook, name, cwd=notebook.path.resolve().parent)
        try:
            launch_early(engine)  # the kernel boots while Textual is imported
            from tuinb.ui.app import TuinbApp

            app = TuinbApp(
                notebook,
                engine=engine,
                kernel_name=kernel,
                recovery_interval=loaded.config.recovery_interval,
                config=loaded,
            )
            probe = handoff.graphics
            if probe is not None:
                app.terminal_graphics = probe.result
            if handoff.saved is not None:
                from tuinb.ui.textual_compat import keep_terminal_modes

                keep_terminal_modes(app, handoff.saved, typed=probe.keys if probe else None)
            app.run()
        finally:
            kill_all_kernels()  # whatever the route out, no kernel outlives the editor
    return app.return_code or 0
