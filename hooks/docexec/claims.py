# claims: the forms of a checked statement `[[expected | snippet:section | expression]]`, read and checked.
"""A claim binds words in the prose to a value of the run. What may stand on its left:

- a number, ``0.1``, ``0.1 ± 0.01``, ``0.1 ± 5%`` (without a tolerance it must round to what is written),
- a flag, ``True`` / ``False`` (the value must be a bool, a numpy bool or a one-element bool tensor),
- ``None``,
- a shape or any tuple of integers, ``(4, 3)`` (the value must be a tuple, list or ``torch.Size``),
- a string, ``"BatchNorm2d(3, ...)"`` or ``'train'``: ``str(value)`` must equal it,
- ``raises ValueError``: evaluating the expression must raise that exception (or a subclass).

The expression is any Python expression: indexing, slices, calls, strings holding ``|`` or ``]``.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
NUMBER_FORM = re.compile(rf"^(?P<number>{NUMBER})\s*(?:(?:±|\+-|\+/-)\s*(?P<tol>{NUMBER})\s*(?P<percent>%)?)?$")
RAISES_FORM = re.compile(r"^raises\s+(?P<name>[A-Za-z_][\w.]*)$")
SHAPE_FORM = re.compile(r"^\(\s*(?:\d+\s*(?:,\s*\d+\s*)*,?\s*)?\)$")
QUOTES = "\"'"

HINT = ("write it on one line as [[expected | path/in/snippets.py:section | python expression]], where expected is "
        "a number (0.1, 0.1 ± 0.01, 0.1 ± 5%), True/False, None, a shape such as (4, 3), a quoted string, or raises ExceptionName")

@dataclass(frozen=True)
class Expected:
    kind: str  # number | flag | none | shape | string | raises
    shown: str  # what the reader sees in place of the claim
    value: Any  # float, bool, None, tuple of ints, str, or the exception's name
    tolerance: float = 0.0  # numbers only

    def describe(self) -> str:
        if self.kind == "number":
            return f"[[{self.shown} ± {self.tolerance:g}]]"
        if self.kind == "string":
            return f"[[{self.value!r}]]"
        return f"[[{'raises ' if self.kind == 'raises' else ''}{self.shown}]]"

    def stated(self) -> str:
        """What the claim checks, however it is written: both languages must state the same.
        ``1e-1`` and ``0.1`` state the same; ``0.10`` and ``0.1`` do not (their tolerances differ)."""
        if self.kind == "number":
            return f"{self.value:.12g} ± {self.tolerance:.12g}"
        if self.kind == "string":
            return repr(self.value)
        if self.kind == "shape":
            return str(self.value)
        return f"{'raises ' if self.kind == 'raises' else ''}{self.shown}"


@dataclass(frozen=True)
class Found:
    """One ``[[…]]`` of a line: its parts when it is well formed, else why it is not."""

    start: int
    end: int
    parts: tuple[str, str, str] | None
    problem: str | None


def expected(raw: str) -> Expected | str:
    """The left part of a claim, or a message saying why it is none of the forms."""
    text = raw.strip()
    if text in ("True", "False"):
        return Expected("flag", text, text == "True")
    if text == "None":
        return Expected("none", text, None)
    if text and text[0] in QUOTES:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return f"cannot read the string {text}: write it as a Python string literal"
        if not isinstance(value, str):
            return f"{text} is not a single string literal"
        return Expected("string", value, value)
    if SHAPE_FORM.match(text):
        shape = tuple(int(n) for n in re.findall(r"\d+", text))
        return Expected("shape", text, shape)
    raises = RAISES_FORM.match(text)
    if raises:
        return Expected("raises", raises["name"], raises["name"].rsplit(".", 1)[-1])
    number = NUMBER_FORM.match(text)
    if number:
        written = float(number["number"])
        if number["tol"] is None:
            tolerance = half_unit(number["number"])
        elif number["percent"]:
            tolerance = abs(written) * float(number["tol"]) / 100
        else:
            tolerance = float(number["tol"])
        return Expected("number", number["number"], written, tolerance)
    return f"cannot read {text!r} as an expected value"


def half_unit(number: str) -> float:
    """'0.1' claims a value that rounds to 0.1: anything within half a unit of the last digit."""
    mantissa, _, exponent = number.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


def scan(line: str, skip: list[tuple[int, int]]) -> list[Found]:
    """Every ``[[`` of ``line`` (outside the ``skip`` spans, i.e. code) that opens a claim: a
    ``|`` follows before the first ``]]``. ``[[1, 2], [3, 4]]`` in prose is not a claim."""
    found: list[Found] = []
    position = 0
    while (start := line.find("[[", position)) >= 0:
        position = start + 2
        if any(a <= start < b for a, b in skip):
            continue
        close, bar = line.find("]]", start + 2), line.find("|", start + 2)
        if bar < 0 or (close >= 0 and close < bar and line[start + 2:].lstrip()[:1] not in QUOTES):
            continue
        claim = _read(line, start)
        found.append(claim)
        position = claim.end
    return found


def _read(line: str, start: int) -> Found:
    """Split one claim into its three parts, reading the expression the way Python does."""
    parts: list[str] = []
    position = start + 2
    for count in (1, 2):  # the expected value, then the snippet target
        end = _end(line, position, part=True)
        if end is None or line[end] != "|":
            close = len(line) if end is None else end + 2
            why = f"it has {count} part{'s' if count > 1 else ''}, not 3" if end is not None else "it is not closed on this line"
            return Found(start, close, None, why)
        parts.append(_unescape(line[position:end]).strip())
        position = end + 1
    end = _end(line, position, part=False)
    if end is None:
        return Found(start, len(line), None, "it is not closed on this line (an unclosed bracket or string "
                                              "in the expression, or no closing ]])")
    expression = _unescape(line[position:end]).strip()
    return Found(start, end + 2, (parts[0], parts[1], expression), None)


def _end(line: str, position: int, part: bool) -> int | None:
    """Where a part of the claim ends, reading it as Python does (strings whole, brackets
    counted): a ``part`` at the next ``|`` (or at a ``]]`` that closes the claim too early), the
    expression at the ``]]`` outside brackets. None when the line ends first."""
    depth, index = 0, position
    while index < len(line):
        char = line[index]
        if char in QUOTES:
            index = _end_of_string(line, index)
            if index < 0:
                return None
            continue
        if depth == 0 and (line.startswith("]]", index) or (part and char == "|")):
            return index
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return None
        index += 1
    return None


def _end_of_string(line: str, start: int) -> int:
    """Index just after the string literal opening at ``start``; -1 if it is not closed."""
    quote = line[start]
    triple = line.startswith(quote * 3, start)
    closing = quote * 3 if triple else quote
    index = start + len(closing)
    while index < len(line):
        if line[index] == "\\":
            index += 2
            continue
        if line.startswith(closing, index):
            return index + len(closing)
        index += 1
    return -1


def _unescape(part: str) -> str:
    # A claim in a Markdown table cell may write its separators as \| (many table formatters do).
    return part[:-1] if part.endswith("\\") else part


def check(wanted: Expected, observed: dict[str, Any]) -> str | None:
    """None when the observed value satisfies the claim; else what the value was instead."""
    if "raised" in observed:
        if wanted.kind == "raises":
            return None if wanted.value in observed.get("bases", [observed["raised"]]) else \
                f"it raised {observed['raised']}, not {wanted.value}: {observed.get('message', '')}"
        return f"could not be evaluated: {observed['raised']}: {observed.get('message', '')}"
    got = f"it is {observed.get('repr', '?')}"
    if wanted.kind == "raises":
        return f"it raised nothing; {got}"
    if wanted.kind == "none":
        return None if observed.get("none") else f"{got}, not None"
    if wanted.kind == "flag":
        flag = observed.get("bool")
        if flag is None:
            return f"{got} ({observed.get('type', '?')}), not a flag (True or False)"
        return None if flag == wanted.value else f"{got}, not {wanted.shown}"
    if wanted.kind == "shape":
        shape = observed.get("ints")
        if shape is None:
            return f"{got} ({observed.get('type', '?')}), not a tuple of integers"
        return None if tuple(shape) == wanted.value else f"{got}, not {wanted.shown}"
    if wanted.kind == "string":
        return None if observed.get("str") == wanted.value else f"str() gives {observed.get('str')!r}, not {wanted.value!r}"
    return _check_number(wanted, observed.get("numbers"))


def _check_number(wanted: Expected, values: list[float] | None) -> str | None:
    if not values:
        return "the expression gave no number"
    for index, actual in enumerate(values):
        if not abs(actual - wanted.value) <= wanted.tolerance * (1 + 1e-9):
            where = f"element {index} " if len(values) > 1 else ""
            return f"{where}{actual:.6g} is outside [{wanted.value - wanted.tolerance:.6g}, {wanted.value + wanted.tolerance:.6g}]"
    return None
