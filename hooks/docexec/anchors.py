# anchors: a heading's id is made without the claims in it, so a changed number keeps its anchor and links.
"""Python-Markdown's toc extension makes a heading's id from its text, a claim's number included
("The mean is about 0.1" -> ``the-mean-is-about-01``). Just before toc runs, the claims are taken
out of each heading without an id, and the heading's full text is given to toc as its label (so the
table of contents still shows the number); just after, they are put back. The id is then the one
toc itself makes, with the site's slugify and its numbering of repeats, as if the claim were not
there. Used by the MkDocs hook and by ``DocexecExtension``.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.toc import render_inner_html
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

HEADING = re.compile(r"[Hh][1-6]")
CLAIM_OPEN = '<span class="docexec-claim'  # how render.claim starts a claim
# A heading whose claims are out while toc runs: its text and its children's tails as they were.
Hidden = list[tuple[etree.Element, str | None, list[tuple[etree.Element, str | None]]]]


class ClaimFreeIds(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        hidden: Hidden = []
        md.treeprocessors.register(_Hide(md, hidden), "docexec_anchors_hide", 6)  # after attr_list (8), before toc (5)
        md.treeprocessors.register(_Restore(md, hidden), "docexec_anchors_restore", 4)


class _Hide(Treeprocessor):
    def __init__(self, md: Markdown, hidden: Hidden) -> None:
        super().__init__(md)
        self.hidden = hidden

    def run(self, root: etree.Element) -> None:
        self.hidden.clear()
        for element in root.iter():
            if not isinstance(element.tag, str) or not HEADING.fullmatch(element.tag) or element.get("id"):
                continue
            children = [(child, child.tail) for child in element]
            text = self._without_claims(element.text)
            tails = [self._without_claims(tail) for _, tail in children]
            if text == element.text and tails == [tail for _, tail in children]:
                continue
            if element.get("data-toc-label") is None:
                element.set("data-toc-label", render_inner_html(element, self.md))
            self.hidden.append((element, element.text, children))
            element.text = text
            for (child, _), tail in zip(children, tails):
                child.tail = tail

    def _without_claims(self, text: str | None) -> str | None:
        """The text with each claim cut out: its opening tag, its words and its closing tag."""
        if not text:
            return text
        kept, inside = [], False
        position = 0
        for found in HTML_PLACEHOLDER_RE.finditer(text):
            raw = self._raw(found)
            if not inside:
                kept.append(text[position:found.start()])
                inside = raw.startswith(CLAIM_OPEN)
                if not inside:
                    kept.append(found.group(0))
            elif raw.startswith("</span"):
                inside = False
            position = found.end()
        if inside:  # not closed in this text (markup inside the claim's words): leave it as it is
            return text
        return "".join(kept) + text[position:]

    def _raw(self, found: re.Match[str]) -> str:
        try:
            return str(self.md.htmlStash.rawHtmlBlocks[int(found.group(1))])
        except (IndexError, ValueError):
            return ""


class _Restore(Treeprocessor):
    def __init__(self, md: Markdown, hidden: Hidden) -> None:
        super().__init__(md)
        self.hidden = hidden

    def run(self, root: etree.Element) -> None:
        for element, text, children in self.hidden:
            element.text = text
            for child, tail in children:
                child.tail = tail
        self.hidden.clear()
