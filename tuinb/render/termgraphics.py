"""Which image protocol the terminal speaks, and its cell size in pixels.

Pure logic plus one function that talks to a tty through callables, so the
first frame is never held up: the editor sends `queries()` right after the
first frame is written, keeps reading keys as it does anyway, hands whatever
arrives to a `ReplyParser` (which takes the terminal's answers out and gives
the keys back), and calls `decide()` once the parser is `complete` or a short
deadline (`DEADLINE`) has passed. `detect()` does all of that with a read and
a write callable, for a caller that owns the tty for a moment.

The queries (learned from euporie's ``core/io.py`` and kitty's documentation):

- kitty graphics: ``ESC _G i=31,s=1,v=1,a=q,t=d,f=24 ; AAAA ESC \\`` asks to
  check (not store) a 1x1 image; a terminal that knows the protocol answers
  ``ESC _G i=31 ; OK ESC \\`` (or an error, which still means it knows it);
- ``CSI 16 t``: the cell size in pixels (``CSI 6 ; height ; width t``), and
  ``CSI 14 t``: the text area (``CSI 4 ; height ; width t``) for terminals that
  answer only that one (divided by the rows and columns);
- DA1, ``CSI c``, last: every terminal answers it, so its answer means the
  others have been answered or never will be; attribute 4 means sixel.

The decision (`decide`), in order: the config's ``images`` setting when it is
not ``auto``; kitty when the terminal answered the kitty query and is one
whose unicode placeholders work (kitty, Ghostty; WezTerm and Konsole answer
the query but do not draw placeholders, so they get sixel); sixel when DA1
has attribute 4; otherwise half blocks (any colour terminal, plain tmux).
``TERM=dumb`` gets ``none`` and no query at all.

Inside tmux (``TMUX`` set) the kitty query only reaches the real terminal
through tmux's passthrough, which needs ``set -g allow-passthrough on``: the
caller says whether it is on (`tmux_allows_passthrough` asks tmux, a
subprocess: call it off the UI thread); without it no kitty query is sent and
kitty is never chosen. tmux answers DA1 itself (with 4 when it was built with
sixel support, tmux 3.4+).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from tuinb.render.imagefit import DUMB_TERMS
from tuinb.render.images import CellPixels

__all__ = [
    "DEADLINE",
    "IMAGES_SETTINGS",
    "Capabilities",
    "EnvHints",
    "GraphicsProtocol",
    "ImagesSetting",
    "Replies",
    "ReplyParser",
    "decide",
    "detect",
    "environment_hints",
    "images_setting",
    "queries",
    "tmux_allows_passthrough",
    "tmux_wrap",
]

GraphicsProtocol = Literal["kitty", "sixel", "halfblock", "none"]
ImagesSetting = Literal["auto", "kitty", "sixel", "halfblock", "none"]
IMAGES_SETTINGS: tuple[ImagesSetting, ...] = ("auto", "kitty", "sixel", "halfblock", "none")

DEADLINE = 0.25
"""Seconds to wait for the terminal's answers (local terminals answer in ~1 ms, SSH in
one round trip); after it, whatever has not answered does not have the feature."""

KITTY_QUERY_ID = 31
_KITTY_QUERY = f"\x1b_Gi={KITTY_QUERY_ID},s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
_CELL_QUERY = "\x1b[16t"
_AREA_QUERY = "\x1b[14t"
_DA1_QUERY = "\x1b[c"

_PLACEHOLDER_TERMINALS = ("kitty", "ghostty")
"""Terminals whose kitty graphics include unicode placeholders (what a scrolled cell view needs)."""


def images_setting(value: object) -> ImagesSetting:
    """The config's ``images`` value, checked; raises ValueError with one sentence."""
    if isinstance(value, str) and value.strip().lower() in IMAGES_SETTINGS:
        setting: ImagesSetting = value.strip().lower()  # type: ignore[assignment]
        return setting
    choices = ", ".join(f'"{name}"' for name in IMAGES_SETTINGS)
    raise ValueError(f"images = {value!r} is not one of {choices}.")


@dataclass(frozen=True)
class EnvHints:
    """What the environment says about the terminal (no tty involved)."""

    term: str = ""
    term_program: str = ""
    kitty_window: bool = False
    in_tmux: bool = False

    @property
    def dumb(self) -> bool:
        return self.term in DUMB_TERMS

    @property
    def terminal_name(self) -> str:
        """The terminal program, lower case, as best the environment tells."""
        if self.kitty_window:
            return "kitty"
        for name in (self.term_program.lower(), self.term.lower()):
            for known in ("kitty", "ghostty", "wezterm", "konsole", "iterm", "foot", "mlterm"):
                if known in name:
                    return known
        return self.term_program.lower() or self.term.lower()


