# engine: one build, from the pages' markup to checked results; the MkDocs hook only calls this.
from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import compare, expected, markup, render, report, runner
from . import docnotebooks
from . import notebook as notebooks
from .cache import Cache, key, versions
from .errors import DocexecError, Failure
from .options import Options
from .runner import FileResult, Job
from .sections import PREAMBLE, SnippetFile, load


@dataclass
class Where:
    """Where a snippet is used: the page locations that refer to it."""

    references: list[tuple[str, int]] = field(default_factory=list)
    claims: list[tuple[str, int]] = field(default_factory=list)

    @property
    def places(self) -> list[tuple[str, int]]:
        """A failure is reported where the section is shown; at a claim if it is only claimed."""
        return self.references or self.claims


class Session:
    """Lives as long as the hook module: across the languages of a build and `serve` rebuilds."""

    def __init__(self) -> None:
        self.cache: Cache | None = None
        self.files: dict[str, SnippetFile] = {}
        self.results: dict[str, FileResult] = {}
        self.failures: list[Failure] = []
        self.recorded: list[str] = []
        self.seconds = 0.0
        self.uses: dict[str, dict[str | None, Where]] = {}
        self.figures: dict[str, bytes] = {}  # site path -> PNG, written into the site after the build
        self.notebooks: dict[str, str] = {}  # site path -> notebook JSON, likewise
        self.cells: dict[str, list[docnotebooks.Cell]] = {}  # notebook pages' bound cells

    # -- one build ---------------------------------------------------------------------------

    def build(self, root: Path, docs_dir: Path, options: Options) -> list[Failure]:
        began = time.monotonic()
        self.root, self.options = root, options
        self.docs = os.path.relpath(docs_dir, root).replace(os.sep, "/")
        if self.cache is None or self.cache.folder != root / options.cache_dir:
            self.cache = Cache(root / options.cache_dir)
        self.files, self.results, self.failures, self.recorded, self.figures, self.notebooks = {}, {}, [], [], {}, {}
        pages = self._scan(docs_dir)
        uses, claims = self._index(pages)
        self.uses = uses
        self._load(uses)
        self._run(uses, claims)
        self._check(uses, claims)
        for label, cells in self.cells.items():
            problems, written = docnotebooks.check(self.root, label, cells, self.files, self.results, self.options.accept)
            self.failures.extend(problems)
            if written:
                self.recorded.append(label)
        self.failures.sort(key=lambda f: (f.file, f.line))
        self.seconds = time.monotonic() - began
        return self.failures

    def _scan(self, docs_dir: Path) -> dict[str, markup.Markup]:
        self.cells = {}
        for path in sorted(docs_dir.rglob("*.ipynb")):
            label = f"{self.docs}/{path.relative_to(docs_dir).as_posix()}"
            cells, problems = docnotebooks.find(label, path.read_text(encoding="utf-8"))
            self.failures.extend(problems)
            if cells:
                self.cells[label] = cells
        pages = {}
        # A page before its translations (index.md, then index.en.md): failures name it first.
        for path in sorted(docs_dir.rglob("*.md"), key=lambda p: (p.parent.as_posix(), p.name.split(".")[0], len(p.suffixes), p.name)):
            label = f"{self.docs}/{path.relative_to(docs_dir).as_posix()}"
            found = markup.find(label, path.read_text(encoding="utf-8"))
            self.failures.extend(found.failures)
            pages[label] = found
        return pages

    def _index(self, pages: dict[str, markup.Markup]) -> tuple[dict[str, dict[str | None, Where]], dict[str, list[tuple[str, markup.Claim]]]]:
        uses: dict[str, dict[str | None, Where]] = defaultdict(lambda: defaultdict(Where))
        claims: dict[str, list[tuple[str, markup.Claim]]] = defaultdict(list)
        for page, found in pages.items():
            for ref in found.references:
                uses[ref.target.path][ref.target.section].references.append((page, ref.line))
            for item in found.claims:
                uses[item.target.path][item.target.section].claims.append((page, item.line))
                claims[item.target.path].append((page, item))
        for cells in self.cells.values():
            for cell in cells:
                uses[cell.target.path][cell.target.section].references.append((cell.page, cell.index))
        return uses, claims

    def _load(self, uses: dict[str, dict[str | None, Where]]) -> None:
        snippets = (self.root / markup.SNIPPETS).resolve()
        for path, by_section in sorted(uses.items()):
            first = _places(by_section)
            real = (self.root / path).resolve()
            if not real.is_relative_to(snippets):
                self._fail(first, f"refused snippet {path}: it resolves to {real}, outside snippets/")
                continue
            if not real.is_file():
                self._fail(first, f"snippet file {path} not found; create it, or fix the path (relative to snippets/)")
                continue
            try:
                file = load(self.root, path)
            except DocexecError as error:
                users = ", ".join(f"{p}({n})" for p, n in first)
                self.failures.append(Failure(error.failure.file, error.failure.line, f"{error.failure.message}\n(used by {users})"))
                continue
            except UnicodeDecodeError as error:
                self._fail(first, f"snippet file {path} is not UTF-8 text: {error}")
                continue
            for section, where in by_section.items():
                if section is not None and file.section(section) is None:
                    known = ", ".join(file.names) or "none: the file has no `# %% name` markers"
                    self._fail(where.places, f"section {section!r} not found in {path} (sections: {known})")
            self.files[path] = file  # the sections that do exist still run and are checked

    def _run(self, uses: dict[str, dict[str | None, Where]], claims: dict[str, list[tuple[str, markup.Claim]]]) -> None:
        assert self.cache is not None
        settings = {"seed": self.options.seed, "threads": self.options.threads}
        jobs = []
        for path, file in self.files.items():
            expressions: dict[str, list[str]] = defaultdict(list)
            for _, item in claims.get(path, []):
                if item.expression not in expressions[item.target.section or ""]:
                    expressions[item.target.section or ""].append(item.expression)
            file_key = key(file, expressions, settings)
            hit = None if self.options.rerun else self.cache.get(file_key)
            if hit is not None:
                self.results[path] = FileResult(**{**hit.__dict__, "cached": True})
            else:
                jobs.append(Job(file, file_key, dict(expressions), self.options.timeout))
        fresh = runner.run_all(jobs, runner.Settings(root=str(self.root), seed=self.options.seed, threads=self.options.threads))
        for result in fresh:
            self.cache.put(result)
            self.results[result.path] = result

    def _check(self, uses: dict[str, dict[str | None, Where]], claims: dict[str, list[tuple[str, markup.Claim]]]) -> None:
        for path, result in self.results.items():
            file, by_section = self.files[path], uses[path]
            for section in result.sections:
                places = by_section[section.name].places if section.name in by_section else _places(by_section)
                label = _section_label(file, section.name)
                if section.status != "ok":
                    self._fail(places, _describe(label, section))
                    continue
                self._check_output(places, label, path, file, section)
            for page, item in claims.get(path, []):
                self._check_claim(page, item, result)
            if self.options.accept:
                for old in expected.stale(self.root, file):
                    (self.root / old).unlink()
                    self.recorded.append(f"removed {old}")

    def _check_output(self, places: list[tuple[str, int]], label: str, path: str, file: SnippetFile, section: runner.SectionResult) -> None:
        recorded = expected.read(self.root, path, section.name)
        where = expected.path(path, section.name)
        if self.options.accept:
            if section.output and (recorded is None or compare.normalise(recorded) != compare.normalise(section.output)):
                self.recorded.append(expected.write(self.root, path, section.name, section.output))
            return
        if recorded is None:
            if section.output.strip():
                self._fail(places, f"{label}: no recorded output yet ({where} is missing)\n"
                                   "record it with `make accept` (DOCEXEC_ACCEPT=1 mkdocs build), then review it in `git diff`")
            return
        found = file.section(section.name)
        options = found.options if found is not None else {}
        report = compare.check(recorded, section.output, options.get("rtol"), options.get("atol"))
        if report is not None:
            self._fail(places, f"{label}: output differs from the recorded {where}\n"
                               f"Expected/Got diff ('-' recorded, '+' real):\n{report}\n"
                               "if the new output is right, record it with `make accept` and review `git diff`")

    def _check_claim(self, page: str, item: markup.Claim, result: FileResult) -> None:
        section = _claimed(result, item)
        if section is None or section.status != "ok":
            return  # the section's own failure (or its absence) is reported already
        value = section.claims.get(item.expression, {"error": "not evaluated"})
        head = f"claim [[{item.text} ± {item.abs_tol:g}]] about `{item.expression}` after {item.target.label}"
        if "error" in value:
            self.failures.append(Failure(page, item.line, f"{head} could not be evaluated: {value['error']}"))
            return
        problem = compare.check_claim(item.value, item.abs_tol, value["values"])
        if problem is not None:
            self.failures.append(Failure(page, item.line, f"{head} does not hold: {problem}\n{item.expression} = {value['repr']}"))

    def _fail(self, places: list[tuple[str, int]], message: str) -> None:
        (page, line), others = places[0], places[1:]
        if others:
            listed = ", ".join(f"{p}({n})" for p, n in others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
            message += f"\n(also used at {listed})"
        self.failures.append(Failure(page, line, message))

    # -- pages -------------------------------------------------------------------------------

    def render_page(self, page: str, markdown_text: str, language: str | None, to_root: str = "",
                    notebook_path: str | None = None) -> str:
        """The page's Markdown with snippets, claims and the report expanded; with
        ``notebook_path`` (a site path), also the page's notebook and a link to it."""
        label = f"{self.docs}/{page}"
        found = markup.find(label, markdown_text)
        lines = markdown_text.split("\n")
        claims_by_line: dict[int, list[markup.Claim]] = defaultdict(list)
        for item in found.claims:
            claims_by_line[item.line].append(item)
        for line, items in claims_by_line.items():
            text = lines[line - 1]
            for item in sorted(items, key=lambda c: -c.start):
                text = text[: item.start] + self._claim(label, item, language) + text[item.end:]
            lines[line - 1] = text
        for ref in found.references:
            here = [f for f in self.failures if f.file == label and f.line == ref.line]
            file = self.files.get(ref.target.path)
            if here or file is None:
                lines[ref.line - 1] = render.failures(here or [Failure(label, ref.line, "not run")], language, ref.indent)
            else:
                lines[ref.line - 1], images = render.reference(ref, file, self.results.get(ref.target.path), language, markup.SNIPPETS, to_root)
                self.figures.update(images)
        for failure in found.failures:
            lines[failure.line - 1] = render.failures([failure], language)
        for line in found.reports:
            lines[line - 1] = render.report(report.rows(self.files, self.results, self.uses), versions(), language, to_root)
        notebook = None
        if notebook_path is not None:
            notebook = notebooks.build(markdown_text, found, self.files, self.results, self.options.seed, self.options.threads)
        if notebook is not None and notebook_path is not None:
            self.notebooks[notebook_path] = notebook
            heading = next((i for i, text in enumerate(lines) if text.startswith("# ")), -1)
            lines.insert(heading + 1, "\n" + render.notebook_link(notebook_path.rsplit("/", 1)[-1], language))
        return "\n".join(lines)

    def _claim(self, page: str, item: markup.Claim, language: str | None) -> str:
        result = self.results.get(item.target.path)
        section = _claimed(result, item) if result else None
        value = section.claims.get(item.expression, {}) if section else {}
        problem = next((str(f) for f in self.failures if f.file == page and f.line == item.line
                        and f.message.startswith("claim ") and f"`{item.expression}`" in f.message), None)
        return render.claim(item, value.get("repr", "?"), language, problem)

def _claimed(result: FileResult, item: markup.Claim) -> runner.SectionResult | None:
    """The section after which the claim's value was read: the named one, or the file's last."""
    if item.target.section is None:
        return result.sections[-1] if result.sections and len(result.sections) == result.expected_sections else None
    return result.section(item.target.section)


def _section_label(file: SnippetFile, name: str) -> str:
    found = file.section(name)
    marker = found.line - 1 if found is not None and name != PREAMBLE else 1
    return f"{file.path}({marker}) section {name!r}"


def _places(by_section: dict[str | None, Where]) -> list[tuple[str, int]]:
    places: list[tuple[str, int]] = []
    for where in by_section.values():
        places.extend(p for p in where.places if p not in places)
    return places


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
