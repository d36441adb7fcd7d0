# Notebook pages (mkdocs-jupyter) in docs/: bound cells are checked and accepted; with i18n they
# render as notebooks in both languages, not as raw JSON.
from __future__ import annotations

import json

import nbformat
import pytest

from conftest import REPO, config, docexec_lines

NOTEBOOK_HOOK = REPO / "hooks" / "i18n_notebooks.py"


def _notebook(section: str, output: str = "") -> str:
    cell = nbformat.v4.new_code_cell("print(1 + 1)", execution_count=1)  # the first code cell, as run from the top
    cell.metadata["docexec"] = {"snippet": "calc.py", "section": section}
    if output:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Calc\n\n$$x^2$$"), cell])
    for i, c in enumerate(book.cells):
        c.id = f"c{i}"
    return nbformat.writes(book)


def _jupyter_config(i18n: bool, fix: bool = True) -> str:
    text = config(i18n).replace("hooks:\n", f"hooks:\n  - {NOTEBOOK_HOOK}\n" if fix else "hooks:\n")
    plugin = "  - mkdocs-jupyter:\n      include: ['*.ipynb']\n"
    return text.replace("plugins:\n", "plugins:\n" + plugin) if i18n else text + "plugins:\n" + plugin


SNIPPET = {"snippets/calc.py": "# %% two\nprint(1 + 1)\n", "snippets/calc.out/two.txt": "2\n"}


def test_notebook_cell_with_a_stale_output_fails_and_accept_rewrites_it(project):
    made = project({"docs/index.md": "# Home\n", "docs/calc.ipynb": _notebook("two", "3\n"), **SNIPPET})
    made.write({"mkdocs.yml": _jupyter_config(i18n=False)})
    built = made.build()
    assert docexec_lines(built.log) == [
        "ERROR   -  docexec: 1 problem with the documentation's snippets",
        "docs/calc.ipynb(2): cell 2 (snippets/calc.py:two): the stored output differs from the real one",
        "    @@ -1 +1 @@",
        "    -3",
        "    +2",
        "    if the new output is right, record it with `make accept`",
        "",
    ]
    accepted = made.build(DOCEXEC_ACCEPT="1")
    assert "INFO    -  docexec: recorded docs/calc.ipynb" in accepted.lines()
    cell = nbformat.read(made.root / "docs/calc.ipynb", as_version=4).cells[1]
    assert cell.outputs[0]["text"] == "2\n" and cell.source == "print(1 + 1)"
    built = made.build()
    assert built.code == 0, built.log
    assert "jp-Cell" in built.page("calc/index.html")


def test_notebook_cell_whose_code_differs_from_its_section_fails(project):
    made = project({"docs/index.md": "# Home\n", "docs/calc.ipynb": _notebook("two", "2\n").replace("print(1 + 1)", "print(2)"),
                    **SNIPPET})
    made.write({"mkdocs.yml": _jupyter_config(i18n=False)})
    assert "docs/calc.ipynb(2): cell 2 (snippets/calc.py:two): the code differs from the snippet's section" in made.build().log


@pytest.mark.parametrize("fix", [True, False])
def test_notebook_pages_render_in_both_languages_only_with_the_fix(project, fix):
    made = project({
        "docs/index.md": "# 首页\n", "docs/index.en.md": "# Home\n",
        "docs/calc.ipynb": _notebook("two", "2\n"), "docs/calc.en.ipynb": _notebook("two", "2\n"), **SNIPPET,
    }, i18n=True)
    made.write({"mkdocs.yml": _jupyter_config(i18n=True, fix=fix)})
    built = made.build()
    assert built.code == 0, built.log
    pages = [built.page("calc/index.html"), built.page("en/calc/index.html")]
    if fix:
        assert all("jp-Cell" in p and '"nbformat"' not in p for p in pages)
    else:  # mkdocs-static-i18n issue #198: the build "passes" and writes the notebook's JSON
        assert any(json.loads(p)["nbformat"] == 4 for p in pages if p.lstrip().startswith("{"))
