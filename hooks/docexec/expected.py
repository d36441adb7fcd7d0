# expected: the recorded output of each section, committed next to its snippet file.
from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from .sections import SnippetFile

# A recorded output is read, written and removed only as a plain file inside the repository:
# through a symbolic link `make check` would print a file from anywhere on the machine and
# `make accept` would overwrite or delete it (faults 10c).
FIX = ("recorded outputs are only read and written as plain files inside the repository: "
       "replace the link by a real folder or file (`git rm` the link, then `make accept`)")


class Refused(Exception):
    """A recorded output (or notebook page) behind a symbolic link: never read, written or removed."""


def path(snippet: str, section: str) -> str:
    """``snippets/momentum/experiment.py`` + ``x1`` -> ``snippets/momentum/experiment.out/x1.txt``"""
    stem = snippet[: -len(".py")] if snippet.endswith(".py") else snippet
    return f"{stem}.out/{section}.txt"


def no_links(root: Path, relative: str, what: str = "recorded output", fix: str = FIX) -> Path:
    """``root / relative``, once no component below ``root`` (the file included) is a symbolic link."""
    current = root
    parts = PurePosixPath(relative).parts
    for index, part in enumerate(parts):
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except (FileNotFoundError, NotADirectoryError):
            break  # nothing further exists yet: a write creates real folders
        if stat.S_ISLNK(mode):
            link = "/".join(parts[: index + 1])
            who = "it" if index == len(parts) - 1 else link
            raise Refused(f"refused {what} {relative}: {who} is a symbolic link (to {os.readlink(current)}); {fix}")
    return root / relative


def read(root: Path, snippet: str, section: str) -> str | None:
    target = no_links(root, path(snippet, section))
    try:
        # O_NOFOLLOW: a link put in place after the check is refused by the kernel too.
        with os.fdopen(os.open(target, os.O_RDONLY | os.O_NOFOLLOW), encoding="utf-8") as stream:
            return stream.read()
    except FileNotFoundError:
        return None


def write(root: Path, snippet: str, section: str, text: str) -> str:
    relative = path(snippet, section)
    target = no_links(root, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    no_links(root, relative)  # mkdir follows links too: nothing may have appeared on the way
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644), "w", encoding="utf-8") as stream:
        stream.write(text)
    return relative


def remove(root: Path, relative: str) -> str:
    """Delete one recorded output (accept mode); returns what the build reports."""
    no_links(root, relative).unlink()
    return f"removed {relative}"


def stale(root: Path, file: SnippetFile) -> list[str]:
    """Recorded outputs of sections that no longer exist (accept mode removes them)."""
    relative = path(file.path, "x").rsplit("/", 1)[0]
    folder = no_links(root, relative)  # never list (and so delete) files in a folder elsewhere
    names = {s.name for s in file.sections}
    if not folder.is_dir():
        return []
    found = sorted(str(p.relative_to(root)) for p in folder.glob("*.txt") if p.stem not in names)
    for old in found:
        no_links(root, old)
    return found
