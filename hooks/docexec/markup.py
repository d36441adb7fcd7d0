# markup: finds snippet references and checked claims in a page's Markdown.
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from . import claims
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
# Any other line that starts like a snippet line: refused unless pymdownx.snippets is on to read it.
SNIPPET_LINE = re.compile(r"^[ \t]*-{1,}8<-{1,}")
REFERENCE = re.compile(r'^[ \t]+"(?P<target>[^"]+)"(?P<options>(?:[ \t]+[a-z]+="[^"]*")*)[ \t]*$')
OPTION = re.compile(r'([a-z]+)="([^"]*)"')
# Options of a reference: the figure's alt text and caption (in the page's language), and how
# the source is shown: show (default), fold (in a collapsed block) or hide.
# The output is shown as text (default), highlighted as Python (code the section printed, e.g.
# PyTorch's own source), or not at all; `title` names its block (default: "Output").
REFERENCE_OPTIONS = {"alt": None, "caption": None, "title": None, "source": ("show", "fold", "hide"),
                     "output": ("text", "python", "hide")}

# Words in prose bound to a value of the run (the forms are in claims.py):
#     [[0.1 ± 0.01 | momentum/experiment.py:x2 | bn.running_mean]]
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
    expected: claims.Expected
    target: Target
    expression: str

    @property
    def text(self) -> str:
        """What the reader sees in place of the claim."""
        return self.expected.shown


@dataclass
class Where:
    """Where a snippet is used: the page locations that refer to it."""

    references: list[tuple[str, int]] = field(default_factory=list)
    claims: list[tuple[str, int]] = field(default_factory=list)

    @property
    def places(self) -> list[tuple[str, int]]:
        """A failure is reported where the section is shown; at a claim if it is only claimed."""
        return self.references or self.claims


@dataclass
class Markup:
    references: list[Reference]
    claims: list[Claim]
    failures: list[Failure]
    reports: list[int]  # lines of `--8<-- exec-report`


def find(page: str, markdown: str, snippets_dir: str = SNIPPETS, includes: bool = False) -> Markup:
    """Everything docexec must act on in one page; problems are collected, not raised.
    ``includes``: pymdownx.snippets is on, so other ``--8<--`` lines are its to read."""
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
        if SNIPPET_LINE.match(line) and not includes:
            found.failures.append(Failure(page, number, (
                f"unknown snippet line `{line.strip()}`: it would be published as text\n"
                'show a snippet with --8<-- exec "path/in/snippets.py:section" (or the build report with --8<-- exec-report); '
                "to include files as they are, enable pymdownx.snippets in mkdocs.yml")))
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
                'options: alt="...", caption="...", title="...", source="show|fold|hide", output="text|python|hide"')))
            return
    bound = target(page, number, match["target"], snippets_dir, found)
    if bound:
        found.references.append(Reference(number, start["indent"], bound, options))


def _claims(page: str, number: int, line: str, snippets_dir: str, found: Markup) -> None:
    spans = [m.span() for m in CODE_SPAN.finditer(line)]  # shown as code, e.g. when documenting the syntax
    for item in claims.scan(line, spans):
        text = line[item.start:item.end]
        wanted: claims.Expected | str = item.problem or ""
        if item.parts is not None:
            wanted = claims.expected(item.parts[0])
            if not isinstance(wanted, str):
                wanted = _expression_problem(item.parts[2]) or wanted
        if isinstance(wanted, str) or item.parts is None:
            found.failures.append(Failure(page, number, f"malformed claim `{text}`: {wanted}\n{claims.HINT}"))
            continue
        bound = target(page, number, item.parts[1], snippets_dir, found)
        if bound is not None:
            found.claims.append(Claim(number, item.start, item.end, wanted, bound, item.parts[2]))


def _expression_problem(expression: str) -> str | None:
    if not expression:
        return "the expression is missing"
    try:
        compile(expression, "<claim>", "eval")
    except SyntaxError as error:
        return f"`{expression}` is not a Python expression ({error.msg})"
    return None


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
