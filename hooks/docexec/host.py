# host: which page the host is rendering (its source, address, language, site folder), whoever the host is.
"""The extension renders each page with what it learns here. Hosts answer in this order: a
provider registered by the host's glue (the MkDocs hook; Zensical's page context), then the
extension's own options (plain ``markdown.markdown``, a script, a test)."""
from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markdown import Markdown

from .errors import PageError


@dataclass(frozen=True)
class PageContext:
    source: str  # the page's file inside the docs folder, as it is on disk: norms.en.md
    url: str  # its address from the site root: "en/norms/"; "" for the home page
    language: str | None  # labels of outputs and failures; None: the site's default language
    site_dir: Path | None  # where the site is written (figures, notebooks); None: the host writes them
    root: Path | None = None  # the project folder (mkdocs.yml, snippets/); None: the extension's root option
    # What a failing page does. None: the extension raises the PageError (a build stops at the
    # page). Else it is called with it: it may raise (a strict build, in the host's own error
    # type) or return, and the page then shows the failure in place (a live server keeps serving).
    on_failure: Callable[[PageError], None] | None = None

    @property
    def to_root(self) -> str:
        """From the page's address to the site root: 'en/norms/' -> '../../'."""
        return "../" * self.url.count("/")

    @property
    def notebook(self) -> str:
        """The page's notebook, beside its HTML: en/norms/ -> en/norms/norms.ipynb, a.html -> a.ipynb."""
        stem = posixpath.basename(self.source).split(".")[0]
        folder = self.url if self.url.endswith("/") or not self.url else posixpath.dirname(self.url) + "/"
        return f"{folder.lstrip('/')}{stem}.ipynb"


Provider = Callable[[Markdown], "PageContext | None"]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    """A host's glue tells the extension which page is rendering; registering twice is harmless."""
    if provider not in _PROVIDERS:
        _PROVIDERS.insert(0, provider)


def unregister(provider: Provider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def current(md: Markdown) -> PageContext | None:
    """The page ``md`` is rendering, from the first provider that knows; None: use the options."""
    for provider in _PROVIDERS:
        page = provider(md)
        if page is not None:
            return page
    return None
