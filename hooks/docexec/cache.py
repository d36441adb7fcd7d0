# cache: results of earlier runs, keyed on everything that can change what a snippet prints.
from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import hashlib
import json
import math
import platform
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, TypeGuard

from . import VERSION, sources
from .memo import write_atomically
from .runner import FileResult, SectionResult
from .sections import SnippetFile, valid_name

FORMAT = 2  # of the entry files; an entry of another format is ignored (2: the inputs a result was computed from)
# The code that shapes an output (how it runs, captures and rewrites paths): a change to it is
# a new engine, even when nobody remembered to bump VERSION.
ENGINE = hashlib.sha256(b"".join((Path(__file__).parent / name).read_bytes()
                                 for name in ("child.py", "guard.py", "paths.py", "runner.py", "terminal.py"))).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """What the outputs depend on besides the code; read without importing torch. Read once per
    process: a running `mkdocs serve` keeps the torch its fork server imported anyway."""
    found = {"python": platform.python_version(), "platform": f"{sys.platform}-{platform.machine()}", "docexec": VERSION,
             "engine": ENGINE}
    for package in ("torch", "numpy"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def key(file: SnippetFile, claims: dict[str, list[str]], settings: dict[str, Any]) -> str:
    # The whole file: a section's output depends on the sections before it, and a file always
    # runs from the top. Claims are in: their values are computed in the same run.
    material = {"path": file.path, "code": file.text, "claims": {k: sorted(v) for k, v in sorted(claims.items())},
                "versions": versions(), "settings": settings}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class Cache:
    """A folder of JSON entries, one per key; safe for several builds at once. An entry is served
    only while every file its run read is as it was then, in the checkout at ``root`` (which
    may be another one than where it was made: CI restores the cache)."""

    def __init__(self, folder: Path, root: Path | None = None) -> None:
        self.folder = folder
        self.root = root  # None: no checkout to compare with, so no entry with inputs is served
        self.memory: dict[str, FileResult] = {}  # lives as long as the hook: `mkdocs serve` reuses it

    def get(self, key: str) -> FileResult | None:
        found = self._get(key)
        if found is None or not found.inputs:
            return found
        if self.root is None or not sources.unchanged(self.root, found.inputs):
            self.memory.pop(key, None)
            return None  # computed from other data: run again
        return found

    def _get(self, key: str) -> FileResult | None:
        if key in self.memory:
            return self.memory[key]
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None  # missing, partial or not JSON (or nested too deep to read): recompute
        result = entry_result(entry, key)
        if result is None:
            return None  # JSON, but not an entry this engine wrote for this key: recompute
        self.memory[key] = result
        return result

    def put(self, result: FileResult) -> None:
        """Store a successful result; failures are always re-run, and so is a file that started a
        process: what that process read is unknown, so nothing could tell when the result is stale."""
        if not result.ok or result.spawned:
            return
        self.memory[result.key] = result
        text = json.dumps({"format": FORMAT, "result": dataclasses.asdict(result)}, ensure_ascii=False)
        write_atomically(self._path(result.key), text, suffix=".json")

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"


# What an entry may hold, checked field by field before any of it is used: an entry is read back
# from disk, where anything (another version, a hand edit, a broken disk) may have put anything,
# and a bad value would otherwise crash every later build far from here.
PNG = b"\x89PNG\r\n\x1a\n"


def entry_result(entry: object, key: str) -> FileResult | None:
    """The FileResult an entry file holds, or None when it is not exactly one good result for ``key``."""
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        return None
    data = entry.get("result")
    if not _fields(data, FileResult) or data["key"] != key or not isinstance(data["path"], str):
        return None
    if not isinstance(data["sections"], list) or not _count(data["expected_sections"]) or not _seconds(data["duration"]):
        return None
    if not isinstance(data["cached"], bool) or data["spawned"] is not False or data["problems"] != []:
        return None  # put() stores neither
    if not isinstance(data["exited"], bool):
        return None
    if not (isinstance(data["inputs"], dict) and all(_input(p, s) for p, s in data["inputs"].items())):
        return None
    sections = [_section(s) for s in data["sections"]]
    if None in sections:
        return None
    result = FileResult(**{**data, "sections": sections})
    return result if result.ok else None  # only good runs are stored; anything else was not written by put()


def _section(data: object) -> SectionResult | None:
    if not _fields(data, SectionResult):
        return None
    # A page's section name, or a hidden one (`_preamble`, `_after-NAME`); also keeps names from being paths.
    if not (isinstance(data["name"], str) and valid_name(data["name"].removeprefix("_"))):
        return None
    if not all(isinstance(data[k], str) for k in ("status", "output", "error")) or not _seconds(data["duration"]):
        return None
    claims, figures = data["claims"], data["figures"]
    if not (isinstance(claims, dict) and all(isinstance(k, str) and _claim(v) for k, v in claims.items())):
        return None
    if not (isinstance(figures, list) and all(_png(f) for f in figures)):
        return None
    return SectionResult(**data)


def _fields(data: object, kind: type) -> TypeGuard[dict[str, Any]]:
    return isinstance(data, dict) and set(data) == {f.name for f in dataclasses.fields(kind)}


def _claim(value: object) -> bool:
    # The shapes child._evaluate makes: what was raised, or what claims.check reads of a value.
    if not isinstance(value, dict):
        return False
    if set(value) == {"raised", "bases", "message"}:
        return isinstance(value["raised"], str) and isinstance(value["message"], str) and _strings(value["bases"])
    if set(value) - {"ints"} != {"repr", "str", "type", "none", "bool", "numbers"}:
        return False
    numbers, ints = value["numbers"], value.get("ints", [])
    return (all(isinstance(value[k], str) for k in ("repr", "str", "type")) and isinstance(value["none"], bool)
            and (value["bool"] is None or isinstance(value["bool"], bool))
            and (numbers is None or (isinstance(numbers, list) and all(_number(v) for v in numbers)))
            and isinstance(ints, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in ints))


INPUT_STATE = re.compile(r"^(absent|(file|folder):[0-9a-f]{64})$")


def _input(path: object, state: object) -> bool:
    # The path is read from the checkout before the entry is served: it must stay inside it.
    if not (isinstance(path, str) and isinstance(state, str) and INPUT_STATE.match(state)):
        return False
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and "" not in parts and "\0" not in path


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _png(text: object) -> bool:
    # The page reads the image's size from its header: a figure must be a whole PNG header at least.
    if not isinstance(text, str):
        return False
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return data.startswith(PNG) and len(data) >= 24


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _seconds(value: object) -> bool:
    # Finite: the report is JSON for a browser, which reads no Infinity or NaN.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0
