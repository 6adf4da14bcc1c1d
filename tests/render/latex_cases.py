"""Formulas from real notebooks (statistics, ML, physics, sympy output) and their Unicode.

The expected text is what a reader of the rendered formula would recognise:
Unicode sub/superscripts where every character has one, ``^(…)`` otherwise,
fractions as ``a/b`` (brackets when a side has an operator), matrices and
``cases``/``aligned`` as rows. Used by `test_latex.py` and by
``benchmarks/compare_latex.py`` (which scores other libraries on the same set).
"""

from __future__ import annotations

CASES: list[tuple[str, str]] = [
    (r"\alpha + \beta = \gamma", "α + β = γ"),
    (r"x^2 + y^2 = r^2", "x² + y² = r²"),
    (r"a_i", "aᵢ"),
    (r"x_{n+1} = x_n - \frac{f(x_n)}{f'(x_n)}", "xₙ₊₁ = xₙ - f(xₙ)/f′(xₙ)"),
    (r"\frac{1}{2}", "1/2"),
    (r"\sum_{i=1}^{n} x_i", "∑ᵢ₌₁ⁿ xᵢ"),
    (r"\int_0^\infty e^{-x} dx = 1", "∫₀^∞ e⁻ˣ dx = 1"),
    (r"\sqrt{x^2 + 1}", "√(x² + 1)"),
    (r"\mu \pm \sigma", "μ ± σ"),
    (r"a \leq b \neq c \geq d", "a ≤ b ≠ c ≥ d"),
    (r"\mathbf{x} \cdot \mathbf{y}", "𝐱 ⋅ 𝐲"),
    (r"\text{if } x > 0", "if x > 0"),
    (r"E = mc^2", "E = mc²"),
    (r"\nabla \times \mathbf{B} = \mu_0 \mathbf{J}", "∇ × 𝐁 = μ₀ 𝐉"),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "⎛ a  b ⎞\n⎝ c  d ⎠"),
    (r"\begin{aligned} f(x) &= x^2 \\ g(x) &= 2x \end{aligned}", "f(x) = x²\ng(x) = 2x"),
    (r"P(A|B) = \frac{P(B|A)P(A)}{P(B)}", "P(A|B) = P(B|A)P(A)/P(B)"),
    (r"\lim_{x \to 0} \frac{\sin x}{x} = 1", "lim_(x→0) (sin x)/x = 1"),
    (r"\forall x \in \mathbb{R}, \exists y", "∀x ∈ ℝ, ∃y"),
    (r"\frac{\partial f}{\partial x}", "∂f/∂x"),
    (r"\bar{x} = \frac{1}{n}\sum_{i=1}^n x_i", "x̄ = 1/n ∑ᵢ₌₁ⁿ xᵢ"),
    (r"\sigma^2 = \mathrm{Var}(X)", "σ² = Var(X)"),
    (r"\left( \frac{a}{b} \right)^2", "(a/b)²"),
    (r"\mathcal{O}(n \log n)", "𝒪(n log n)"),
    (r"A^{-1}", "A⁻¹"),
    (r"A^T", "Aᵀ"),
    (r"\theta_{t+1} = \theta_t - \eta \nabla J(\theta_t)", "θₜ₊₁ = θₜ - η∇J(θₜ)"),
    (r"\hbar \omega", "ℏω"),
    (r"e^{i\pi} + 1 = 0", "e^(iπ) + 1 = 0"),
    (r"\cos^2\theta + \sin^2\theta = 1", "cos²θ + sin²θ = 1"),
    (r"\mathbb{E}[X] = \sum_x x \, p(x)", "𝔼[X] = ∑ₓ x p(x)"),
    (r"\hat{y} = w^T x + b", "ŷ = wᵀ x + b"),
    (r"\int_a^b f(x)\,dx", "∫ₐᵇ f(x) dx"),
    (r"\prod_{k=1}^{n} k = n!", "∏ₖ₌₁ⁿ k = n!"),
    (
        r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
        "f(x) = ⎧ 1  x > 0\n       ⎩ 0  otherwise",
    ),
    (r"\sqrt[3]{8} = 2", "∛8 = 2"),
    (r"\Delta x \approx 0.1", "Δx ≈ 0.1"),
    (r"\langle \psi | \phi \rangle", "⟨ψ | ϕ⟩"),
    (r"\mathrm{d}y/\mathrm{d}x", "dy/dx"),
    (r"x \in [0, 1]", "x ∈ [0, 1]"),
    # sympy's text/latex, delimiters included
    (r"$\displaystyle \int x^{2}\, dx = \frac{x^{3}}{3}$", "∫x² dx = x³/3"),
    (r"$\displaystyle \left[ 1, \  2, \  3\right]$", "[1, 2, 3]"),
    (
        r"$\displaystyle \left[\begin{matrix}1 & 0\\0 & 1\end{matrix}\right]$",
        "⎡ 1  0 ⎤\n⎣ 0  1 ⎦",
    ),
]
"""(LaTeX source, expected Unicode)."""

UNSUPPORTED: list[str] = [
    r"\foo{x} + 1",  # an unknown macro
    r"\frac{a",  # a parse error
    r"\begin{tikzpicture} \draw (0,0); \end{tikzpicture}",
    r"x^",  # a script without its argument
]
"""Sources that must fall back (the caller shows them as they are)."""
