# zensical: the page Zensical (and zensical-i18n) is rendering, for the extension, from Zensical's page context.
"""Zensical has no plugin API: it runs the Python-Markdown extensions listed in
``markdown_extensions``, one ``Markdown`` per page, and leaves the page and the resolved config in
a preprocessor (``zensical.extensions.context.ContextPreprocessor``). Importing this module
registers a provider that reads it; under any other host it answers None.

zensical-i18n builds each language as its own site from a staged copy of the docs
(``.zensical-i18n/docs/en/norms.md`` is ``docs/norms.en.md``), into its own site folder
(``.zensical-i18n/site/en/``, moved to ``site/en/`` afterwards): the page's source is mapped
back to the file on disk, and its links start from the root of the site being written, where
its figures and notebooks go too."""
from __future__ import annotations

import functools
from pathlib import Path, PurePosixPath
from typing import Any

from markdown import Markdown

from . import host
from .options import Site

STAGED = Path(".zensical-i18n", "docs")  # zensical-i18n's staged docs, one folder per language


def page_context(md: Markdown) -> host.PageContext | None:
    """The page ``md`` renders under Zensical; None under any other host."""
    try:
        from zensical.extensions.context import ContextPreprocessor
    except ImportError:  # Zensical is not installed: not the host
        return None
    context = ContextPreprocessor.from_markdown(md)
    if context is None:  # Zensical is installed but someone else renders (MkDocs, a script)
        return None
    config: dict[str, Any] = context.config
    root = Path(config["root_dir"]).resolve()
    site = _site(root)
    locale = _staged_locale(root, root / config["docs_dir"])
    source = _source(context.page.path, locale, site)
    language = locale or _suffix(source, site) or (config.get("theme") or {}).get("language")
    return host.PageContext(source=source, url=_link_base(context.page.path), language=language,
                            site_dir=(root / config["site_dir"]).resolve(), root=root)


def _link_base(staged: str) -> str:
    """Where the page's relative links start from. Zensical resolves them from the page's source
    file, raw HTML too, and rewrites them for the page's real address: norms.md's
    "assets/figures/a.png" becomes "../assets/figures/a.png" at norms/. So the engine writes its
    links as seen from the source's place in the site, norms.html (its notebook: norms.ipynb)."""
    return str(PurePosixPath(staged).with_suffix(".html"))


def _site(root: Path) -> Site | None:
    config = root / "mkdocs.yml"
    return _read(config, config.stat().st_mtime_ns) if config.is_file() else None


@functools.lru_cache(maxsize=4)
def _read(config: Path, mtime: int) -> Site:
    """Once per build, not once per page; read again when the file changes (zensical serve)."""
    return Site.read(config)


def _staged_locale(root: Path, docs_dir: Path) -> str | None:
    """The language zensical-i18n is building (its staged docs folder's name); None: no staging."""
    try:
        parts = docs_dir.resolve().relative_to((root / STAGED).resolve()).parts
    except ValueError:
        return None
    return parts[0] if len(parts) == 1 else None


def _source(staged: str, locale: str | None, site: Site | None) -> str:
    """The file on disk a staged page comes from: norms.md in the English build is norms.en.md,
    unless the page has no translation (zensical-i18n then publishes the original)."""
    if locale is None or site is None or locale not in site.languages:
        return staged
    path = PurePosixPath(staged)
    translated = str(path.with_name(f"{path.stem}.{locale}{path.suffix}"))
    return translated if (site.docs_dir / translated).is_file() else staged


def _suffix(source: str, site: Site | None) -> str | None:
    """x.en.md built without zensical-i18n is still English (mkdocs-static-i18n's suffix layout)."""
    parts = PurePosixPath(source).name.split(".")
    if site is not None and len(parts) == 3 and parts[1] in site.languages:
        return parts[1]
    return None


host.register(page_context)
