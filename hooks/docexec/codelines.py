# codelines: which spots of a page Markdown itself makes code, found by rendering the page once with the site's extensions.
"""A reference or claim inside code (a fence of any kind, an indented block, a code span, a
fence in a list or an admonition) is text the author shows, not markup to act on. Which text is
code is what the site's own Markdown decides, so it is asked: every candidate spot gets a unique
marker, the page is rendered once with the site's extensions, and a spot is code when its marker
lands inside ``<code>`` or ``<pre>``. A marker Markdown drops or puts in an attribute or comment
counts as not code: the engine then acts on it. Either way the build's last check (net.py)
fails a page that still shows raw markup, so a wrong answer here can never publish it quietly."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown

from . import memo

Spot = tuple[int, int]  # (line number from 1, column from 0) of a reference or claim
# MkDocs always loads these before the site's own (its `markdown_extensions` builtins).
BUILTINS = ["toc", "tables", "fenced_code"]
# MkDocs' own front matter rule (mkdocs.utils.meta.YAML_RE): it is not Markdown, so not rendered.
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)
CODE_TAGS = ("code", "pre", "script", "style")  # text a reader does not see as prose
SHELF = "code-spots"  # the cache folder's subfolder for the answers, one entry per page


@dataclass(frozen=True)
class Setup:
    """The Markdown a site renders with: extension names (or objects) and their configs."""

    extensions: tuple[Any, ...] = tuple(BUILTINS)
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, extensions: list[Any], configs: dict[str, dict[str, Any]]) -> Setup:
        # Without docexec's own extension: what the author's Markdown makes code is asked before
        # anything is expanded (and rendering through it here would expand pages while scanning them).
        others = [e for e in extensions if not _own(e)]
        return cls(tuple(dict.fromkeys([*BUILTINS, *others])), dict(configs))  # as MkDocs orders them


def _own(extension: Any) -> bool:
    name = extension if isinstance(extension, str) else type(extension).__module__
    return name.split(":")[0] in ("docexec.extension", "docexec.anchors")


class Pages:
    """The answers of one build: the scan of a page and the hook's rendering of it (its body
    without front matter, lines shifted) ask the same question, and the page renders once."""

    def __init__(self, setup: Setup, before: Pages | None = None, folder: Path | None = None) -> None:
        self.setup = setup
        self.known: dict[tuple[str, tuple[Spot, ...]], set[Spot]] = {}
        # The previous build's answers, for the same Markdown (a `serve` rebuild): a page whose
        # text did not change is not rendered again. Only this build's answers are kept on.
        self._before = before.known if before is not None and before.setup == setup else {}
        # And the last build's, kept in the cache folder under everything that decides them.
        self._folder = folder
        same = before is not None and before.setup == setup and before._folder == folder
        self._fingerprint: str | None = before._fingerprint if same and before else fingerprint(setup) if folder else None

    def check(self, full: str, text: str, name: str | None = None) -> Callable[[list[Spot]], set[Spot]]:
        """For ``text``, which is ``full`` or its end; the spots are ``text``'s. Trailing newlines
        do not count: Python-Markdown hands its preprocessors the page with two more. ``name``
        (the page's) keeps the answer in the cache folder for the next build."""
        whole, body = full.rstrip("\n"), text.rstrip("\n")
        start = len(whole) - len(body)
        tail = whole.endswith(body) and (start == 0 or whole[start - 1] == "\n")  # a suffix of whole lines
        source, shift = (whole, whole[:start].count("\n")) if tail else (text, 0)

        def check(spots: list[Spot]) -> set[Spot]:
            moved = tuple((line + shift, column) for line, column in spots)
            if (source, moved) not in self.known:
                found = self._before.get((source, moved))
                self.known[(source, moved)] = self._answer(source, moved, name) if found is None else found
            return {(line - shift, column) for line, column in self.known[(source, moved)]}

        return check

    def _answer(self, source: str, spots: tuple[Spot, ...], name: str | None) -> set[Spot]:
        if not spots or self._folder is None or self._fingerprint is None or name is None:
            return code_spots(source, list(spots), self.setup)
        key = hashlib.sha256(json.dumps([self._fingerprint, source, spots]).encode()).hexdigest()
        kept = memo.MEMO.get(self._folder, name, key, SHELF)
        if kept is not None:
            return {(line, column) for line, column in json.loads(kept)}
        found = code_spots(source, list(spots), self.setup)
        memo.MEMO.put(self._folder, name, key, json.dumps(sorted(found)), SHELF)
        return found


def fingerprint(setup: Setup) -> str | None:
    """All that decides a page's code spots besides its text: the extensions, their options, and
    the code of every package they come from (each module file's path, size and time, so an
    editable install counts too), this engine's and Python's. None when some of it has no name
    (an extension given as an object, an option that is neither data nor a package's function):
    such a site keeps its answers for one build (and a serve session) only."""
    packages = {"markdown", __name__.split(".")[0]}
    for extension in setup.extensions:
        if not isinstance(extension, str):
            return None
        module = extension.split(":")[0]
        if "." not in module:  # Markdown's own short names; any other could come from any package
            if importlib.util.find_spec(f"markdown.extensions.{module}") is None:
                return None
            continue
        packages.add(module.split(".")[0])

    def named(value: Any) -> str:
        module, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
        if not callable(value) or not module or not qualname or "<" in qualname:
            raise TypeError(f"{value!r} has no name")
        packages.add(module.split(".")[0])
        return f"{module}.{qualname}"

    try:
        digest = hashlib.sha256(json.dumps([sys.version, list(setup.extensions), setup.configs],
                                           sort_keys=True, default=named).encode())
    except (TypeError, ValueError):
        return None
    for package in sorted(packages):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            return None
        if spec is None or spec.origin is None:
            return None
        places = [Path(p) for p in spec.submodule_search_locations or []]
        files = sorted(f for place in places for f in place.rglob("*.py")) if places else [Path(spec.origin)]
        for path in files:
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def code_spots(text: str, spots: list[Spot], setup: Setup) -> set[Spot]:
    """The spots of ``text`` that its rendering puts inside <code> or <pre>."""
    if not spots:
        return set()
    # Letters only: a highlighter keeps them one token, and Markdown gives them no meaning.
    tag = "DOCEXEC" + "".join(chr(ord("A") + b % 26) for b in secrets.token_bytes(8))
    names = {spot: f"{tag}{_letters(i)}Q" for i, spot in enumerate(sorted(set(spots)))}
    lines = text.split("\n")
    front = FRONT_MATTER.match(text)
    if front:  # MkDocs takes it off before rendering; blank lines keep the numbering
        for i in range(front.group(0).count("\n")):
            lines[i] = ""
    for (line, column), name in sorted(names.items(), reverse=True):  # right to left: columns stay true
        if 1 <= line <= len(lines) and column <= len(lines[line - 1]):
            lines[line - 1] = lines[line - 1][:column] + name + lines[line - 1][column:]
    html = to_html("\n".join(lines), setup)
    found = _Text()
    found.feed(html)
    found.close()
    inside = found.code_at(tag)
    return {spot for spot, name in names.items() if inside.get(name.removeprefix(tag), False)}


def to_html(text: str, setup: Setup) -> str:
    return _renderer(setup).reset().convert(text)


_RENDERERS: dict[int, tuple[Setup, markdown.Markdown]] = {}


def _renderer(setup: Setup) -> markdown.Markdown:
    """One Markdown per setup, reset between pages: loading the extensions costs more than a page."""
    known = _RENDERERS.get(id(setup))
    if known is None or known[0] is not setup:
        # Highlighting decides how code looks, not what is code: without Pygments a page renders
        # several times faster, with the same <pre> and <code> elements.
        configs = {**setup.configs, **{name: {**setup.configs.get(name, {}), "use_pygments": False}
                                       for name in ("pymdownx.highlight", "codehilite") if name in setup.extensions}}
        _RENDERERS.clear()  # serve makes a new setup per rebuild: keep only the current one
        known = _RENDERERS[id(setup)] = (setup, markdown.Markdown(extensions=list(setup.extensions), extension_configs=configs))
    return known[1]


def _letters(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 26)
        digits = chr(ord("a") + digit) + digits
        if not number:
            return digits


class _Text(HTMLParser):
    """The page's text, tags removed (a highlighter's spans may cut a marker), with for each
    character whether it lies inside <code> or <pre>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_TAGS:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_TAGS and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        self.parts.append((data, self.depth > 0))

    def code_at(self, tag: str) -> dict[str, bool]:
        """Each marker's suffix (after ``tag``) -> whether it starts inside code."""
        text = "".join(part for part, _ in self.parts)
        flags = [flag for part, flag in self.parts for _ in part]
        return {m.group(1): flags[m.start()] for m in re.finditer(rf"{tag}([a-z]+Q)", text)}


# What a page must never show as prose: a reference line or a claim left as written.
RAW_REFERENCE = re.compile(r"-+8<-+[ \t]+exec[^\n]*")
# A quick look first: code elements, comments and tags away (the parser below has the last word).
UNSEEN = re.compile(r"<(pre|code|script|style)\b.*?</\1>|<!--.*?-->", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
RAW_CLAIM = re.compile(r"\[\[(?:(?!\]\])[^\n])*?\|(?:(?!\]\])[^\n])*\]\]")


def raw_markup(html: str) -> list[str]:
    """Reference lines and claims that a rendered page still shows as text outside <code> and
    <pre>: markup the engine did not act on, whatever the reason."""
    prose = UNSEEN.sub("\n", html)
    prose = TAG.sub("", prose)
    if "8&lt;-" not in prose and "8<-" not in prose and "[[" not in prose:
        return []  # most pages: nothing to look at closely
    found = _Text()
    found.feed(html)
    found.close()
    prose = "".join(part if not code else "\n" for part, code in found.parts)
    raw = [m.group(0) for m in RAW_REFERENCE.finditer(prose)]
    return [text.strip() for text in raw] + [m.group(0) for m in RAW_CLAIM.finditer(prose)]
