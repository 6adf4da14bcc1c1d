"""Ctrl-C, SIGTERM and SIGHUP during a headless run: the kernel is shut down, nothing written.

Apart from `tuinb.headless.run` because both headless commands (a local
notebook there, a Jupyter Server's in `tuinb.headless.remote`) stop the same
way, with the same exit codes (130, 143, 129: 128 + the signal's number).
Two phases: while the kernel launches and modules load, a signal raises
`KeyboardInterrupt` (`signals_interrupt`); once the event loop runs, it
cancels the run's task (`run_with_signals`).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["SIGNAL_EXIT", "run_with_signals", "signals_interrupt"]

SIGNAL_EXIT = {
    getattr(signal, name): 128 + number
    for name, number in (("SIGINT", 2), ("SIGTERM", 15), ("SIGHUP", 1))
    if hasattr(signal, name)  # no SIGHUP on Windows
}
"""Signals that stop `tuinb run`, and the exit code for each (128 + POSIX number)."""


def run_with_signals(main: Callable[[], Any]) -> tuple[Any, int | None]:
    """Run the coroutine `main()`; Ctrl-C/SIGTERM/SIGHUP cancel it.

    Returns (its result, None) or (None, the exit code for the signal).
    """
    import asyncio

    caught: list[int] = []

    async def guarded() -> Any:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None

        def stop(signum: int) -> None:
            if not caught:
                caught.append(signum)
                task.cancel()

        for signum in SIGNAL_EXIT:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop, signum)
        try:
            return await main()
        except asyncio.CancelledError:
            if caught:
                return None
            raise
        finally:
            for signum in SIGNAL_EXIT:
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(signum)

    try:
        result = asyncio.run(guarded())
    except KeyboardInterrupt:
        return None, 130
    return result, (SIGNAL_EXIT[signal.Signals(caught[0])] if caught else None)


@contextlib.contextmanager
def signals_interrupt(caught: list[int]) -> Iterator[None]:
    """While the kernel launches and modules load: SIGTERM/SIGHUP raise KeyboardInterrupt too.

    So that the `finally` that kills the kernel runs for them as for Ctrl-C.
    """

    def interrupt(signum: int, _frame: Any) -> None:
        caught.append(signum)
        raise KeyboardInterrupt

    previous = {}
    for signum in SIGNAL_EXIT:
        if signum != signal.SIGINT:
            previous[signum] = signal.signal(signum, interrupt)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
