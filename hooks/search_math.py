# search_math: formulas in the search index as readable text, so a result's preview shows no raw TeX.
"""The search index holds each page's text with its formulas as the page's source wrote them:
``\\(\\hat{x} \\approx 0.1\\)`` on Markdown pages, ``$\\approx 0.1$`` on notebook pages. MathJax
typesets the page, but nothing typesets the preview under a search result, so the reader saw
the TeX. Each formula becomes plain Unicode there (x̂ ≈ 0.1); the page itself is untouched."""
from __future__ import annotations

import re

# \( \), \[ \], $$ $$ and $ $ (a notebook's); a single $ pair as pandoc reads it, so "$5 and $6" is no formula.
MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$|\$(?=\S)([^$<>\n]+?)(?<=\S)\$(?!\d)", re.S)
CODE = re.compile(r"(<pre[ >].*?</pre>|<code[ >].*?</code>)", re.S)
SYMBOLS = {
    "approx": "≈", "sim": "∼", "cdot": "·", "times": "×", "ldots": "…", "cdots": "⋯", "dots": "…", "equiv": "≡",
    "leftarrow": "←", "rightarrow": "→", "to": "→", "sum": "Σ", "prod": "Π", "le": "≤", "leq": "≤", "ge": "≥",
    "geq": "≥", "ne": "≠", "neq": "≠", "pm": "±", "infty": "∞", "alpha": "α", "beta": "β", "gamma": "γ",
    "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "lambda": "λ", "mu": "μ", "sigma": "σ", "Sigma": "Σ",
    "quad": " ", "qquad": " ", "left": "", "right": "", "mathcal": "", "mathrm": "", "mathbf": "", "text": "",
    "operatorname": "", "displaystyle": "",
}
SUPERSCRIPTS = str.maketrans("0123456789+-()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿ")
GROUP = r"\{([^{}]*)\}"


def plain(tex: str) -> str:
    """A formula as text a reader can read: symbols as Unicode, no commands, no braces."""
    text = tex.replace("\u200b", "")
    text = re.sub(r"\\begin\{[^}]*\}|\\end\{[^}]*\}|&", "", text)
    text = text.replace("\\\\", "; ").replace("\\,", " ").replace("\\;", " ").replace("\\!", "")
    text = text.replace("\\{", "\x00").replace("\\}", "\x01")  # literal braces, kept through the brace removal
    for _ in range(4):  # innermost groups first: \frac{\hat{x}}{2}
        text = re.sub(r"\\(?:mathrm|mathcal|mathbf|text|operatorname)" + GROUP, lambda m: m[1], text)
        text = re.sub(r"\\frac" + GROUP + GROUP, lambda m: f"{_wrap(m[1])}/{_wrap(m[2])}", text)
        text = re.sub(r"\\sqrt" + GROUP, lambda m: f"√{_wrap(m[1])}", text)
        text = re.sub(r"\\(?:wide)?hat" + GROUP, lambda m: m[1] + "\u0302", text)
        text = re.sub(r"\^" + GROUP, lambda m: _superscript(m[1]), text)
        text = re.sub(r"_" + GROUP, lambda m: "_" + m[1], text)
    text = re.sub(r"\^(\w)", lambda m: _superscript(m[1]), text)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: SYMBOLS.get(m[1], m[1]), text)
    text = text.replace("{", "").replace("}", "").replace("\x00", "{").replace("\x01", "}")
    return re.sub(r"  +", " ", text).strip()


def readable(text: str) -> str:
    """``text`` with every formula in it made plain; code (a `$` or `\\(` in it is no formula) kept."""
    parts = CODE.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = MATH.sub(lambda m: plain(next(g for g in m.groups() if g is not None)), parts[i])
    return "".join(parts)


def _wrap(part: str) -> str:
    return part if re.fullmatch(r"\w+|\\\w+", part.strip()) else f"({part})"


def _superscript(part: str) -> str:
    if part and all(ord(c) in SUPERSCRIPTS for c in part):
        return part.translate(SUPERSCRIPTS)
    return "^" + _wrap(part)
