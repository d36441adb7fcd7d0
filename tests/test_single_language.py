# A page without its twin in the other language fails the build unless it is declared single-language.
from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO, docexec_lines, environment

SNIPPETS = {"snippets/a.py": "# %% s\nx = 1\nprint(x)\n", "snippets/a.out/s.txt": "1\n"}
EXTRA = '# Extra\n\nx is [[1 | a.py:s | x]].\n\n--8<-- exec "a.py:s"\n'
SINGLE = "---\ndocexec: {single_language: true}\n---\n"
HOW = "    add {0} with the same snippets and claims, or, if the page is meant for one language only, declare it with {1}"


def _translated(root) -> None:
    subprocess.run([sys.executable, "-m", "docexec", "translated"], cwd=root, capture_output=True, check=True,
                   env=environment(PYTHONPATH=str(REPO / "hooks")), timeout=120)


def _check(root) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docexec", "check"], cwd=root, capture_output=True, text=True,
                          env=environment(PYTHONPATH=str(REPO / "hooks"), DOCEXEC_CACHE=".docexec-cache"), timeout=300)


def _notebook(metadata: dict[str, object]) -> str:
    cells = [{"cell_type": "markdown", "id": "c0", "metadata": {}, "source": "# 笔记"}]
    return json.dumps({"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5})


def test_a_page_without_its_twin_fails_in_either_language_unless_declared(project):
    made = project({"docs/index.md": "# 页\n", "docs/index.en.md": "# Page\n", "docs/extra.en.md": EXTRA,
                    "docs/only.md": EXTRA.replace("Extra", "只有中文"), **SNIPPETS}, i18n=True)
    _translated(made.root)  # index.md's translation is reviewed: only the pages without a twin fail
    lines = [
        "docs/extra.en.md(1): this page translates docs/extra.md, which does not exist: it would be published in en only",
        HOW.format("docs/extra.md", "`docexec: {single_language: true}` in its front matter"),
        "docs/only.md(1): this page has no translation docs/only.en.md: the en site would show it untranslated "
        "(mkdocs-static-i18n falls back to the original)",
        HOW.format("docs/only.en.md", "`docexec: {single_language: true}` in its front matter"),
    ]
    assert docexec_lines(made.build().log) == ["ERROR   -  docexec: 2 problems with the documentation's snippets", *lines, ""]
    checked = _check(made.root)  # `make check`
    assert checked.returncode == 1 and "\n".join(lines) in checked.stderr

    made.write({"docs/extra.en.md": SINGLE + EXTRA, "docs/only.md": SINGLE + EXTRA.replace("Extra", "只有中文")})
    built = made.build()
    assert built.code == 0, built.log
    assert "docexec-claim" in built.page("en/extra/index.html") and not (made.root / "site/extra").exists()
    assert _check(made.root).returncode == 0


def test_a_notebook_declares_it_in_its_metadata_and_a_declaration_is_checked(project):
    made = project({"docs/index.md": "# 页\n", "docs/index.en.md": "# Page\n", "docs/nb.ipynb": _notebook({})}, i18n=True)
    _translated(made.root)
    checked = _check(made.root)
    assert checked.returncode == 1
    assert "docs/nb.ipynb(1): this page has no translation docs/nb.en.ipynb" in checked.stderr
    assert 'declare it with `"docexec": {"single_language": true}` in its notebook metadata' in checked.stderr

    made.write({"docs/nb.ipynb": _notebook({"docexec": {"single_language": True}})})
    assert _check(made.root).returncode == 0

    # A misspelt declaration is named, not taken for none; one on a page that has its twin is a contradiction.
    made.write({"docs/nb.ipynb": _notebook({"docexec": {"single_langage": True}}),
                "docs/index.md": SINGLE + "# 页\n"})
    checked = _check(made.root)
    assert checked.returncode == 1
    assert ('docs/nb.ipynb(1): the docexec setting in the page\'s notebook metadata is not understood: {"single_langage": true}\n'
            "    write `docexec: {single_language: true}` (the only setting a page has), or remove it") in checked.stderr
    assert ("docs/index.md(1): the page is declared single-language (`docexec: {single_language: true}` in its front matter), "
            "but docs/index.en.md exists\n    remove the declaration, or remove docs/index.en.md") in checked.stderr
