# The search index's text: formulas as readable Unicode (no raw TeX in a result's preview), code untouched.
from __future__ import annotations

import pytest

from search_math import plain, readable


@pytest.mark.parametrize("tex, text", [
    (r"\approx 0.1", "≈ 0.1"),
    (r"(1-m)\,\mathrm{E}(x_1) + m\,\mathrm{E}(x_2)", "(1-m) E(x_1) + m E(x_2)"),
    (r"\operatorname{Var}[x] = \frac{m}{m-1}\,\mathrm{E}_\mathcal{B}[\sigma_\mathcal{B}^2]", "Var[x] = m/(m-1) E_B[σ_B²]"),
    (r"\hat{x}_\text{new} = (1 - m)\,\hat{x} + m\,x_t", "x̂_new = (1 - m) x̂ + m x_t"),
    (r"\mathcal{B} = \{x_{1 \ldots m}\}", "B = {x_1 … m}"),
    (r"\frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}}", "(x - E[x])/(√(Var[x] + ε))"),
])
def test_a_formula_becomes_plain_text(tex, text):
    assert plain(tex) == text


def test_every_kind_of_formula_is_made_plain_and_code_and_prices_are_kept():
    source = (r"a \(\hat{x}\) b \[\sigma^2\] c $$\mu$$ d $m$ 是 momentum；costs $5 and $6 "
              r'<pre>print("$a$")</pre> <code>re.compile(r"\(x\)")</code>')
    assert readable(source) == ('a x̂ b σ² c μ d m 是 momentum；costs $5 and $6 '
                                r'<pre>print("$a$")</pre> <code>re.compile(r"\(x\)")</code>')
