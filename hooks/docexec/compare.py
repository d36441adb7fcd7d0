# compare: does the real output match the recorded one? `check` returns None or a report.
from __future__ import annotations

import difflib
import math
import re

# A number standing on its own: not the 2 of `BatchNorm2d`, not the 1 of `x1`.
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])|(?<![\w.])[-+]?(?:nan|inf)(?![\w.])")


def normalise(text: str) -> list[str]:
    """Lines without trailing whitespace, and no trailing blank lines."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def check(expected: str, actual: str, rtol: float | None = None, atol: float | None = None) -> str | None:
    """None when ``actual`` matches ``expected``; else a diff showing only the real differences.

    Text must match exactly (up to trailing whitespace). A number matches within one unit of
    the last digit it is written with in ``expected`` (``0.1006`` accepts 0.1005 to 0.1007),
    a whole number exactly. An explicit ``rtol``/``atol`` widens that for every number of the
    output, for values that are noise (the mean of a normalised tensor, 1e-9 or -3e-10).
    """
    want, got = normalise(expected), normalise(actual)
    # Lines equal within tolerance are shown as the expected line, so the diff marks only
    # the lines that really differ.
    shown = [want[i] if i < len(want) and _line_matches(want[i], line, rtol, atol) else line for i, line in enumerate(got)]
    if shown == want:
        return None
    diff = difflib.unified_diff(want, shown, "expected", "got", n=2, lineterm="")
    return "\n".join(list(diff)[2:])


def _line_matches(want: str, got: str, rtol: float | None, atol: float | None) -> bool:
    if want == got:
        return True
    want_numbers, got_numbers = NUMBER.findall(want), NUMBER.findall(got)
    if len(want_numbers) != len(got_numbers) or NUMBER.split(want) != NUMBER.split(got):
        return False
    return all(number_matches(w, g, rtol, atol) for w, g in zip(want_numbers, got_numbers))


def number_matches(want: str, got: str, rtol: float | None = None, atol: float | None = None) -> bool:
    a, b = float(want), float(got)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    allowed = max(unit(want), (atol or 0.0) + (rtol or 0.0) * abs(a))
    return abs(a - b) <= allowed * (1 + 1e-9)


def unit(number: str) -> float:
    """One unit of the last written digit: 0.1006 -> 1e-4, 2.97e-09 -> 1e-11; 0 for whole numbers."""
    mantissa, _, exponent = number.lower().lstrip("+-").partition("e")
    decimals = len(mantissa.partition(".")[2])
    if decimals == 0 and not exponent:
        return 0.0
    return 10.0 ** (int(exponent or 0) - decimals)


def check_claim(value: float, tolerance: float, values: list[float]) -> str | None:
    """None when every value lies within ``value ± tolerance``; else which one does not."""
    if not values:
        return "the expression gave no number"
    for index, actual in enumerate(values):
        if not abs(actual - value) <= tolerance * (1 + 1e-9):
            where = f"element {index} " if len(values) > 1 else ""
            return f"{where}{actual:.6g} is outside [{value - tolerance:.6g}, {value + tolerance:.6g}]"
    return None
