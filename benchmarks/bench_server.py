"""Kernels behind a Jupyter Server: `1+1` round trip over the websocket, and resuming a drop.

Run: `.venv/bin/python benchmarks/bench_server.py [--runs 500] [--resumes 10]`

1. Round trip of `1+1` on a warm ipykernel started by a local `jupyter server`
   (127.0.0.1, random token), from sending execute_request until both its
   execute_reply and its `status: idle` arrived, through:
   - tuinb's websocket client (`tuinb.server.remote.RemoteKernelClient`, v1 framing);
   - a plain `websockets` script (JSON protocol, the least a client can do);
   - `jupyter_kernel_client` (Datalayer's client, threads), if it is installed.
   Each drives its own kernel on the same server, in alternating blocks of 20,
   after warm-up runs, so all see the same load; p50/p99/mean in ms and the
   ratios of tuinb to the others.
2. Resume: tuinb's client reaches the server through a TCP proxy; the proxy
   drops the connection and refuses new ones for 0.5 s, then lets them through
   again: the time from then until the websocket is connected again (target:
   within 2 s).

The server and proxy are the test suite's own (`tests/server/support.py`,
`tests/server/engine_support.py`), so run it from the repository's root.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.server.engine_support import TcpProxy
from tests.server.support import RunningServer, start_server, stop_server
from tuinb.server.address import parse_server_url
from tuinb.server.http import ServerConnection
from tuinb.server.kernel_client import RemoteKernelClient
from tuinb.server.remote import RemoteKernel

CODE = "1+1"
WARMUP = 30
BLOCK = 20


class Finished:
    """Resolves a future when a request has both its execute_reply and its idle status."""

    def __init__(self) -> None:
        self.waiting: dict[str, tuple[asyncio.Future[None], set[str]]] = {}

    def expect(self, msg_id: str) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting[msg_id] = (future, set())
        return future

    def seen(self, parent: str | None, msg_type: str, state: str | None) -> None:
        entry = self.waiting.get(parent or "")
        if entry is None:
            return
        future, got = entry
        if msg_type == "execute_reply":
            got.add("reply")
        elif msg_type == "status" and state == "idle":
            got.add("idle")
        if got == {"reply", "idle"}:
            del self.waiting[parent or ""]
            future.set_result(None)


class TuinbRoundTrip:
    def __init__(self, client: RemoteKernelClient) -> None:
        self.client = client
        self.finished = Finished()
        self.pump = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        async for msg in self.client.messages():
            state = getattr(msg.content, "execution_state", None)
            self.finished.seen(msg.parent_id, msg.msg_type, state)

    async def once(self) -> float:
        start = time.perf_counter()
        msg_id = await self.client.execute(CODE)
        await self.finished.expect(msg_id)
        return time.perf_counter() - start


class PlainRoundTrip:
    """What a bare script does: JSON messages over `websockets`, no framing, no typing."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.session = uuid.uuid4().hex
        self.finished = Finished()
        self.pump = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        async for raw in self.ws:
            msg = json.loads(raw)
            parent = (msg.get("parent_header") or {}).get("msg_id")
            state = (msg.get("content") or {}).get("execution_state")
            self.finished.seen(parent, msg["header"]["msg_type"], state)

    async def once(self) -> float:
        start = time.perf_counter()
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session,
                  "username": "bench", "version": "5.3", "date": ""}  # fmt: skip
        content = {"code": CODE, "silent": False, "store_history": True,
                   "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}  # fmt: skip
        done = self.finished.expect(msg_id)
        await self.ws.send(json.dumps({"channel": "shell", "header": header, "parent_header": {},
                                       "metadata": {}, "content": content}))  # fmt: skip
        await done
        return time.perf_counter() - start


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def describe(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{name:<24} p50 {percentile(ms, 0.5):6.2f}  p99 {percentile(ms, 0.99):6.2f}  "
            f"mean {statistics.fmean(ms):6.2f}  (n={len(ms)})")  # fmt: skip


class LoopThread:
    """An asyncio loop in a thread, so a blocking client can take turns with async ones."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, make: Callable[[], Awaitable[Any]]) -> Any:
        return asyncio.run_coroutine_threadsafe(make(), self.loop).result()  # type: ignore[arg-type]

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def timed_block(client: Any, count: int) -> list[float]:
    return [await client.once() for _ in range(count)]


def bench_round_trips(server: RunningServer, runs: int) -> None:
    from websockets.asyncio.client import connect

    loop = LoopThread()
    address = server.address()
    tuinb_backend = RemoteKernel(ServerConnection(address), kernel_name="python3")

    async def setup() -> tuple[TuinbRoundTrip, PlainRoundTrip, Any]:
        client = await tuinb_backend.start(timeout=60)
        kernel = server.api("POST", "api/kernels", json={"name": "python3"}).json()["id"]
        ws = await connect(
            address.websocket_url(
                f"api/kernels/{kernel}/channels", {"session_id": uuid.uuid4().hex}
            ),
            additional_headers={"Authorization": f"token {server.token}"},
            max_size=None,
        )
        return TuinbRoundTrip(client), PlainRoundTrip(ws), ws

    tuinb, plain, ws = loop.run(setup)
    runners: dict[str, Callable[[int], list[float]]] = {
        "tuinb (websocket, v1)": lambda n: loop.run(lambda: timed_block(tuinb, n)),
        "plain websockets (JSON)": lambda n: loop.run(lambda: timed_block(plain, n)),
    }
    jkc: Any = None
    try:
        from jupyter_kernel_client import JupyterKernelClient

        jkc = JupyterKernelClient(server_url=server.url.rstrip("/"), token=server.token)
        jkc.start()

        def jkc_block(n: int) -> list[float]:
            times = []
            for _ in range(n):
                start = time.perf_counter()
                jkc.execute(CODE)
                times.append(time.perf_counter() - start)
            return times

        runners["jupyter_kernel_client"] = jkc_block
    except Exception as exc:  # not installed, or it failed to start
        print(f"jupyter_kernel_client: skipped ({type(exc).__name__}: {exc})")
    results: dict[str, list[float]] = {name: [] for name in runners}
    for run in runners.values():
        run(WARMUP)
    while min(len(v) for v in results.values()) < runs:
        for name, run in runners.items():
            results[name] += run(min(BLOCK, runs - len(results[name])) or 1)
    print(f"`{CODE}` round trip through a local Jupyter Server (ms):")
    for name, seconds in results.items():
        print("  " + describe(name, seconds))
    ours = results["tuinb (websocket, v1)"]
    for name, seconds in results.items():
        if name.startswith("tuinb"):
            continue
        print(f"  tuinb / {name}: {percentile(ours, 0.5) / percentile(seconds, 0.5):.2f}x at p50, "
              f"{percentile(ours, 0.99) / percentile(seconds, 0.99):.2f}x at p99")  # fmt: skip
    if jkc is not None:
        jkc.stop(shutdown_kernel=True)

    async def teardown() -> None:
        await ws.close()
        await tuinb_backend.shutdown()
        tuinb.pump.cancel()
        plain.pump.cancel()

    loop.run(teardown)
    loop.stop()


async def bench_resume(server: RunningServer, resumes: int) -> None:
    proxy = TcpProxy(server.port)
    await proxy.start()
    address = parse_server_url(f"http://127.0.0.1:{proxy.port}/", token=server.token, environ={})
    backend = RemoteKernel(ServerConnection(address), kernel_name="python3", owns_kernel=True)
    connected = asyncio.Event()
    states: list[str] = []

    async def follow() -> None:
        async for change in backend.connection_changes():
            states.append(change.state)
            if change.state == "connected":
                connected.set()

    follower = asyncio.create_task(follow())
    client = await backend.start(timeout=60)
    trip = TuinbRoundTrip(client)
    times = []
    try:
        for _ in range(resumes):
            proxy.refuse = True
            connected.clear()
            proxy.cut()
            await asyncio.sleep(0.5)  # the server unreachable for a while
            proxy.refuse = False
            back = time.perf_counter()
            async with asyncio.timeout(30):
                await connected.wait()
            times.append(time.perf_counter() - back)
            async with asyncio.timeout(30):
                await trip.once()  # and it works
    finally:
        follower.cancel()
        trip.pump.cancel()
        await backend.shutdown()
        await proxy.close()
    ms = [t * 1000 for t in times]
    print(f"resume after the server is reachable again: median {statistics.median(ms):.0f} ms, "
          f"max {max(ms):.0f} ms (n={len(ms)}; target within 2000 ms)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500, help="timed round trips per client")
    parser.add_argument("--resumes", type=int, default=10, help="dropped connections to resume")
    args = parser.parse_args()
    global WARMUP
    WARMUP = min(WARMUP, max(args.runs, 1))
    with tempfile.TemporaryDirectory(prefix="tuinb-bench-server-") as home:
        server = start_server(Path(home))
        try:
            bench_round_trips(server, max(args.runs, 1))
            asyncio.run(bench_resume(server, max(args.resumes, 1)))
        finally:
            stop_server(server)


if __name__ == "__main__":
    main()
