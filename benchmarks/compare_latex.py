"""Score LaTeX-to-Unicode converters on tuinb's formula set (tests/render/latex_cases.py).

    python benchmarks/compare_latex.py

A formula counts as right when the converter's text equals the expected text
with all whitespace removed (spacing is a matter of taste; ``x^2`` for ``x²``,
``x[n+1]`` for ``xₙ₊₁`` or a leftover ``\\frac`` is not). Converters that are
not installed are skipped: `pip install flatlatex unicodeit` to score them
(pylatexenc is a tuinb dependency).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from tests.render.latex_cases import CASES
from tuinb.render.latex import latex_to_unicode, strip_math_delimiters


def _squash(text: str) -> str:
    return "".join(text.split())


def _converters() -> dict[str, Callable[[str], str | None]]:
    found: dict[str, Callable[[str], str | None]] = {"tuinb (pylatexenc parser)": latex_to_unicode}
    try:
        latex2text = importlib.import_module("pylatexenc.latex2text")
        found["pylatexenc latex2text"] = latex2text.LatexNodes2Text(math_mode="text").latex_to_text
    except ImportError:
        pass
    try:
        flatlatex = importlib.import_module("flatlatex")
        found["flatlatex"] = flatlatex.converter().convert
    except ImportError:
        pass
    try:
        unicodeit = importlib.import_module("unicodeit")
        found["unicodeit"] = unicodeit.replace
    except ImportError:
        pass
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each wrong answer")
    args = parser.parse_args()
    for name, convert in _converters().items():
        right = 0
        for source, expected in CASES:
            try:
                got = convert(strip_math_delimiters(source))
            except Exception as exc:  # a converter that raises scores nothing on that formula
                got = f"<{type(exc).__name__}>"
            if got is not None and _squash(got) == _squash(expected):
                right += 1
            elif args.show:
                print(f"  {name}: {source!r} -> {got!r} (want {expected!r})")
        print(f"{name}: {right}/{len(CASES)}")


if __name__ == "__main__":
    main()
