# pages: one page's Markdown with its references, claims and report expanded from a build's results.
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Protocol

from . import figurelang, markup, matrix, memo, render, report, translation
from . import notebook as notebooks
from .cache import versions
from .docnotebooks import Cell
from .errors import DocexecError, Failure, PageError, summary
from .languages import twins
from .runner import FileResult, SectionResult
from .sections import SnippetFile
from .versions import Record, Verdicts


class Session(Protocol):
    """What rendering needs of a build (engine.Session has it): the results, never the run."""

    docs: str
    includes: bool
    languages: list[str]
    options: Any
    files: dict[str, SnippetFile]
    results: dict[str, FileResult]
    uses: dict[str, dict[str | None, markup.Where]]
    texts: dict[str, str]
    marked: dict[str, markup.Markup]
    cells: dict[str, list[Cell]]
    stale: list[translation.Stale]
    claim_problems: dict[tuple[str, int, int], str]
    page_problems: dict[str, list[str]]
    root: Path
    records: list[Record]
    verdicts: Verdicts | None
    figures: dict[str, bytes]  # written by rendering: site path -> PNG
    notebooks: dict[str, str]  # likewise: site path -> notebook JSON

    def problems_of(self, target: markup.Target) -> list[str]: ...

    def literal(self, label: str, text: str) -> markup.CodeCheck: ...

    def claimed(self, item: markup.Claim) -> SectionResult | None: ...


def render_page(session: Session, page: str, markdown_text: str, language: str | None, to_root: str = "",
                notebook_path: str | None = None) -> str:
    """With ``notebook_path`` (a site path), also the page's notebook and a link to it. A fault
    is shown where it happens, on every page that uses the snippet, in the page's language."""
    label = f"{session.docs}/{page}"
    scanned = session.marked.get(label)
    if scanned is not None and session.texts[label].rstrip("\n") == markdown_text.rstrip("\n"):
        found = scanned  # the text the build read, line for line (Python-Markdown adds newlines at the end)
    else:
        found = markup.find(label, markdown_text, includes=session.includes, code=session.literal(label, markdown_text))
    lines = markdown_text.split("\n")
    unread = _unread(session, label, found, lines)
    if unread:
        raise PageError(unread, summary(unread))
    claims_by_line: dict[int, list[markup.Claim]] = defaultdict(list)
    for item in found.claims:
        claims_by_line[item.line].append(item)
    for line, items in claims_by_line.items():
        text = lines[line - 1]
        for item in sorted(items, key=lambda c: -c.start):
            text = text[: item.start] + _claim(session, label, item, language) + matrix.claim_marks(session, item, language) + text[item.end:]
        lines[line - 1] = text
    for ref in found.references:
        problems = session.problems_of(ref.target)
        file = session.files.get(ref.target.path)
        if problems or file is None:
            lines[ref.line - 1] = render.failures(problems or [f"{ref.target.label}: did not run"], language, ref.indent)
        else:
            try:
                lines[ref.line - 1], images = render.reference(ref, file, session.results.get(ref.target.path), language,
                                                               markup.SNIPPETS, to_root)
            except figurelang.NotDrawn as missing:  # known only now, with the page's language
                raise DocexecError(label, ref.line, f"{ref.target.label}: {missing}") from None
            session.figures.update(images)
            drift = matrix.differences(session, ref, language)  # what other torch versions print instead
            if drift:
                lines[ref.line - 1] += "\n\n" + render.indent(drift, ref.indent)
    for failure in found.failures:
        lines[failure.line - 1] = render.failures([str(failure)], language)
    for line in found.reports:
        lines[line - 1] = _report(session, language, to_root)
    heading = next((i for i, text in enumerate(lines) if text.startswith("# ")), -1)
    if session.page_problems.get(label):  # e.g. out of step with its translation
        lines.insert(heading + 1, "\n" + render.failures(session.page_problems[label], language) + "\n")
    notebook = None
    if notebook_path is not None:
        notebook = _notebook(session, notebook_path, markdown_text, found, language)
    if notebook is not None and notebook_path is not None:
        session.notebooks[notebook_path] = notebook
        lines.insert(heading + 1, "\n" + render.notebook_link(notebook_path.rsplit("/", 1)[-1], language))
    return "\n".join(lines)


def _unread(session: Session, label: str, found: markup.Markup, lines: list[str]) -> list[Failure]:
    """Markup in the text a host renders that was not markup in the page the build read: a plugin
    or hook changed the Markdown in between (took lines out of a fence, added some). It would be
    expanded from results nobody checked against it: a failure, never shown as checked. Compared
    by text, so a plugin that only moves lines changes nothing; named at the page's own line."""
    scanned = session.marked.get(label)
    if scanned is None:
        return []  # a page the build did not read (plain markdown.markdown of a text): nothing to compare
    source = session.texts[label].split("\n")
    were = [source[r.line - 1].strip() for r in scanned.references] + [source[c.line - 1][c.start:c.end] for c in scanned.claims]
    now = [(r.line, lines[r.line - 1].strip()) for r in found.references]
    now += [(c.line, lines[c.line - 1][c.start:c.end]) for c in found.claims]
    taken = {r.line for r in scanned.references} | {c.line for c in scanned.claims}
    failures = []
    for line, text in sorted(now):
        if text in were:
            were.remove(text)
            continue
        # The line of the page that holds it (as code), else where the handed-on text has it.
        line = next((n for n, held in enumerate(source, start=1) if text in held and n not in taken), line)
        taken.add(line)
        failures.append(Failure(label, line, (
            f"`{text}` is markup only in the Markdown a plugin or hook handed on: in the page the build read it is "
            "code, or not there, so the build neither ran nor checked it\n"
            "write references and claims in the page itself, outside code; a plugin must not turn code into prose")))
    return sorted(failures, key=lambda f: f.line)


