# Every page's notebook: carries the build's outputs, and re-run from the top prints the same.
from __future__ import annotations


import nbformat
import pytest
from nbclient import NotebookClient

from docexec.compare import check


@pytest.fixture(scope="module")
def site(real_site):
    return real_site[0] / "site"


def _text(outputs) -> str:
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") + "\n"
                   for o in outputs if o.output_type in ("stream", "execute_result"))


NOTEBOOKS = ["index.ipynb", "en/index.ipynb", "norms/norms.ipynb", "en/norms/norms.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_reruns_to_the_same_outputs(site, path):
    built = nbformat.read(site / path, as_version=4)
    nbformat.validate(built)
    code = [c for c in built.cells if c.cell_type == "code" and "docexec" in c.metadata]
    assert code and any(c.outputs for c in code)
    language = "en" if path.startswith("en/") else "zh"
    prose = "\n".join(c.source for c in built.cells if c.cell_type == "markdown")
    assert ("Editor's note" in prose) if language == "en" else ("编者注" in prose)
    assert "--8<--" not in prose and "[[" not in prose and "\\[" not in prose
    rerun = nbformat.read(site / path, as_version=4)
    NotebookClient(rerun, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(site)}}).execute()
    for before, after in zip(built.cells, rerun.cells):
        if before.cell_type != "code" or "docexec" not in before.metadata:
            continue
        where = f"{path} {before.metadata['docexec']}"
        assert not [o for o in after.outputs if o.output_type == "error"], where
        # the same comparison the build makes: numbers to their written precision
        assert check(_text(before.outputs), _text(after.outputs), atol=1e-6) is None, where
        images = lambda outputs: sum("image/png" in o.get("data", {}) for o in outputs)  # noqa: E731
        assert images(before.outputs) == images(after.outputs), where


def test_page_links_its_notebook(site):
    html = (site / "en/norms/index.html").read_text()
    assert '<a class="md-button docexec-notebook" href="norms.ipynb" download>' in html
    assert "docexec-notebook" not in (site / "report/index.html").read_text()  # no code, no notebook
