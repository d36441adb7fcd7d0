# net: the fail-closed checks: markup a build would publish as text, neither run nor checked, is an error.
"""Code detection (codelines.py) decides which references and claims are examples the author
shows; these checks do not trust it. After rendering, a page that still shows a reference line
or a claim as prose fails at that page (``published``); before running, a snippet file a page
names on an ``--8<-- exec`` line that nothing runs fails too (``unrun``): the line was swallowed
by code (a fence left open above it), so its output would silently be missing."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from . import codelines, markup, pages
from .docnotebooks import Cell
from .errors import Failure
from .markup import Where


def published(label: str, source: str, html_text: str, cell_of: list[int] | None = None) -> list[Failure]:
    """``html_text``: the page ``label`` rendered; ``source``: its Markdown, to name the line
    (for a notebook, its Markdown text and ``cell_of``, the cell of each line)."""
    lines = source.split("\n")
    failures, used = [], set()
    for raw in codelines.raw_markup(html_text):
        # The source line it came from: the same text, else the first line of its kind not yet named.
        kind = "[[" if raw.startswith("[[") else "8<-"
        candidates = [n for n, line in enumerate(lines, start=1) if kind in line and n not in used]
        number = next((n for n in candidates if raw in lines[n - 1]), candidates[0] if candidates else 1)
        used.add(number)
        failures.append(Failure(label, _at(number, cell_of), (
            f"`{raw}` is published as text: the build neither ran nor checked it\n"
            "write a reference on a line of its own and a claim as [[expected | path.py:section | expression]], "
            "outside code; to show the syntax as an example, put it in a code span or a fenced block")))
    for where in _broken_claims(html_text):
        number = next((n for n, line in enumerate(lines, start=1) if "[[" in line), 1)
        failures.append(Failure(label, _at(number, cell_of), (
            f"a claim stands inside {where}, where it is published as markup text: the reader would see "
            "'<span class=\"docexec-claim\" …>' or a broken tag\n"
            "put the claim in the page's text, outside any HTML tag, attribute or link title")))
    return failures


def _at(number: int, cell_of: list[int] | None) -> int:
    """A Markdown line's number, or for a notebook the cell it belongs to."""
    if not cell_of:
        return number
    return cell_of[number - 1] if number <= len(cell_of) else 1


OPEN_TAG = re.compile(r"<[A-Za-z][\w-]*\s[^<>]*$")  # text that reads as a tag not yet closed


class _Claims(HTMLParser):
    """Where the engine's claim spans are not where a reader sees them as claims: inside an
    attribute (a link title), or inside a raw tag that Markdown escaped to text around them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and 'class="docexec-claim' in value:  # the span's own markup, inside a value
                self.found.append(f"the {name} of a <{tag}> (a link's title, a raw tag's attribute)")
        if tag == "span" and any(n == "class" and v and "docexec-claim" in v.split() for n, v in attrs):
            if OPEN_TAG.search(self.text):
                self.found.append("an HTML tag that Markdown shows as text")
        self.text = ""

    def handle_data(self, data: str) -> None:
        self.text += data


def _broken_claims(html_text: str) -> list[str]:
    if "docexec-claim" not in html_text:
        return []
    parser = _Claims()
    parser.feed(html_text)
    parser.close()
    return parser.found


def rendered(session: pages.Session, setup: codelines.Setup) -> list[Failure]:
    """``published`` for every Markdown page, rendered here as MkDocs would (for ``make check``,
    which writes no HTML): each page expanded from the build's results, then its Markdown."""
    failures = []
    for label, text in sorted(session.texts.items()):
        if not label.endswith(".md"):
            continue  # notebook pages: their Markdown cells are checked by notebook_markup
        front = codelines.FRONT_MATTER.match(text)
        body = text[front.end():].lstrip("\n") if front else text
        page = label.removeprefix(f"{session.docs}/")
        expanded = pages.render_page(session, page, body, pages.language_of(label, session.languages))
        failures += published(label, text, codelines.to_html(expanded, setup))
    return failures


def unrun(root: Path, texts: dict[str, str], uses: dict[str, dict[str | None, Where]],
          cell_lines: dict[str, list[int]]) -> list[Failure]:
    """Files named on ``--8<-- exec`` lines (code or not) that exist but that no page runs.
    Literal examples may name files the site shows elsewhere, or files that do not exist."""
    snippets = (root / markup.SNIPPETS).resolve()
    failures = []
    for label, text in texts.items():
        for number, line, path in markup.named(text):
            if path in uses:
                continue  # the build runs it (checked first: resolving every page's paths cost 1 ms a page per build)
            real = (root / path).resolve()
            if not real.is_relative_to(snippets) or not real.is_file():
                continue
            cells = cell_lines.get(label)
            failures.append(Failure(label, cells[number - 1] if cells else number, (
                f"`{line}` names {path}, but the build does not run that file: Markdown shows this line as code "
                "(inside a fence, maybe one left open above it, an indented code block or a code span), so it "
                "would be published as text\n"
                "to show the snippet, take the line out of the code block (close the fence above it; outside "
                "lists and admonitions indent it less than 4 spaces); to quote the syntax as an example, "
                "name a file the site shows elsewhere or one that does not exist")))
    return failures


def notebook_markup(label: str, found: markup.Markup, cells: list[Cell], cell_of: list[int]) -> list[Failure]:
    """mkdocs-jupyter publishes a notebook's Markdown cells as they are: references and claims
    there would be text; only bound code cells show snippets."""
    bound = {cell.index for cell in cells}
    failures = []
    for number in sorted({r.line for r in found.references} | {c.line for c in found.claims}):
        cell = cell_of[number - 1]
        if cell not in bound:
            failures.append(Failure(label, cell, (
                f"cell {cell}: a notebook's Markdown cell holds a snippet reference or a claim, which a notebook page "
                "publishes as text, unrun and unchecked\nbind a code cell to the section instead "
                '(metadata "docexec": {"snippet": "…", "section": "…"}), or state it on a .md page')))
    return failures
