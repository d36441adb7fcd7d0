# sections: splits a snippet file into the named cells pages refer to (`# %%` or pymdownx regions).
from __future__ import annotations

import ast
import re
import shlex
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DocexecError

# Jupytext's "percent" format: `# %% name key=value ...`; the file stays a plain script.
MARKER = re.compile(r"^# %%(?P<rest>.*)$")
# A section name: letters and digits of any script (`初始化`, `x1`), then also '_', '.', '-'. It
# names a file (NAME.out/SECTION.txt) and follows ':' in a reference, so no space, '/', '\\', ':'.
NAME_RULE = ("start with a letter or digit (of any script: `x1`, `初始化`), then use letters, digits, '_', '.' and '-' "
             "(no spaces, no '/', '\\', ':' or other punctuation)")
PREAMBLE = "_preamble"  # code above the first marker; runs first, may be shown as a section

# pymdownx.snippets' region markers, `# --8<-- [start:name]` ... `# --8<-- [end:name]`, spaced
# as its RE_SNIPPET_SECTION allows (case-insensitive `start`/`end`, blanks inside the brackets),
# on a comment line of their own. The name is taken loosely here so a bad one is named, not missed.
REGION = re.compile(r"^[ \t]*#[ \t]*-+8<-+[ \t]+\[[ \t]*(?P<kind>start|end)[ \t]*:[ \t]*(?P<name>[^\]]*?)[ \t]*\]"
                    r"(?:[ \t]+(?P<flag>varies))?[ \t]*$", re.I)
# What pymdownx.snippets itself takes for a marker (its RE_SNIPPET_SECTION, 10.x-13.x), anywhere on
# a line: it would cut such a line out of an included region, so one that REGION misses is refused.
PYMDOWNX_REGION = re.compile(r"(?xi)^(?P<pre>.*?)(?<!;)(?!(?<=-)-)(?P<escape>;*)(?P<inline_marker>-{1,}8<-{1,}[ \t]+)"
                             r"(?P<section>\[[ \t]*(?P<type>start|end)[ \t]*:[ \t]*(?P<name>[a-z][-_0-9a-z]*)[ \t]*\])(?P<post>.*?)$")
# A region name as pymdownx spells them, `[a-z][-_0-9a-z]*`, in any script (pymdownx.snippets itself
# reads only ASCII ones: a file it also includes keeps to those).
REGION_RULE = "start with a letter (of any script), then use letters, digits, '_' and '-'"
REGION_HELP = "mark a region with `# --8<-- [start:name]` ... `# --8<-- [end:name]`"

# Options a section header may set, with the type each value must parse as.
OPTIONS = {"timeout": float, "rtol": float, "atol": float}
# A word that marks a section's output as varying by nature (a timing, an address): it is shown
# as such and never compared nor recorded. `# %% name varies`, or after a region's start `]`.
VARIES = "varies"


def valid_name(name: str, region: bool = False) -> bool:
    """A section name (``region``: a region name) by the rules above; marks count as letters,
    since many scripts write a letter with them (`नमस्ते`)."""
    first, allowed = ("L", "_-") if region else ("LN", "_.-")
    return bool(name) and unicodedata.category(name[0])[0] in first and all(
        unicodedata.category(c)[0] in "LMN" or c in allowed for c in name)


@dataclass(frozen=True)
class Section:
    name: str
    line: int  # line number of the first code line (after the marker)
    code: str
    options: dict[str, float] = field(default_factory=dict)
    varies: bool = False  # its output differs from run to run: shown as such, not compared or recorded

    @property
    def end_line(self) -> int:
        """The last code line (the code ends with a newline, which starts no line)."""
        return self.line + self.code.rstrip("\n").count("\n")


@dataclass(frozen=True)
class SnippetFile:
    path: str  # relative to the project root, posix, e.g. ``snippets/momentum/experiment.py``
    text: str
    sections: tuple[Section, ...]

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    @property
    def names(self) -> list[str]:
        """The sections a page may show: not the preamble, nor the gaps between regions."""
        return [s.name for s in self.sections if not s.name.startswith("_")]


