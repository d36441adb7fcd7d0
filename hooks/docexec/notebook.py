# notebook: a page's prose and snippets as a Jupyter notebook that carries the build's outputs.
from __future__ import annotations

import json
import re
from typing import Any

from .markup import Claim, Markup
from .runner import FileResult
from .sections import PREAMBLE, SnippetFile

ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+"(?P<title>[^"]*)")?\s*$')
SKIP = re.compile(r"^\s*-{1,}8<-{1,}\s+exec-report\s*$")


def build(markdown: str, found: Markup, files: dict[str, SnippetFile], results: dict[str, FileResult],
          seed: int, threads: int) -> str | None:
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
        if file is None:
            continue
        done = shown.setdefault(file.path, set())
        if not done:
            cells.append(_code(_setup(file.path, seed, threads)))
        wanted = [s.name for s in file.sections] if ref.target.section is None else [ref.target.section]
        last = max(i for i, s in enumerate(file.sections) if s.name in wanted)
        for section in file.sections[: last + 1]:  # earlier sections first: they set up the state
            if section.name in done:
                continue
            done.add(section.name)
            cell = _code(section.code.rstrip("\n"), _outputs(results.get(file.path), section.name))
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


def _setup(path: str, seed: int, threads: int) -> str:
    return (f"# {path}: the state the build runs each snippet file in\n"
            "import random\n\nimport numpy\nimport torch\n\n"
            f"random.seed({seed})\nnumpy.random.seed({seed})\ntorch.manual_seed({seed})\n"
            f"torch.set_num_threads({threads})\ntorch.set_printoptions(profile='default')")


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
