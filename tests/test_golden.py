# Golden pages: what the renderer makes of a page, compared with tests/golden/*/expected.md.
"""Run `pytest tests/test_golden.py --update-golden` to rewrite the expected files from the
current renderer, then review them with `git diff tests/golden`."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docexec.engine import Session
from docexec.options import Options

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()))
def test_rendered_page_matches_golden(case, tmp_path, request):
    shutil.copytree(GOLDEN / case, tmp_path, dirs_exist_ok=True)
    (tmp_path / "expected.md").unlink(missing_ok=True)
    session = Session()
    # accept: the outputs are recorded by this very run, so only the rendering is under test
    assert session.build(tmp_path, tmp_path / "docs", Options(accept=True, cache_dir=".cache")) == []
    page = (tmp_path / "docs" / "index.md").read_text()
    rendered = session.render_page("index.md", page, "en", "", "index.ipynb")
    expected = GOLDEN / case / "expected.md"
    if request.config.getoption("--update-golden"):
        expected.write_text(rendered)
    assert rendered == expected.read_text()
