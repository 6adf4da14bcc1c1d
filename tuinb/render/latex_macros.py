"""What each LaTeX macro means to `tuinb.render.latex`: tables of names, and pylatexenc's.

Kept apart from the walker because it is data, not logic: a formula that
shows its source for want of a macro is fixed here (a name in a table, a
character in `OWN_SYMBOLS`) without reading how boxes are laid out. pylatexenc
is imported on first use (`latex_context()`, `symbols()`), never at import.
"""

from __future__ import annotations

import functools
from typing import Any


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


IGNORED = _words(
    "left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr "
    "displaystyle textstyle scriptstyle limits nolimits nonumber notag label tag"
)
SPACES = {",": " ", ";": " ", ":": " ", ">": " ", " ": " ", "quad": "  ", "qquad": "    ", "!": ""}
LITERAL = {"{": "{", "}": "}", "%": "%", "$": "$", "&": "&", "_": "_", "#": "#", "|": "‖"}
TEXT = _words(
    "text textrm textit textbf textsf texttt textup textnormal mathrm mathit "
    "mathnormal operatorname mbox hbox emph"
)
ACCENTS = {
    "hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305",
    "vec": "\u20d7", "overrightarrow": "\u20d7", "tilde": "\u0303", "widetilde": "\u0303",
    "dot": "\u0307", "ddot": "\u0308", "underline": "\u0332", "check": "\u030c",
    "breve": "\u0306", "acute": "\u0301", "grave": "\u0300",
}  # fmt: skip
FRACTIONS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})
OWN_SYMBOLS = {
    "hbar": "ℏ", "langle": "⟨", "rangle": "⟩", "ell": "ℓ", "emptyset": "∅", "varnothing": "∅",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "lvert": "|", "rvert": "|", "vert": "|",
    "mid": "|", "iff": "⟺", "implies": "⟹", "dots": "…", "ldots": "…", "cdots": "⋯",
    "vdots": "⋮", "ddots": "⋱", "prime": "′", "circ": "∘", "degree": "°", "top": "ᵀ",
    "intercal": "ᵀ", "bmod": "mod", "pmod": "mod", "lbrace": "{", "rbrace": "}",
    "setminus": "∖", "colon": ":", "dagger": "†", "ddagger": "‡", "star": "⋆", "ast": "∗",
    "square": "□", "checkmark": "✓", "varepsilon": "ε", "epsilon": "ϵ", "phi": "ϕ",
    "varphi": "φ", "therefore": "∴", "because": "∵", "lfloor": "⌊", "rfloor": "⌋",
    "lceil": "⌈", "rceil": "⌉", "leq": "≤", "geq": "≥", "le": "≤", "ge": "≥", "neq": "≠",
    "ne": "≠", "to": "→", "gets": "←", "mapsto": "↦", "cdot": "⋅", "times": "×",
}  # fmt: skip
"""Where we prefer another character than pylatexenc's (ℏ, not ħ; ⟨ for \\langle) or it has none."""
WORD_FUNCTIONS = _words(
    "sin cos tan cot sec csc sinh cosh tanh coth arcsin arccos arctan log ln lg exp "
    "lim liminf limsup max min sup inf det arg deg dim ker hom Pr gcd lcm mod argmax "
    "argmin tr Tr rank diag sgn erf"
)


@functools.cache
def latex_context() -> Any:
    """pylatexenc's macro/environment context without "specials" (``''`` is not a quote here)."""
    from pylatexenc import latexwalker

    db = latexwalker.get_default_latex_context_db()
    return db.filter_context(keep_which=["macros", "environments"])


@functools.cache
def symbols() -> dict[str, str]:
    """Macro name -> text, for pylatexenc's argument-less symbol macros."""
    from pylatexenc import latex2text

    table: dict[str, str] = {}
    for spec in latex2text.get_default_latex_context_db().iter_macro_specs():
        repl = getattr(spec, "simplify_repl", None)
        if isinstance(repl, str) and "%" not in repl and not spec.macroname.startswith("text"):
            table[spec.macroname] = repl
    table.update(OWN_SYMBOLS)
    return table
