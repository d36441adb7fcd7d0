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


def test_each_files_cells_rerun_in_the_state_the_build_ran_them_in(project, tmp_path):
    made = project({
        # The page interleaves two files: a's second section must find a's names and state again.
        "docs/index.md": '--8<-- exec "a.py:one"\n\n--8<-- exec "b.py"\n\n--8<-- exec "a.py:two"\n',
        "snippets/a.py": """
            # %% one
            import numpy
            import torch
            leftover = 1
            torch.set_default_dtype(torch.float64)
            torch.set_printoptions(precision=8)
            numpy.set_printoptions(precision=2)
            torch.manual_seed(123)
            torch.set_num_threads(2)
            print(torch.tensor([1 / 3]), torch.rand(1))

            # %% two
            print(leftover, torch.get_default_dtype(), torch.get_num_threads())
            print(torch.tensor([1 / 3]), numpy.array([1 / 3]), torch.rand(1))
            """,
        "snippets/b.py": """
            import numpy
            import torch
            print("leftover" in globals(), torch.get_default_dtype(), torch.get_num_threads())
            print(torch.tensor([1 / 3]), numpy.array([1 / 3]), torch.rand(1))
            """,
    })
    built = made.build(DOCEXEC_ACCEPT="1")
    assert built.code == 0, built.log
    path = made.root / "site" / "index.ipynb"
    notebook = nbformat.read(path, as_version=4)
    rerun = nbformat.read(path, as_version=4)
    NotebookClient(rerun, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [(_text(before.outputs), _text(after.outputs)) for before, after in zip(notebook.cells, rerun.cells)
               if before.cell_type == "code" and "docexec" in before.metadata]
    assert outputs[1][0] == "False torch.float32 1\ntensor([0.3333]) [0.33333333] tensor([0.4963])\n"
    assert outputs[2][0].startswith("1 torch.float64 2\ntensor([0.33333333]) [0.33] tensor([0.01336595])")
    assert [after for _, after in outputs] == [before for before, _ in outputs]


def test_the_notebooks_numpy_defaults_are_a_fresh_numpys():
    import subprocess
    import sys

    from docexec.notebook import NUMPY_PRINT_DEFAULTS

    fresh = subprocess.run([sys.executable, "-c", "import numpy; print(numpy.get_printoptions())"], capture_output=True, text=True)
    options = eval(f"dict({NUMPY_PRINT_DEFAULTS})")
    assert {k: v for k, v in eval(fresh.stdout).items() if k != "override_repr"} == options