def environment_hints(environ: Mapping[str, str] | None = None) -> EnvHints:
    """`EnvHints` from ``TERM``, ``TERM_PROGRAM``, ``KITTY_WINDOW_ID`` and ``TMUX``."""
    env = os.environ if environ is None else environ
    return EnvHints(
        term=env.get("TERM", ""),
        term_program=env.get("TERM_PROGRAM", ""),
        kitty_window=bool(env.get("KITTY_WINDOW_ID")),
        in_tmux=bool(env.get("TMUX")),
    )


def tmux_wrap(sequence: str) -> str:
    """`sequence` in tmux's passthrough (``ESC P tmux; … ESC \\``, inner ESCs doubled)."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


_Run = Callable[..., subprocess.CompletedProcess[str]]


def _tmux_option(run: _Run, flag: str) -> str:
    result = run(
        ["tmux", "show-options", flag, "allow-passthrough"],
        capture_output=True,
        text=True,
        timeout=1,
        check=False,
    )
    return str(result.stdout).strip()


def tmux_allows_passthrough(run: _Run = subprocess.run) -> bool:
    """Whether tmux's ``allow-passthrough`` is on for this pane (asks tmux; blocks ~5 ms).

    The pane's own value, else the one it inherits (window, session, global).
    """
    try:
        value = _tmux_option(run, "-pqv") or _tmux_option(run, "-Aqv")
    except (OSError, subprocess.SubprocessError):
        return False
    return value in ("on", "all")


def queries(hints: EnvHints, *, passthrough: bool = False) -> bytes:
    """The bytes to write to the tty (empty for ``TERM=dumb``). DA1 comes last."""
    if hints.dumb:
        return b""
    parts = []
    if not hints.in_tmux:
        parts.append(_KITTY_QUERY)
    elif passthrough:
        parts.append(tmux_wrap(_KITTY_QUERY))
    parts += [_CELL_QUERY, _AREA_QUERY, _DA1_QUERY]
    return "".join(parts).encode("ascii")


# ---- replies ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Replies:
    """What the terminal answered (None: no answer to that query)."""

    kitty: str | None = None
    """The kitty query's status (``OK`` or an error code)."""
    da1: tuple[int, ...] | None = None
    """The primary device attributes."""
    cell: CellPixels | None = None
    """From ``CSI 16 t``."""
    area: tuple[int, int] | None = None
    """Text area in pixels (width, height) from ``CSI 14 t``."""


_REPLY = re.compile(
    rb"\x1b_G(?P<kitty>[^\x1b]*)\x1b\\"
    rb"|\x1b\[\?(?P<da1>[\d;]*)c"
    rb"|\x1b\[(?P<report>[46]);(?P<height>\d+);(?P<width>\d+)t"
)
_PARTIAL = re.compile(rb"\x1b(?:_G[^\x1b]*\x1b?|\[\??[\d;]*)?\Z")
"""The start of a reply cut by the read: kept until the rest arrives."""


@dataclass
class ReplyParser:
    """Takes the terminal's answers out of bytes read from the tty; the rest are keys.

    Feed it every chunk read while detection runs; `feed` returns the bytes
    that were not answers (keys typed meanwhile, for the editor's key queue).
    `complete` is True once DA1 has been answered.
    """

    replies: Replies = field(default_factory=Replies)
    _pending: bytes = b""

    @property
    def complete(self) -> bool:
        return self.replies.da1 is not None

    def feed(self, data: bytes) -> bytes:
        data = self._pending + data
        self._pending = b""
        keys = bytearray()
        last = 0
        for match in _REPLY.finditer(data):
            keys += data[last : match.start()]
            last = match.end()
            self._take(match)
        rest = data[last:]
        partial = _PARTIAL.search(rest)
        if partial is not None and not self.complete:
            self._pending = rest[partial.start() :]
            rest = rest[: partial.start()]
        keys += rest
        return bytes(keys)

    def flush(self) -> bytes:
        """Bytes held back as the start of an answer that never finished: they were keys."""
        pending, self._pending = self._pending, b""
        return pending

    def _take(self, match: re.Match[bytes]) -> None:
        if match.group("kitty") is not None:
            body = match.group("kitty").decode("ascii", "replace")
            keys, _, status = body.partition(";")
            if f"i={KITTY_QUERY_ID}" in keys.split(","):
                self.replies = replace(self.replies, kitty=status or "OK")
        elif match.group("da1") is not None:
            numbers = tuple(int(p) for p in match.group("da1").split(b";") if p.isdigit())
            self.replies = replace(self.replies, da1=numbers)
        else:
            height, width = int(match.group("height")), int(match.group("width"))
            if height <= 0 or width <= 0:
                return
            if match.group("report") == b"6":
                self.replies = replace(self.replies, cell=CellPixels(width, height))
            else:
                self.replies = replace(self.replies, area=(width, height))


