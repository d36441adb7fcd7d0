# notebook: a page's prose and snippets as a Jupyter notebook that carries the build's outputs.
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Callable

from . import render
from .markup import Claim, Markup, Target
from .render import labels
from .runner import FileResult
from .sections import PREAMBLE, SnippetFile

# What makes a notebook besides its inputs: this module's code and the labels render gives it.
MAKER = hashlib.sha256(Path(__file__).read_bytes() + Path(render.__file__).read_bytes()).hexdigest()
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
    current: str | None = None  # the snippet file whose state the kernel holds

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
        pending = [s for s in file.sections[: max(indices) + 1] if s.name not in done]  # earlier ones set up the state
        if pending and current != file.path:
            if current is None:
                cells.append(_setup_cell(_helper(seed, threads)))
            cells.append(_setup_cell(f"_docexec_use({file.path!r})"))
            current = file.path
        for section in pending:
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


def inputs(markdown: str, found: Markup, files: dict[str, SnippetFile], results: dict[str, FileResult],
           problems_of: Callable[[Target], list[str]], language: str | None, seed: int, threads: int) -> str:
    """A hash of all ``build`` reads with the same arguments: equal hashes, equal notebooks. Of a
    result only what a cell shows counts (not its run time, nor whether the cache served it)."""
    digest = hashlib.sha256()

    def add(part: object) -> None:
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")

    add((MAKER, language, seed, threads, markdown, found.references, found.claims))
    for path in sorted({ref.target.path for ref in found.references}):
        file, result = files.get(path), results.get(path)
        add((path, file))
        for shown in result.sections if result else ():
            add((shown.name, shown.output))
            for image in shown.figures:
                add(len(image))
                digest.update(image.encode("ascii", "surrogatepass"))
        for section in file.sections if file else ():
            add(problems_of(Target(path, section.name)))
    for ref in found.references:
        add(problems_of(ref.target))
    return digest.hexdigest()


def _code(source: str, outputs: list[Any] | None = None) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": outputs or [], "source": source}


# numpy's print options as a fresh interpreter has them (numpy has no reset; a test keeps this true).
NUMPY_PRINT_DEFAULTS = ("edgeitems=3, threshold=1000, floatmode='maxprec', precision=8, suppress=False, "
                        "linewidth=75, nanstr='nan', infstr='inf', sign='-', formatter=None, legacy=False")


def _helper(seed: int, threads: int) -> str:
    """The build runs each snippet file alone, in a fresh process; a page may interleave the
    cells of several files. In one kernel, ``_docexec_use(file)`` gives each file's cells that
    same state: its own names, and the seeds, threads, default dtype and print options the build
    starts a file with, kept while another file's cells run (names starting with _ are shared)."""
    return f'''# The build runs each snippet file alone; _docexec_use(file) gives its cells that state here.
import random as _random
import sys as _sys

import numpy as _numpy
import torch as _torch

_docexec_saved, _docexec_current = {{}}, None


def _docexec_use(path):
    global _docexec_current
    space = globals()
    names = {{k: v for k, v in space.items() if not k.startswith("_") and k not in _DOCEXEC_KERNEL}}
    if _docexec_current is not None:
        _docexec_saved[_docexec_current] = (
            names, _random.getstate(), _numpy.random.get_state(), _torch.get_rng_state(),
            _torch.get_default_dtype(), _torch._tensor_str.get_printoptions(), _numpy.get_printoptions(),
            _torch.get_num_threads())
    for name in names:
        del space[name]
    if "matplotlib.pyplot" in _sys.modules:
        _sys.modules["matplotlib.pyplot"].close("all")
    if path in _docexec_saved:
        names, py, np, pt, dtype, pt_print, np_print, threads = _docexec_saved.pop(path)
        space.update(names)
        _random.setstate(py)
        _numpy.random.set_state(np)
        _torch.set_rng_state(pt)
        _torch.set_default_dtype(dtype)
        _torch.set_printoptions(**pt_print)
        _numpy.set_printoptions(**np_print)
        _torch.set_num_threads(threads)
    else:
        _random.seed({seed})
        _numpy.random.seed({seed})
        _torch.manual_seed({seed})
        _torch.set_default_dtype(_torch.float32)
        _torch.set_printoptions(profile="default", sci_mode=None)
        _numpy.set_printoptions({NUMPY_PRINT_DEFAULTS})
        _torch.set_num_threads({threads})
    _docexec_current = path


_DOCEXEC_KERNEL = {{k for k in globals() if not k.startswith("_")}}  # In, Out, get_ipython, ...'''


def _setup_cell(source: str) -> dict[str, Any]:
    cell = _code(source)
    cell["metadata"]["tags"] = ["setup"]
    return cell


def _outputs(result: FileResult | None, name: str) -> list[Any]:
    section = result.section(name) if result else None
    if section is None:
        return []
    outputs: list[Any] = []
    if section.output:
        outputs.append({"output_type": "stream", "name": "stdout", "text": section.output})
    # Every figure the code draws, in each language: the notebook is what re-running it gives
    # (the page itself shows only its own language's).
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
