# sources: the state of files on disk: a snippet's inputs for the cache, and the build's sources before and after the snippets run.
"""Two questions, both answered by reading the files themselves (never by trusting a record):

- Is every file a cached result was computed from still as it was? ``states`` hashes the inputs
  ``guard`` recorded after a run; ``unchanged`` compares them in this checkout before the cache
  serves the result, so a cache restored in CI cannot serve an output made from other data.
- Did the snippet phase change the build's sources? ``fingerprint`` before and after it, and
  ``changes`` lists what differs. In-process writes are refused by ``guard``; this catches what a
  process the snippet started did, which no hook in the snippet's process can see.
"""
from __future__ import annotations

import hashlib
import os
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISLNK, S_ISREG
from typing import Protocol

import yaml

ABSENT = "absent"
SHOWN = 10  # changes named in one message; the rest are counted
# Paths a snippet reads that are not its inputs: the environment (torch, the standard library;
# it may live inside the project, as .venv does in CI), the engine (its code is in every key),
# version control and the cache itself.
_memo: dict[str, tuple[tuple[int, int, int, int], str]] = {}


def ignored(root: str, cache: str) -> list[str]:
    found = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values(),
             str(Path(__file__).resolve().parent.parent), os.path.join(root, ".git"), os.path.join(root, cache)}
    return sorted(found)


