# docexec_hook: the MkDocs glue; runs every referenced snippet once per build, pages render through the extension.
"""Listed under `hooks:` in mkdocs.yml. The work is done by the `docexec` package beside it: the
pages are expanded by its Markdown extension (docexec.extension, listed in mkdocs.yml for every
host, added here if not), which learns from this hook which page MkDocs renders and uses this
hook's build. What only MkDocs offers stays here: serve, strict, provenance, the report file,
the figures written after the build, and notebook pages (mkdocs-jupyter renders those itself)."""
from __future__ import annotations

import datetime
import json
import os
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import docexec
from docexec import codelines, host, net, pages, render, report, server
from docexec.cache import versions
from docexec.engine import Session
from docexec.errors import PageError, internal, summary
from docexec.extension import CSS, STYLES, DocexecExtension
from docexec.options import Options, SwitchError
import strict_mode

log = get_plugin_logger("docexec")
NAMES = ("docexec.extension", "docexec.extension:DocexecExtension")  # how mkdocs.yml may list the extension
SESSION = Session()  # module state outlives `mkdocs serve` rebuilds: memory cache, fork server
_command = "build"
_site_root = Path("site")
_options = Options()
_page: host.PageContext | None = None  # the page MkDocs is rendering, for the extension


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_config(config: MkDocsConfig) -> None:
    strict_mode.apply(config)  # first: from here on every warning counts under --strict, -q and -v too
    # Checked first, before any work: MkDocs prints a PluginError as one ERROR line and exits 1
    # (at `serve` start-up too); any other exception would be a traceback.
    global _options
    try:
        _options = Options.from_environment()
    except SwitchError as error:
        raise PluginError(f"docexec: {error}") from None
    engine = Path(docexec.__file__).resolve().parent
    if engine != Path(__file__).resolve().parent / "docexec":  # mkdocs.yml's extension loaded another copy
        raise PluginError(f"docexec: the engine was imported from {engine}, not from this project's hooks/docexec: "
                          "install this project's (`make install`, or `pip install -e .` here)")
    if not _nested(config):
        # References and claims in what this site's Markdown makes code stay literal (codelines.py).
        SESSION.setup = codelines.Setup.of(config.markdown_extensions, config.mdx_configs)
        # The first event with the config: if a snippet will run, start the fork server now, so
        # that its torch import overlaps the rest of MkDocs' start-up (themes, plugins, i18n).
        try:
            if SESSION.plan(_root(config), Path(config.docs_dir), _options, _includes(config), _translations(config)):
                server.warm()
        except Exception:  # noqa: BLE001 - on_pre_build plans again and reports what went wrong
            pass
    # Pages carry the build date (mkdocs' theme, sitemap); pinning it to the sources' date
    # keeps two builds of one commit byte-identical.
    if "SOURCE_DATE_EPOCH" not in os.environ:
        os.environ["SOURCE_DATE_EPOCH"] = str(source_date(Path(config.config_file_path).resolve().parent))
    # What produced the outputs, for the theme to show on every page (overrides/main.html).
    built = datetime.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), datetime.timezone.utc)
    config.extra["provenance"] = {**versions(), "date": built.strftime("%Y-%m-%d")}
    if CSS not in config.extra_css:
        config.extra_css.append(CSS)
    _use_extension(config)


def _use_extension(config: MkDocsConfig) -> None:
    """The extension renders every page, with this build: the one mkdocs.yml lists (its options
    kept, its place too) or, for a site that lists none, one added after the site's own."""
    extensions = config.markdown_extensions
    for index, extension in enumerate(extensions):
        if isinstance(extension, DocexecExtension):
            return
        if isinstance(extension, str) and extension in NAMES:
            options = dict(config.mdx_configs.pop(extension, {}) or {})
            extensions[index] = DocexecExtension(**{**options, "session": SESSION})
            return
    extensions.append(DocexecExtension(session=SESSION))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if files.get_file_from_path(CSS) is None:
        files.append(File.generated(config, CSS, abs_src_path=str(STYLES)))
    return files


def source_date(root: Path) -> int:
    """The last commit's date; outside git, the newest mtime of the sources."""
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, timeout=10)
        if done.returncode == 0 and done.stdout.strip():
            return int(done.stdout.strip())
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    sources = [p for folder in ("docs", "snippets") for p in (root / folder).rglob("*") if p.is_file()]
    return int(max((p.stat().st_mtime for p in sources), default=0))


def _nested(config: MkDocsConfig) -> bool:
    # mkdocs-static-i18n builds the other languages from inside the first build's on_post_build.
    i18n = config.plugins.get("i18n")
    return bool(getattr(i18n, "building", False))


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _includes(config: MkDocsConfig) -> bool:
    return "pymdownx.snippets" in config.markdown_extensions


