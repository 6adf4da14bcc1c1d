"""A session client in a process of its own, for tests that kill it (kill -9, SIGHUP).

``python -m tests.session.attach_client NOTEBOOK --kernel NAME [--run]`` starts
the notebook's host if none runs (bringing the notebook), else attaches; with
``--run`` it runs the first cell; then it prints, one line each, ``lines N``
(the first cell's stdout has N lines) whenever they change and the name of
every other event, flushing each line, until the session ends.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from tuinb.engine import events as ev
from tuinb.model import load
from tuinb.session.client import SessionClient
from tuinb.session.launch import attach, attach_frame, find_live, start_host


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


async def run(path: Path, kernel: str, *, run_first: bool) -> None:
    live = find_live(path)
    if live is None:
        notebook = load(path)
        starting = start_host(path, kernel=kernel)
        client = SessionClient(
            notebook, connect=lambda frame: attach_frame(starting.wait_ready(), frame)
        )
    else:
        attachment = attach(live)
        assert attachment.notebook is not None
        client = SessionClient(attachment.notebook, attachment)
    await client.start()
    _say("attached")
    if run_first:
        client.run_cells([client.notebook.cells[0].id])
    shown = -1
    async for event in client.events():
        if isinstance(event, ev.OutputsChanged):
            outputs = client.notebook.cells[0].outputs
            text = outputs[0].get("text", "") if outputs else ""
            count = text.count("\n") if isinstance(text, str) else 0
            if count != shown:
                shown = count
                _say(f"lines {count}")
        else:
            _say(type(event).__name__)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--kernel", default="python3")
    parser.add_argument("--run", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.notebook, args.kernel, run_first=args.run))


if __name__ == "__main__":
    main()
