# terminal: what a terminal would show of a program's raw output (no escape codes, `\r` applied).
"""Outputs are shown as plain text and recorded in `.txt` files, so colour is removed, not
rendered: an ESC byte would show as a box on the page and the codes would be noise in a diff.
A `\\r` returns to the start of the line and what follows overwrites it, as on a terminal
(and in Jupyter): a progress bar leaves only its final state."""
from __future__ import annotations

import re

# CSI (colours, cursor moves: ESC [ ... final byte), OSC (titles, links: ESC ] ... BEL or ESC \),
# and the two-byte escapes (ESC followed by one of @ to _).
ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")


def screen(text: str) -> str:
    """``text`` as a terminal leaves it: escape sequences removed, each line's `\\r` rewrites applied."""
    if "\x1b" not in text and "\x9b" not in text and "\r" not in text:
        return text  # nearly every output: nothing to do
    text = ESCAPE.sub("", text).replace("\r\n", "\n")
    return "\n".join(_overwrite(line) for line in text.split("\n"))


def _overwrite(line: str) -> str:
    """`\\r` goes back to column 0; the text after it covers as many characters as it has."""
    if "\r" not in line:
        return line
    shown = ""
    for part in line.split("\r"):
        shown = part + shown[len(part):]
    return shown