def _translations(config: MkDocsConfig) -> list[str]:
    """The languages other than the default (mkdocs-static-i18n's suffixes): x.en.md is x.md's twin."""
    i18n = config.plugins.get("i18n")
    languages = getattr(getattr(i18n, "config", None), "languages", None) or []
    return [language.locale for language in languages if not language.default]


def _language(config: MkDocsConfig) -> str | None:
    i18n = config.plugins.get("i18n")
    return getattr(i18n, "current_language", None) or config.theme.get("language")


def on_pre_build(config: MkDocsConfig) -> None:
    if _nested(config):
        return  # every language's pages were scanned and run by the first language's build
    try:
        # The files run while MkDocs renders the pages; a page waits only for the ones it shows.
        failures = SESSION.start(_root(config), Path(config.docs_dir), _options, _includes(config), _translations(config))
    except Exception as error:  # noqa: BLE001 - a bug of docexec's own must not stop `mkdocs serve`
        failures = [internal(error, "while running the snippets")]
        SESSION.failures = failures
    for section in SESSION.stale:
        log.warning(str(section))  # fails a --strict build (CI, the Pages deploy); `serve` keeps going
    if failures:  # the pages are broken already: report everything now, as one list
        _finished()


def on_env(env: object, config: MkDocsConfig, files: Files) -> None:
    # Every page of the first language has rendered (MkDocs renders all before it writes any),
    # so every file has been waited for: the build's verdict comes before anything is written.
    if not _nested(config) and not SESSION.finished:
        _finished()


def _finished() -> None:
    try:
        failures = SESSION.finish()
    except Exception as error:  # noqa: BLE001 - a bug of docexec's own must not stop `mkdocs serve`
        failures = [internal(error, "while running the snippets")]
        SESSION.failures = failures
    for path in SESSION.recorded:
        log.info(f"recorded {path}")
    log.info(SESSION.tally())
    if not failures:
        return
    text = summary(failures)
    if _command == "serve":
        log.error(text)  # keep serving; the pages show the failures where they happen
        return
    raise PluginError(f"docexec: {text}")


def _rendering(md: object) -> host.PageContext | None:
    return _page


host.register(_rendering)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> None:
    # The extension, run by page.render right after this event, renders this page.
    global _page
    _page = host.PageContext(page.file.src_uri, page.url, _language(config), site_dir=None, on_failure=_failed)


def _failed(error: PageError) -> None:
    """A page that failed: the build stops at it (MkDocs names the page); serve shows it and keeps serving."""
    if _command != "serve":
        raise PluginError(f"docexec: {error}") from error
    log.error(str(error))


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    global _page
    _page = None
    if not page.file.src_uri.endswith(".ipynb"):
        return None  # Markdown pages were expanded and checked by the extension
    # mkdocs-jupyter renders notebook pages itself: their failing cells are marked in its HTML.
    label = f"{SESSION.docs}/{page.file.src_uri}"
    SESSION.settle_page(label)  # the results its cells show are in, judged
    html = pages.notebook_page_failures(SESSION, label, html, _language(config))
    # Fail closed: markup still shown as prose was neither run nor checked, whatever the reason.
    raw = net.published(label, SESSION.texts.get(label, ""), html, SESSION.cell_lines.get(label))
    if not raw:
        return html
    SESSION.failures.extend(raw)
    if _command != "serve":
        raise PluginError(f"docexec: {summary(raw)}")
    log.error(summary(raw))
    return render.failures_html([str(f) for f in raw], _language(config)) + html


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: object) -> dict:
    # The other torch versions on which this page's outputs and statements were checked, for
    # the provenance line (overrides/main.html); pages without code get none.
    also = pages.verified_on(SESSION, f"{SESSION.docs}/{page.file.src_uri}", _language(config))
    if also:
        page.meta["docexec_verified_on"] = also
    return context


def on_post_build(config: MkDocsConfig) -> None:
    # Figures of every language go to the site's root (pages link there), each written once.
    global _site_root
    if not _nested(config):
        _site_root = Path(config.site_dir)
    written = {**SESSION.figures, **{path: text.encode() for path, text in SESSION.notebooks.items()}}
    for path, content in written.items():
        target = _site_root / path
        if not target.exists() or target.read_bytes() != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    if _nested(config):
        return
    target = _site_root / "docexec-report.json"
    data = report.data(SESSION.results, SESSION.failures, SESSION.recorded, SESSION.seconds, SESSION.stale)
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def on_shutdown() -> None:
    server.shutdown()


