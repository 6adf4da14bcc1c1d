"""`tuinb run URL` and `tuinb kernels --server URL`: the headless commands against a server.

`tuinb run URL` loads the notebook through the contents API, runs it on a
fresh kernel of that server (not the notebook's session: a JupyterLab user
sharing that kernel is not disturbed), shuts the kernel down, and saves the
results back through the contents API, unless someone saved the notebook
on the server while it ran (then nothing is written: exit code 2, and `-o`
saves elsewhere). `-o OUT` writes a local file, or with a URL another path
on the same server. Exit codes as for a local file: 2 when the server, the
token or the notebook cannot be used, with nothing written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuinb.engine.sources import Source
    from tuinb.server.http import ServerConnection


def _say(command: str, line: str) -> None:
    from tuinb.headless.terminal import say

    say(f"tuinb {command}", line)


def _parameters_injector(
    parameters: dict[str, Any] | None, notebook: Any, kernel: str | None
) -> Any:
    """What `tuinb run -p` does to the notebook (`ParametersError` if they cannot be written)."""
    from tuinb.headless.parameters import injector

    spec = notebook.metadata.get("kernelspec")
    spec = spec if isinstance(spec, dict) else {}
    name = kernel or str(spec.get("name") or "python3")
    return injector(parameters, kernel_name=name, language=str(spec.get("language") or "python"))


def scrub_tokens(source: Source) -> None:
    """Overwrite tokens typed on the command line in this process's arguments (`ps`)."""
    from tuinb.server.secret import scrub_command_line

    for token in source.command_line_tokens:
        scrub_command_line(token)


def run_remote(args: argparse.Namespace, parameters: dict[str, Any] | None = None) -> int:
    """`tuinb run URL ...`; returns the exit code."""
    from tuinb.engine.sources import SourceError, source_from_args

    try:
        source = source_from_args(args.notebook, token=args.token, kernel=args.kernel)
    except SourceError as exc:
        _say("run", str(exc))
        return 2
    scrub_tokens(source)
    from tuinb.headless.signals import run_with_signals

    timeout = args.timeout if args.timeout is not None and args.timeout > 0 else None
    result, signal_exit = run_with_signals(
        lambda: _run(
            source,
            output=args.output,
            time_limit=timeout,
            allow_errors=args.allow_errors,
            parameters=parameters,
        )
    )
    if signal_exit is not None:
        _say("run", "interrupted: the kernel was shut down and nothing was written.")
        return signal_exit
    code, message = result
    if message:
        _say("run", message)
    return int(code)


async def _run(
    source: Source,
    *,
    output: str | None,
    time_limit: float | None,
    allow_errors: bool,
    parameters: dict[str, Any] | None,
) -> tuple[int, str | None]:
    from tuinb.engine.sources import ServerFolder, connection_for, open_remote_notebook
    from tuinb.headless.execute import execute_notebook
    from tuinb.headless.parameters import ParametersError
    from tuinb.model import NotebookError
    from tuinb.server.errors import ServerError
    from tuinb.server.remote import RemoteKernel

    assert source.server is not None
    connection = connection_for(source.server)
    try:
        try:
            opened = await open_remote_notebook(source, connection)
        except ServerError as exc:
            return 2, str(exc)
        if isinstance(opened, ServerFolder):
            return 2, f"{source.server.page_url()} is a folder; give a notebook's URL."
        if opened.new:
            return 2, (
                f"There is no notebook {source.server.path!r} on {connection.where()}; "
                "check the path."
            )
        notebook = opened.notebook
        try:
            prepare = _parameters_injector(parameters, notebook, source.kernel)
        except ParametersError as exc:
            return 2, str(exc)
        if prepare is not None:
            prepare(notebook)
        path = source.server.path or ""
        folder = path.rpartition("/")[0]
        spec = notebook.metadata.get("kernelspec")
        named = source.kernel or (spec.get("name") if isinstance(spec, dict) else None)
        backend = RemoteKernel(connection, kernel_name=named or None, cwd=folder, owns_kernel=True)
        outcome = await execute_notebook(
            notebook, backend, time_limit=time_limit, allow_errors=allow_errors
        )
        if not outcome.save:
            return 2, outcome.message
        try:
            await _save(opened.store, notebook, output, connection)
        except (NotebookError, ServerError) as exc:
            return 2, str(exc)
        return outcome.exit_code, outcome.message
    finally:
        await connection.aclose()


