# docnotebooks: notebook pages in docs/ whose code cells are snippet sections, checked and accepted.
"""A code cell with metadata ``{"docexec": {"snippet": "post/momentum.py", "section": "x1"}}``
must hold that section's code and its real output. mkdocs-jupyter renders the committed
notebook as it is (it executes nothing); this module makes sure what it shows is what the
build's run printed, and accept mode rewrites the cells from the run."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import compare, expected, markup
from .errors import Failure
from .markup import SNIPPETS, Markup, Target
from .runner import FileResult
from .sections import SnippetFile


@dataclass(frozen=True)
class Cell:
    page: str  # docs/experiment.ipynb
    index: int  # 1-based, as Jupyter users count cells
    target: Target
    id: str | None = None  # nbformat 4.5 cell id: where the rendered page shows the cell


def find(label: str, text: str, snippets_dir: str = SNIPPETS) -> tuple[list[Cell], list[Failure]]:
    import nbformat  # only sites with notebook pages pay for its import

    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as error:  # noqa: BLE001 - nbformat raises several kinds for bad JSON
        return [], [Failure(label, 0, f"cannot read the notebook: {error}")]
    cells, failures = [], []
    for index, cell in enumerate(notebook.cells, start=1):
        bound = cell.get("metadata", {}).get("docexec")
        if cell.cell_type != "code" or bound is None:
            continue
        snippet, section = bound.get("snippet", ""), bound.get("section")
        if not snippet or not section:
            failures.append(Failure(label, index, f'cell {index}: metadata docexec needs "snippet" (inside {snippets_dir}/) and "section"'))
            continue
        checked = Markup([], [], failures, [])  # the same path rules as a page's references
        found = markup.target(label, index, f"{snippet}:{section}", snippets_dir, checked)
        if found is not None:
            cells.append(Cell(label, index, found, cell.get("id")))
    return cells, failures


def check(root: Path, label: str, cells: list[Cell], files: dict[str, SnippetFile], results: dict[str, FileResult],
          accept: bool) -> tuple[list[Failure], bool]:
    """Failures of the notebook's bound cells; in accept mode, rewrite them instead (True if written)."""
    import nbformat

    path = root / label
    notebook = nbformat.read(path, as_version=4)
    failures, changed = [], False
    for cell in cells:
        file, result = files.get(cell.target.path), results.get(cell.target.path)
        section = file.section(cell.target.section or "") if file else None
        ran = result.section(cell.target.section or "") if result else None
        if section is None or ran is None or ran.status != "ok":
            continue  # reported with the snippet itself
        stored = notebook.cells[cell.index - 1]
        source, outputs = section.code.rstrip("\n"), _outputs(ran.output, ran.figures)
        # As if run from the top in one kernel: the page shows In [1], In [2], ... not In [ ].
        count = 1 + sum(c.cell_type == "code" for c in notebook.cells[: cell.index - 1])
        # Equal within the section's tolerance is equal: accept keeps it (no churn between machines),
        # and a varying output is neither compared nor rewritten once it is there.
        report = None if section.varies and stored.outputs else \
            compare.check(_text(stored.outputs), ran.output, section.options.get("rtol"), section.options.get("atol"))
        if accept:
            if report is not None or _images(stored.outputs) != ran.figures:
                stored.outputs, changed = outputs, True
            if stored.source != source or stored.get("execution_count") != count:
                stored.source, stored.execution_count, changed = source, count, True
            continue
        where = f"cell {cell.index} ({cell.target.label})"
        if stored.get("execution_count") != count:
            failures.append(Failure(label, cell.index, f"{where}: its execution count is {stored.get('execution_count')}, "
                                                       f"not {count}\nnumber the cells with `make accept`"))
        if stored.source != source:
            failures.append(Failure(label, cell.index, f"{where}: the code differs from the snippet's section\n"
                                                       "copy it with `make accept` (the snippet file is the source)"))
        if report is not None or _images(stored.outputs) != ran.figures:
            failures.append(Failure(label, cell.index, f"{where}: the stored output differs from the real one\n"
                                                       f"{report or 'the figures differ'}\n"
                                                       "if the new output is right, record it with `make accept`"))
    if changed:
        try:  # accept mode never writes through a link (a page linked to a file elsewhere)
            expected.no_links(root, label, "notebook page", "`make accept` writes notebook pages only as plain files inside "
                                                            "the repository: replace the link by the notebook itself")
        except expected.Refused as error:
            return [Failure(label, 0, str(error))], False
        path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
    return failures, changed


def _outputs(text: str, figures: list[str]) -> list[Any]:
    import nbformat

    outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)] if text else []
    outputs += [nbformat.v4.new_output("display_data", data={"image/png": f, "text/plain": "<Figure>"}) for f in figures]
    return outputs


def _text(outputs: list[Any]) -> str:
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream")


def _images(outputs: list[Any]) -> list[str]:
    return [o.data["image/png"] for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})]