def _notebook(session: Session, path: str, markdown_text: str, found: markup.Markup, language: str | None) -> str | None:
    """The page's notebook, made again only when one of its inputs changed (``memo``)."""
    made = (markdown_text, found, session.files, session.results, session.problems_of, language,
            session.options.seed, session.options.threads)
    key, folder = notebooks.inputs(*made), session.root / session.options.cache_dir
    notebook = memo.MEMO.get(folder, path, key)
    if notebook is None:
        notebook = notebooks.build(*made) or ""  # "": no notebook (a page without snippets), also kept
        memo.MEMO.put(folder, path, key, notebook)
    return notebook or None


def _claim(session: Session, page: str, item: markup.Claim, language: str | None) -> str:
    """A claim that holds shows its words with the value on hover; one that does not, or that
    could not be checked (its section failed or is missing), is marked as failed: never as checked."""
    problem = session.claim_problems.get((page, item.line, item.start))
    section = session.claimed(item)
    observed = section.claims.get(item.expression) if section is not None and section.status == "ok" else None
    if problem is None and observed is None:
        reasons = session.problems_of(item.target) or [f"{item.target.label}: the claim was not evaluated"]
        problem = "not checked, because its snippet failed:\n" + "\n".join(reasons)
    if problem is not None:
        return render.claim(item, "", language, problem)
    assert observed is not None
    shown = f"raises {observed['raised']}: {observed.get('message', '')}" if "raised" in observed else observed.get("repr", "")
    return render.claim(item, shown, language)


def verified_on(session: Session, label: str, language: str | None) -> str | None:
    """The provenance line's other torch versions for this page (overrides/main.html shows it)."""
    return matrix.also(session, label, language)


def notebook_page_failures(session: Session, label: str, html_text: str, language: str | None) -> str:
    """A notebook page (rendered by mkdocs-jupyter) shows the failure of each bound cell's
    section above that cell, found by the cell's id; above the whole page if it has none. Then
    what other torch versions print instead, after each cell (matrix.py)."""
    for cell in session.cells.get(label, []):
        problems = session.problems_of(cell.target)
        if not problems:
            continue
        box = render.failures_html(problems, language)
        anchor = html_text.find(f'id="cell-id={cell.id}"') if cell.id else -1
        start = html_text.rfind("<div", 0, anchor) if anchor >= 0 else -1
        html_text = html_text[:start] + box + html_text[start:] if start >= 0 else box + html_text
    if session.page_problems.get(label):  # e.g. out of step with its translation
        html_text = render.failures_html(session.page_problems[label], language) + html_text
    return matrix.notebook_differences(session, label, html_text, language)  # what other torch versions print


def _report(session: Session, language: str | None, to_root: str) -> str:
    languages = session.languages
    mine = {label: (title(text), _url(label, languages)) for label, text in session.texts.items()
            if language_of(label, languages) == (language if language in languages else None)}
    rows = report.rows(session.files, session.results, session.uses, mine)
    pairs = twins(sorted(session.texts), languages)
    counts = {label: len(found.claims) for label, found in session.marked.items()}
    titles = {label: title(text) for label, text in session.texts.items()}
    named = {label: titles[label] if language not in languages else titles.get(_twin(label, pairs), titles[label]) for label in titles}
    statements = report.statements(counts, pairs, named)
    table = render.report(rows, statements, [str(s) for s in session.stale], versions(), language, to_root)
    drift = matrix.table(session, language)  # the same files on other torch versions
    return table + ("\n\n" + drift if drift else "")


def title(text: str) -> str:
    """A page's title as MkDocs takes it: the front matter's, else the first level-1 heading."""
    front = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    if front:
        named = re.search(r"^title:\s*(.+)$", front.group(1), re.M)
        if named:
            return named.group(1).strip().strip("\"'")
    heading = re.search(r"^# (.+)$", text, re.M)
    return heading.group(1).strip() if heading else ""


def language_of(label: str, languages: list[str]) -> str | None:
    parts = label.rsplit("/", 1)[-1].split(".")
    return parts[-2] if len(parts) > 2 and parts[-2] in languages else None


def _twin(label: str, pairs: list[tuple[str, str]]) -> str:
    return next((twin for original, twin in pairs if original == label), label)


def _url(label: str, languages: list[str]) -> str:
    """The page's address under use_directory_urls: docs/norms.en.md -> en/norms/."""
    path = label.split("/", 1)[-1]
    language = language_of(label, languages)
    stem = path.rsplit(".", 2 if language else 1)[0]
    folder = "" if stem == "index" else (stem.removesuffix("/index") + "/")
    return (f"{language}/" if language else "") + folder
