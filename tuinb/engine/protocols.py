"""What the engine needs from the kernel layer and the model, as structural types.

`tuinb.kernel.KernelManager` / `KernelClient` / `Message` and
`tuinb.model.Notebook` satisfy these protocols; tests pass small fakes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol


class MessageLike(Protocol):
    """A received Jupyter message (`tuinb.kernel.messages.Message`)."""

    @property
    def channel(self) -> str: ...
    @property
    def header(self) -> dict[str, Any]: ...
    @property
    def metadata(self) -> dict[str, Any]: ...
    @property
    def content(self) -> Any: ...
    @property
    def msg_type(self) -> str: ...
    @property
    def parent_id(self) -> str | None: ...


class ClientLike(Protocol):
    """A connected kernel client (`tuinb.kernel.client.KernelClient`)."""

    async def execute(
        self,
        code: str,
        *,
        silent: bool = False,
        store_history: bool = True,
        allow_stdin: bool = True,
        stop_on_error: bool = True,
        user_expressions: dict[str, str] | None = None,
    ) -> str: ...

    async def input_reply(self, value: str) -> None: ...

    async def kernel_info(self, *, timeout: float = 10) -> Any: ...  # noqa: ASYNC109 (the kernel contract)

    def messages(self) -> AsyncIterator[Any]: ...


class KernelBackend(Protocol):
    """A kernel the engine can start, interrupt, restart and stop (`KernelManager`)."""

    async def start(self, *, timeout: float = 60) -> Any: ...  # noqa: ASYNC109 (the kernel contract)
    async def interrupt(self) -> None: ...
    async def restart(self, *, timeout: float = 60) -> Any: ...  # noqa: ASYNC109 (the kernel contract)
    async def shutdown(self, *, timeout: float = 5) -> None: ...  # noqa: ASYNC109 (the kernel contract)
    async def wait_for_death(self) -> str: ...


class CellLike(Protocol):
    """A notebook cell (`tuinb.model.Cell`)."""

    id: str
    cell_type: Any
    source: str
    metadata: dict[str, Any]
    outputs: list[dict[str, Any]]
    execution_count: int | None


class NotebookLike(Protocol):
    """The notebook document (`tuinb.model.Notebook`): the engine writes results into it."""

    @property
    def cells(self) -> Sequence[Any]: ...

    metadata: dict[str, Any]

    def cell(self, cell_id: str) -> Any: ...
    def set_execution_count(self, cell_id: str, count: int | None) -> None: ...
    def append_output(self, cell_id: str, output: dict[str, Any]) -> None: ...
    def clear_cell_output(self, cell_id: str, *, wait: bool) -> None: ...
    def set_cell_metadata(
        self, cell_id: str, key: str, value: Any, *, undoable: bool = True
    ) -> None: ...
    def update_display(
        self, display_id: str, data: dict[str, Any], metadata: dict[str, Any]
    ) -> list[str]: ...