async def _save(
    store: Any, notebook: Any, output: str | None, connection: ServerConnection
) -> None:
    """Back to the server (refusing if changed there meanwhile), or to `-o OUT`."""
    from tuinb.model import NotebookSaveError, save
    from tuinb.model.store import SaveConflict
    from tuinb.server.address import looks_like_url, parse_server_url

    if output is None:
        store.checkpoint_on_save = False
        try:
            await store.save(notebook)
        except SaveConflict:
            raise NotebookSaveError(
                f"{store.location} was saved on the server while it ran, so the results were "
                "not written over it; run again with -o to save them elsewhere."
            ) from None
        return
    if not looks_like_url(output):
        save(notebook, Path(output))
        return
    target = parse_server_url(output, environ={})
    if target.base_url != connection.address.base_url or not target.path:
        raise NotebookSaveError(
            "With a URL, -o must name a notebook on the same server; give a local path otherwise."
        )
    await store.save_as(notebook, target.path)


def run_on_gateway(args: argparse.Namespace, parameters: dict[str, Any] | None = None) -> int:
    """`tuinb run NOTEBOOK --gateway-url URL`: a local notebook on a gateway's kernel."""
    from tuinb.engine.sources import SourceError, kernel_backend, source_from_args
    from tuinb.headless.execute import execute_notebook
    from tuinb.headless.parameters import ParametersError
    from tuinb.headless.signals import run_with_signals
    from tuinb.model import NotebookError, load, save

    try:
        source = source_from_args(
            args.notebook, gateway=args.gateway_url, token=args.token, kernel=args.kernel
        )
        scrub_tokens(source)
        assert source.path is not None
        notebook = load(source.path, defer_validation=True)
        prepare = _parameters_injector(parameters, notebook, source.kernel)
        if prepare is not None:
            prepare(notebook)
        backend = kernel_backend(source, notebook, cwd=source.path.resolve().parent)
    except (SourceError, NotebookError, ParametersError) as exc:
        _say("run", str(exc))
        return 2
    timeout = args.timeout if args.timeout is not None and args.timeout > 0 else None
    result, signal_exit = run_with_signals(
        lambda: execute_notebook(
            notebook, backend, time_limit=timeout, allow_errors=args.allow_errors
        )
    )
    if signal_exit is not None:
        _say("run", "interrupted: the kernel was shut down and nothing was written.")
        return signal_exit
    if result.save:
        try:
            save(notebook, Path(args.output) if args.output else source.path)
        except NotebookError as exc:
            _say("run", str(exc))
            return 2
    if result.message:
        _say("run", result.message)
    return int(result.exit_code)


def kernels_remote(url: str, *, token: str | None, gateway: bool) -> int:
    """`tuinb kernels --server URL` (or `--gateway-url URL`): the kernelspecs offered there."""
    import asyncio

    from tuinb.engine.sources import SourceError, connection_for, source_from_args
    from tuinb.headless.terminal import write_table
    from tuinb.server.errors import ServerError
    from tuinb.server.kernels import KernelsAPI

    try:
        source = (
            source_from_args(None, gateway=url, token=token)
            if gateway
            else source_from_args(url, token=token)
        )
    except SourceError as exc:
        _say("kernels", str(exc))
        return 2
    scrub_tokens(source)
    address = source.gateway if gateway else source.server
    assert address is not None
    connection = connection_for(address, gateway=gateway)

    async def listing() -> tuple[str, list[Any]]:
        try:
            return await KernelsAPI(connection).kernelspecs()
        finally:
            await connection.aclose()

    try:
        default, specs = asyncio.run(listing())
    except ServerError as exc:
        _say("kernels", str(exc))
        return 2
    if not specs:
        _say("kernels", f"{connection.where()} offers no kernels.")
        return 1
    rows = [["NAME", "DISPLAY NAME", "LANGUAGE", ""]]
    rows += [
        [s.name, s.display_name, s.language, "(default)" if s.name == default else ""]
        for s in specs
    ]
    write_table(rows)
    return 0
