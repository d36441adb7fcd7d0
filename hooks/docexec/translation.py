# translation: a page and its translation stay in step (parity), and a changed original marks its translation stale.
"""Pages follow mkdocs-static-i18n's suffix layout: ``x.md`` is the default language, ``x.en.md``
its English twin. Code, outputs, figures and checked numbers are shared by both; only prose is
translated. Two checks:

- parity: both show the same snippets in the same order, the same claims (what they state,
  tolerance included, their target and expression), and the same heading structure. A difference
  is an error naming both files and lines. Which pages pair up, and which may stand alone, is
  languages.py's.
- staleness: ``translations.json`` records, per section of the original, its prose and a hash of
  the twin's prose when the translation was last reviewed. A section whose original prose has
  changed since, or whose translation has changed alone, is stale; a strict build fails on it, the
  build report shows the original's change as a diff, and ``make translated`` records it after
  review. Claims are a placeholder in the prose, in headings too: their numbers are checked and
  shared, never translated, so they never make a translation stale.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import markup
from .errors import Failure
from .languages import twins

RECORD = "translations.json"
HEADING = re.compile(r"^(?P<level>#{1,6})[ \t]+(?P<text>.+?)[ \t#]*$")
CJK = r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
CJK_SPACE = re.compile(rf"(?<={CJK})\s+(?={CJK})")
OPTION_TEXT = re.compile(rf'\b(?:alt|caption|title)={markup.VALUE}')  # \" inside a value is a quote


@dataclass(frozen=True)
class Section:
    key: str  # the heading's text in the original ("前言"), numbered if repeated: "编者注 (2)"
    line: int
    prose: str  # paragraphs, one per line: what a translator translates


@dataclass(frozen=True)
class Stale:
    page: str  # the original: docs/index.md
    twin: str
    section: str
    line: int
    state: str  # "stale": the original changed, the twin did not; "unrecorded": both changed; "new";
    # "edited": the twin changed alone (only its hash is recorded, so there is no diff to show)
    diff: str  # the original's change, as a unified diff of paragraphs
    twin_line: int = 0  # where the section starts in the twin (a notebook's: its cell)

    def __str__(self) -> str:
        what = {"stale": "the original changed and its translation did not",
                "unrecorded": "both languages changed since the translation was last recorded",
                "new": "no reviewed translation is recorded for it",
                "edited": f"the translation changed since it was last reviewed ({self.twin}({self.twin_line})), "
                          "the original did not"}[self.state]
        message = f"translation of section {self.section!r} in {self.twin} is stale: {what}\n"
        if self.diff:
            message += f"the original's change ('-' recorded, '+' now):\n{self.diff}\n"
        fix = "check that it still says what the original says" if self.state == "edited" else "update the translation"
        return str(Failure(self.page, self.line, f"{message}{fix}, then record it as reviewed with `make translated`"))


Pair = tuple[str, str, list["Section"], list["Section"]]  # original, twin, and their sections


def paired(texts: dict[str, str], found: dict[str, markup.Markup], languages: list[str],
           cells: dict[str, list[int]] | None = None) -> tuple[list[Failure], list[Pair]]:
    """Parity failures, and the sections of every page and translation that are in step (only
    then do their sections pair up). ``cells`` maps a notebook page's (Markdown) lines to its
    cell numbers: messages name cells there."""
    cells = cells or {}

    def place(label: str, items: list[tuple[int, str]]) -> list[tuple[int, str]]:
        where = cells.get(label)
        return [(where[line - 1] if where and 0 < line <= len(where) else line, value) for line, value in items]

    failures: list[Failure] = []
    pairs: list[Pair] = []
    for original, twin in twins(sorted(texts), languages):
        first, second = (tuple(place(label, items) for items in outline(texts[label], found[label])) for label in (original, twin))
        problems = parity(original, twin, first, second)
        failures.extend(problems)
        if not problems:
            pairs.append((original, twin, sections(texts[original], found[original]), sections(texts[twin], found[twin])))
    return failures, pairs


def check(texts: dict[str, str], found: dict[str, markup.Markup], languages: list[str], record: dict[str, Any],
          cells: dict[str, list[int]] | None = None) -> tuple[list[Failure], list[Stale]]:
    """Parity failures and stale sections of every page that has a translation."""
    failures, pairs = paired(texts, found, languages, cells)
    where = cells or {}
    return failures, [replace(item, twin_line=_cell(where.get(twin), item.twin_line)) for original, twin, mine, theirs in pairs
                      for item in stale(original, twin, mine, theirs, record)]


def _cell(cells: list[int] | None, line: int) -> int:
    return cells[line - 1] if cells and 0 < line <= len(cells) else line


def notebook_text(raw: str) -> tuple[str, list[int]]:
    """A notebook page as the Markdown it stands for (bound code cells as references), and the
    cell number of each of its lines, so that messages can name cells."""
    try:
        cells = json.loads(raw).get("cells", [])
    except (ValueError, AttributeError):
        return "", []
    lines: list[str] = []
    cell_of: list[int] = []
    for number, cell in enumerate(cells, start=1):
        source = "".join(cell.get("source", "")) if isinstance(cell.get("source"), list) else str(cell.get("source", ""))
        bound = cell.get("metadata", {}).get("docexec")
        if cell.get("cell_type") == "markdown":
            chunk = source.split("\n")
        elif isinstance(bound, dict):
            chunk = [f'--8<-- exec "{bound.get("snippet", "")}:{bound.get("section", "")}"']
        else:
            chunk = ["```", *source.split("\n"), "```"]
        lines += chunk + [""]
        cell_of += [number] * (len(chunk) + 1)
    return "\n".join(lines), cell_of


def outline(text: str, found: markup.Markup) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[tuple[int, str]]]:
    """What both languages must share, with lines: headings' levels, references, claims."""
    levels = [(line, "#" * len(match["level"])) for line, match in headings(text)]
    references = [(ref.line, ref.target.label + "".join(f' {k}="{v}"' for k, v in sorted(ref.options.items())
                                                        if k not in ("alt", "caption", "title"))) for ref in found.references]
    claims = [(item.line, f"{item.expected.stated()} | {item.target.label} | {item.expression}") for item in found.claims]
    return levels, references, claims


