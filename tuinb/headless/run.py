"""`tuinb run`: execute a notebook headless (no Textual, no Rich).

`tuinb run` exit codes: 0 every cell ran; 1 a cell failed (its error is on
stderr, what ran is saved); 2 the notebook, the kernel or the output file is
unusable (nothing is written); 130/143/129 stopped by Ctrl-C, SIGTERM or
SIGHUP (kernel shut down, nothing written).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuinb.headless.execute import RunOutcome, execute_notebook
from tuinb.headless.signals import SIGNAL_EXIT, run_with_signals, signals_interrupt
from tuinb.headless.terminal import Parser, say

if TYPE_CHECKING:
    from tuinb.model import Notebook

EXIT_GRACE = 0.0
"""Seconds the kernel may take to exit by itself once it answered shutdown_request.

The run's results are final by then, and ipykernel has done its shutdown work
when it replies (~30 ms) but needs ~0.2 s more to exit, so it is sent SIGTERM
at once (`KernelManager.exit_grace`).
"""


def _say(line: str) -> None:
    """One line on stderr; control characters from the notebook or kernel shown as marks."""
    say("tuinb run", line)


def _kernel_of(notebook: Notebook) -> str | None:
    """The notebook's `metadata.kernelspec.name`, if it names one."""
    spec = notebook.metadata.get("kernelspec")
    name = spec.get("name") if isinstance(spec, dict) else None
    return name if isinstance(name, str) and name else None


def _peek_kernel_name(path: Path) -> tuple[bool, str | None]:
    """(the file is JSON, its `metadata.kernelspec.name`) without loading it with nbformat.

    Read as the model reads (a regular file under the size limit: a FIFO or
    /dev/zero is refused at once, never waited on); anything odd is left to
    `load` to explain.
    """
    from tuinb.model import NotebookError
    from tuinb.model.files import read_bytes

    try:
        data = json.loads(read_bytes(path)[0])
    except (NotebookError, ValueError, RecursionError):
        return False, None
    spec = data.get("metadata", {}).get("kernelspec") if isinstance(data, dict) else None
    name = spec.get("name") if isinstance(spec, dict) else None
    return True, name if isinstance(name, str) and name else None


async def _load_and_execute(
    path: Path,
    manager: Any,
    *,
    time_limit: float | None,
    allow_errors: bool,
    output: Path | None = None,
    prepare: Callable[[Notebook], object] | None = None,
) -> tuple[RunOutcome, Notebook | None]:
    """Load the notebook (in a thread) while the kernel starts, `prepare` it, then run it."""
    import asyncio

    from tuinb.model import NotebookError, load

    starting = asyncio.create_task(manager.start())
    try:
        # The common nbformat-4 file is read without nbformat; a run reports no
        # validation warnings, so nbformat is only needed to write the file.
        document = await asyncio.to_thread(load, path, defer_validation=True)
    except NotebookError as exc:
        with contextlib.suppress(Exception):
            await starting
        with contextlib.suppress(Exception):
            await manager.shutdown()
        return RunOutcome(2, str(exc), save=False), None
    except BaseException:
        starting.cancel()
        raise
    if prepare is not None:
        prepare(document)
    # while the kernel boots (one busy core), not while it runs the cells
    writer = asyncio.create_task(asyncio.to_thread(_prepare_save, path, output))
    try:
        try:
            client = await starting
        except Exception as exc:
            return RunOutcome(2, str(exc), save=False), document
        outcome = await execute_notebook(
            document, manager, time_limit=time_limit, allow_errors=allow_errors, client=client
        )
    finally:
        with contextlib.suppress(Exception):
            await writer
    return outcome, document


def _prepare_save(path: Path, output: Path | None) -> None:
    """Load what saving will need while the kernel boots (in a thread).

    nbformat's writer, by serialising an empty notebook; and, when `-o` names
    an existing other file, the check that it is a notebook (which save makes
    before writing over it): nbformat compiles its schema validator for it.
    """
    from tuinb.model import dumps
    from tuinb.model.nbio import is_readable_notebook

    dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    if output is not None and output.resolve() != path.resolve() and output.exists():
        is_readable_notebook(output)


def _unwritable(target: Path) -> str | None:
    """Why the result could not be written to `target` (checked before anything runs), or None.

    A notebook marked read-only (0444, even for root) is not written over
    from the command line: there is no one to ask.
    """
    from tuinb.model import NotebookSaveError, check_writable

    try:
        check_writable(target)
    except NotebookSaveError as err:
        return str(err).removesuffix(".") + "; nothing was run."
    return None


