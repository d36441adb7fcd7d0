# notebook: a page's prose and snippets as a Jupyter notebook that carries the build's outputs.
from __future__ import annotations

import json
import re
from typing import Any, Callable

from .markup import Claim, Markup, Target
from .render import labels
from .runner import FileResult
from .sections import PREAMBLE, SnippetFile

ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+"(?P<title>[^"]*)")?\s*$')
SKIP = re.compile(r"^\s*-{1,}8<-{1,}\s+exec-report\s*$")


def build(markdown: str, found: Markup, files: dict[str, SnippetFile], results: dict[str, FileResult],
          problems_of: Callable[[Target], list[str]], language: str | None, seed: int, threads: int) -> str | None:
    """The notebook's JSON, or None for a page without snippets. Nothing runs here: code cells
    get the outputs of this build's run, and a setup cell per file restores the state the build
    gave that file (seeds, one thread), so re-running from the top prints the same."""
    if not found.references:
        return None
    references = {ref.line: ref for ref in found.references}
    claims: dict[int, list[Claim]] = {c.line: [] for c in found.claims}
    for claim in found.claims:
        claims[claim.line].append(claim)
    cells: list[Any] = []
    prose: list[str] = []
    shown: dict[str, set[str]] = {}

    def flush() -> None:
        text = _markdown(prose)
        if text.strip():
            cells.append({"cell_type": "markdown", "metadata": {}, "source": text})
        prose.clear()

    for number, line in enumerate(markdown.split("\n"), start=1):
        ref = references.get(number)
        if ref is None:
            for claim in sorted(claims.get(number, []), key=lambda c: -c.start):
                line = line[: claim.start] + claim.text + line[claim.end:]
            if not SKIP.match(line):
                prose.append(line)
            continue
        flush()
        file = files.get(ref.target.path)
        wanted = ([s.name for s in file.sections] if ref.target.section is None else [ref.target.section]) if file else []
        indices = [i for i, s in enumerate(file.sections) if s.name in wanted] if file else []
        if file is None or not indices:  # missing file or section: the failure stands where the code would
            cells.append({"cell_type": "markdown", "metadata": {}, "source": _failure_quote(problems_of(ref.target), language)})
            continue
        done = shown.setdefault(file.path, set())
        if not done:
            cells.append(_code(_setup(file.path, seed, threads)))
        for section in file.sections[: max(indices) + 1]:  # earlier sections first: they set up the state
            if section.name in done:
                continue
            done.add(section.name)
            problems = problems_of(Target(file.path, section.name))
            outputs = _error(problems) if problems else _outputs(results.get(file.path), section.name)
            cell = _code(section.code.rstrip("\n"), outputs)
            cell["metadata"]["docexec"] = {"snippet": file.path, "section": section.name}
            if section.name == PREAMBLE or section.name not in wanted:
                cell["metadata"]["tags"] = ["setup"]
            cells.append(cell)
    flush()
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index}"  # fixed ids: the same page gives the same notebook bytes
    notebook = {"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }}
    # Plain JSON in nbformat 4.5's shape (the tests validate it with nbformat): building it
    # through nbformat's constructors validated every cell and cost more than the page itself.
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _code(source: str, outputs: list[Any] | None = None) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": outputs or [], "source": source}


# numpy's print options as a fresh interpreter has them (numpy has no reset; a test keeps this true).
NUMPY_PRINT_DEFAULTS = ("edgeitems=3, threshold=1000, floatmode='maxprec', precision=8, suppress=False, "
                        "linewidth=75, nanstr='nan', infstr='inf', sign='-', formatter=None, legacy=False")


def _setup(path: str, seed: int, threads: int) -> str:
    """Each file runs in a fresh process in the build; in one kernel, this cell gives the next
    cells that same start: no names of earlier files, seeds, one thread, default dtype and
    print options (an earlier file may have changed any of them)."""
    return (f"# {path}: the state the build runs each snippet file in\n"
            "%reset -f\n"
            "import random\nimport sys\n\nimport numpy\nimport torch\n\n"
            f"random.seed({seed})\nnumpy.random.seed({seed})\ntorch.manual_seed({seed})\n"
            f"torch.set_num_threads({threads})\n"
            "torch.set_default_dtype(torch.float32)\n"
            "torch.set_printoptions(profile='default', sci_mode=None)\n"
            f"numpy.set_printoptions({NUMPY_PRINT_DEFAULTS})\n"
            "if 'matplotlib.pyplot' in sys.modules:\n    sys.modules['matplotlib.pyplot'].close('all')")


def _outputs(result: FileResult | None, name: str) -> list[Any]:
    section = result.section(name) if result else None
    if section is None:
        return []
    outputs: list[Any] = []
    if section.output:
        outputs.append({"output_type": "stream", "name": "stdout", "text": section.output})
    for image in section.figures:
        outputs.append({"output_type": "display_data", "metadata": {}, "data": {"image/png": image, "text/plain": "<Figure>"}})
    return outputs


def _failure_quote(problems: list[str], language: str | None) -> str:
    lines = "\n\n".join(problems).splitlines()
    return "\n".join([f"> **{labels(language)['failed']}**", ">", "> ```text", *(f"> {line}".rstrip() for line in lines), "> ```"])


def _error(problems: list[str]) -> list[Any]:
    """The build's failure as the cell's error output, as Jupyter shows an exception."""
    text = "\n\n".join(problems)
    return [{"output_type": "error", "ename": "DocexecFailure", "evalue": text.splitlines()[0], "traceback": text.splitlines()}]


def _markdown(lines: list[str]) -> str:
    """Material's Markdown as Jupyter's: admonitions become quotes, \\[ \\] and \\( \\) dollars."""
    out: list[str] = []
    quoting = False
    for line in lines:
        admonition = ADMONITION.match(line)
        if admonition:
            quoting = True
            out.append(f"> **{admonition['title']}**" if admonition["title"] else ">")
            continue
        if quoting and (line.startswith("    ") or not line.strip()):
            out.append(("> " + line[4:]).rstrip())
            continue
        quoting = False
        out.append(line)
    text = "\n".join(out).strip("\n")
    text = text.replace("\\[", "$$").replace("\\]", "$$").replace("\\(", "$").replace("\\)", "$")
    return re.sub(r"\n{3,}", "\n\n", text)
