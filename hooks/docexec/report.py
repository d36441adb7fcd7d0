# report: what a build ran and found, as JSON for machines and as rows for the report page.
from __future__ import annotations

import dataclasses
from typing import Any

from .cache import versions
from .errors import Failure
from .markup import Where
from .runner import FileResult
from .sections import SnippetFile
from .translation import Stale



def data(results: dict[str, FileResult], failures: list[Failure], recorded: list[str], seconds: float,
         stale: list[Stale] | None = None) -> dict[str, Any]:
    """docexec-report.json: status, run time and cache hit or miss of every snippet file, and
    the translations that are stale."""
    return {
        "stale": [dataclasses.asdict(s) for s in stale or []],
        "versions": versions(),
        "seconds": round(seconds, 3),
        "failures": [str(f) for f in failures],
        "recorded": recorded,
        "snippets": [
            {
                "path": path,
                "status": "ok" if result.ok else "failed",
                "cache": "hit" if result.cached else "miss",
                "seconds": round(result.duration, 3),
                "key": result.key,
                "sections": [{"name": s.name, "status": s.status, "seconds": round(s.duration, 4)} for s in result.sections],
            }
            for path, result in sorted(results.items())
        ],
    }


def rows(files: dict[str, SnippetFile], results: dict[str, FileResult], uses: dict[str, dict[str | None, Where]],
         pages: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """The report page's table: only what the sources decide, so the page stays reproducible.
    ``pages``: the pages of the report's language, label -> (title, site URL)."""
    table = []
    for path, file in sorted(files.items()):
        result = results.get(path)
        used = sorted({page for where in uses.get(path, {}).values() for page, _ in where.references + where.claims})
        table.append({"path": path, "sections": ", ".join(file.names) or "—",
                      "pages": [pages[p] for p in used if p in pages],
                      "status": "ok" if result is not None and result.ok else "failed"})
    return table


def statements(claims: dict[str, int], pairs: list[tuple[str, str]], titles: dict[str, str]) -> list[tuple[str, int, int]]:
    """Checked statements (claims) per page, in the original and in its translation."""
    return [(titles.get(original, original), claims.get(original, 0), claims.get(twin, 0)) for original, twin in pairs]
