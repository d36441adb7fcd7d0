# extension: the one rendering path: a Python-Markdown extension that expands each page from a build's results.
"""Every host renders the site's pages through it: MkDocs (the hook tells it the page and hands it
the build), Zensical (its page context), plain ``markdown.markdown`` (a script, a test):

    session = Session(); session.build(root, root / "docs", Options.from_environment())
    html = markdown.markdown(text, extensions=[DocexecExtension(session=session, page="index.md", language="en")])

Without ``session`` the extension builds one itself from ``root`` (the project folder, where
``snippets/`` and ``mkdocs.yml`` live) the first time it is used. The page comes from the host
(host.py), else from the options. A preprocessor expands the page (first, before any other
preprocessor reads it); a postprocessor (last) fails a page whose HTML still shows a reference
or a claim as text, so no host that runs the extension publishes the markup raw. Figures and the
page's notebook are left in ``session.figures`` / ``session.notebooks`` for the host to write,
or written into the page context's ``site_dir`` with the engine's CSS (hosts without MkDocs'
events).
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from . import host, net, pages, render
from . import zensical  # noqa: F401 - registers the provider of Zensical's page context
from .anchors import ClaimFreeIds
from .engine import Session
from .errors import DocexecError, PageError, internal, summary
from .options import Options, Site

# What the rendered Markdown is written in: fences with attributes, admonitions, folds, figures.
NEEDED = ["pymdownx.superfences", "pymdownx.highlight", "admonition", "pymdownx.details", "attr_list", "md_in_html"]
CSS = "assets/docexec.css"  # the engine's styles (claims, figures, long outputs), served with the site
STYLES = Path(__file__).with_name("docexec.css")


class DocexecExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            # Not None: Python-Markdown would read a None default as a flag and make it a bool.
            "session": ["", "a built docexec Session; empty: build one from root"],
            "root": [".", "the project folder (snippets/ and mkdocs.yml), used when no session is given"],
            "page": ["index.md", "the page's path inside the docs folder (messages and claims name it)"],
            "url": ["", "the page's address from the site root, e.g. en/norms/ (links to figures, notebook)"],
            "language": ["en", "the page's language (labels of outputs and failures)"],
            "to_root": ["", "the path from the page to the site root; empty: from url"],
            "site_dir": ["", "where to write the figures, the notebook and the CSS; empty: the host writes them"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.registerExtensions([name for name in NEEDED if name not in _loaded(md)], {})
        ClaimFreeIds().extendMarkdown(md)
        rendering = _Rendering(self)
        md.preprocessors.register(_Expand(md, rendering), "docexec", 35)  # before fenced blocks (superfences: 32)
        md.treeprocessors.register(_Done(md, rendering), "docexec_done", -1000)  # after every other
        md.postprocessors.register(_Published(md, rendering), "docexec_published", -100)  # after every other

    def session(self, root: Path | None = None) -> Session:
        """The build the pages show: the one given, else one built once from the project (the
        host's root, else the root option)."""
        session = self.getConfig("session")
        if not isinstance(session, Session):
            session = _built(str((root or Path(self.getConfig("root"))).resolve()))
            self.setConfig("session", session)
        return session

    def page(self, md: Markdown) -> tuple[host.PageContext, str]:
        """The page being rendered and the path from it to the site root: the host's, else the options'."""
        found = host.current(md)
        if found is not None:
            return found, found.to_root
        get = self.getConfig
        site_dir = get("site_dir")
        page = host.PageContext(get("page"), get("url"), get("language") or None, Path(site_dir) if site_dir else None)
        return page, get("to_root") or page.to_root


@dataclass
class _Rendering:
    """One Markdown instance's page, from its preprocessor to its postprocessor."""

    extension: DocexecExtension
    page: host.PageContext | None = None
    session: Session | None = None
    label: str = ""
    text: str = ""
    done: bool = False  # the tree is final: postprocessors now run on the whole page, not a heading's text

    def fail(self, error: PageError) -> None:
        """Raise, unless the host shows failures on the page and keeps going (a live server)."""
        assert self.page is not None
        if self.page.on_failure is None:
            raise error
        self.page.on_failure(error)


class _Expand(Preprocessor):
    def __init__(self, md: Markdown, rendering: _Rendering) -> None:
        super().__init__(md)
        self.rendering = rendering

    def run(self, lines: list[str]) -> list[str]:
        state = self.rendering
        state.page, to_root = page, to_root = state.extension.page(self.md)
        state.session, state.done = None, False
        text = "\n".join(lines)
        try:
            session = state.session = state.extension.session(page.root)
            source = staged(session, page.source, page.language)
            state.label, state.text = f"{session.docs}/{source}", text
            expanded = session.render_page(source, text, page.language, to_root, page.notebook)  # waits for its files
        except Exception as error:  # noqa: BLE001 - a failure of the page, or a bug, named at the page
            failure = error.failure if isinstance(error, DocexecError) else internal(error, f"while rendering {page.source}")
            failed = error if isinstance(error, PageError) else PageError([failure], str(failure))
            if state.session is not None:
                state.session.failures.extend(failed.failures)
            state.fail(failed)
            return (text + "\n\n" + render.failures([str(f) for f in failed.failures], page.language)).split("\n")
        if page.site_dir is not None:
            _write(page.site_dir, session, page.notebook)
        return expanded.split("\n")


class _Done(Treeprocessor):
    """toc (and MkDocs' title) run the postprocessors on each heading's text before the page's
    own pass: the check waits for the whole page."""

    def __init__(self, md: Markdown, rendering: _Rendering) -> None:
        super().__init__(md)
        self.rendering = rendering

    def run(self, root: Element) -> None:
        self.rendering.done = True


class _Published(Postprocessor):
    """Fail closed: markup still shown as prose was neither run nor checked, whatever the reason."""

    def __init__(self, md: Markdown, rendering: _Rendering) -> None:
        super().__init__(md)
        self.rendering = rendering

    def run(self, text: str) -> str:
        state = self.rendering
        if state.page is None or state.session is None or not state.done:  # no build: that failure is reported
            return text
        raw = net.published(state.label, state.session.texts.get(state.label, state.text), text)
        if not raw:
            return text
        state.session.failures.extend(raw)
        state.fail(PageError(raw, summary(raw)))
        return render.failures_html([str(f) for f in raw], state.page.language) + text


def staged(session: Session, source: str, language: str | None) -> str:
    """The page's file on disk. A host that stages each language under the default language's
    names (norms.md in the en build) gives that name: it maps back to norms.en.md when that exists."""
    if language not in session.languages or not source.endswith(".md") or pages.language_of(source, session.languages):
        return source
    twin = f"{source.removesuffix('.md')}.{language}.md"
    return twin if f"{session.docs}/{twin}" in session.texts else source


def _write(site_dir: Path, session: Session, notebook: str) -> None:
    """Hosts without MkDocs' events: the figures, the page's notebook and the CSS, into the site."""
    written = {**session.figures, CSS: _styles()}
    if notebook in session.notebooks:
        written[notebook] = session.notebooks[notebook].encode()
    for path, content in written.items():
        target = site_dir / path
        if _WRITTEN.get(target) == content and target.exists():
            continue  # every page writes what the pages before it produced: read each file once
        if not target.exists() or target.read_bytes() != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        _WRITTEN[target] = content


_WRITTEN: dict[Path, bytes] = {}


def _styles() -> bytes:
    if not _STYLES:
        _STYLES.append(STYLES.read_bytes())
    return _STYLES[0]


_STYLES: list[bytes] = []
_BUILT: dict[str, Session] = {}


def _built(root: str) -> Session:
    """One build per project and process, shared by every page the host renders."""
    if root not in _BUILT:
        site = Site.read(Path(root) / "mkdocs.yml")
        session = Session()
        failures = session.build(Path(root), site.docs_dir, Options.from_environment(), site.includes, site.languages)
        if failures:  # a host builds pages that must hold: fail as a strict build does
            raise PageError(failures, summary(failures))
        _BUILT[root] = session
    return _BUILT[root]


def _loaded(md: Markdown) -> set[str]:
    names = {type(e).__module__ for e in md.registeredExtensions}
    return {n.removeprefix("markdown.extensions.") for n in names}


def makeExtension(**kwargs: Any) -> DocexecExtension:  # noqa: N802 - Python-Markdown's entry point
    return DocexecExtension(**kwargs)