def parity(original: str, twin: str, first: tuple[list[tuple[int, str]], ...], second: tuple[list[tuple[int, str]], ...]) -> list[Failure]:
    """One failure per kind of difference, at the first place the two pages part."""
    failures = []
    for kind, mine, theirs in zip(("heading", "snippet", "claim"), first, second):
        for index in range(max(len(mine), len(theirs))):
            a = mine[index] if index < len(mine) else None
            b = theirs[index] if index < len(theirs) else None
            if a is not None and b is not None and a[1] == b[1]:
                continue
            here = f"{original}({a[0]})" if a else f"{original} (after its last {kind})"
            there = f"{twin}({b[0]})" if b else f"{twin} (after its last {kind})"
            shown = lambda item: ("level " + str(len(item[1]))) if kind == "heading" else item[1]  # noqa: E731
            failures.append(Failure(original, a[0] if a else 0, (
                f"the translation is out of step: {kind} {index + 1} differs between {here} and {there}\n"
                f"{original}: {shown(a) if a else 'none'}\n{twin}: {shown(b) if b else 'none'}\n"
                "a page and its translation show the same snippets and claims in the same order, under the same headings")))
            break
    return failures


def sections(text: str, found: markup.Markup) -> list[Section]:
    """The page cut at its headings, each with its prose only: no code, no snippet paths, claims
    as a placeholder (their numbers are checked, not translated)."""
    lines = text.split("\n")
    skip = {ref.line for ref in found.references}
    for item in found.claims:
        lines[item.line - 1] = lines[item.line - 1][:item.start] + "\x00" * (item.end - item.start) + lines[item.line - 1][item.end:]
    # Keyed by the heading's words, without an attr_list id ("准确的递推式 {#exact-recurrence}"),
    # a claim as its placeholder: "均值约为 ⟦claim⟧".
    heads = {line: _placeholders(re.sub(r"\s*\{[^}]*\}\s*$", "", lines[line - 1][match.start("text"):match.end("text")])).strip()
             for line, match in headings(text)}
    code = _code_lines(lines)
    result: list[Section] = []
    seen: dict[str, int] = {}
    key, start, body = "(top)", 1, []  # type: ignore[var-annotated]
    for number, line in enumerate(lines, start=1):
        if number in heads:
            result.append(Section(key, start, _prose(body)))
            seen[heads[number]] = seen.get(heads[number], 0) + 1
            key = heads[number] + (f" ({seen[heads[number]]})" if seen[heads[number]] > 1 else "")
            start, body = number, [_placeholders(lines[number - 1].strip())]
            continue
        if number in skip:
            body.extend(OPTION_TEXT.findall(line))
        elif number not in code:
            body.append(_placeholders(line))
    result.append(Section(key, start, _prose(body)))
    return [s for s in result if s.prose or s.key != "(top)"]


