# markup: finds snippet references and checked claims in a page's Markdown.
from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from . import claims, codelines
from .errors import Failure
from .sections import NAME_RULE, PREAMBLE, valid_name

SNIPPETS = "snippets"  # the folder every snippet path is relative to (and must stay in)

# One line that shows a snippet (or one section of it) with its output:
#     --8<-- exec "momentum/experiment.py:x2"
# The path is relative to snippets/; the section is optional (whole file).
REFERENCE_START = re.compile(r"^(?P<indent>[ \t]*)-{1,}8<-{1,}[ \t]+exec(?=[ \t]|$)(?P<rest>.*)$")
# Where the build report's table goes (docs/report.md): `--8<-- exec-report`
REPORT = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]+exec-report[ \t]*$")
# Any other line that starts like a snippet line: refused unless pymdownx.snippets is on to read it.
SNIPPET_LINE = re.compile(r"^[ \t]*-{1,}8<-{1,}")
REFERENCE = re.compile(r'^[ \t]+"(?P<target>[^"]+)"(?P<options>(?:[ \t].*)?)$')
# A value is in double quotes; inside it \" is a double quote and \\ a backslash (any other
# backslash stays as written, so TeX in a caption needs no doubling).
VALUE = r'"(?P<value>(?:[^"\\]|\\.)*)"'
OPTION = re.compile(rf'[ \t]+(?P<name>[a-z]+)={VALUE}(?=[ \t]|$)')
UNESCAPE = re.compile(r'\\(["\\])')
QUOTING = 'write each value in double quotes; inside a value write a double quote as \\" and a backslash as \\\\'

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


Spot = codelines.Spot
CodeCheck = Callable[[list[Spot]], set[Spot]]  # which candidate spots Markdown makes code


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


def find(page: str, markdown: str, snippets_dir: str = SNIPPETS, includes: bool = False,
         code: CodeCheck | None = None) -> Markup:
    """Everything docexec must act on in one page; problems are collected, not raised.
    ``includes``: pymdownx.snippets is on, so other ``--8<--`` lines are its to read.
    ``code``: which of the candidate spots Markdown makes code (they stay literal); by default
    Markdown with MkDocs' built-in extensions is asked (codelines.py)."""
    found = Markup([], [], [], [])
    spots: dict[Spot, list[tuple[str, object]]] = {}  # every candidate, by where it starts
    for number, line in enumerate(markdown.splitlines(), start=1):
        if "8<-" in line:
            column = len(line) - len(line.lstrip(" \t"))
            item = _line(page, number, line, snippets_dir, includes)
            if item is not None:
                spots.setdefault((number, column), []).append(item)
                continue
        if "[[" in line:
            for column, kind, value in _claims(page, number, line, snippets_dir):
                spots.setdefault((number, column), []).append((kind, value))
    literal = (code or (lambda wanted: codelines.code_spots(markdown, wanted, codelines.Setup())))(sorted(spots))
    for spot in sorted(spots):
        if spot in literal:
            continue  # Markdown shows it as code: the author is showing the syntax
        for kind, value in spots[spot]:
            getattr(found, kind).append(value)
    return found


def named(markdown: str, snippets_dir: str = SNIPPETS) -> list[tuple[int, str, str]]:
    """Every ``--8<-- exec`` line of the raw text, code or not: (line, the line, the snippet
    path it names), for the check that every file a page names really ran."""
    found = []
    for number, line in enumerate(markdown.splitlines(), start=1):
        start = REFERENCE_START.match(line) if "8<-" in line else None
        match = REFERENCE.match(start["rest"]) if start else None
        path = match["target"].partition(":")[0] if match else ""
        normal = posixpath.normpath(path) if path else ""
        if normal and not normal.startswith(("..", "/")) and "\\" not in normal:
            found.append((number, line.strip(), f"{snippets_dir}/{normal}"))
    return found


