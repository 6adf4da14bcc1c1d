"""The kernel of a session, as the editor asks about it: its spec, and switching it."""

from __future__ import annotations

from tuinb.engine.kernels import KernelChoice

__all__ = ["SessionBackend"]


class SessionBackend:
    """The kernel, as the UI asks about it: its spec (`choice`) and switching it."""

    def __init__(self, kernel: dict[str, str] | None) -> None:
        self.choice: KernelChoice | None = None
        """The running kernel's spec (None before it started)."""
        self.pending: str | None = None
        """A kernel chosen with `switch_to`, started by the next `restart()`."""
        self.update(kernel)

    def update(self, kernel: dict[str, str] | None) -> None:
        """The host named the kernel that runs."""
        if kernel is not None:
            self.choice = KernelChoice(kernel["name"], kernel["display_name"], kernel["language"])

    @property
    def display_name(self) -> str:
        """The kernel's display name ("" before it started)."""
        return self.choice.display_name if self.choice is not None else ""

    def switch_to(self, name: str) -> None:
        """Use kernelspec `name` from the next restart on."""
        self.pending = name
