"""Kernel-layer benchmarks: execute round trip and import cost, tuinb vs jupyter_client.

Run: `.venv/bin/python benchmarks/bench_kernel.py [--runs 500]`

1. Round trip of `1+1` on a warm ipykernel: from sending execute_request until
   both the execute_reply and the `status: idle` of that request arrived.
   Two ipykernels are started (by tuinb's KernelManager, ipc transport); tuinb's
   KernelClient drives one, jupyter_client's AsyncKernelClient the other, in
   alternating blocks so both see the same machine load. p50/p99 in ms.
2. Start-up: launch until the kernel_info/iopub handshake is done, tuinb's
   KernelManager vs jupyter_client's AsyncKernelManager + wait_for_ready.
3. Import cost: `python -c "import tuinb.kernel.client"` (what talking to a
   kernel needs: zmq, the wire format, the typed messages; `import tuinb.kernel`
   alone loads its exports lazily) vs `import jupyter_client`, in fresh
   processes, minus the bare interpreter start-up (median of 15), and the
   cumulative time `-X importtime` reports for that module.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient

from tuinb.kernel.client import KernelClient
from tuinb.kernel.kernelspec import KernelSpec
from tuinb.kernel.manager import KernelManager

CODE = "1+1"
WARMUP = 50
BLOCKS = 25


def _spec() -> KernelSpec:
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    return KernelSpec("bench", "bench", "python", argv)


async def _ours_once(client: KernelClient, stream: Any) -> float:
    start = time.perf_counter()
    msg_id = await client.execute(CODE)
    reply = idle = False
    while not (reply and idle):
        msg = await anext(stream)
        if msg.parent_id != msg_id:
            continue
        reply = reply or msg.msg_type == "execute_reply"
        idle = idle or (msg.msg_type == "status" and msg.content.execution_state == "idle")
    return time.perf_counter() - start


async def _theirs_once(kc: AsyncKernelClient) -> float:
    start = time.perf_counter()
    msg_id = kc.execute(CODE)
    while True:
        reply = await kc.get_shell_msg(timeout=30)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    while True:
        msg = await kc.get_iopub_msg(timeout=30)
        if (
            msg["parent_header"].get("msg_id") == msg_id
            and msg["msg_type"] == "status"
            and msg["content"]["execution_state"] == "idle"
        ):
            break
    return time.perf_counter() - start


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


async def round_trips(runs: int) -> dict[str, list[float]]:
    """`runs` timed executions per client (after a warm-up), in alternating blocks."""
    ours_km, theirs_km = KernelManager(_spec()), KernelManager(_spec())
    await ours_km.start()
    await theirs_km.start()
    kc = AsyncKernelClient()
    assert theirs_km.connection_file is not None
    kc.load_connection_file(str(theirs_km.connection_file))
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    try:
        client = ours_km.client
        stream = aiter(client.messages())
        results: dict[str, list[float]] = {"tuinb": [], "jupyter_client": []}
        for _ in range(WARMUP):
            await _ours_once(client, stream)
            await _theirs_once(kc)
        per_block = runs // BLOCKS
        for _ in range(BLOCKS):
            for _ in range(per_block):
                results["tuinb"].append(await _ours_once(client, stream))
            for _ in range(per_block):
                results["jupyter_client"].append(await _theirs_once(kc))
        return results
    finally:
        kc.stop_channels()
        await ours_km.shutdown()
        await theirs_km.shutdown()


async def start_times(repeat: int) -> dict[str, list[float]]:
    """Seconds from launch until the kernel answered the handshake, each library's way."""
    from jupyter_client.manager import AsyncKernelManager

    times: dict[str, list[float]] = {"tuinb": [], "jupyter_client": []}
    for _ in range(repeat):
        start = time.perf_counter()
        ours = KernelManager(_spec())
        await ours.start()
        times["tuinb"].append(time.perf_counter() - start)
        await ours.shutdown()
        sockets = tempfile.mkdtemp(prefix="jc-", dir="/tmp")  # ipc too, absolute paths
        start = time.perf_counter()
        theirs = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/k")
        await theirs.start_kernel()
        kc = theirs.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        times["jupyter_client"].append(time.perf_counter() - start)
        kc.stop_channels()
        await theirs.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)
    return times


def _wall(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return time.perf_counter() - start


def _importtime(module: str, env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stderr
    for line in reversed(out.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1000
    return float("nan")


MODULES = ("tuinb.kernel.client", "jupyter_client")


def import_costs(repeat: int = 15) -> dict[str, tuple[float, float]]:
    """Module -> (median wall ms above a bare interpreter, median -X importtime cumulative ms).

    The three commands run interleaved, so machine load hits them alike.
    """
    wall: dict[str, list[float]] = {m: [] for m in ("pass", *MODULES)}
    cumulative: dict[str, list[float]] = {m: [] for m in MODULES}
    with tempfile.TemporaryDirectory() as cache:
        # .pyc files for both, as installed packages have them, even where
        # PYTHONDONTWRITEBYTECODE is set (an editable tuinb would be compiled
        # from source on every import)
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
        for module in MODULES:  # warm-up: writes the .pyc files
            _wall(f"import {module}", env)
        for _ in range(repeat):
            wall["pass"].append(_wall("pass", env))
            for module in MODULES:
                wall[module].append(_wall(f"import {module}", env))
                cumulative[module].append(_importtime(module, env))
    base = statistics.median(wall["pass"])
    return {
        m: (
            (statistics.median(wall[m]) - base) * 1000,
            statistics.median(cumulative[m]),
        )
        for m in MODULES
    }


def main() -> None:
    """Run both benchmarks and print a Markdown table of the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--starts", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as runtime:
        os.environ["JUPYTER_RUNTIME_DIR"] = runtime
        results = asyncio.run(round_trips(args.runs))
        starts = asyncio.run(start_times(args.starts))
    print(f"execute round trip of `{CODE}`, {args.runs} runs each (ms)\n")
    print("| client | p50 | p99 | mean |")
    print("| --- | ---: | ---: | ---: |")
    for name, samples in results.items():
        mean = statistics.fmean(samples) * 1000
        print(f"| {name} | {_pct(samples, 0.5):.2f} | {_pct(samples, 0.99):.2f} | {mean:.2f} |")
    ours, theirs = results["tuinb"], results["jupyter_client"]
    for label, q in (("p50", 0.5), ("p99", 0.99)):
        print(
            f"\n{label} ratio tuinb/jupyter_client: {_pct(ours, q) / _pct(theirs, q):.2f}x", end=""
        )
    print(f"\n\nkernel start until ready, median of {args.starts} (s)\n")
    for name, samples in starts.items():
        print(f"- {name}: {statistics.median(samples):.2f}")
    print("\nimport cost (ms)\n")
    print("| module | wall, above bare python | -X importtime cumulative |")
    print("| --- | ---: | ---: |")
    for module, (wall, cumulative) in import_costs().items():
        print(f"| `{module}` | {wall:.0f} | {cumulative:.0f} |")
    print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} cores, {Path(sys.executable)}")


if __name__ == "__main__":
    main()
