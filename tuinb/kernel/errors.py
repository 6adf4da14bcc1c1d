"""Errors of the kernel layer; `str(err)` is one sentence: what happened, what to do.

Names from kernelspecs and a kernel's own output are quoted with every control
character shown as a visible mark (`tuinb.sanitize.printable`), so a message
is safe to print on any terminal.
"""

from __future__ import annotations

from tuinb.sanitize import printable


class KernelError(Exception):
    """Base class: anything that went wrong talking to or managing a kernel."""


class NoSuchKernel(KernelError):
    """No kernelspec has the requested name; the message lists the available ones."""

    def __init__(self, name: str, available: list[str]) -> None:
        self.name = name
        self.available = available
        listing = ", ".join(sorted(available)) or "none"
        super().__init__(
            printable(
                f"There is no kernel named {name!r} (available: {listing}); "
                "pick one of those or install the kernel."
            )
        )


class KernelStartError(KernelError):
    """A kernel could not be started; the message names it and quotes its stderr tail."""

    def __init__(self, name: str, reason: str, stderr_tail: str = "") -> None:
        self.name = name
        self.reason = reason
        self.stderr_tail = stderr_tail
        text = f"The kernel {name!r} could not be started: {reason}"
        if stderr_tail.strip():
            text += f"; its last output was:\n{stderr_tail.rstrip()}"
        super().__init__(printable(text))


class KernelDeadError(KernelError):
    """A request was made to a kernel that is no longer running."""

    def __init__(self, reason: str = "the kernel is not running") -> None:
        self.reason = reason
        super().__init__(f"{reason[:1].upper()}{reason[1:].rstrip('.')}; restart the kernel.")


class KernelTimeoutError(KernelError, TimeoutError):
    """The kernel did not answer a request in time."""


class KernelChannelsError(KernelTimeoutError):
    """The kernel answered, but some of its channels never completed their handshake."""

    def __init__(self, kernel_name: str, channels: list[str], timeout: float) -> None:
        self.channels = channels
        super().__init__(
            f"The kernel {kernel_name!r} answered, but its {', '.join(channels)} channel"
            f" did not connect within {timeout:g} s."
        )