def parse(path: str, text: str) -> SnippetFile:
    """Split ``text`` at its markers; raise DocexecError naming the marker's line when one is bad."""
    lines = text.splitlines(keepends=True)
    percent = next((n for n, line in enumerate(lines, start=1) if MARKER.match(line.rstrip("\r\n"))), 0)
    region = next((n for n, line in enumerate(lines, start=1) if _region_like(line.rstrip("\r\n"))), 0)
    if percent and region:
        raise DocexecError(path, max(percent, region), (
            f"this file mixes `# %%` section markers (line {percent}) with `--8<--` region markers (line {region}); "
            f"a file uses one convention: either `# %% name` sections, or {REGION_HELP} and no `# %%`"))
    if region:
        return SnippetFile(path, text, _regions(path, text, lines))
    sections: list[Section] = []
    name, options, start, body, varies = PREAMBLE, {}, 1, [], False  # type: ignore[var-annotated]

    def close() -> None:
        code = "".join(body).rstrip() + "\n" if "".join(body).strip() else ""
        if name != PREAMBLE or code:
            sections.append(Section(name, start, code, options, varies))

    for number, line in enumerate(lines, start=1):
        match = MARKER.match(line.rstrip("\r\n"))
        if not match:
            body.append(line)
            continue
        close()
        name, options, varies = _header(path, number, match["rest"])
        if any(s.name == name for s in sections):
            raise DocexecError(path, number, f"section {name!r} is defined twice; section names must be unique in a file")
        start, body = number + 1, []
    close()
    return SnippetFile(path, text, tuple(sections))


def load(root: Path, path: str) -> SnippetFile:
    # utf-8-sig: a byte order mark (some Windows editors write one) is not code; Python itself
    # skips it when it runs the file, and dropping it leaves every line number as it is.
    text = (root / path).read_text(encoding="utf-8-sig")
    known = _PARSED.get((path, text))
    if known is None:
        # A `serve` rebuild reads every file again; parsing only what changed keeps it flat.
        if len(_PARSED) > 4096:
            _PARSED.clear()
        known = _PARSED[(path, text)] = parse(path, text)
    return known


_PARSED: dict[tuple[str, str], SnippetFile] = {}  # (path, text) -> its parse: a pure function of both


def _header(path: str, line: int, rest: str) -> tuple[str, dict[str, float], bool]:
    try:
        words = shlex.split(rest)
    except ValueError as error:
        raise DocexecError(path, line, f"cannot read the section marker: {error}") from None
    names = [w for w in words if "=" not in w]
    varies = VARIES in names and len(names) > 1  # a section may itself be called `varies`
    if varies:
        names.remove(VARIES)
    if len(names) != 1 or not valid_name(names[0]):
        raise DocexecError(
            path, line,
            f"a section marker needs exactly one name: {NAME_RULE} (e.g. `# %% x1 timeout=30`); got `# %%{rest}`",
        )
    options: dict[str, float] = {}
    for word in words:
        if "=" not in word:
            continue
        key, _, value = word.partition("=")
        if key not in OPTIONS:
            raise DocexecError(path, line, f"unknown section option {key!r}; known options: {', '.join(OPTIONS)}")
        try:
            options[key] = OPTIONS[key](value)
        except ValueError:
            raise DocexecError(path, line, f"section option {key}={value!r} is not a number") from None
    return names[0], options, varies


def _region_like(line: str) -> bool:
    """A region marker, or what pymdownx would take for one (refused later, with its line)."""
    if "8<-" not in line:
        return False  # nearly every line: skip the regular expressions
    loose = PYMDOWNX_REGION.match(line)
    return REGION.match(line) is not None or (loose is not None and not loose["escape"])


