# expected: the recorded output of each section, committed next to its snippet file.
from __future__ import annotations

from pathlib import Path

from .sections import SnippetFile


def path(snippet: str, section: str) -> str:
    """``snippets/momentum/experiment.py`` + ``x1`` -> ``snippets/momentum/experiment.out/x1.txt``"""
    stem = snippet[: -len(".py")] if snippet.endswith(".py") else snippet
    return f"{stem}.out/{section}.txt"


def read(root: Path, snippet: str, section: str) -> str | None:
    try:
        return (root / path(snippet, section)).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def write(root: Path, snippet: str, section: str, text: str) -> str:
    target = root / path(snippet, section)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return path(snippet, section)


def stale(root: Path, file: SnippetFile) -> list[str]:
    """Recorded outputs of sections that no longer exist (accept mode removes them)."""
    folder = root / path(file.path, "x").rsplit("/", 1)[0]
    names = {s.name for s in file.sections}
    return sorted(str(p.relative_to(root)) for p in folder.glob("*.txt") if p.stem not in names) if folder.is_dir() else []