def stale(original: str, twin: str, mine: list[Section], theirs: list[Section], record: dict[str, Any]) -> list[Stale]:
    recorded = record.get(original, {})
    found = []
    for index, section in enumerate(mine):
        twin_prose, twin_line = (theirs[index].prose, theirs[index].line) if index < len(theirs) else ("", 0)
        entry = recorded.get(section.key)
        if entry is None:
            found.append(Stale(original, twin, section.key, section.line, "new", "", twin_line))
            continue
        if entry.get("original") == section.prose:
            if entry.get("twin") != _hash(twin_prose):  # edited alone: a deleted sentence is no translation
                found.append(Stale(original, twin, section.key, section.line, "edited", "", twin_line))
            continue
        state = "stale" if entry.get("twin") == _hash(twin_prose) else "unrecorded"
        diff = "\n".join(list(difflib.unified_diff(entry.get("original", "").split("\n"), section.prose.split("\n"),
                                                   "recorded", "now", n=1, lineterm=""))[2:])
        found.append(Stale(original, twin, section.key, section.line, state, diff, twin_line))
    return found


def recorded(original: str, mine: list[Section], theirs: list[Section]) -> dict[str, Any]:
    """The record of one page's sections as translated now."""
    return {s.key: {"original": s.prose, "twin": _hash(theirs[i].prose if i < len(theirs) else "")} for i, s in enumerate(mine)}


def read_record(root: Path) -> dict[str, Any]:
    try:
        data = json.loads((root / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_record(root: Path, data: dict[str, Any]) -> None:
    (root / RECORD).write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def headings(text: str) -> list[tuple[int, re.Match[str]]]:
    """The page's ATX headings outside code, with their lines."""
    lines = text.split("\n")
    code = _code_lines(lines)
    return [(n, m) for n, line in enumerate(lines, start=1) if n not in code and (m := HEADING.match(line))]


def _code_lines(lines: list[str]) -> set[int]:
    """Line numbers inside fenced code blocks (fences included)."""
    inside: set[int] = set()
    fence: str | None = None
    for number, line in enumerate(lines, start=1):
        opener = markup.FENCE.match(line)
        if fence is not None:
            inside.add(number)
            if re.match(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", line):
                fence = None
        elif opener:
            fence = opener["fence"]
            inside.add(number)
    return inside


def _placeholders(line: str) -> str:
    return re.sub("\x00+", "⟦claim⟧", line)


def _prose(lines: list[str]) -> str:
    """Paragraphs, one per line, whitespace collapsed: re-wrapping a paragraph changes nothing."""
    paragraphs, current = [], []  # type: ignore[var-annotated]
    for line in lines + [""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(CJK_SPACE.sub("", " ".join(current)))
            current = []
    return "\n".join(paragraphs)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
