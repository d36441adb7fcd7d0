# extension: a Python-Markdown extension that renders a page's snippets and claims from a build's results.
"""For any host that renders Markdown with Python-Markdown (Zensical, a static-site script, a
test): the core runs and checks once, then each page is rendered with plain

    session = Session(); session.build(root, root / "docs", Options.from_environment())
    html = markdown.markdown(text, extensions=[DocexecExtension(session=session, page="index.md", language="en")])

Without ``session`` the extension builds one itself from ``root`` (the project folder, where
``snippets/`` and ``mkdocs.yml`` live) the first time it is used. Figures the page shows are
left in ``session.figures`` (site path -> PNG) for the host to write.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from . import pages
from .anchors import ClaimFreeIds
from .engine import Session
from .errors import DocexecError, summary
from .options import Options, Site

# What the rendered Markdown is written in: fences with attributes, admonitions, folds, figures.
NEEDED = ["pymdownx.superfences", "pymdownx.highlight", "admonition", "pymdownx.details", "attr_list", "md_in_html"]


class DocexecExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            # Not None: Python-Markdown would read a None default as a flag and make it a bool.
            "session": ["", "a built docexec Session; empty: build one from root"],
            "root": [".", "the project folder (snippets/ and mkdocs.yml), used when no session is given"],
            "page": ["index.md", "the page's path inside the docs folder (messages and claims name it)"],
            "language": ["en", "the page's language (labels of outputs and failures)"],
            "to_root": ["", "the path from the page to the site root (where figures are)"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.registerExtensions([name for name in NEEDED if name not in _loaded(md)], {})
        ClaimFreeIds().extendMarkdown(md)
        md.preprocessors.register(_Expand(md, self), "docexec", 35)  # before fenced blocks (superfences: 32)

    def session(self) -> Session:
        session = self.getConfig("session")
        if not isinstance(session, Session):
            session = _built(str(Path(self.getConfig("root")).resolve()))
            self.setConfig("session", session)
        return session


class _Expand(Preprocessor):
    def __init__(self, md: Markdown, extension: DocexecExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        get = self.extension.getConfig
        text = pages.render_page(self.extension.session(), get("page"), "\n".join(lines), get("language"), get("to_root"))
        return text.split("\n")


_BUILT: dict[str, Session] = {}


def _built(root: str) -> Session:
    """One build per project and process, shared by every page the host renders."""
    if root not in _BUILT:
        site = Site.read(Path(root) / "mkdocs.yml")
        session = Session()
        failures = session.build(Path(root), site.docs_dir, Options.from_environment(), site.includes, site.languages)
        if failures:  # a host builds pages that must hold: fail as a strict build does
            raise DocexecError(failures[0].file, failures[0].line, summary(failures))
        _BUILT[root] = session
    return _BUILT[root]


def _loaded(md: Markdown) -> set[str]:
    names = {type(e).__module__ for e in md.registeredExtensions}
    return {n.removeprefix("markdown.extensions.") for n in names}


def makeExtension(**kwargs: Any) -> DocexecExtension:  # noqa: N802 - Python-Markdown's entry point
    return DocexecExtension(**kwargs)
