# checks: one snippet file's results judged: outputs against their records, claims, exits; each failure placed on every page that shows it.
from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from . import claims as statements
from . import compare, expected, markup, runner
from .errors import Failure
from .markup import Where
from .runner import FileResult
from .sections import PREAMBLE, VARIES, SnippetFile



class Session(Protocol):
    """What judging needs of a build (engine.Session has it)."""

    root: Path
    options: Any
    files: dict[str, SnippetFile]
    results: dict[str, FileResult]
    uses: dict[str, dict[str | None, Where]]
    problems: dict[tuple[str, str | None], list[str]]
    claim_problems: dict[tuple[str, int, int], str]
    failures: list[Failure]
    recorded: list[str]

    def fail(self, places: list[tuple[str, int]], message: str, about: tuple[str, str | None] | None = None) -> None: ...


def check_file(session: Session, path: str, claims: list[tuple[str, markup.Claim]]) -> None:
    """Judge the file's result (in ``session.results``): each failure is logged once and shown
    wherever the section is used."""
    result, file, by_section = session.results[path], session.files[path], session.uses[path]
    for section in result.sections:
        where = by_section[section.name].places if section.name in by_section else places(by_section)
        label = _section_label(file, section.name)
        if section.status != "ok":
            session.fail(where, _describe(label, section), (path, section.name))
            for later in file.sections[len(result.sections):]:  # they never ran
                session.problems[(path, later.name)].append(
                    f"{_section_label(file, later.name)}: not run, because section {section.name!r} before it failed:\n"
                    + session.problems[(path, section.name)][-1])
            continue
        try:
            _check_output(session, where, label, path, file, section)
        except expected.Refused as error:  # a recorded output behind a symbolic link
            session.fail(where, str(error), (path, section.name))
    for problem in result.problems:
        session.fail(places(by_section), problem, (path, None))
    if result.exited:
        _after_exit(session, file, result, by_section)
    for page, item in claims:
        _check_claim(session, page, item, result)
    if session.options.accept:
        try:
            for old in expected.stale(session.root, file):
                session.recorded.append(expected.remove(session.root, old))
        except expected.Refused as error:
            session.fail(places(by_section), str(error), (path, None))

def _after_exit(session: Session, file: SnippetFile, result: FileResult, by_section: dict[str | None, Where]) -> None:
    """sys.exit(0) ends a file as Python would; a page showing a section after it shows nothing real."""
    last = result.sections[-1].name
    for later in file.sections[len(result.sections):]:
        if later.name in by_section:
            session.fail(by_section[later.name].places,
                       f"{_section_label(file, later.name)}: never runs: section {last!r} before it ends the file with "
                       "sys.exit() (status 0), as `python` would\nshow only sections before the exit, or move the exit "
                       "to the end of the file", (file.path, later.name))

def _check_output(session: Session, at: list[tuple[str, int]], label: str, path: str, file: SnippetFile, section: runner.SectionResult) -> None:
    recorded = expected.read(session.root, path, section.name)
    where = expected.path(path, section.name)
    found = file.section(section.name)
    options = found.options if found is not None else {}
    if found is not None and found.varies:  # shown as varying; never compared nor recorded
        if recorded is not None and session.options.accept:
            (session.root / where).unlink()
            session.recorded.append(f"removed {where}")
        elif recorded is not None:
            session.fail(at, f"{label}: its output varies (`{VARIES}`), so it is not compared, but {where} records one\n"
                               "remove that file (`make accept` does)", (path, section.name))
        return
    if session.options.accept:
        # An output equal within its tolerance is kept: no churn between machines.
        if section.output and (recorded is None or compare.check(recorded, section.output, options.get("rtol"), options.get("atol"))):
            session.recorded.append(expected.write(session.root, path, section.name, section.output))
        elif not section.output.strip() and recorded is not None:  # it prints nothing now
            session.recorded.append(expected.remove(session.root, where))
        return
    if recorded is None:
        if section.output.strip():
            session.fail(at, f"{label}: no recorded output yet ({where} is missing)\n"
                               "record it with `make accept` (DOCEXEC_ACCEPT=1 mkdocs build), then review it in `git diff`",
                       (path, section.name))
        return
    report = compare.check(recorded, section.output, options.get("rtol"), options.get("atol"))
    if report is not None:
        session.fail(at, f"{label}: output differs from the recorded {where}\n"
                           f"Expected/Got diff ('-' recorded, '+' real):\n{report}\n"
                           "if the new output is right, record it with `make accept` and review `git diff`",
                   (path, section.name))

def _check_claim(session: Session, page: str, item: markup.Claim, result: FileResult) -> None:
    section = claimed(result, item)
    if section is None or section.status != "ok":
        return  # the section's own failure (or its absence) is reported already, and shown at the claim
    observed = section.claims.get(item.expression, {"raised": "KeyError", "message": "the claim was not evaluated"})
    problem = statements.check(item.expected, observed)
    if problem is not None:
        message = f"claim {item.expected.describe()} about `{item.expression}` after {item.target.label} does not hold: {problem}"
        if "repr" in observed and item.expected.kind == "number":
            message += f"\n{item.expression} = {observed['repr']}"
        session.failures.append(Failure(page, item.line, message))
        session.claim_problems[(page, item.line, item.start)] = message


def claimed(result: FileResult, item: markup.Claim) -> runner.SectionResult | None:
    """The section after which the claim's value was read: the named one, or the file's last."""
    if item.target.section is None:
        whole = len(result.sections) == result.expected_sections or result.exited
        return result.sections[-1] if result.sections and whole else None
    return result.section(item.target.section)


def _section_label(file: SnippetFile, name: str) -> str:
    found = file.section(name)
    marker = found.line - 1 if found is not None and name != PREAMBLE else 1
    return f"{file.path}({marker}) section {name!r}"


def places(by_section: dict[str | None, Where]) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for where in by_section.values():
        found.extend(p for p in where.places if p not in found)
    return found


def _describe(label: str, section: runner.SectionResult) -> str:
    what = {"error": "raised an exception", "timeout": "timed out", "crashed": "crashed",
            "too-much-output": "printed too much"}.get(section.status, section.status)
    parts = [f"{label}: {what}"]
    if section.error:
        parts.append(section.error)
    if section.output.strip():
        parts.append("output before it stopped:\n" + section.output.rstrip())
    if section.status == "timeout":
        parts.append("raise the limit with `# %% name timeout=SECONDS` or DOCEXEC_TIMEOUT, or make the code faster")
    return "\n".join(parts)
