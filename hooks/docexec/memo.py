# memo: per-page products kept by a hash of their inputs, so a warm build makes only what changed.
"""A page's downloadable notebook is made from the page's Markdown and the results of the files
it shows; making it (cells, then ``json.dumps(indent=1)``, which has no C encoder) was most of
a warm build's own work. ``Memo`` keeps each product under its name (the site path) with the
hash of its inputs (``notebook.inputs``): in memory, for the rebuilds of ``mkdocs serve``, and
in the cache folder, for the next ``mkdocs build``. A product whose hash is unchanged is taken
as it is; one entry per name, so the folder holds no more than one per page. Each kind of
product has its shelf (a subfolder): ``products`` for notebooks, ``code-spots`` for what
codelines found is code in a page.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class Memo:
    def __init__(self) -> None:
        self.memory: dict[tuple[Path, str], tuple[str, str]] = {}  # (folder / shelf, name) -> (inputs' hash, product)

    def get(self, folder: Path, name: str, key: str, shelf: str = "products") -> str | None:
        """The product made from inputs of hash ``key``, or None when there is none."""
        held = self.memory.get((folder / shelf, name))
        if held is not None and held[0] == key:
            return held[1]
        try:
            text = self._path(folder, name, shelf).read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None  # none yet, or unreadable: made again
        stored, _, product = text.partition("\n")
        if stored != key:
            return None
        self.memory[(folder / shelf, name)] = (key, product)
        return product

    def put(self, folder: Path, name: str, key: str, product: str, shelf: str = "products") -> None:
        self.memory[(folder / shelf, name)] = (key, product)
        write_atomically(self._path(folder, name, shelf), f"{key}\n{product}")

    @staticmethod
    def _path(folder: Path, name: str, shelf: str) -> Path:
        return folder / shelf / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.txt"


def write_atomically(path: Path, text: str, suffix: str = "") -> None:
    """Write then rename: a build or a server reading it meanwhile sees the old file or the whole
    new one, never half (the cache's entries and the memo's products)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=suffix)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


MEMO = Memo()  # lives as long as the hook: `mkdocs serve` rebuilds find their products in memory
