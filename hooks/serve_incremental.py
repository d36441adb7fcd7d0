# serve_incremental: under `mkdocs serve`, a save rebuilds only the pages it changes (issue 17).
"""Listed under `hooks:` after docexec_hook.py. Outside `serve` (and under `serve --dirty`,
MkDocs' own mode) it does nothing. The decisions are docexec/incremental.py's; here is how
MkDocs 1.6 and mkdocs-static-i18n 1.x are made to act on them:

- serve's builder and i18n's nested build of the other languages both call
  ``mkdocs.commands.build.build`` by a name they imported; both names are pointed at one
  wrapper, which snapshots the watched files, decides clean or incremental once per save and
  passes ``dirty`` to every language's build alike (i18n alone reads ``--dirty`` from argv).
- A dirty build renders only pages whose ``File.is_modified()`` is true; for pages that answer
  is ours (static files keep MkDocs' own mtime test).
- A page not rendered has no title or metadata, so the nav, the footer's previous/next links
  and the search index of the rendered pages would lose it: its title and metadata from the
  build that last rendered it are put back, and so are its search entries, in the order a
  full build writes them."""
from __future__ import annotations

import functools
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mkdocs.commands.build
import mkdocs.commands.serve
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

import serve_reuse
from docexec import incremental, server
from docexec.engine import Session

log = get_plugin_logger("serve")
REAL_BUILD = mkdocs.commands.build.build
REAL_IS_MODIFIED = File.is_modified
ALL = "all"  # every page is rendered (within a dirty build: the site directory is kept)
# MkDocs' words for `--dirty` (inaccurate nav, stale files): ours keeps the nav and the site right
QUIET = ("A 'dirty' build is being performed", "The directory contains stale files")


@dataclass
class State:
    baseline: dict[str, incremental.State] | None = None  # the watched files when the last good build began
    heads: dict[str, str | None] = field(default_factory=dict)  # page -> its title and front matter then
    digests: dict[str, str] = field(default_factory=dict)  # page label -> engine inputs then
    known: set[str] = field(default_factory=set)  # snippet files and files runs read, then
    change: incremental.Change | None = None  # this save's, while its builds run
    pages: set[str] | str | None = None  # the sources to render; None: MkDocs decides (clean build)
    nested = 0
    broken = False  # the last build raised (MkDocs logs it; serve keeps serving what was there)
    shown: dict[str, tuple[Any, dict]] = field(default_factory=dict)  # page.url -> (title, meta) last rendered
    entries: dict[str, list[dict]] = field(default_factory=dict)  # page.url -> its search entries then
    files: Files | None = None  # the current language build's files
    rendered = 0
    total = 0


STATE = State()


def on_startup(command: str, dirty: bool) -> None:
    if command == "serve" and not dirty:
        _install()


def on_shutdown() -> None:
    _uninstall()


def _targets() -> list[Any]:
    # i18n is loaded with the config, before on_startup; its module keeps its own name for build
    return [mkdocs.commands.serve, *[m for m in [sys.modules.get("mkdocs_static_i18n.plugin")] if m is not None]]


def _install() -> None:
    for module in _targets():
        module.build = _build
    File.is_modified = _is_modified  # type: ignore[method-assign]
    logging.getLogger("mkdocs.commands.build").addFilter(_quiet)
    serve_reuse.install()


def _uninstall() -> None:
    for module in _targets():
        if getattr(module, "build", None) is _build:
            module.build = REAL_BUILD
    File.is_modified = REAL_IS_MODIFIED  # type: ignore[method-assign]
    logging.getLogger("mkdocs.commands.build").removeFilter(_quiet)
    serve_reuse.uninstall()


def _quiet(record: logging.LogRecord) -> bool:
    return not (STATE.nested and str(record.msg).startswith(QUIET))


def _build(config: MkDocsConfig, *, serve_url: str | None = None, dirty: bool = False) -> None:
    if STATE.nested:  # i18n building another language inside this save's build: same decision
        STATE.nested += 1
        try:
            return REAL_BUILD(config, serve_url=serve_url, dirty=STATE.change is not None and STATE.change.clean is None)
        finally:
            STATE.nested -= 1
    now = incremental.snapshot(_watched(config))
    root = Path(config.config_file_path).resolve().parent
    change = incremental.classify(STATE.baseline, now, STATE.heads, Path(config.docs_dir), root / "snippets",
                                  Path(config.config_file_path))
    if STATE.broken:  # what the failed build left in the site directory is unknown
        change = incremental.Change("the last build failed")
    if change.clean is not None:
        STATE.heads = {path: incremental.head(path) for path in now if path.endswith(incremental.PAGES)}
        serve_reuse.forget()
    STATE.change, STATE.pages = change, None
    STATE.rendered = STATE.total = 0
    STATE.nested += 1
    STATE.broken = True
    try:
        REAL_BUILD(config, serve_url=serve_url, dirty=change.clean is None)
    finally:
        STATE.nested -= 1
        STATE.change, STATE.pages = None, None
    STATE.baseline, STATE.broken = now, False
    session = _session(config)
    if change.clean == "first build" and session is not None and session.files:
        # Nothing ran (all from the cache), so no torch was imported: import it now, in the fork
        # server, while the author reads, not on their first snippet save (1.2 s and more).
        server.warm()
    log.info(f"rendered {STATE.rendered} of {STATE.total} pages ({_why(change, root)})")