def _line(page: str, number: int, line: str, snippets_dir: str, includes: bool) -> tuple[str, object] | None:
    """What a line starting with ``--8<--`` is: a reference, the report, or a refused line."""
    if REPORT.match(line):
        return ("reports", number)
    start = REFERENCE_START.match(line)
    if start:
        return _reference(page, number, start, snippets_dir)
    if SNIPPET_LINE.match(line) and not includes:
        return ("failures", Failure(page, number, (
            f"unknown snippet line `{line.strip()}`: it would be published as text\n"
            'show a snippet with --8<-- exec "path/in/snippets.py:section" (or the build report with --8<-- exec-report); '
            "to include files as they are, enable pymdownx.snippets in mkdocs.yml")))
    return None


def _reference(page: str, number: int, start: re.Match[str], snippets_dir: str) -> tuple[str, object]:
    match = REFERENCE.match(start["rest"])
    if not match:
        return ("failures", Failure(page, number, (
            f"malformed snippet reference `{start.group(0).strip()}`\n"
            'write it as --8<-- exec "path/in/snippets.py" or --8<-- exec "path/in/snippets.py:section", '
            'optionally followed by key="value" options')))
    options, problem = _options(match["options"])
    if problem is None:
        for name, value in options.items():
            allowed = REFERENCE_OPTIONS.get(name, ())
            if name not in REFERENCE_OPTIONS or (allowed and value not in allowed):
                problem = (f'unknown reference option {name}="{value}"\n'
                           'options: alt="...", caption="...", title="...", source="show|fold|hide", output="text|python|hide"')
                break
    if problem is None and "'" in options.get("title", "") and '"' in options.get("title", ""):
        # The title becomes a quoted attribute of the output's fence, which has no escapes.
        problem = (f"the title {options['title']!r} holds both kinds of quote, which an output block's title cannot show; "
                   "keep one kind (or write a typographic ’ or “ ”)")
    if problem is not None:
        return ("failures", Failure(page, number, problem))
    collected = Markup([], [], [], [])
    bound = target(page, number, match["target"], snippets_dir, collected)
    if bound is None:
        return ("failures", collected.failures[0])
    return ("references", Reference(number, start["indent"], bound, options))


def _options(text: str) -> tuple[dict[str, str], str | None]:
    """``key="value"`` options and the first problem with them."""
    options: dict[str, str] = {}
    position = 0
    while text[position:].strip():
        match = OPTION.match(text, position)
        if match is None:
            rest = text[position:].strip()
            opened = re.match(r'([a-z]+)="', rest)
            what = (f"a double quote inside the value of {opened[1]}= ends it early" if opened
                    else "it is not a key=\"value\" option")
            return options, f"malformed reference option `{rest}`: {what}\n{QUOTING}"
        options[match["name"]] = UNESCAPE.sub(r"\1", match["value"])
        position = match.end()
    return options, None


def _claims(page: str, number: int, line: str, snippets_dir: str) -> list[tuple[int, str, object]]:
    """Each claim of the line (or its problem) with the column where it starts."""
    spans = [m.span() for m in CODE_SPAN.finditer(line)]  # a hint for the scan; Markdown decides what is code
    found: list[tuple[int, str, object]] = []
    for item in claims.scan(line, spans):
        text = line[item.start:item.end]
        wanted: claims.Expected | str = item.problem or ""
        if item.parts is not None:
            wanted = claims.expected(item.parts[0])
            if not isinstance(wanted, str):
                wanted = _expression_problem(item.parts[2]) or wanted
        if isinstance(wanted, str) or item.parts is None:
            found.append((item.start, "failures", Failure(page, number, f"malformed claim `{text}`: {wanted}\n{claims.HINT}")))
            continue
        collected = Markup([], [], [], [])
        bound = target(page, number, item.parts[1], snippets_dir, collected)
        if bound is not None:
            found.append((item.start, "claims", Claim(number, item.start, item.end, wanted, bound, item.parts[2])))
        else:
            found.append((item.start, "failures", collected.failures[0]))
    return found


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
    if section and section != PREAMBLE and not valid_name(section):
        found.failures.append(Failure(page, number, f"bad section name {section!r} in {raw!r}: {NAME_RULE}"))
        return None
    return Target(f"{snippets_dir}/{normal}", section or None)
