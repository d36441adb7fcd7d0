# i18n_search: one search index per language, so a search on the English site finds English pages.
"""mkdocs-static-i18n merges the languages' search entries into one index at the site root, so a
search on /en/ also lists the Chinese pages (and the reverse, wherever code is shared). This
hook splits that index after the last language is built and points each translation's pages
at its own index."""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import jieba

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from search_math import readable

# Material's search segments Chinese with jieba, which logs its dictionary loading to stderr at
# DEBUG level: four lines on every build, even `mkdocs build -q`.
jieba.setLogLevel(logging.WARNING)

CONFIG_BASE = re.compile(r'(<script id="__config" type="application/json">\{[^<]*?"base": ")([^"]*)(")')


def _i18n(config: MkDocsConfig):
    return config.plugins.get("i18n")


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    i18n = _i18n(config)
    if i18n is None or i18n.current_language == i18n.default_language:
        return output
    # Material loads `${base}/search/search_index.json`; base becomes this language's root.
    return CONFIG_BASE.sub(lambda m: m[1] + f"{m[2]}/{i18n.current_language}/" + m[3], output, count=1)


@event_priority(-200)  # after i18n's on_post_build, which builds the other languages and merges
def on_post_build(config: MkDocsConfig) -> None:
    i18n = _i18n(config)
    if i18n is None or i18n.building:
        return
    root = Path(config.site_dir)
    index = json.loads((root / "search" / "search_index.json").read_text(encoding="utf-8"))
    others = [lang.locale for lang in i18n.config.languages if lang.locale != i18n.default_language]
    split: dict[str, list[dict]] = {lang: [] for lang in [i18n.default_language, *others]}
    for doc in index["docs"]:
        lang = next((o for o in others if doc["location"] == f"{o}/" or doc["location"].startswith((f"{o}/", f"{o}#"))), None)
        doc = {**doc, "title": readable(doc["title"]), "text": readable(doc["text"])}  # no raw TeX in a preview
        if lang is None:
            split[i18n.default_language].append(doc)
        else:
            split[lang].append({**doc, "location": doc["location"][len(lang) + 1:]})
    for lang, docs in split.items():
        folder = root / "search" if lang == i18n.default_language else root / lang / "search"
        folder.mkdir(parents=True, exist_ok=True)
        # Each index gets its own language's lunr pipeline: an English index stemmed by the
        # Chinese-aware multi-language pipeline misses words such as "variance".
        settings = {**index["config"], "lang": [lang]}
        (folder / "search_index.json").write_text(json.dumps({**index, "config": settings, "docs": docs}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