def run_command(
    notebook: Path,
    *,
    output: Path | None,
    kernel: str | None,
    timeout: float | None,
    allow_errors: bool,
    parameters: dict[str, Any] | None = None,
) -> int:
    """Execute `notebook` headless (`parameters` injected as papermill does); the exit code."""
    is_json, named = _peek_kernel_name(notebook)
    if not is_json:  # let the model say what is wrong with the file
        from tuinb.model import NotebookError, load

        try:
            named = _kernel_of(load(notebook))
        except NotebookError as exc:
            _say(str(exc))
            return 2
    unwritable = _unwritable(output or notebook)
    if unwritable is not None:
        _say(unwritable)
        return 2
    from tuinb.kernel.errors import KernelError
    from tuinb.kernel.kernelspec import default_kernel_name, get_kernel_spec
    from tuinb.kernel.manager import shutdown_all_kernels_sync
    from tuinb.kernel.provisioned import kernel_backend

    if timeout is not None and timeout <= 0:
        timeout = None
    try:
        spec = get_kernel_spec(kernel or named or default_kernel_name())
    except KernelError as exc:
        _say(str(exc))
        return 2
    from tuinb.headless.parameters import ParametersError, injector  # light: no model

    try:
        prepare = injector(parameters, kernel_name=spec.name, language=spec.language)
    except ParametersError as exc:
        _say(str(exc))
        return 2
    manager = kernel_backend(spec, cwd=notebook.resolve().parent, exit_grace=EXIT_GRACE)
    caught: list[int] = []
    try:
        with signals_interrupt(caught):
            # The kernel boots (~0.5 s) while asyncio, zmq, the engine and the
            # model are imported and the notebook is read; a failure to launch
            # is reported by `start()`.
            with contextlib.suppress(KernelError):
                manager.launch()
            import asyncio  # noqa: F401 (imported here, where a signal still stops the kernel)

            import tuinb.engine
            import tuinb.kernel.client  # noqa: F401
            from tuinb.model import NotebookError, save

        result, signal_exit = run_with_signals(
            lambda: _load_and_execute(
                notebook,
                manager,
                time_limit=timeout,
                allow_errors=allow_errors,
                output=output,
                prepare=prepare,
            )
        )
    except KeyboardInterrupt:  # a signal before the event loop took signals over
        result, signal_exit = None, SIGNAL_EXIT[signal.Signals(caught[0] if caught else 2)]
    except Exception as exc:  # a bug: still one line, and the kernel is shut down
        _say(f"internal error ({type(exc).__name__}: {exc}); nothing was written.")
        return 2
    finally:
        shutdown_all_kernels_sync()
    if signal_exit is not None:
        _say("interrupted: the kernel was shut down and nothing was written.")
        return signal_exit
    outcome, document = result
    if outcome.save and document is not None:
        try:
            save(document, output or notebook)
        except NotebookError as exc:
            _say(str(exc))
            return 2
    if outcome.message:
        _say(outcome.message)
    # The process exits next: objects frozen for the cyclic GC are skipped by the
    # interpreter's final collection (~30 ms of a ~40 ms exit). Refcounting still
    # frees them; in a long-lived caller only cycles made before now stay.
    gc.freeze()
    return int(outcome.exit_code)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="tuinb run",
        description="Execute every code cell of a notebook in order and save the outputs.",
    )
    parser.add_argument(
        "notebook", help="the notebook to execute: a path, or its URL on a Jupyter server"
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of in place")
    parser.add_argument("--kernel", metavar="NAME", help="kernel to use instead of the notebook's")
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="per-cell time limit: the kernel is interrupted and the cell fails",
    )
    parser.add_argument(
        "--gateway-url",
        metavar="URL",
        help="run the kernel on this kernel gateway (default: $JUPYTER_GATEWAY_URL, else the "
        "config file's gateway_url)",
    )
    parser.add_argument(
        "--token", help="the server's token (better: the JUPYTER_TOKEN environment variable)"
    )
    parser.add_argument(
        "--allow-errors",
        action="store_true",
        help="keep going after a cell raises (cells tagged raises-exception always may)",
    )
    from tuinb.headless.parameters import add_arguments

    add_arguments(parser)
    return parser


def main(argv: Sequence[str]) -> int:
    """`tuinb run ARGS`: parse them, run the notebook; returns the exit code."""
    args = build_parser().parse_args(argv)
    from tuinb.headless.parameters import ParametersError, from_arguments

    try:
        parameters = from_arguments(args)
    except ParametersError as exc:
        _say(str(exc))
        return 2
    return run_command(
        Path(args.notebook),
        output=Path(args.output) if args.output is not None else None,
        kernel=args.kernel,
        timeout=args.timeout,
        allow_errors=args.allow_errors,
        parameters=parameters,
    )
