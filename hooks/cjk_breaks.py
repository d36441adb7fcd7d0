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
# Full-width punctuation carries its own spacing: a break beside it is never a space, whatever
# stands on the other side ("区别），running_mean", "一致：True").
PUNCTUATION = r"[\u3000-\u303f\uff00-\uffef]"
TAG = r"</?[a-zA-Z][^>]*>"
BREAKS = [
    (re.compile(rf"({CJK}(?:{TAG})*)[ \t]*\n[ \t]*(?=(?:{TAG})*{CJK})"), r"\1"),
    (re.compile(rf"({PUNCTUATION}(?:{TAG})*)[ \t]*\n[ \t]*"), r"\1"),
    (re.compile(rf"[ \t]*\n[ \t]*(?=(?:{TAG})*{PUNCTUATION})"), ""),
]
KEEP = re.compile(r"(<(pre|code|script|style|textarea)\b[\s\S]*?</\2>)")


def join_breaks(html: str) -> str:
    parts = KEEP.split(html)
    out = []
    for index in range(0, len(parts), 3):  # text, then a kept block and its tag name
        text = parts[index]
        for pattern, replacement in BREAKS:
            text = pattern.sub(replacement, text)
        out.append(text)
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return join_breaks(html)
