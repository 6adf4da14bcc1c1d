"""The engine's boundaries as structural types: what it needs, and what it offers.

Below: `tuinb.kernel.KernelManager` / `KernelClient` / `Message` and
`tuinb.model.Notebook` satisfy the protocols the engine needs; tests pass
small fakes. A kernel backend's optional abilities (launching early,
switching kernelspec, naming the kernel it runs) are protocols of their own,
checked with `isinstance`, never probed by attribute name.

Above: `EngineLike` is everything a frontend (the editor) may use of an
engine, so that the engine can live in this process (`tuinb.engine.Engine`)
or behind a client of another process (a session host), and the UI tests
can drive a scripted one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tuinb.engine.events import EngineEvent

if TYPE_CHECKING:
    from tuinb.engine.completion import Completion, Help
    from tuinb.engine.widgetstate import WidgetStore
    from tuinb.kernel.contents import Content
    from tuinb.model import Notebook


class MessageLike(Protocol):
    """A received Jupyter message (`tuinb.kernel.messages.Message`)."""

    @property
    def channel(self) -> str: ...
    @property
    def header(self) -> dict[str, Any]: ...
    @property
    def metadata(self) -> dict[str, Any]: ...
    @property
    def content(self) -> Content: ...
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


class Interrupts(Protocol):
    """A kernel whose running code can be interrupted (a signal, or `interrupt_request`)."""

    async def interrupt(self) -> None: ...


class Restarts(Protocol):
    """A kernel that can be stopped and started again; returns the new client."""

    async def restart(self, *, timeout: float = 60) -> Any: ...  # noqa: ASYNC109 (the kernel contract)


class KernelBackend(Interrupts, Restarts, Protocol):
    """A kernel the engine can start, interrupt, restart and stop (`KernelManager`).

    `Interrupts` and `Restarts` are named apart so that a backend without them
    (a kernel attached by connection file) can be told from one with them.
    """

    async def start(self, *, timeout: float = 60) -> Any: ...  # noqa: ASYNC109 (the kernel contract)
    async def shutdown(self, *, timeout: float = 5) -> None: ...  # noqa: ASYNC109 (the kernel contract)
    async def wait_for_death(self) -> str: ...


@dataclass(frozen=True)
class KernelChoice:
    """One installed kernel, as a picker shows it."""

    name: str
    """What notebook metadata and `--kernel` use."""
    display_name: str
    language: str


@runtime_checkable
class LaunchesEarly(Protocol):
    """A backend that can start its kernel's process before `start()` connects to it."""

    def launch(self) -> None: ...


@runtime_checkable
class SwitchesKernel(Protocol):
    """A backend whose kernelspec can be changed; the next start or restart uses it."""

    def switch_to(self, name: str) -> None: ...


@runtime_checkable
class NamesKernel(Protocol):
    """A backend that can say which installed kernel it runs."""

    @property
    def choice(self) -> KernelChoice | None: ...


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


class WidgetsLike(Protocol):
    """The notebook's widget models and the way back to their kernel side
    (`tuinb.engine.comms.CommManager`; `OfflineWidgets` where no kernel backs them)."""

    @property
    def store(self) -> WidgetStore:
        """Every widget model the kernel opened (or the file saved), by model id."""
        ...

    async def update(self, model_id: str, changes: dict[str, Any]) -> bool:
        """Change a widget's state here and in the kernel (a slider moved); False if unknown."""
        ...

    async def click(self, model_id: str) -> bool:
        """A Button was pressed; False if no live kernel side backs it."""
        ...


class EngineLike(Protocol):
    """What a frontend uses of an engine: requests in, `events()` back.

    `tuinb.engine.Engine` in this process, a session host's client in another
    (later), a scripted engine in the UI tests. The backend is opaque here:
    what a frontend may do with it goes through `tuinb.engine.kernels`
    (`change_kernel`, `running_kernel`), which check its abilities.
    """

    @property
    def kernel_state(self) -> str:
        """One of `KernelState` (a client of another process holds it as a string)."""
        ...

    @property
    def backend(self) -> object: ...
    def events(self) -> AsyncIterator[EngineEvent]: ...
    async def start(self) -> None: ...
    def run_cells(self, cell_ids: Iterable[str]) -> None: ...
    async def interrupt(self) -> None: ...
    async def restart(self) -> None: ...
    async def provide_input(self, value: str) -> None: ...
    async def shutdown(self) -> None: ...
    def replace_notebook(self, notebook: Notebook) -> None: ...
    @property
    def widgets(self) -> WidgetsLike: ...
    async def complete(self, code: str, cursor_pos: int) -> Completion:
        """The kernel's completions; never raises, never waits past its deadline."""
        ...

    async def inspect(self, code: str, cursor_pos: int, detail_level: int = 0) -> Help:
        """Contextual help on the name at `cursor_pos`, as `complete` does."""
        ...