# ---- the decision -----------------------------------------------------------------------


@dataclass(frozen=True)
class Capabilities:
    """The protocol to draw images with, the cell size to fit them, and why (for `--debug`)."""

    protocol: GraphicsProtocol
    cell: CellPixels = field(default_factory=CellPixels)
    reason: str = ""


def _cell_size(replies: Replies, columns: int, rows: int) -> CellPixels:
    if replies.cell is not None:
        return replies.cell
    if replies.area is not None and columns > 0 and rows > 0:
        width, height = replies.area
        if width >= columns and height >= rows:
            return CellPixels(width // columns, height // rows)
    return CellPixels()


def decide(
    setting: ImagesSetting,
    hints: EnvHints,
    replies: Replies,
    *,
    columns: int = 0,
    rows: int = 0,
    passthrough: bool = False,
) -> Capabilities:
    """The protocol to use (see the module's docstring for the order)."""
    cell = _cell_size(replies, columns, rows)
    if setting != "auto":
        return Capabilities(setting, cell, f"images = {setting!r} in the config")
    if hints.dumb:
        return Capabilities("none", cell, "TERM is dumb or unset")
    name = hints.terminal_name
    kitty_reachable = not hints.in_tmux or passthrough
    sixel = replies.da1 is not None and 4 in replies.da1[1:]
    if replies.kitty is not None and kitty_reachable:
        if any(known in name for known in _PLACEHOLDER_TERMINALS):
            return Capabilities("kitty", cell, f"{name} answered the kitty graphics query")
        if not sixel:
            return Capabilities(
                "halfblock",
                cell,
                f"{name or 'the terminal'} answered the kitty query, but "
                "its placeholders are untested and it has no sixel",
            )
    if sixel:
        return Capabilities("sixel", cell, "the terminal reports sixel (DA1 attribute 4)")
    if hints.in_tmux and not passthrough:
        why = "inside tmux without allow-passthrough"
    elif replies.da1 is None:
        why = "the terminal did not answer in time"
    else:
        why = "the terminal reports neither kitty graphics nor sixel"
    return Capabilities("halfblock", cell, why)


def detect(
    write: Callable[[bytes], object],
    read: Callable[[float], bytes],
    *,
    setting: ImagesSetting = "auto",
    environ: Mapping[str, str] | None = None,
    passthrough: bool | None = None,
    deadline: float = DEADLINE,
    columns: int = 0,
    rows: int = 0,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[Capabilities, bytes]:
    """Query the terminal and decide; returns the capabilities and the keys read meanwhile.

    `write(data)` sends to the tty; `read(timeout)` returns what arrived
    within `timeout` seconds (b"" if nothing). Returns as soon as DA1 is
    answered, at the latest after `deadline` seconds. With a forced setting
    (not ``auto``) only the cell size is asked. `passthrough` (inside tmux):
    None asks tmux.
    """
    hints = environment_hints(environ)
    if hints.in_tmux and passthrough is None:
        passthrough = tmux_allows_passthrough()
    passthrough = bool(passthrough)
    payload = queries(hints, passthrough=passthrough)
    parser = ReplyParser()
    keys = bytearray()
    if payload:
        if setting != "auto":  # the cell size only: nothing the terminal may not understand
            payload = (_CELL_QUERY + _AREA_QUERY + _DA1_QUERY).encode("ascii")
        write(payload)
        end = clock() + deadline
        while not parser.complete:
            left = end - clock()
            if left <= 0:
                break
            keys += parser.feed(read(left))
        keys += parser.flush()
    capabilities = decide(
        setting, hints, parser.replies, columns=columns, rows=rows, passthrough=passthrough
    )
    return capabilities, bytes(keys)
