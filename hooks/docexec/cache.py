# cache: results of earlier runs, keyed on everything that can change what a snippet prints.
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import platform
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from . import VERSION
from .runner import FileResult, SectionResult
from .sections import SnippetFile

FORMAT = 1  # of the entry files; an entry of another format is ignored
# The code that shapes an output (how it runs, captures and rewrites paths): a change to it is
# a new engine, even when nobody remembered to bump VERSION.
ENGINE = hashlib.sha256(b"".join((Path(__file__).parent / name).read_bytes() for name in ("child.py", "paths.py"))).hexdigest()[:16]


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
    """A folder of JSON entries, one per key; safe for several builds at once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.memory: dict[str, FileResult] = {}  # lives as long as the hook: `mkdocs serve` reuses it

    def get(self, key: str) -> FileResult | None:
        if key in self.memory:
            return self.memory[key]
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
            if entry.get("format") != FORMAT or entry["result"]["key"] != key:
                return None
            data = entry["result"]
            result = FileResult(**{**data, "sections": [SectionResult(**s) for s in data["sections"]]})
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, partial or corrupt: recompute
        self.memory[key] = result
        return result

    def put(self, result: FileResult) -> None:
        """Store a successful result; failures are always re-run."""
        if not result.ok:
            return
        self.memory[result.key] = result
        path = self._path(result.key)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"format": FORMAT, "result": dataclasses.asdict(result)}, ensure_ascii=False)
        # Write then rename: a reader sees the old entry or the whole new one, never half.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"