def _why(change: incremental.Change, root: Path) -> str:
    if change.clean:
        return f"full rebuild: {change.clean}"
    names = [Path(os.path.relpath(path, root)).as_posix() for path in change.changed]
    return f"{', '.join(names)} changed" if 0 < len(names) <= 3 else f"{len(names)} files changed"


def _watched(config: MkDocsConfig) -> list[Path]:
    # What `mkdocs serve` itself watches (docs, mkdocs.yml, `watch:`), plus a theme's custom_dir.
    paths = [Path(config.docs_dir), Path(config.config_file_path), *map(Path, config.watch)]
    custom = config.theme.custom_dir
    return [p for p in paths + ([Path(custom)] if custom else []) if p.exists()]


def _is_modified(self: File) -> bool:
    if STATE.pages is None or not self.is_documentation_page() or self.abs_src_path is None:
        return REAL_IS_MODIFIED(self)
    where = os.path.join(_real(self.src_dir), self.src_uri) if self.src_dir else os.path.realpath(self.abs_src_path)
    return STATE.pages == ALL or os.path.normpath(where) in STATE.pages


@functools.lru_cache(maxsize=16)
def _real(folder: str) -> str:
    return os.path.realpath(folder)  # once per docs_dir, not once per page


@event_priority(-50)  # after docexec_hook's on_pre_build: its session has planned this save and started its run
def on_pre_build(config: MkDocsConfig) -> None:
    change = STATE.change
    if change is None or change.clean is not None or STATE.nested != 1 or STATE.pages is not None:
        return  # not serving; a clean build (every page renders); or i18n's nested build (decided in the first)
    root = Path(config.config_file_path).resolve().parent
    session = _session(config)
    if session is not None:
        # Which pages show something new is known once the files this save re-runs are judged:
        # wait for them here (a serve save re-runs few), before MkDocs picks the pages to render.
        session.settle(list(session.files))
    digests = incremental.page_digests(session) if session else {}
    known = incremental.known_inputs(session) | STATE.known if session else set()
    STATE.pages = _pages(change.changed, root, Path(config.docs_dir).resolve(), session, digests, known)


def _pages(changed: list[str], root: Path, docs: Path, session: Session | None, digests: dict[str, str],
           known: set[str]) -> set[str] | str:
    pages = {path for path in changed if path.startswith(str(docs) + os.sep) and path.endswith(incremental.PAGES)}
    for path in changed:
        relative = Path(os.path.relpath(path, root)).as_posix()
        if not path.startswith(str(docs) + os.sep) and relative not in known:
            return ALL  # who reads this file is unknown (a file pymdownx.snippets includes, say)
    if session is not None:
        moved = {label for label, digest in digests.items() if STATE.digests.get(label) != digest}
        moved |= incremental.report_pages(session) if changed else set()
        pages |= {os.path.normpath(root / label) for label in moved}
    return pages


def _session(config: MkDocsConfig) -> Session | None:
    """docexec_hook's session, found among the loaded hooks (importing the hook would load a second copy)."""
    for plugin in config.plugins.values():
        session = getattr(plugin, "SESSION", None)
        if isinstance(session, Session):
            return session
    return None


@event_priority(-50)  # after docexec_hook's on_env: every file of the save has been run and judged
def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    STATE.files = files
    if STATE.change is None:
        return env
    session = _session(config)
    if STATE.nested == 1 and session is not None:  # what the next save is compared with
        STATE.digests, STATE.known = incremental.page_digests(session), incremental.known_inputs(session)
    for file in files.documentation_pages():
        page = file.page
        if page is not None and page.markdown is None and page.url in STATE.shown:
            page.title, meta = STATE.shown[page.url]  # the nav, the footer and the search index name it
            page.meta = dict(meta)
    return env


@event_priority(50)  # before search writes its index and i18n collects the entries of each language
def on_post_build(config: MkDocsConfig) -> None:
    if STATE.change is None or STATE.files is None:
        return
    index = _search_entries(config)
    fresh: dict[str, list[dict]] = {}
    for entry in index if index is not None else []:
        fresh.setdefault(entry["location"].split("#", 1)[0], []).append(entry)
    ordered: list[dict] = []
    for file in STATE.files.documentation_pages():
        page = file.page
        if page is None:
            continue
        STATE.total += 1
        if page.markdown is not None:  # rendered by this build
            STATE.rendered += 1
            STATE.shown[page.url] = (page.title, dict(page.meta))
            STATE.entries[page.url] = fresh.pop(page.url, [])  # search locates entries by page.url ("" for ./)
        ordered += STATE.entries.get(page.url, [])
    if index is not None:
        index[:] = ordered + [entry for entries in fresh.values() for entry in entries]


def _search_entries(config: MkDocsConfig) -> list[dict] | None:
    for name in ("search", "material/search"):
        search_index = getattr(config.plugins.get(name), "search_index", None)
        for attribute in ("entries", "_entries"):  # Material's SearchIndex, MkDocs' own
            entries = getattr(search_index, attribute, None)
            if isinstance(entries, list):
                return entries
    return None

