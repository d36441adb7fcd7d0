# figurelang: which language a figure's text is in, carried inside the PNG, so each page links its own.
"""A snippet that draws its figure once per language names each figure after its language
(``plt.figure(label="zh")``). The child writes that label into the PNG as a text chunk, so
the image carries its language through the cache, the runner and the notebooks unchanged, and
the snippet still runs once per build. A page shows the figures without a language and those in
its own; a figure drawn for other languages only is never shown in the wrong one."""
from __future__ import annotations

import base64
import re
import struct
import zlib

KEY = "docexec-language"  # the PNG tEXt keyword
LANGUAGE = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")  # a figure label that names a language: zh, en, pt_BR


def metadata(label: str) -> dict[str, str | None]:
    """savefig's metadata for a figure with this label: no "Software" entry (the same figure
    gives the same bytes every build) and the language, when the label is one."""
    extra: dict[str, str | None] = {KEY: label} if LANGUAGE.fullmatch(label) else {}
    return {"Software": None, **extra}


def language(png: bytes) -> str | None:
    """The language a PNG was drawn for, or None when its text is for every language."""
    at = 8  # after the signature
    while at + 8 <= len(png):
        size, kind = struct.unpack(">I4s", png[at:at + 8])
        body = png[at + 8:at + 8 + size]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            if key.decode("latin-1") == KEY:
                return value.decode("latin-1")
        elif kind == b"zTXt":
            key, _, value = body.partition(b"\0")
            if key.decode("latin-1") == KEY:
                return zlib.decompress(value[1:]).decode("latin-1")
        elif kind in (b"IDAT", b"IEND"):
            return None  # matplotlib writes text chunks before the image data
        at += 12 + size
    return None


class NotDrawn(Exception):
    """A section drew figures for some languages, but none for the page's own nor for every language."""

    def __init__(self, drawn: list[str], wanted: str) -> None:
        super().__init__(f"its figures are drawn in {', '.join(drawn)} only, not in {wanted}, this page's language\n"
                         f'draw one labelled with it too (plt.figure(label="{wanted}")), or one without a language label')


def shown(figures: list[str], page_language: str | None) -> list[str]:
    """The figures (base64 PNGs) a page in ``page_language`` shows, in the order drawn. Raises
    NotDrawn rather than show a page none of a section's figures when they all name languages."""
    wanted = (page_language or "").split("_")[0]
    kept, drawn = [], []
    for figure in figures:
        drawn_for = language(base64.b64decode(figure))
        if drawn_for is None or drawn_for.split("_")[0] == wanted:
            kept.append(figure)
        elif drawn_for not in drawn:
            drawn.append(drawn_for)
    if figures and not kept and page_language:
        raise NotDrawn(drawn, page_language)
    return kept
