"""``$…$`` and ``$$…$$`` in markdown replaced by their Unicode reading, before rendering.

The rules are pandoc's and JupyterLab's (its MathJax ``$`` handling), so
that ordinary dollars stay dollars:

- inline ``$…$``: the opening ``$`` is followed by a non-space, the closing
  one preceded by a non-space and not followed by a digit, on one line:
  ``costs $5 and $10`` has no math; ``\\$`` is a literal dollar;
- display ``$$…$$`` (may span lines) and ``\\begin{equation}…\\end{equation}``
  (also ``align``, ``gather``, ``multline``, starred or not);
- nothing inside code: fenced blocks (````` ``` ````` / ``~~~``), indented code
  after a blank line, and inline code spans are left alone.

A formula that `latex_to_unicode` cannot read stays as written (its source),
as does inline math that would need several rows (a matrix inside a sentence).
The Unicode is markdown-escaped (``*``, ``_``, ``[`` …) so the renderer shows
it as it is; display math keeps its rows apart (hard breaks) and its
alignment (no-break spaces).
"""

from __future__ import annotations

import re

from tuinb.render.latex import latex_to_unicode

__all__ = ["markdown_math"]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)", re.DOTALL)
_DISPLAY = re.compile(
    r"\$\$(?P<dollar>.+?)\$\$"
    r"|(?P<env>\\begin\{(?P<name>equation|align|gather|multline|eqnarray)(?P<star>\*?)\}"
    r".*?\\end\{(?P=name)(?P=star)\})",
    re.DOTALL,
)
_INLINE = re.compile(r"(?<![\\$])\$(?![\s$])(?P<body>(?:\\.|[^\\$\n])+?)(?<![\s\\])\$(?!\d)")
_ESCAPE = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")
_NBSP = "\u00a0"


def _escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def _display(match: re.Match[str]) -> str:
    source = match.group("dollar") if match.group("dollar") is not None else match.group("env")
    text = latex_to_unicode(source)
    if text is None:
        return match.group(0)
    rows = [_escape(row) for row in text.split("\n")]
    if len(rows) > 1:  # columns line up only if no space is collapsed or stripped
        rows = [row.replace(" ", _NBSP) for row in rows]
    return "\n\n" + "\\\n".join(rows) + "\n\n"


def _inline(match: re.Match[str]) -> str:
    text = latex_to_unicode(match.group("body"))
    if text is None or "\n" in text:
        return match.group(0)
    return _escape(text)


def _prose(text: str) -> str:
    """Math replaced in text that holds no fenced code (code spans are skipped here)."""
    out: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_math(text[last : span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(_math(text[last:]))
    return "".join(out)


def _math(text: str) -> str:
    if "$" not in text and "\\begin" not in text:
        return text
    text = _DISPLAY.sub(_display, text)
    return _INLINE.sub(_inline, text)


def markdown_math(source: str) -> str:
    """`source` (a markdown cell or ``text/markdown`` output) with its math as Unicode."""
    if "$" not in source and "\\begin" not in source:
        return source
    out: list[str] = []
    prose: list[str] = []
    fence: str | None = None
    previous_blank = True
    for line in source.splitlines(keepends=True):
        if fence is not None:
            out.append(line)
            if line.lstrip(" ").startswith(fence):
                fence = None
            continue
        opening = _FENCE.match(line)
        indented = previous_blank and line.startswith(("    ", "\t"))
        if opening or indented:
            out.append(_prose("".join(prose)))
            prose = []
            out.append(line)
            if opening:
                fence = opening.group(1)
            previous_blank = indented and not line.strip()
            continue
        prose.append(line)
        previous_blank = not line.strip()
    out.append(_prose("".join(prose)))
    return "".join(out)
