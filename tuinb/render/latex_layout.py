"""The layout half of `tuinb.render.latex`: boxes of rows, scripts, alphabets, brackets, columns.

A formula is laid out as a `Box`: rows of text and the row (`base`) that
lines up with its neighbours, so ``A = \\begin{pmatrix}…`` puts ``A =``
beside the middle of the matrix. Widths are terminal columns (`text_width`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from tuinb.render.widths import pad, text_width


class Unsupported(Exception):
    """Something this converter does not know: the caller falls back to the source."""


# ---- the box model ----------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """Rows of text of one width; `base` is the row that lines up with its neighbours."""

    rows: tuple[str, ...]
    base: int = 0

    @property
    def width(self) -> int:
        return max((text_width(row) for row in self.rows), default=0)

    @property
    def flat(self) -> bool:
        return len(self.rows) == 1

    @property
    def text(self) -> str:
        return "\n".join(self.rows)


def line_box(text: str) -> Box:
    return Box((text,))


def hjoin(boxes: Sequence[Box]) -> Box:
    boxes = [box for box in boxes if box.rows != ("",)]
    if not boxes:
        return line_box("")
    if all(box.flat for box in boxes):
        return line_box(resolve_soft("".join(box.rows[0] for box in boxes)))
    above = max(box.base for box in boxes)
    below = max(len(box.rows) - box.base - 1 for box in boxes)
    rows = [""] * (above + below + 1)
    for box in boxes:
        width = box.width
        top = above - box.base
        for index in range(len(rows)):
            inner = index - top
            part = box.rows[inner] if 0 <= inner < len(box.rows) else ""
            rows[index] += pad(part, width)
    return Box(tuple(row.rstrip() for row in rows), above)


SOFT = "\x00"
"""The space after a symbol macro (``\\alpha x``): a space before an operator, none before
a letter (TeX ignores it: ``\\Delta x`` is Δx, ``\\alpha + 1`` is α + 1)."""


def resolve_soft(text: str, *, final: bool = False) -> str:
    """Soft spaces decided by what follows them (kept while nothing does, unless `final`)."""
    if SOFT not in text:
        return text

    def decide(match: re.Match[str]) -> str:
        after = match.group(1)
        if not after:
            return "" if final else SOFT
        return after if after.isalnum() or after in "∂∇(" else " " + after

    return re.sub(SOFT + "+(.?)", decide, text)


# ---- sub- and superscripts ------------------------------------------------------------

SUPERSCRIPT = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθιφχ′*",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᶿᶥᵠᵡ′*",
        strict=True,
    )
)
SUBSCRIPT = dict(
    zip(
        "0123456789+-=()aehijklmnoprstuvxβγρφχ",
        "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
        strict=True,
    )
)


def attach_script(base: Box, script: Box, table: dict[str, str], mark: str) -> Box:
    """`base` with a sub- or superscript: Unicode script letters when all exist, else ^(…)."""
    if not script.flat:
        raise Unsupported("a multi-row script")
    text = resolve_soft(script.rows[0], final=True).replace(" ", "")
    if text in ("′", "″", "‴", "°", "∗", "*", "†", "‡") and table is SUPERSCRIPT:
        return hjoin([base, line_box(text)])
    if text and all(char in table for char in text.replace(" ", "")):
        return hjoin([base, line_box("".join(table[c] for c in text if c != " "))])
    if text_width(text) == 1 and not unicodedata.combining(text[-1]):
        return hjoin([base, line_box(f"{mark}{text} ")])
    return hjoin([base, line_box(f"{mark}({text}) ")])


# ---- letters in other alphabets --------------------------------------------------------

_HOLES = {
    "DOUBLE-STRUCK": dict(zip("CHNPQRZ", "ℂℍℕℙℚℝℤ", strict=True)),
    "SCRIPT": dict(zip("BEFHILMRego", "ℬℰℱℋℐℒℳℛℯℊℴ", strict=True)),
    "FRAKTUR": dict(zip("CHIRZ", "ℭℌℑℜℨ", strict=True)),
    "ITALIC": {"h": "ℎ"},
}
ALPHABETS = {
    "mathbf": "BOLD",
    "boldsymbol": "BOLD",
    "bm": "BOLD",
    "mathbb": "DOUBLE-STRUCK",
    "mathcal": "SCRIPT",
    "mathscr": "SCRIPT",
    "mathfrak": "FRAKTUR",
    "mathsf": "SANS-SERIF",
    "mathtt": "MONOSPACE",
}
_GREEK_NAMES = {
    "α": "ALPHA", "β": "BETA", "γ": "GAMMA", "δ": "DELTA", "ε": "EPSILON", "θ": "THETA",
    "λ": "LAMDA", "μ": "MU", "π": "PI", "σ": "SIGMA", "φ": "PHI", "ω": "OMEGA", "ψ": "PSI",
}  # fmt: skip


def restyle(text: str, style: str) -> str:
    holes = _HOLES.get(style, {})
    out = []
    for char in text:
        if char in holes:
            out.append(holes[char])
            continue
        if char.isascii() and char.isalpha():
            case = "CAPITAL" if char.isupper() else "SMALL"
            name = f"MATHEMATICAL {style} {case} {char.upper()}"
        elif char.isascii() and char.isdigit():
            name = f"MATHEMATICAL {style} DIGIT {unicodedata.name(char).split()[-1]}"
        elif char.lower() in _GREEK_NAMES and style == "BOLD":
            case = "CAPITAL" if char.isupper() else "SMALL"
            name = f"MATHEMATICAL BOLD {case} {_GREEK_NAMES[char.lower()]}"
        else:
            out.append(char)
            continue
        try:
            out.append(unicodedata.lookup(name))
        except KeyError:
            out.append(char)
    return "".join(out)


_PREFIX_SYMBOLS = frozenset("∑∏∐∫∬∭∮∂∇√∛∜¬∀∃∄′″")
"""Math symbols written against what follows, as TeX sets them (``\\partial f`` is ∂f)."""


def spaced(symbol: str) -> str:
    """A binary operator or relation gets a space each side (runs collapse later); a letter none."""
    operator = unicodedata.category(symbol[:1]) == "Sm" or symbol in ("⋅", "·", "∘")
    if len(symbol) == 1 and symbol not in _PREFIX_SYMBOLS and operator:
        return f" {symbol} "
    return symbol


_TALL = {
    "(": "⎛⎜⎝", ")": "⎞⎟⎠", "[": "⎡⎢⎣", "]": "⎤⎥⎦", "⌈": "⎡⎢⎢", "⌉": "⎤⎥⎥",
    "⌊": "⎢⎢⎣", "⌋": "⎥⎥⎦", "|": "│││", "‖": "‖‖‖",
}  # fmt: skip


def tall_delimiter(delimiter: str, height: int, row: int) -> str:
    """Row `row` of `delimiter` drawn `height` rows tall."""
    if not delimiter or height == 1:
        return delimiter
    if delimiter in ("{", "}"):
        top, middle, bottom, bar = (
            ("⎧", "⎨", "⎩", "⎪") if delimiter == "{" else ("⎫", "⎬", "⎭", "⎪")
        )
        if row == 0:
            return top
        if row == height - 1:
            return bottom
        return middle if row == (height - 1) // 2 else bar
    parts = _TALL.get(delimiter)
    if parts is None:
        return delimiter
    return parts[0] if row == 0 else parts[2] if row == height - 1 else parts[1]


# ---- rows of cells: matrices, cases, aligned ------------------------------------------


def columns(rows: list[list[Box]], *, gap: str, aligns: str) -> Box:
    """Cells (one-row boxes) lined up in columns; `aligns` cycles over the columns."""
    if any(not cell.flat for row in rows for cell in row):
        raise Unsupported("nested rows")
    count = max(len(row) for row in rows)
    cells = [
        [resolve_soft(cell.rows[0], final=True).strip() for cell in row] + [""] * (count - len(row))
        for row in rows
    ]
    widths = [max(text_width(row[col]) for row in cells) for col in range(count)]
    out = []
    for row in cells:
        parts = [pad(text, widths[col], aligns[col % len(aligns)]) for col, text in enumerate(row)]
        # aligned: "f(x) &= x" keeps the space around "="
        line = " ".join(parts) if gap == "" and count > 1 else gap.join(parts)
        out.append(line.rstrip())
    return Box(tuple(out), (len(out) - 1) // 2)


_MATRIX_BRACKETS = {
    "pmatrix": ("(⎛⎜⎝", ")⎞⎟⎠"),
    "bmatrix": ("[⎡⎢⎣", "]⎤⎥⎦"),
    "vmatrix": ("||||", "||||"),
    "Vmatrix": ("‖‖‖‖", "‖‖‖‖"),
}
"""Left and right bracket of each matrix environment: one row, top, middle, bottom."""


def bracketed(body: Box, name: str) -> Box:
    """A matrix body in the brackets of environment `name` (none for `matrix`)."""
    if name == "Bmatrix":
        return braced(body, close=True)
    if name not in _MATRIX_BRACKETS:
        return body
    left, right = _MATRIX_BRACKETS[name]
    height = len(body.rows)
    width = body.width
    out = []
    for index, row in enumerate(body.rows):
        pick = 0 if height == 1 else 1 if index == 0 else 3 if index == height - 1 else 2
        out.append(f"{left[pick]} {pad(row, width)} {right[pick]}")
    return Box(tuple(out), body.base)


def braced(body: Box, *, close: bool = False) -> Box:
    """A tall ``{`` before the rows (`cases`), and its ``}`` after them with `close`."""
    height = len(body.rows)
    width = body.width
    out = []
    middle = (height - 1) // 2
    for index, row in enumerate(body.rows):
        if height == 1:
            left, right = "{", "}"
        elif index == 0:
            left, right = "⎧", "⎫"
        elif index == height - 1:
            left, right = "⎩", "⎭"
        elif index == middle:
            left, right = "⎨", "⎬"
        else:
            left, right = "⎪", "⎪"
        out.append(f"{left} {pad(row, width)} {right}" if close else f"{left} {row}")
    return Box(tuple(out), body.base)
