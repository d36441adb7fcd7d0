# cjk_breaks: a line break inside a Chinese paragraph joins the two lines, instead of showing as a space.
"""Browsers render a soft line break as a space; between two Chinese characters that space is a
typo ("拟合一下。 再对应一下"). Authors keep wrapping their source lines; this hook removes the
break when the characters (or closing and opening tags) on both sides are CJK. Code, scripts
and preformatted text keep their lines."""
from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

CJK = r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
# A CJK character, any tags closing or opening around the break, the break, a CJK character.
BREAK = re.compile(rf"({CJK}(?:</?[a-zA-Z][^>]*>)*)[ \t]*\n[ \t]*(?=(?:</?[a-zA-Z][^>]*>)*{CJK})")
KEEP = re.compile(r"(<(pre|code|script|style|textarea)\b[\s\S]*?</\2>)")


def join_breaks(html: str) -> str:
    parts = KEEP.split(html)
    out = []
    index = 0
    while index < len(parts):
        out.append(BREAK.sub(r"\1", parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])  # a kept block, as it is
        index += 3  # split() also returns the tag name group
    return "".join(out)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return join_breaks(html)
