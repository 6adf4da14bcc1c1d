"""A tiny scripted Jupyter kernel for tests: `python scripted_kernel.py -f CONNECTION_FILE`.

It speaks the wire protocol with tuinb's own `wire` module on plain (blocking)
zmq, and sends on demand what ipykernel will not. The code of an
`execute_request` is a command:

- `bad_signature`: a wrongly signed stream ("FORGED") then a good one ("genuine");
- `unknown`: an iopub message of an unknown type (`custom_thing`);
- `out_of_order`: the execute_reply first, then busy, a stream and idle;
- `huge`: one stream message of 6 MB;
- `clear_output`: display "a", clear_output(wait=True), display "b";
- `display_update`: display with display_id "d1", then update_display_data of it;
- `sleep`: stay busy until an `interrupt_request` arrives (interrupt_mode message);
- anything else: a stream echoing the code.

A `complete_request` or `inspect_request` is answered by the code it asks about:

- code starting with `never`: no reply at all;
- code starting with `slow`: the reply comes 2 s later;
- while a `sleep` runs: held until the sleep ends (as a busy kernel does);
- anything else: at once, with the matches `alpha` (a function) and `alphabet`
  (a module) over the word before the cursor, typed in `_jupyter_types_experimental`,
  or help text with a colour, an OSC title sequence and a BEL in it.

Every kernel_info_request is answered twice: first by a forged reply (bad
signature, implementation "forged"), then by the genuine one.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Any

import zmq

from tuinb.kernel.connection import read_connection_file
from tuinb.kernel.messages import make_header
from tuinb.kernel.wire import Signer, WireMessage, deserialize, serialize

HUGE_SIZE = 6 * 1024 * 1024


class ScriptedKernel:
    """The kernel's sockets, signer and the one execution that may be pending."""

    def __init__(self, connection_file: Path) -> None:
        info = read_connection_file(connection_file)
        self.signer = Signer(info.key, info.signature_scheme)
        self.forger = Signer(b"not-the-key", info.signature_scheme)
        self.session = "scripted-kernel"
        ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context.instance()
        self.sockets: dict[str, zmq.Socket[bytes]] = {}
        kinds = {"shell": zmq.ROUTER, "control": zmq.ROUTER, "stdin": zmq.ROUTER}
        kinds |= {"iopub": zmq.PUB, "hb": zmq.REP}
        for channel, kind in kinds.items():
            sock: zmq.Socket[bytes] = ctx.socket(kind)
            sock.setsockopt(zmq.LINGER, 1000)
            sock.bind(info.address(channel))
            self.sockets[channel] = sock
        self.sleeping: WireMessage | None = None
        self.execution_count = 0
        self.held: list[tuple[str, WireMessage]] = []
        self.later: list[tuple[float, WireMessage]] = []

    def send(
        self,
        channel: str,
        msg_type: str,
        content: dict[str, Any],
        parent: WireMessage | None,
        *,
        forged: bool = False,
    ) -> None:
        """Send one message (to the requester's identity on ROUTER sockets)."""
        message = WireMessage(
            make_header(msg_type, self.session, username="kernel"),
            parent.header if parent else {},
            {},
            content,
            identities=parent.identities if parent and channel != "iopub" else [],
        )
        frames = serialize(self.forger if forged else self.signer, message)
        self.sockets[channel].send_multipart(frames)

    def status(self, state: str, parent: WireMessage | None) -> None:
        """Publish the execution state."""
        self.send("iopub", "status", {"execution_state": state}, parent)

    def run(self) -> None:
        """Serve until a shutdown_request."""
        poller = zmq.Poller()
        for channel in ("shell", "control", "hb"):
            poller.register(self.sockets[channel], zmq.POLLIN)
        self.status("starting", None)
        while True:
            wait = None
            if self.later:
                wait = max(0, int((min(due for due, _ in self.later) - time.monotonic()) * 1000))
            ready = poller.poll(wait)
            now = time.monotonic()
            for due, delayed in [entry for entry in self.later if entry[0] <= now]:
                self.later.remove((due, delayed))
                if self.sleeping is not None:  # busy: answered when the sleep ends
                    self.held.append(("shell", delayed))
                else:
                    self.introspect(delayed)
            for sock, _ in ready:
                if sock is self.sockets["hb"]:
                    sock.send(sock.recv())
                    continue
                channel = "shell" if sock is self.sockets["shell"] else "control"
                request = deserialize(self.signer, sock.recv_multipart(), channel=channel)
                if request is None:
                    continue
                if not self.handle(channel, request):
                    return

    def handle(self, channel: str, request: WireMessage) -> bool:
        """Answer one request; False when the kernel should exit."""
        msg_type = str(request.header["msg_type"])
        if msg_type == "shutdown_request":
            self.send(channel, "shutdown_reply", {"status": "ok", "restart": False}, request)
            return False
        if msg_type == "interrupt_request":
            self.send(channel, "interrupt_reply", {"status": "ok"}, request)
            if self.sleeping is not None:
                self.finish_sleep(self.sleeping)
            return True
        if msg_type == "execute_request":
            self.execute(request)
            return True
        if msg_type in ("complete_request", "inspect_request"):
            code = str(request.content.get("code", ""))
            if self.sleeping is not None:
                self.held.append((channel, request))
            elif code.startswith("slow"):
                self.later.append((time.monotonic() + 2.0, request))
            elif not code.startswith("never"):
                self.introspect(request)
            return True
        self.status("busy", request)
        if msg_type == "kernel_info_request":
            forged = {"implementation": "forged", "protocol_version": "5.3"}
            self.send(channel, "kernel_info_reply", forged, request, forged=True)
            genuine = {
                "status": "ok",
                "protocol_version": "5.3",
                "implementation": "scripted",
                "implementation_version": "1.0",
                "language_info": {"name": "scripted", "file_extension": ".txt"},
                "banner": "scripted kernel",
            }
            self.send(channel, "kernel_info_reply", genuine, request)
        else:
            reply_type = msg_type.replace("_request", "_reply")
            self.send(channel, reply_type, {"status": "ok"}, request)
        self.status("idle", request)
        return True

    def introspect(self, request: WireMessage) -> None:
        """Answer a complete_request or inspect_request (see the module docstring)."""
        code = str(request.content.get("code", ""))
        cursor = int(request.content.get("cursor_pos", len(code)))
        self.status("busy", request)
        if request.header["msg_type"] == "complete_request":
            word = re.search(r"\w*$", code[:cursor])
            start = cursor - len(word.group()) if word else cursor
            types = [
                {
                    "start": start,
                    "end": cursor,
                    "text": "alpha",
                    "type": "function",
                    "signature": "(x, y=1)",
                },
                {
                    "start": start,
                    "end": cursor,
                    "text": "alphabet",
                    "type": "module",
                    "signature": "",
                },
            ]
            content = {
                "status": "ok",
                "matches": ["alpha", "alphabet"],
                "cursor_start": start,
                "cursor_end": cursor,
                "metadata": {"_jupyter_types_experimental": types},
            }
            self.send("shell", "complete_reply", content, request)
        else:
            text = "\x1b[31mSignature:\x1b[0m alpha(x)\x1b]0;pwned\x07\x07\nDocstring: first letter"
            content = {"status": "ok", "found": True, "data": {"text/plain": text}, "metadata": {}}
            self.send("shell", "inspect_reply", content, request)
        self.status("idle", request)

    def reply(self, request: WireMessage, status: str = "ok", **extra: Any) -> None:
        """The execute_reply."""
        content = {"status": status, "execution_count": self.execution_count, **extra}
        self.send("shell", "execute_reply", content, request)

    def stream(self, request: WireMessage, text: str, *, forged: bool = False) -> None:
        """A stdout stream message."""
        self.send("iopub", "stream", {"name": "stdout", "text": text}, request, forged=forged)

    def display(self, request: WireMessage, text: str, *, update: bool = False) -> None:
        """A display_data (or update_display_data) with display_id d1."""
        content = {
            "data": {"text/plain": text},
            "metadata": {},
            "transient": {"display_id": "d1"},
        }
        self.send("iopub", "update_display_data" if update else "display_data", content, request)

    def execute(self, request: WireMessage) -> None:
        """Run one command (see the module docstring)."""
        code = str(request.content.get("code", ""))
        self.execution_count += 1
        if code == "out_of_order":
            self.reply(request)
            self.status("busy", request)
            self.stream(request, "late output\n")
            self.status("idle", request)
            return
        self.status("busy", request)
        self.send("iopub", "execute_input", {"code": code, "execution_count": 1}, request)
        if code == "sleep":
            self.sleeping = request
            return
        if code == "bad_signature":
            self.stream(request, "FORGED\n", forged=True)
            self.stream(request, "genuine\n")
        elif code == "unknown":
            self.send("iopub", "custom_thing", {"x": 1, "nested": {"y": [2]}}, request)
        elif code == "huge":
            self.stream(request, "x" * (HUGE_SIZE - 1) + "\n")
        elif code == "clear_output":
            self.send("iopub", "display_data", {"data": {"text/plain": "a"}}, request)
            self.send("iopub", "clear_output", {"wait": True}, request)
            self.send("iopub", "display_data", {"data": {"text/plain": "b"}}, request)
        elif code == "display_update":
            self.display(request, "first")
            self.display(request, "second", update=True)
        else:
            self.stream(request, f"echo: {code}\n")
        self.reply(request)
        self.status("idle", request)

    def finish_sleep(self, request: WireMessage) -> None:
        """End the `sleep` command as interrupted."""
        self.sleeping = None
        error = {"ename": "KeyboardInterrupt", "evalue": "", "traceback": ["KeyboardInterrupt"]}
        self.send("iopub", "error", error, request)
        self.reply(request, "error", **error)
        self.status("idle", request)
        held, self.held = self.held, []
        for _channel, waiting in held:
            self.introspect(waiting)


def main() -> None:
    """Parse `-f CONNECTION_FILE` and serve."""
    parser = argparse.ArgumentParser()
    parser.add_argument("-f", dest="connection_file", type=Path, required=True)
    args = parser.parse_args()
    ScriptedKernel(args.connection_file).run()
    sys.exit(0)


if __name__ == "__main__":
    main()
