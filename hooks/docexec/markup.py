# markup: finds snippet references and checked claims in a page's Markdown.
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from .errors import Failure
from .sections import NAME as SECTION_NAME
from .sections import PREAMBLE

SNIPPETS = "snippets"  # the folder every snippet path is relative to (and must stay in)

# One line that shows a snippet (or one section of it) with its output:
#     --8<-- exec "momentum/experiment.py:x2"
# The path is relative to snippets/; the section is optional (whole file).
REFERENCE_START = re.compile(r"^(?P<indent>[ \t]*)-{1,}8<-{1,}[ \t]+exec(?=[ \t]|$)(?P<rest>.*)$")
# Where the build report's table goes (docs/report.md): `--8<-- exec-report`
REPORT = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]+exec-report[ \t]*$")
REFERENCE = re.compile(r'^[ \t]+"(?P<target>[^"]+)"(?P<options>(?:[ \t]+[a-z]+="[^"]*")*)[ \t]*$')
OPTION = re.compile(r'([a-z]+)="([^"]*)"')
# Options of a reference: the figure's alt text and caption (in the page's language), and how
# the source is shown: show (default), fold (in a collapsed block) or hide.
REFERENCE_OPTIONS = {"alt": None, "caption": None, "source": ("show", "fold", "hide")}

# A number in prose bound to a value of the run:
#     [[0.1 ± 0.01 | momentum/experiment.py:x2 | bn.running_mean]]
CLAIM = re.compile(r"\[\[(?P<body>[^\[\]]*\|[^\[\]]*)\]\]")
NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
CLAIM_VALUE = re.compile(rf"^\s*(?P<number>{NUMBER})\s*(?:(?:±|\+-|\+/-)\s*(?P<tol>{NUMBER})\s*(?P<percent>%)?)?\s*$")
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+).+?\1")


@dataclass(frozen=True)
class Target:
    path: str  # relative to the project root: ``snippets/momentum/experiment.py``
    section: str | None  # None: the whole file

    @property
    def label(self) -> str:
        return self.path + (f":{self.section}" if self.section else "")


@dataclass(frozen=True)
class Reference:
    line: int
    indent: str
    target: Target
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    line: int
    start: int  # character offsets of ``[[...]]`` within the line
    end: int
    text: str  # the number as written, shown to the reader
    value: float
    abs_tol: float
    target: Target
    expression: str


@dataclass
class Markup:
    references: list[Reference]
    claims: list[Claim]
    failures: list[Failure]
    reports: list[int]  # lines of `--8<-- exec-report`


def find(page: str, markdown: str, snippets_dir: str = SNIPPETS) -> Markup:
    """Everything docexec must act on in one page; problems are collected, not raised."""
    found = Markup([], [], [], [])
    fence: str | None = None
    for number, line in enumerate(markdown.splitlines(), start=1):
        opener = FENCE.match(line)
        if fence is not None:
            if re.match(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", line):
                fence = None
            continue
        if opener:
            fence = opener["fence"]
            continue
        if REPORT.match(line):
            found.reports.append(number)
            continue
        start = REFERENCE_START.match(line)
        if start:
            _reference(page, number, start, snippets_dir, found)
            continue
        _claims(page, number, line, snippets_dir, found)
    return found


def _reference(page: str, number: int, start: re.Match[str], snippets_dir: str, found: Markup) -> None:
    match = REFERENCE.match(start["rest"])
    if not match:
        found.failures.append(Failure(page, number, (
            f"malformed snippet reference `{start.group(0).strip()}`\n"
            'write it as --8<-- exec "path/in/snippets.py" or --8<-- exec "path/in/snippets.py:section", '
            'optionally followed by key="value" options'
        )))
        return
    options = dict(OPTION.findall(match["options"]))
    for name, value in options.items():
        allowed = REFERENCE_OPTIONS.get(name, ())
        if name not in REFERENCE_OPTIONS or (allowed and value not in allowed):
            found.failures.append(Failure(page, number, (
                f'unknown reference option {name}="{value}"\n'
                'options: alt="...", caption="...", source="show|fold|hide"')))
            return
    bound = target(page, number, match["target"], snippets_dir, found)
    if bound:
        found.references.append(Reference(number, start["indent"], bound, options))


def _claims(page: str, number: int, line: str, snippets_dir: str, found: Markup) -> None:
    spans = [m.span() for m in CODE_SPAN.finditer(line)]
    for match in CLAIM.finditer(line):
        if any(a <= match.start() < b for a, b in spans):
            continue  # shown as code, e.g. when documenting the syntax itself
        parts = [p.strip() for p in match["body"].split("|")]
        if len(parts) == 3 and parts[0] in ("True", "False"):
            parts[0] = ("1" if parts[0] == "True" else "0") + " ± 0"  # a flag: exactly 1 or 0
            shown = match["body"].split("|")[0].strip()
        else:
            shown = None
        value = CLAIM_VALUE.match(parts[0]) if len(parts) == 3 else None
        if value is None or not parts[2]:
            found.failures.append(Failure(page, number, (
                f"malformed claim `{match.group(0)}`\n"
                "write it as [[0.1 ± 0.01 | path/in/snippets.py:section | python expression]] "
                "(the tolerance is optional: without it the number must round to what is written; True/False check a flag)"
            )))
            continue
        bound = target(page, number, parts[1], snippets_dir, found)
        if bound is None:
            continue
        written = float(value["number"])
        if value["tol"] is None:
            tol = _half_unit(value["number"])
        elif value["percent"]:
            tol = abs(written) * float(value["tol"]) / 100
        else:
            tol = float(value["tol"])
        found.claims.append(Claim(number, match.start(), match.end(), shown or value["number"], written, tol, bound, parts[2]))


def target(page: str, number: int, raw: str, snippets_dir: str, found: Markup) -> Target | None:
    """``path[:section]`` inside ``snippets_dir``; a refused or bad one is added to ``found.failures``."""
    drive = re.match(r"^[A-Za-z]:[/\\]", raw)
    path, _, section = ("", "", "") if drive else raw.partition(":")
    normal = posixpath.normpath(path) if path else ""
    if not path or path.startswith(("/", "\\")) or normal.startswith("..") or "\\" in path:
        path = path or raw
        found.failures.append(Failure(page, number, (
            f"refused snippet path {path!r}: it must be a relative path inside {snippets_dir}/ "
            "(no leading '/', no '..' that leaves the folder)"
        )))
        return None
    if section and section != PREAMBLE and not SECTION_NAME.match(section):
        found.failures.append(Failure(page, number, f"bad section name {section!r} in {raw!r}: use letters, digits, '_', '.', '-'"))
        return None
    return Target(f"{snippets_dir}/{normal}", section or None)


def _half_unit(number: str) -> float:
    """'0.1' claims a value that rounds to 0.1: anything within half a unit of the last digit."""
    mantissa, _, exponent = number.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)
