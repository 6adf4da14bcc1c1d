"""Make text from a notebook safe to draw: keep colours, drop every other escape.

Outputs come from untrusted code, and Textual passes escape sequences through to
the terminal (PITFALLS: OSC 52 writes the clipboard, OSC 0/2 the window title,
``ESC c`` clears the screen, tmux passthrough reaches the outer terminal).

- `sanitize(text)` keeps well-formed SGR colour sequences (``ESC [ 1;31 m``),
  newlines and tabs, turns ``\\r\\n`` into ``\\n``, and drops everything else:
  other CSI sequences (7-bit ``ESC [`` and 8-bit ``\\x9b``), OSC (ended by BEL or
  ST), DCS (tmux passthrough included), APC, PM, SOS, other ``ESC x`` escapes,
  lone ESC and every other C0/C1 control character. A string sequence without
  its terminator swallows the rest of the text, as a terminal would.
  Carriage returns and backspaces in streams are the model's job (it applies
  them as JupyterLab does) before text gets here.
- `plain_text(text)` drops the SGR colours too: for text handed to Rich as
  plain characters (markdown, JSON, HTML, source code), where Rich would pass
  an ESC through to the terminal untouched.

- `link_target(url)` is the target of a terminal hyperlink (OSC 8) for a
  link in markdown or HTML: only ``http``, ``https`` and ``mailto`` links
  become hyperlinks (``file:``, ``javascript:``, ``data:`` and relative links
  stay text: a terminal opens a target without asking, and a relative link
  has no base); the target is percent-encoded, so no space, control, ESC
  or non-ASCII byte can end the escape sequence early.

Every string from a notebook, a kernel, a kernelspec or a path passes through
here before any terminal sees it: the editor's screen (`tuinb.ui.sanitize`
adds the Rich `Text` form) and every line the headless commands print.
"""

from __future__ import annotations

import re

__all__ = ["has_controls", "link_target", "plain_text", "printable", "sanitize"]

_SGR_MAX_PARAMS = 64
"""Longer SGR parameter strings are dropped rather than handed to Rich."""

_TOKEN = re.compile(
    r"(?P<sgr>\x1b\[[0-9;:]{0," + str(_SGR_MAX_PARAMS) + r"}m)"
    # any other CSI: parameters, intermediates, then an optional final byte
    r"|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    # OSC: ends at BEL or ST; stops (unconsumed) at an ESC that does not start ST
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    # DCS (tmux passthrough doubles its inner ESCs), SOS, PM, APC: end at ST
    r"|(?:\x1b[P_^X]|[\x90\x98\x9e\x9f])(?:[^\x1b\x9c]+|\x1b\x1b)*(?:\x1b\\|\x9c)?"
    # other escapes: ESC, intermediates, final (ESC c, ESC 7, ESC ( B, ...)
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
    r"|(?P<crlf>\r\n)"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]+"
)

_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _replace(match: re.Match[str]) -> str:
    if match.lastgroup == "sgr":
        return match.group(0)
    if match.lastgroup == "crlf":
        return "\n"
    return ""


def _replace_plain(match: re.Match[str]) -> str:
    return "\n" if match.lastgroup == "crlf" else ""


def has_controls(text: str) -> bool:
    """Whether `text` holds anything besides printable characters, newlines and tabs."""
    return _ANY_CONTROL.search(text) is not None


def printable(text: str) -> str:
    """Text with every control character (but newline and tab) shown as a visible mark.

    For source code, which is shown as typed: ``\\x01`` becomes ``␁``.
    """
    return _ANY_CONTROL.sub(
        lambda m: chr(0x2400 + ord(m.group())) if m.group() < " " else "\ufffd", text
    )


def sanitize(text: str) -> str:
    """`text` with SGR colours, newlines and tabs kept and every other control dropped."""
    if not has_controls(text):
        return text
    return _TOKEN.sub(_replace, text)


def plain_text(text: str) -> str:
    """`text` with every escape sequence and control except newline and tab dropped."""
    if not has_controls(text):
        return text
    return _TOKEN.sub(_replace_plain, text)


LINK_SCHEMES = ("http", "https", "mailto")
"""Schemes that become terminal hyperlinks."""
MAX_LINK_LENGTH = 2048
"""Longer targets are not made links (terminals cut OSC 8 targets around 2 KB)."""

_LINK_SAFE = "!#$&'()*+,/:;=?@[]~-._%"
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def link_target(url: str) -> str | None:
    """`url` percent-encoded for an OSC 8 hyperlink, or None when it must stay plain text."""
    from urllib.parse import quote, urlsplit

    text = url.strip()
    scheme, colon, rest = text.partition(":")
    if not colon or scheme.lower() not in LINK_SCHEMES:
        return None
    encoded = quote(_LONE_PERCENT.sub("%25", text), safe=_LINK_SAFE, encoding="utf-8")
    encoded = scheme.lower() + encoded[len(scheme) :]
    if len(encoded) > MAX_LINK_LENGTH:
        return None
    if scheme.lower() == "mailto":
        return encoded if rest.strip() else None
    try:
        parts = urlsplit(encoded)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    return encoded if parts.netloc else None
