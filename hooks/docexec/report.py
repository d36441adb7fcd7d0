# report: what a build ran and found, as JSON for machines and as rows for the report page.
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .cache import versions
from .errors import Failure
from .runner import FileResult
from .sections import SnippetFile

if TYPE_CHECKING:
    from .engine import Where


def data(results: dict[str, FileResult], failures: list[Failure], recorded: list[str], seconds: float) -> dict[str, Any]:
    """docexec-report.json: status, run time and cache hit or miss of every snippet file."""
    return {
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


def rows(files: dict[str, SnippetFile], results: dict[str, FileResult], uses: dict[str, dict[str | None, Where]]) -> list[dict[str, str]]:
    """The report page's table: only what the sources decide, so the page stays reproducible."""
    table = []
    for path, file in sorted(files.items()):
        result = results.get(path)
        pages = sorted({page for where in uses.get(path, {}).values() for page, _ in where.references + where.claims})
        table.append({"path": path, "sections": ", ".join(file.names) or "(whole file)",
                      "pages": ", ".join(p.split("/", 1)[-1] for p in pages),
                      "status": "ok" if result is not None and result.ok else "failed"})
    return table
