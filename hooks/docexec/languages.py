# languages: which page translates which, and the pages that stand without a twin only when they say so.
"""mkdocs-static-i18n's suffix layout: ``x.md`` is the default language's page, ``x.en.md`` its
English twin (``.ipynb`` likewise). A page without its twin is published in one language only, and
a default-language page without one also appears untranslated under ``/en/`` (the plugin falls back
to the original). That is an error unless the page declares it is meant for one language:
``docexec: {single_language: true}`` in a Markdown page's front matter, or under ``docexec`` in a
notebook's metadata.
"""
from __future__ import annotations

import json
import re

import yaml

from .errors import Failure

# MkDocs' own front matter pattern (mkdocs.utils.meta.YAML_RE).
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*(?:\n|$)", re.S)
DECLARATION = "docexec: {single_language: true}"


def twins(labels: list[str], languages: list[str]) -> list[tuple[str, str]]:
    """(original, twin) pairs among page labels: docs/x.md with docs/x.en.md, .ipynb likewise."""
    found = set(labels)
    return [(label, twin) for label in labels if _language(label, languages) is None
            for language in languages if (twin := _twin(label, language)) in found]


def declared(label: str, raw: str) -> bool | Failure:
    """Whether the page declares itself single-language; a Failure when its declaration is not
    understood (a misspelt one must not pass for none, nor for one)."""
    place = "notebook metadata" if label.endswith(".ipynb") else "front matter"
    try:
        if label.endswith(".ipynb"):
            meta = json.loads(raw).get("metadata", {})
        else:
            front = FRONT_MATTER.match(raw.lstrip("\ufeff"))
            meta = yaml.safe_load(front.group(1)) if front else {}
    except (ValueError, AttributeError, yaml.YAMLError):
        return False  # not a notebook or bad YAML: reported by the page's own tools
    setting = meta.get("docexec") if isinstance(meta, dict) else None
    if setting is None:
        return False
    if not isinstance(setting, dict) or set(setting) != {"single_language"} or not isinstance(setting["single_language"], bool):
        return Failure(label, 1, f"the docexec setting in the page's {place} is not understood: {json.dumps(setting)}\n"
                                 f"write `{DECLARATION}` (the only setting a page has), or remove it")
    return bool(setting["single_language"])


def alone(labels: list[str], languages: list[str], single: set[str]) -> list[Failure]:
    """A failure for every page missing a twin it should have, and for every page declared
    single-language that has one."""
    found = set(labels)
    failures: list[Failure] = []
    for label in labels:
        language = _language(label, languages)
        original = _original(label, language) if language else None
        wanted = [original] if original else [_twin(label, other) for other in languages]
        how = '`"docexec": {"single_language": true}` in its notebook metadata' if label.endswith(".ipynb") \
            else f"`{DECLARATION}` in its front matter"
        if label in single:
            failures.extend(Failure(label, 1, f"the page is declared single-language ({how}), but {twin} exists\n"
                                              f"remove the declaration, or remove {twin}") for twin in wanted if twin in found)
            continue
        for missing in (twin for twin in wanted if twin not in found):
            if original:
                why = f"this page translates {missing}, which does not exist: it would be published in {language} only"
            else:
                why = (f"this page has no translation {missing}: the {_language(missing, languages)} site would show it "
                       "untranslated (mkdocs-static-i18n falls back to the original)")
            failures.append(Failure(label, 1, f"{why}\nadd {missing} with the same snippets and claims, "
                                              f"or, if the page is meant for one language only, declare it with {how}"))
    return failures


def _language(label: str, languages: list[str]) -> str | None:
    """The translation's language: ``en`` for docs/x.en.md; None for an original."""
    stem = label.rpartition(".")[0]
    return next((language for language in languages if stem.endswith(f".{language}")), None)


def _twin(label: str, language: str) -> str:
    stem, dot, suffix = label.rpartition(".")
    return f"{stem}.{language}{dot}{suffix}"


def _original(label: str, language: str) -> str:
    stem, dot, suffix = label.rpartition(".")
    return f"{stem.removesuffix('.' + language)}{dot}{suffix}"
