# engine: one build, from the pages' markup to checked results; the MkDocs hook only calls this.
from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path
from collections.abc import Iterable
from typing import Any

from . import (
    checks,
    codelines,
    docnotebooks,
    markup,
    net,
    pages,
    runner,
    sources,
    translation,
    versions,  # what other torch versions gave (verified/)
)
from . import languages as twins
from .cache import Cache, key
from .errors import DocexecError, Failure
from .markup import Where
from .options import Options, Site
from .background import Background, first_needed
from .runner import FileResult, Job
from .sections import SnippetFile, load


class Session:
    """Lives as long as the hook module: across the languages of a build and `serve` rebuilds."""

    def __init__(self) -> None:
        self.cache: Cache | None = None
        self.share: versions.Share | None = None  # run only this share of the files (check --shard)
        self.records: list[versions.Record] = []  # what other torch versions gave (verified/)
        self.verdicts: versions.Verdicts | None = None  # those records judged against this checkout
        self.files: dict[str, SnippetFile] = {}
        self.results: dict[str, FileResult] = {}
        self.failures: list[Failure] = []
        self.recorded: list[str] = []
        self.seconds = 0.0
        self.uses: dict[str, dict[str | None, Where]] = {}
        self.figures: dict[str, bytes] = {}  # site path -> PNG, written into the site after the build
        self.notebooks: dict[str, str] = {}  # site path -> notebook JSON, likewise
        self.cells: dict[str, list[docnotebooks.Cell]] = {}  # notebook pages' bound cells
        # What went wrong with each (snippet, section), None for the whole file: every page that
        # shows it, in any language, shows these in place. Claims' own problems by claim.
        self.problems: dict[tuple[str, str | None], list[str]] = defaultdict(list)
        self.claim_problems: dict[tuple[str, int, int], str] = {}
        self.includes = False  # pymdownx.snippets is on: other --8<-- lines are its own
        self.languages: list[str] = []  # the translations' suffixes
        self.page_problems: dict[str, list[str]] = defaultdict(list)  # shown at the top of a page
        self.stale: list[translation.Stale] = []  # translations whose original changed since review
        self.texts: dict[str, str] = {}  # every page's source (a notebook as the Markdown it stands for)
        self.marked: dict[str, markup.Markup] = {}
        self.cell_lines: dict[str, list[int]] = {}  # a notebook's Markdown line -> its cell number
        self.setup: codelines.Setup | None = None  # the site's Markdown; read from mkdocs.yml when not set
        self._literal = codelines.Pages(codelines.Setup())
        self._found: dict[tuple[str, str, bool], markup.Markup] = {}  # this plan's pages, for the next
        self._found_before: dict[tuple[str, str, bool], markup.Markup] = {}
        self.single: set[str] = set()  # pages declared single-language: they need no twin
        self._planned: tuple[list[Job], Any, Any, tuple[Any, ...]] | None = None  # from plan(), for build()
        self.held = sources.Held()  # files whose run changed the sources: not run again (serve)
        self._run: Background | None = None  # the files still running while pages render
        self._claims: dict[str, list[tuple[str, markup.Claim]]] = {}
        self._checked: set[str] = set()  # files judged in this build
        self._began = 0.0
        self.finished = True  # no build under way: finish() has judged the last one
        self._planned_failures: list[Failure] = []  # what the plan found, before any file was judged
        self._planned_problems: dict[tuple[str, str | None], list[str]] = {}

    # -- one build ---------------------------------------------------------------------------

    def plan(self, root: Path, docs_dir: Path, options: Options, includes: bool = False,
             languages: list[str] | None = None) -> bool:
        """Everything a build does before running snippets: read the pages, check them and their
        translations, look every snippet file up in the cache. True when some file must run, so
        the caller can start the fork server (and its torch import) early; ``build`` goes on
        from here. ``languages``: the translations' suffixes (``en`` for x.en.md)."""
        began = time.monotonic()
        self.cancel()
        self.includes, self.languages = includes, languages or []
        self.root, self.options = root, options
        self.docs = os.path.relpath(docs_dir, root).replace(os.sep, "/")
        if self.cache is None or self.cache.folder != root / options.cache_dir:
            self.cache = Cache(root / options.cache_dir, root)
        self.files, self.results, self.failures, self.recorded, self.figures, self.notebooks = {}, {}, [], [], {}, {}
        self.problems, self.claim_problems = defaultdict(list), {}
        self.page_problems, self.stale = defaultdict(list), []
        if self.setup is None:
            config = root / "mkdocs.yml"
            self.setup = Site.read(config).markdown if config.is_file() else codelines.Setup()
        # Unchanged pages keep their answers: from the last build in this process, else from the cache folder.
        same = self._literal.setup == self.setup
        self._literal = codelines.Pages(self.setup, self._literal, root / options.cache_dir)
        self._found_before, self._found = (self._found if same else {}), {}
        pages = self._scan(docs_dir)
        if languages:
            self._translations(languages)
        uses, claims = self._index(pages)
        self.uses = uses
        self._load(uses)
        self.failures.extend(net.unrun(self.root, self.texts, self.uses, self.cell_lines))
        self._planned = (self._jobs(claims), uses, claims, (root, docs_dir, options, includes, languages))
        self.seconds = time.monotonic() - began
        return bool(self._planned[0])

    def build(self, root: Path, docs_dir: Path, options: Options, includes: bool = False,
              languages: list[str] | None = None) -> list[Failure]:
        """One build's failures; it uses the plan made for the same arguments, if any."""
        self.start(root, docs_dir, options, includes, languages)
        return self.finish()

    def start(self, root: Path, docs_dir: Path, options: Options, includes: bool = False,
              languages: list[str] | None = None) -> list[Failure]:
        """Plan (unless planned with the same arguments), then run the files in the background,
        those the first pages show first; pages take their results with ``settle``. What the plan
        found wrong is returned at once: a caller may then wait with ``finish`` and stop."""
        self.cancel()
        if self._planned is None or self._planned[3] != (root, docs_dir, options, includes, languages):
            self.plan(root, docs_dir, options, includes, languages)
        assert self._planned is not None
        jobs, _, self._claims, _ = self._planned
        self._planned = None
        self._began = time.monotonic() - self.seconds
        self._checked = set()
        self.finished = False
        self.records, broken = versions.load(self.root)
        self.failures.extend(broken)
        self._planned_failures = list(self.failures)
        self._planned_problems = {k: list(v) for k, v in self.problems.items()}
        self.verdicts = versions.Verdicts(self.root, self.files, self.records)
        settings = runner.Settings(root=str(self.root), seed=self.options.seed, threads=self.options.threads,
                                   protected=tuple(sources.protected(root, docs_dir)),
                                   ignored=tuple(sources.ignored(str(self.root), self.options.cache_dir)),
                                   sealed=(str(self.root / self.options.cache_dir),))
        self._run = Background(first_needed(jobs, self.uses, self.languages), settings, self.held) if jobs else None
        return list(self.failures)

    def settle(self, paths: Iterable[str]) -> None:
        """Wait for these files (a page about to render shows them) and judge each, once."""
        for path in paths:
            if path in self._checked or path not in self.files:
                continue
            if self._run is not None and path in self._run.paths:
                if self.options.accept:
                    self._run.join()  # it writes recorded outputs: not while the sources are watched for changes
                result = self._run.wait(path)
                if result is None:
                    continue  # the run was cancelled before it: nothing to judge
                self.results[path] = result
            if path in self.results:
                self._checked.add(path)
                checks.check_file(self, path, self._claims.get(path, []))

    def finish(self) -> list[Failure]:
        """Every file judged, the run's results cached, the notebooks checked: the build's failures."""
        fresh = self._run.join() if self._run is not None else []
        if self._run is not None and self._run.blamed():
            # A process a snippet started changed the sources: judge every file again, against
            # the sources as they are now, as a build that waited for the whole run would.
            self.failures, self.claim_problems, self._checked = list(self._planned_failures), {}, set()
            self.problems = defaultdict(list, {k: list(v) for k, v in self._planned_problems.items()})
        self._run = None
        assert self.cache is not None
        for result in fresh:
            self.results[result.path] = result
            self.cache.put(result)
        self.settle(list(self.results))
        for label, cells in self.cells.items():
            problems, written = docnotebooks.check(self.root, label, cells, self.files, self.results, self.options.accept)
            self.failures.extend(problems)
            if written:
                self.recorded.append(label)
        self.failures.sort(key=lambda f: (f.file, f.line))
        self.seconds = time.monotonic() - self._began
        self.finished = True
        return self.failures

    def cancel(self) -> None:
        """Stop a run a failed build left behind (``mkdocs serve`` builds again after an error)."""
        if self._run is not None:
            self._run.cancel()
            self._run = None

    def tally(self) -> str:
        ran = sum(not r.cached for r in self.results.values())
        return f"{len(self.results)} snippet files: {ran} run, {len(self.results) - ran} from cache ({self.seconds:.2f} s)"

    def _scan(self, docs_dir: Path) -> dict[str, markup.Markup]:
        self.cells, self.texts, self.marked, self.cell_lines, self.single = {}, {}, {}, {}, set()
        for path in sorted(docs_dir.rglob("*.ipynb")):
            label = f"{self.docs}/{path.relative_to(docs_dir).as_posix()}"
            raw = path.read_text(encoding="utf-8-sig")  # as MkDocs reads its sources: a byte order mark is not text
            cells, problems = docnotebooks.find(label, raw)
            self.failures.extend(problems)
            if cells:
                self.cells[label] = cells
            self.texts[label], self.cell_lines[label] = translation.notebook_text(raw)
            self._declared(label, raw)
            self.marked[label] = markup.find(label, self.texts[label], includes=True, code=self.literal(label, self.texts[label]))
            self.failures.extend(net.notebook_markup(label, self.marked[label], cells, self.cell_lines[label]))
        pages = {}
        # A page before its translations (index.md, then index.en.md): failures name it first.
        for path in sorted(docs_dir.rglob("*.md"), key=lambda p: (p.parent.as_posix(), p.name.split(".")[0], len(p.suffixes), p.name)):
            label = f"{self.docs}/{path.relative_to(docs_dir).as_posix()}"
            self.texts[label] = path.read_text(encoding="utf-8-sig")
            self._declared(label, self.texts[label])
            found = self._find(label)
            self.failures.extend(found.failures)
            pages[label] = self.marked[label] = found
        return pages

    def _find(self, label: str) -> markup.Markup:
        """The page's markup; a `serve` rebuild with the same Markdown setup reads again only the
        pages whose text changed (markup.find is a function of the text and what is code in it)."""
        key = (label, self.texts[label], self.includes)
        found = self._found_before.get(key)
        if found is None:
            found = markup.find(label, self.texts[label], includes=self.includes, code=self.literal(label, self.texts[label]))
        self._found[key] = found
        return found

    def _declared(self, label: str, raw: str) -> None:
        single = twins.declared(label, raw)
        if isinstance(single, Failure):
            self.failures.append(single)
        elif single:
            self.single.add(label)

    def _translations(self, languages: list[str]) -> None:
        record = translation.read_record(self.root)
        problems, self.stale = translation.check(self.texts, self.marked, languages, record, self.cell_lines)
        alone = twins.alone(sorted(self.texts), languages, self.single)
        self.failures.extend(problems + alone)
        for problem in alone:
            self.page_problems[problem.file].append(str(problem))
        for original, twin in twins.twins(sorted(self.texts), languages):
            for problem in problems:
                if problem.file == original:
                    self.page_problems[original].append(str(problem))
                    self.page_problems[twin].append(str(problem))

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
            if self.share is not None and not self.share.has(path):
                continue  # another runner's share of the files (check --shard): not loaded, not run
            first = checks.places(by_section)
            real = (self.root / path).resolve()
            if not real.is_relative_to(snippets):
                self.fail(first, f"refused snippet {path}: it resolves to {real}, outside snippets/", (path, None))
                continue
            if not real.is_file():
                self.fail(first, f"snippet file {path} not found; create it, or fix the path (relative to snippets/)", (path, None))
                continue
            try:
                file = load(self.root, path)
            except DocexecError as error:
                users = ", ".join(f"{p}({n})" for p, n in first)
                self.failures.append(Failure(error.failure.file, error.failure.line, f"{error.failure.message}\n(used by {users})"))
                self.problems[(path, None)].append(str(error.failure))
                continue
            except UnicodeDecodeError as error:
                self.fail(first, f"snippet file {path} is not UTF-8 text: {error}", (path, None))
                continue
            for section, where in by_section.items():
                if section is not None and file.section(section) is None:
                    known = ", ".join(file.names) or "none: the file names no sections (`# %% name` or `# --8<-- [start:name]`)"
                    self.fail(where.places, f"section {section!r} not found in {path} (sections: {known})", (path, section))
            self.files[path] = file  # the sections that do exist still run and are checked

    def _jobs(self, claims: dict[str, list[tuple[str, markup.Claim]]]) -> list[Job]:
        """Cached results go straight into ``results``; the files to run become jobs."""
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
            held = self.held.holding(path, file_key)
            if held is not None:
                self.fail(checks.places(self.uses[path]), held, (path, None))
            elif hit is not None:
                self.results[path] = FileResult(**{**hit.__dict__, "cached": True})
            else:
                jobs.append(Job(file, file_key, dict(expressions), self.options.timeout))
        return jobs

    def fail(self, places: list[tuple[str, int]], message: str, about: tuple[str, str | None] | None = None) -> None:
        """Log ``message`` once, at the first place; every page showing ``about`` shows it too."""
        if about is not None:
            self.problems[about].append(message)
        (page, line), others = places[0], places[1:]
        if others:
            listed = ", ".join(f"{p}({n})" for p, n in others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
            message += f"\n(also used at {listed})"
        self.failures.append(Failure(page, line, message))

    # -- pages -------------------------------------------------------------------------------

    def render_page(self, page: str, markdown_text: str, language: str | None, to_root: str = "",
                    notebook_path: str | None = None) -> str:
        """The page's Markdown with snippets, claims and the report expanded (see pages.py)."""
        self.settle_page(f"{self.docs}/{page}")
        return pages.render_page(self, page, markdown_text, language, to_root, notebook_path)

    def settle_page(self, label: str) -> None:
        """The results a page shows are in, judged: its references, claims and notebook cells;
        all of them for a page with the build report (or one the plan did not read)."""
        found = self.marked.get(label)
        if found is None or found.reports:
            self.settle(list(self.files))
            return
        targets = [r.target for r in found.references] + [c.target for c in found.claims] + [c.target for c in self.cells.get(label, [])]
        self.settle(dict.fromkeys(t.path for t in targets))

    def literal(self, label: str, text: str) -> markup.CodeCheck:
        """Which spots of ``text`` (the page ``label``, or its body as MkDocs hands it to a
        hook) Markdown makes code; each page is rendered once per build."""
        return self._literal.check(self.texts.get(label, text), text, label)

    def claimed(self, item: markup.Claim) -> runner.SectionResult | None:
        result = self.results.get(item.target.path)
        return checks.claimed(result, item) if result is not None else None

    def problems_of(self, target: markup.Target) -> list[str]:
        """What every page showing ``target`` must show instead of (or beside) its output."""
        found = list(self.problems.get((target.path, None), []))
        result = self.results.get(target.path)
        ran = {s.name for s in result.sections} if result else set()
        for (path, section), messages in self.problems.items():
            if path != target.path or section is None:
                continue
            if section == target.section or (target.section is None and section in ran):
                found.extend(m for m in messages if m not in found)
        if not found and target.path not in self.results:
            found.append(f"{target.label}: did not run")
        return found
