# incremental: which pages a save changes, so `mkdocs serve` rebuilds only those (issue 17).
"""Host-neutral decisions; serve_incremental.py (the MkDocs glue) acts on them.

A rebuild is either *clean* (every page, from an empty site directory: the first build, a
changed mkdocs.yml, theme override or hook, a page added or removed, a page's title or front
matter changed, any watched file outside the pages and the snippets) or *incremental*: the
pages whose source changed, plus every page whose engine inputs changed (the code and results
of the snippet files it shows or claims, their problems, its own problems, e.g. a twin out of
step), plus the pages holding the build report. A changed file under snippets/ that is neither
a snippet file nor a file some run read (a file pymdownx.snippets includes, say) has unknown
readers: then every page is rebuilt."""
from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only read, never imported at run time: the engine does not depend on this module
    from .engine import Session

State = tuple[int, int]  # (mtime in ns, size): a save changes at least the first
PAGES = (".md", ".ipynb")


def snapshot(roots: list[Path]) -> dict[str, State]:
    """Every regular file under ``roots`` (files or folders), by absolute normalised path."""
    found: dict[str, State] = {}
    for root in roots:
        if root.is_file():
            found[os.path.realpath(root)] = _state(root)
            continue
        # The folder's real path, its files' names as they are inside it (how a page's File is
        # compared: its docs_dir's real path and its own path in it).
        for folder, dirs, names in os.walk(os.path.realpath(root)):
            dirs[:] = [d for d in dirs if d not in ("__pycache__", ".git")]
            for name in names:
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue  # removed meanwhile, or a dangling link
                if S_ISREG(stat.st_mode):
                    found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def _state(path: Path) -> State:
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size)


def head(path: str) -> str | None:
    """What MkDocs takes a page's title and metadata from: its front matter and its first H1.
    A notebook's title comes from elsewhere; it has none here."""
    if not path.endswith(".md"):
        return None
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError:
        return None
    lines = text.split("\n")
    front = ""
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), 0)
        front, lines = "\n".join(lines[: end + 1]), lines[end + 1:]
    first = next((line.strip() for line in lines if line.startswith("# ")), "")
    return front + "\n" + first


@dataclass
class Change:
    """What one save changed: a reason for a clean rebuild, or the changed paths."""

    clean: str | None  # why every page is rebuilt from scratch; None: incremental
    changed: list[str] = field(default_factory=list)  # absolute paths, modified since the last build


def classify(before: dict[str, State] | None, after: dict[str, State], heads: dict[str, str | None],
             docs_dir: Path, snippets_dir: Path, config_file: Path) -> Change:
    """Compare two snapshots. ``heads`` (page path -> head() at the last build) is brought up
    to date for the pages that changed."""
    if before is None:
        return Change("first build")
    docs, snippets = os.path.realpath(docs_dir), os.path.realpath(snippets_dir)
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(p for p in set(after) & set(before) if after[p] != before[p])
    for path in added + removed:
        if _under(path, docs):
            return Change(f"{_name(path, docs_dir)} {'added' if path in added else 'removed'}")
        if not _under(path, snippets):
            return Change(f"{path} {'added' if path in added else 'removed'}")
    for path in changed:
        if path == os.path.realpath(config_file):
            return Change(f"{config_file.name} changed")
        if not (_under(path, docs) or _under(path, snippets)):
            return Change(f"{path} changed")  # a theme override, a hook, anything else watched
        if _under(path, docs) and path.endswith(PAGES):
            now = head(path)
            if path in heads and heads[path] != now:
                heads[path] = now
                return Change(f"the title or front matter of {_name(path, docs_dir)} changed")
            heads[path] = now
    return Change(None, changed + added + removed)


def _under(path: str, folder: str) -> bool:
    return path.startswith(folder + os.sep)


def _name(path: str, docs_dir: Path) -> str:
    return f"{docs_dir.name}/{Path(os.path.relpath(path, docs_dir.resolve())).as_posix()}"


def page_digests(session: Session) -> dict[str, str]:
    """Page label (docs/x.md) -> a digest of everything the engine puts on that page besides
    its own source: the code, results and problems of the snippet files it shows or claims,
    the problems of its claims and the page's own problems (a twin out of step)."""
    files: dict[str, str] = {}
    digests = {}
    for label, found in session.marked.items():
        paths = {ref.target.path for ref in found.references} | {item.target.path for item in found.claims}
        paths |= {cell.target.path for cell in session.cells.get(label, [])}
        parts = [f"{path}:{files.setdefault(path, _file_digest(session, path))}" for path in sorted(paths)]
        parts += sorted(f"{key}:{message}" for key, message in session.claim_problems.items() if key[0] == label)
        parts += session.page_problems.get(label, [])
        digests[label] = _hash("\n".join(parts))
    return digests


def _file_digest(session: Session, path: str) -> str:
    file = session.files.get(path)
    result = session.results.get(path)
    shown = None
    if result is not None:  # how long it took, whether it came from the cache, its cache key and
        # the state of the files it read show on no page: a re-run that prints the same changes nothing
        sections = [dataclasses.replace(s, duration=0.0) for s in result.sections]
        shown = dataclasses.replace(result, sections=sections, duration=0.0, cached=False, key="", inputs={})
    problems = sorted((str(section), message) for (where, section), messages in session.problems.items()
                      if where == path for message in messages)
    return _hash(repr((file.text if file else None, shown, problems)))


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def known_inputs(session: Session) -> set[str]:
    """Project paths (relative to the root, posix) whose change the digests follow: every
    snippet file and every file a run read."""
    known = {file.path for file in session.files.values()}
    for result in session.results.values():
        known |= set(result.inputs)
    return known


def report_pages(session: Session) -> set[str]:
    """Pages holding the build report: it lists every page and file, so it follows every change."""
    return {label for label, found in session.marked.items() if found.reports}