def _regions(path: str, text: str, lines: list[str]) -> tuple[Section, ...]:
    """pymdownx's convention: each region is a section of its name; the code around regions
    still runs, in order, as hidden sections (a page cannot name them: their names start with
    '_'), so the file behaves as the script it is."""
    sections: list[Section] = []
    markers: list[int] = []  # per section, the marker line a problem with its code is pinned to
    started: dict[str, int] = {}
    ended: dict[str, int] = {}
    current: tuple[str, int] | None = None  # the open region and its start line
    name, start, varies = PREAMBLE, 1, False
    body: list[str] = []

    def close(end: int) -> None:
        # A section's code problem is pinned to the marker above it; the preamble's to the one below.
        marker = start - 1 if start > 1 else end
        code = "".join(body).rstrip() + "\n" if "".join(body).strip() else ""
        # Between regions only code matters: a gap of blank lines and comments would be an
        # empty hidden section.
        if current is not None or any(line.strip() and not line.lstrip().startswith("#") for line in body):
            sections.append(Section(name, start, code, varies=varies and current is not None))
            markers.append(marker)

    for number, line in enumerate(lines, start=1):
        text_line = line.rstrip("\r\n")
        match = REGION.match(text_line) if "8<-" in text_line else None
        if match is None:
            loose = PYMDOWNX_REGION.match(text_line) if "8<-" in text_line else None
            if loose is not None and not loose["escape"]:
                raise DocexecError(path, number, (
                    f"`{loose['inline_marker'].strip()} {loose['section']}` must be on a comment line of its own, "
                    f"with nothing before the `#` but blanks and nothing after the `]`; {REGION_HELP}"))
            body.append(line)
            continue
        kind, found = match["kind"].lower(), match["name"]
        if kind == "end" and match["flag"]:
            raise DocexecError(path, number, f"`{VARIES}` goes after the region's start marker: `# --8<-- [start:{found}] {VARIES}`")
        if not valid_name(found, region=True):
            raise DocexecError(path, number, (
                f"region name {found!r} is not valid: {REGION_RULE}, e.g. `# --8<-- [start:train-step]` "
                "or `# --8<-- [start:初始化]`"))
        if kind == "start":
            if current is not None and current[0] == found:
                raise DocexecError(path, number, (
                    f"region {found!r} is started again (first at line {current[1]}) before its end; remove this line"))
            if current is not None:
                raise DocexecError(path, number, (
                    f"region {found!r} starts inside region {current[0]!r} (started at line {current[1]}); regions cannot "
                    f"nest or overlap, since each one runs as a section of its own: end {current[0]!r} first "
                    f"with `# --8<-- [end:{current[0]}]`"))
            if found in started:
                raise DocexecError(path, number, (
                    f"region {found!r} is defined twice (first at line {started[found]}); region names must be unique "
                    "in a file: rename one of them"))
            close(number)
            current, started[found], name, start, body = (found, number), number, found, number + 1, []
            varies = bool(match["flag"])
        elif current is None or current[0] != found:
            raise DocexecError(path, number, _unmatched_end(found, current, started, ended))
        else:
            close(number)
            current, ended[found], name, start, body = None, number, f"_after-{found}", number + 1, []
    if current is not None:
        raise DocexecError(path, current[1], (
            f"region {current[0]!r} is never ended: add `# --8<-- [end:{current[0]}]` after its last line"))
    close(len(lines))
    _check_cuts(path, text, sections, markers)
    return tuple(sections)


def _unmatched_end(name: str, current: tuple[str, int] | None, started: dict[str, int], ended: dict[str, int]) -> str:
    if current is not None:
        return (f"`end:{name}` does not close the open region {current[0]!r} (started at line {current[1]}); regions "
                f"cannot nest or overlap: end {current[0]!r} first with `# --8<-- [end:{current[0]}]`")
    if name in ended:
        return f"`end:{name}` has no matching `start`: region {name!r} already ended at line {ended[name]}; remove this line"
    return f"`end:{name}` has no matching `start`: add `# --8<-- [start:{name}]` before the region's first line, or remove this line"


def _check_cuts(path: str, text: str, sections: list[Section], markers: list[int]) -> None:
    """Sections run one after another, like notebook cells: markers inside a block (a `def`, a
    loop, a bracket) would split a statement that only compiles whole. A file that does not
    compile whole is left to the run, whose traceback shows the real error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarnings are the run's to show
        try:
            ast.parse(text, filename=path)
        except (SyntaxError, ValueError):
            return
        for section, marker in zip(sections, markers):
            try:
                ast.parse("\n" * (section.line - 1) + section.code, filename=path)
            except SyntaxError as error:
                span = f"line {section.line}" if section.end_line == section.line else f"lines {section.line}-{section.end_line}"
                raise DocexecError(path, marker, (
                    f"the region markers cut a Python statement in two: section {section.name!r} ({span}) "
                    f"does not compile on its own (line {error.lineno}: {error.msg}); "
                    "sections run one after another like notebook cells, so put the markers between top-level "
                    "statements, not inside a block")) from None