class _Loader(yaml.SafeLoader):
    """mkdocs.yml's tags (!ENV, !relative, python/name) read as nothing: only `watch` is wanted."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def protected(root: Path, docs_dir: Path) -> list[str]:
    """What the build reads as sources; ``mkdocs serve`` rebuilds when any of them changes."""
    try:
        data = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader) or {}
        watched = [w for w in data.get("watch") or [] if isinstance(w, str)] if isinstance(data, dict) else []
    except (OSError, ValueError, yaml.YAMLError):
        watched = []  # the build reports a bad mkdocs.yml itself
    found = {docs_dir, root / "snippets", root / "mkdocs.yml", *(root / w for w in watched)}
    return sorted(str(p.resolve()) for p in found)


def state(path: Path) -> str:
    """A file's content hash, a folder's listing hash, or ``absent``."""
    try:
        stat = path.stat()
    except OSError:
        return ABSENT
    if path.is_dir():
        try:
            names = sorted(os.listdir(path))
        except OSError:
            return ABSENT
        return "folder:" + hashlib.sha256("\0".join(names).encode("utf-8", "surrogateescape")).hexdigest()
    # Within one process the same file is not hashed again while it is untouched (`mkdocs serve`
    # checks a cached result's inputs on every rebuild); ctime cannot be set back by a program.
    seen = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    known = _memo.get(str(path))
    if known is not None and known[0] == seen:
        return known[1]
    if not S_ISREG(stat.st_mode):
        return f"special:{stat.st_mode:o}"  # a FIFO or a device: reading it could block forever
    content = _sha256(path)
    if content is None:
        return ABSENT
    found = "file:" + content
    _memo[str(path)] = (seen, found)
    return found


def _sha256(path: str | Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def states(root: str, paths: list[str]) -> dict[str, str]:
    return {p: state(Path(root) / p) for p in sorted(set(paths))}


def unchanged(root: Path, inputs: dict[str, str]) -> bool:
    return all(state(root / path) == expected for path, expected in inputs.items())


@dataclass(frozen=True)
class Entry:
    content: str  # hash, or "folder"
    meta: tuple[int, int, int]  # mode, mtime_ns, ctime_ns: a touch or chmod rebuilds under serve too


def fingerprint(root: str, paths: list[str]) -> dict[str, Entry]:
    """Every file and folder under ``paths`` (names starting with a dot left out, as MkDocs does:
    an editor's swap files must not count; and bytecode), keyed by their path relative to ``root``."""
    found: dict[str, Entry] = {}

    def add(path: str) -> None:
        try:
            stat = os.lstat(path)
        except OSError:
            return
        name = os.path.relpath(path, root).replace(os.sep, "/")
        if os.path.isdir(path) and not os.path.islink(path):
            # A folder's times change with every entry in it, and those entries are listed themselves.
            found[name] = Entry("folder", (stat.st_mode, 0, 0))
            return
        # Only regular files are read: a link is its target's name (never followed out of the
        # repository), a FIFO or a device (which could block forever) only its metadata.
        if S_ISLNK(stat.st_mode):
            content = "link:" + os.readlink(path)
        else:
            content = (_sha256(path) or "") if S_ISREG(stat.st_mode) else "special"
        found[name] = Entry(content, (stat.st_mode, stat.st_mtime_ns, stat.st_ctime_ns))

    for top in paths:
        add(top)
        for folder, folders, files in os.walk(top):
            # __pycache__: Python writes it beside a watched module that the build itself imports
            # (the fork server's first import on a fresh checkout), while the snippets run.
            folders[:] = [f for f in folders if not f.startswith(".") and f != "__pycache__"]
            for name in folders + [f for f in files if not f.startswith(".")]:
                add(os.path.join(folder, name))
    return found


def changes(before: dict[str, Entry], after: dict[str, Entry]) -> list[str]:
    """``created docs/gen.md``, ``deleted snippets/a.py``, ``changed …``, ``touched …`` (same content)."""
    found = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None:
            found.append(f"created {name}")
        elif new is None:
            found.append(f"deleted {name}")
        elif old.content != new.content:
            found.append(f"changed {name}")
        elif old.meta != new.meta:
            found.append(f"touched {name} (same content)")
    return found


def describe(changed: list[str]) -> str:
    shown = ", ".join(changed[:SHOWN])
    return shown + (f" and {len(changed) - SHOWN} more" if len(changed) > SHOWN else "")


class Ran(Protocol):
    path: str
    key: str
    spawned: bool


class Held:
    """Files whose run changed the sources are not run again until their code (their key) changes:
    under `mkdocs serve` the change triggers a rebuild, and a rerun would change them again, forever.

    A file that started a process is held at once. When none did, the change may be the author's
    own edit during the build, so every file that ran is blamed but held only when it is blamed
    again in the very next build (a write the hook could not refuse, e.g. through ctypes)."""

    def __init__(self) -> None:
        self.held: dict[str, tuple[str, str]] = {}  # path -> (key, what its run changed)
        self.suspects: dict[str, str] = {}  # path -> key, blamed by the last build without a process

    def holding(self, path: str, key: str) -> str | None:
        """Why ``path`` must not run now, or None."""
        found = self.held.get(path)
        if found is None or found[0] != key:
            return None
        return (f"{path} was not run again: its last run changed the build's sources ({found[1]}); "
                "restore them (`git status`), then change its code so it writes into a temporary folder "
                "(tempfile.mkdtemp()): it runs again once its code changes, or when `mkdocs serve` is restarted")

    def blame(self, ran: Sequence[Ran], changed: list[str]) -> dict[str, str]:
        """The message for each file blamed for ``changed``, by path (none when nothing changed)."""
        if not changed:
            self.suspects = {}
            return {}
        what = describe(changed)
        spawners = [r for r in ran if r.spawned]
        suspects, self.suspects = self.suspects, {}
        found = {}
        for result in spawners or ran:
            message = f"the build's sources changed while {result.path} ran: {what}\n"
            if spawners:
                message += (f"{result.path} started a process, and a process is beyond the build's guard: "
                            "nothing a snippet runs may write into the docs folder, snippets/, mkdocs.yml "
                            "or the folders `mkdocs serve` watches")
                self.held[result.path] = (result.key, what)
            else:
                others = [r.path for r in ran if r is not result]
                message += ("no snippet started a process" + (f" (with it ran {', '.join(others)})" if others else "")
                            + ": if you edited these files during the build, build again; if not, a snippet "
                            "changed them in a way the build's guard cannot refuse (ctypes, a dir_fd)")
                if suspects.get(result.path) == result.key:
                    self.held[result.path] = (result.key, what)
                self.suspects[result.path] = result.key
            found[result.path] = message + ("\nlet it write into a temporary folder (tempfile.mkdtemp()), restore "
                                            "what changed (`git status`), and build again; this run is not cached")
        return found
