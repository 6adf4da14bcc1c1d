"""LaTeX math as Unicode text: `text/latex` outputs and `$…$` spans in markdown.

pylatexenc parses (it knows which macros take which arguments) and supplies
its table of symbol macros (``\\alpha`` -> α, ``\\leq`` -> ≤, several hundred);
the layout is ours (`tuinb.render.latex_layout`; the macro tables in
`tuinb.render.latex_macros`). On the formula set in ``tests/render/latex_cases.py`` (43
formulas from real notebooks and sympy output; ``benchmarks/compare_latex.py``
scores them) pylatexenc's own ``latex2text`` got 14 right, flatlatex 17 and
unicodeit 20: none does both sub/superscripts and structure (``\\text``,
environments, ``\\left``), and unicodeit reads ``\\left`` as ``≤ft``.
So: pylatexenc's parser and symbols, and a small box layout here that writes
``x_{n+1}`` as ``xₙ₊₁``, ``\\frac{a}{b}`` as ``a/b``, matrices, ``cases`` and
``aligned`` as rows of text with their brackets.

A formula with anything not understood (an unknown macro, a parse error)
gives None, and the caller shows the LaTeX source instead: a wrong formula
is worse than its source.

pylatexenc is imported on first use; nothing here touches a terminal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from tuinb.render import latex_macros as macros
from tuinb.render.latex_layout import (
    ALPHABETS,
    SOFT,
    SUBSCRIPT,
    SUPERSCRIPT,
    Box,
    Unsupported,
    attach_script,
    braced,
    bracketed,
    columns,
    hjoin,
    line_box,
    resolve_soft,
    restyle,
    spaced,
    tall_delimiter,
)
from tuinb.render.widths import pad, text_width

__all__ = ["latex_to_unicode", "strip_math_delimiters"]


def _is_space(item: Any) -> bool:
    return isinstance(item, str) and item == " "


# ---- the walker -------------------------------------------------------------------------

_SCRIPT_CHARS = re.compile(r"[_^]")
_RELATIONS = re.compile(r"[+\-=<>±×÷·⋅∓≤≥≠≈→←∈∉⊂⊆∪∩∧∨]")


class _Walker:
    """Turns a pylatexenc node list into a `Box`."""

    def __init__(self) -> None:
        self.symbols = macros.symbols()

    def nodes(self, nodes: Sequence[Any]) -> Box:
        """A node list: runs of boxes, with `_`/`^` binding to the box before."""
        return self._items(self._pair_delimiters(self._flatten(nodes)))

    def _items(self, items: Sequence[Any]) -> Box:
        pieces: list[Box] = []
        pending: str | None = None  # "_" or "^" waiting for its argument
        for item in items:
            if isinstance(item, str):  # a single character of a chars node
                if item in "_^":
                    if pending is not None:
                        raise Unsupported("a double script")
                    pending = item
                    continue
                box = line_box(item)
            elif isinstance(item, tuple):  # \left( ... \right)
                box = self._delimited(*item)
            else:
                box = self.node(item)
            if pending is not None:
                base = pieces.pop() if pieces else line_box("")
                if pending == "_":
                    pieces.append(attach_script(base, box, SUBSCRIPT, "_"))
                else:
                    pieces.append(attach_script(base, box, SUPERSCRIPT, "^"))
                pending = None
            else:
                pieces.append(box)
        if pending is not None:
            raise Unsupported("a script without its argument")
        return hjoin(pieces)

    def _delimiter(self, item: Any) -> str:
        if isinstance(item, str):
            return "" if item == "." else item
        if getattr(item, "macroname", None) is not None:
            return self.macro(item).text.strip()
        raise Unsupported("a delimiter")

    def _pair_delimiters(self, items: list[Any]) -> list[Any]:
        """``\\left( … \\right)`` as one item (open, inner items, close), drawn tall."""
        out: list[Any] = []
        stack: list[tuple[list[Any], str]] = []
        index = 0
        while index < len(items):
            item = items[index]
            name = getattr(item, "macroname", None)
            if name in ("left", "right"):
                while index + 1 < len(items) and _is_space(items[index + 1]):
                    index += 1
                if index + 1 >= len(items):
                    raise Unsupported("\\left without a delimiter")
                delimiter = self._delimiter(items[index + 1])
                index += 2
                if name == "left":
                    stack.append((out, delimiter))
                    out = []
                else:
                    if not stack:
                        raise Unsupported("\\right without \\left")
                    outer, opening = stack.pop()
                    outer.append((opening, out, delimiter))
                    out = outer
                continue
            out.append(item)
            index += 1
        if stack:
            raise Unsupported("\\left without \\right")
        return out

    def _delimited(self, opening: str, inner_items: list[Any], closing: str) -> Box:
        inner = self._items(inner_items)
        if inner.flat:
            return line_box(f"{opening}{inner.rows[0]}{closing}")
        height = len(inner.rows)
        left = [tall_delimiter(opening, height, row) for row in range(height)]
        right = [tall_delimiter(closing, height, row) for row in range(height)]
        width = inner.width
        rows = tuple(
            f"{lead}{' ' if lead else ''}{pad(text, width)}{' ' if end else ''}{end}".rstrip()
            for lead, text, end in zip(left, inner.rows, right, strict=True)
        )
        return Box(rows, inner.base)

    def _flatten(self, nodes: Sequence[Any]) -> list[Any]:
        """Chars nodes as single characters (a script binds to one), other nodes as they are."""
        from pylatexenc import latexwalker as lw

        out: list[Any] = []
        for node in nodes:
            if node is None or isinstance(node, lw.LatexCommentNode):
                continue
            if isinstance(node, lw.LatexCharsNode):
                chars = re.sub(r"\s+", " ", node.chars).replace("''", "″").replace("'", "′")
                out.extend(chars)
            else:
                out.append(node)
        return out

    def group(self, node: Any) -> Box:
        from pylatexenc import latexwalker as lw

        if node is None:
            return line_box("")
        if isinstance(node, lw.LatexGroupNode):
            return self.nodes(node.nodelist)
        return self.nodes([node])

    def node(self, node: Any) -> Box:
        from pylatexenc import latexwalker as lw

        if isinstance(node, lw.LatexGroupNode):
            return self.nodes(node.nodelist)
        if isinstance(node, lw.LatexMacroNode):
            return self.macro(node)
        if isinstance(node, lw.LatexEnvironmentNode):
            return self.environment(node)
        raise Unsupported(type(node).__name__)

    def _args(self, node: Any) -> list[Any]:
        argd = getattr(node, "nodeargd", None)
        return list(argd.argnlist) if argd is not None and argd.argnlist else []

    def _plain(self, node: Any) -> str:
        """The text of an argument read as text (``\\text{if }``): characters as they are."""
        from pylatexenc import latexwalker as lw

        if node is None:
            return ""
        if isinstance(node, lw.LatexCharsNode):
            return str(node.chars)
        if isinstance(node, lw.LatexGroupNode):
            return "".join(self._plain(child) for child in node.nodelist)
        if isinstance(node, lw.LatexMacroNode):
            return self.macro(node).text
        return self.node(node).text

    def macro(self, node: Any) -> Box:
        name: str = node.macroname
        args = self._args(node)
        space = " " if node.macro_post_space and not args else ""
        if name in macros.IGNORED:
            return line_box("")
        if name in macros.SPACES:
            return line_box(macros.SPACES[name])
        if name in macros.LITERAL:
            return line_box(macros.LITERAL[name])
        if name == "\\":
            return line_box("\n")
        if name in macros.TEXT:
            return line_box(self._plain(args[-1] if args else None))
        if name in ALPHABETS:
            return line_box(restyle(self.group(args[-1] if args else None).text, ALPHABETS[name]))
        if name in macros.ACCENTS:
            inner = self.group(args[-1] if args else None)
            if not inner.flat:
                raise Unsupported("an accent over rows")
            mark = macros.ACCENTS[name]
            text = inner.rows[0]
            if name in ("overline", "underline") or text_width(text) == 1:
                return line_box(
                    "".join(c + mark if not unicodedata.combining(c) else c for c in text)
                )
            return line_box(f"{text}{mark}")
        if name in macros.FRACTIONS:
            return self.fraction(args)
        if name == "sqrt":
            return self.root(args)
        if name == "binom":
            top, bottom = (self.group(arg).text for arg in args[-2:])
            return line_box(f"C({top}, {bottom})")
        if name in macros.WORD_FUNCTIONS:
            return line_box(name + space)
        if name in ("mathop", "operatorname*"):
            return line_box(self._plain(args[-1] if args else None))
        symbol = self.symbols.get(name)
        if symbol is not None and not args:
            return line_box(spaced(symbol) + (SOFT if node.macro_post_space else ""))
        raise Unsupported(f"\\{name}")

    def fraction(self, args: list[Any]) -> Box:
        if len(args) < 2:
            raise Unsupported("a fraction without two arguments")
        top, bottom = self.group(args[-2]), self.group(args[-1])
        top, bottom = (
            line_box(resolve_soft(b.text, final=True)) if b.flat else b for b in (top, bottom)
        )
        if not (top.flat and bottom.flat):
            raise Unsupported("a fraction of rows")

        def wrap(text: str) -> str:
            text = text.strip()
            needs = " " in text or "/" in text or _RELATIONS.search(text[1:] if text else "")
            return f"({text})" if needs else text

        return line_box(f"{wrap(top.rows[0])}/{wrap(bottom.rows[0])} ")

    def root(self, args: list[Any]) -> Box:
        degree = self.group(args[0]).text.strip() if len(args) > 1 and args[0] else ""
        radicand = self.group(args[-1] if args else None)
        if not radicand.flat:
            raise Unsupported("a root of rows")
        sign = {"": "√", "2": "√", "3": "∛", "4": "∜"}.get(degree)
        if sign is None:
            sign = "".join(SUPERSCRIPT.get(c, "") for c in degree)
            if len(sign) != len(degree):
                raise Unsupported("a root of this degree")
            sign += "√"
        text = resolve_soft(radicand.rows[0], final=True).strip()
        simple = text_width(text) == 1 or text.isalnum()
        return line_box(f"{sign}{text}" if simple else f"{sign}({text})")

    # ---- environments

    def environment(self, node: Any) -> Box:
        name = node.environmentname.rstrip("*")
        if name in ("equation", "displaymath", "math"):
            return self.nodes(node.nodelist)
        rows = self._table(node.nodelist)
        if name in ("matrix", "smallmatrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix"):
            return bracketed(columns(rows, gap="  ", aligns="c"), name)
        if name == "array":
            return columns(rows, gap="  ", aligns="c")
        if name in ("cases", "dcases"):
            return braced(columns(rows, gap="  ", aligns="ll"))
        if name in ("aligned", "align", "alignat", "alignedat", "eqnarray", "split", "flalign"):
            return columns(rows, gap="", aligns="rl")
        if name in ("gather", "gathered", "multline"):
            return columns(rows, gap=" ", aligns="c")
        raise Unsupported(f"the {name} environment")

    def _table(self, nodes: Sequence[Any]) -> list[list[Box]]:
        """Rows (split at ``\\\\``) of cells (split at ``&``), each cell laid out."""
        from pylatexenc import latexwalker as lw

        rows: list[list[list[Any]]] = [[[]]]
        for node in nodes:
            if isinstance(node, lw.LatexMacroNode) and node.macroname == "\\":
                rows.append([[]])
            elif isinstance(node, lw.LatexMacroNode) and node.macroname == "hline":
                continue
            elif isinstance(node, lw.LatexCharsNode) and "&" in node.chars:
                parts = node.chars.split("&")
                for index, part in enumerate(parts):
                    if index:
                        rows[-1].append([])
                    if part:
                        rows[-1][-1].append(lw.LatexCharsNode(chars=part, pos=0, len=len(part)))
            else:
                rows[-1][-1].append(node)
        laid = [[self.nodes(cell) for cell in row] for row in rows]
        while laid and all(not cell.text.strip() for cell in laid[-1]):
            laid.pop()  # a trailing \\ ends the last row, it does not start one
        if not laid:
            raise Unsupported("an empty environment")
        return laid


# ---- the public functions --------------------------------------------------------------

_DELIMITERS = (
    ("$$", "$$"),
    ("\\[", "\\]"),
    ("\\(", "\\)"),
    ("$", "$"),
)


def _tidy(line: str) -> str:
    """One space between words, none inside brackets: ``( a/b )`` is ``(a/b)``."""
    line = re.sub(r" {2,}", " ", line)
    line = re.sub(r"([(\[{⟨]) ", r"\1", line)
    line = re.sub(r" ([)\]}⟩,;])", r"\1", line)
    return line.strip()


def strip_math_delimiters(source: str) -> str:
    """The formula inside ``$$…$$``, ``$…$``, ``\\[…\\]`` or ``\\(…\\)`` (else `source`)."""
    text = source.strip()
    for start, end in _DELIMITERS:
        if len(text) >= len(start) + len(end) and text.startswith(start) and text.endswith(end):
            inner = text[len(start) : len(text) - len(end)]
            if start != "$" or "$" not in inner:
                return inner.strip()
    return text


def latex_to_unicode(source: str) -> str | None:
    """The formula as Unicode text (rows joined by newlines), or None if not understood.

    `source` may carry its math delimiters (as ``text/latex`` outputs do:
    sympy sends ``$\\displaystyle …$``). None means: show the source.
    """
    formula = strip_math_delimiters(source)
    if not formula:
        return None
    from pylatexenc import latexwalker

    try:
        context = macros.latex_context()
        walker = latexwalker.LatexWalker(formula, latex_context=context, tolerant_parsing=False)
        nodes, _, _ = walker.get_latex_nodes()
        box = _Walker().nodes(nodes)
    except (Unsupported, latexwalker.LatexWalkerError):
        return None
    except Exception:  # a formula this converter trips on is shown as its source
        return None
    if box.flat:  # one row: source spacing, runs collapsed; rows keep their alignment
        lines = [_tidy(resolve_soft(line, final=True)) for line in box.rows[0].split("\n")]
    else:
        lines = [resolve_soft(row, final=True).rstrip() for row in box.rows]
    text = unicodedata.normalize("NFC", "\n".join(lines).strip("\n"))
    return text or None
