# The core driven by each adapter: the check command, its pre-commit entry, and a Python-Markdown extension.
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

import markdown
import pytest
import yaml

from conftest import REPO, docexec_lines, environment
from docexec.engine import Session
from docexec.errors import DocexecError
from docexec.extension import DocexecExtension
from docexec.options import Options

PAGE = "docs/index.md"
FILES = {
    PAGE: 'Momentum [[0.1 | bn.py:s | bn.momentum]].\n\n--8<-- exec "bn.py:s"\n',
    "snippets/bn.py": "# %% s\nimport torch\nbn = torch.nn.BatchNorm1d(2)\nprint(bn.running_var)\n",
    "snippets/bn.out/s.txt": "tensor([1., 1.])\n",
}
BROKEN = {PAGE: FILES[PAGE].replace("[[0.1 |", "[[0.2 |"), "snippets/bn.out/s.txt": "tensor([2., 2.])\n"}


def _check(root, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docexec", "check", *args], cwd=root, capture_output=True, text=True,
                          env=environment(PYTHONPATH=str(REPO / "hooks"), DOCEXEC_CACHE=".docexec-cache", **env), timeout=300)


def test_check_prints_what_the_build_prints_fills_the_same_cache_and_fails_on_any_problem(project):
    made = project(FILES)
    done = _check(made.root)
    assert done.returncode == 0 and done.stdout.splitlines() == ["docexec: 1 snippet files: 1 run, 0 from cache"
                                                                 + done.stdout.split("from cache", 1)[1].rstrip()], done.stderr
    assert "1 snippet files: 0 run, 1 from cache" in made.build().log  # the build uses what check ran
    assert _check(made.root, "--json", "report.json").returncode == 0
    timeless = lambda data: {k: timeless(v) for k, v in data.items() if k != "seconds"} if isinstance(data, dict) else \
        [timeless(v) for v in data] if isinstance(data, list) else data  # noqa: E731
    mine, built = (json.loads(p.read_text()) for p in (made.root / "report.json", made.root / "site" / "docexec-report.json"))
    assert timeless(mine) == timeless(built)  # the same report (both from the cache now)

    made.write(BROKEN)
    checked, broken = _check(made.root), made.build()
    assert checked.returncode == 1 and broken.code == 1
    lines = checked.stderr.splitlines()
    assert lines[0] == "docexec: 2 problems with the documentation's snippets"
    assert ["ERROR   -  docexec: " + lines[0].removeprefix("docexec: "), *lines[1:], ""] == docexec_lines(broken.log)


def test_check_refuses_a_bad_switch_in_one_line(project):
    made = project(FILES)
    done = _check(made.root, DOCEXEC_TIMEOUT="5s")
    assert done.returncode == 2 and done.stderr.splitlines() == [
        "docexec: DOCEXEC_TIMEOUT='5s' is not valid: give a number of seconds greater than 0, e.g. DOCEXEC_TIMEOUT=120"]


def test_check_sees_translations_out_of_step(project):
    made = project({**FILES, "docs/index.en.md": FILES[PAGE].replace("bn.momentum", "bn.eps")}, i18n=True)
    done = _check(made.root)
    assert done.returncode == 1
    assert "docs/index.md(1): the translation is out of step: claim 1 differs between docs/index.md(1) and docs/index.en.md(1)" in done.stderr


def test_the_pre_commit_entry_refuses_a_commit_that_breaks_a_page(project):
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (entry,) = [h["entry"] for h in hooks if h["id"] == "docexec-check"]
    made = project(FILES)
    os.symlink(REPO / "hooks", made.root / "hooks")
    os.symlink(REPO / ".venv", made.root / ".venv")
    run = lambda: subprocess.run(shlex.split(entry), cwd=made.root, capture_output=True, text=True,  # noqa: E731
                                 env=environment(DOCEXEC_CACHE=".docexec-cache"), timeout=300)
    assert run().returncode == 0
    made.write(BROKEN)
    refused = run()
    assert refused.returncode == 1 and "docs/index.md(1): claim [[0.2 ± 0.05]] about `bn.momentum`" in refused.stderr


def test_markdown_extension_renders_a_page_from_the_cores_results(project):
    made = project(FILES)
    session = Session()
    assert session.build(made.root, made.root / "docs", Options(cache_dir=".docexec-cache")) == []
    text = (made.root / PAGE).read_text()
    html = markdown.markdown(text, extensions=[DocexecExtension(session=session, page="index.md", language="en")])
    assert 'Momentum <span class="docexec-claim" title="checked by the build: bn.momentum = 0.1">0.1</span>.' in html
    assert '<div class="docexec-output highlight"><span class="filename">Output</span>' in html and "tensor([1., 1.])" in html
    # without a session it builds one from the project (once per process), with the same cache
    alone = markdown.markdown(text, extensions=[DocexecExtension(root=str(made.root), page="index.md", language="zh")])
    assert 'title="构建时已核对：bn.momentum = 0.1">0.1</span>' in alone and '<span class="filename">输出</span>' in alone


def test_markdown_extension_refuses_pages_whose_snippets_fail(project):
    made = project(BROKEN | {"snippets/bn.py": FILES["snippets/bn.py"]})
    with pytest.raises(DocexecError, match=r"2 problems with the documentation's snippets"):
        markdown.markdown("x", extensions=[DocexecExtension(root=str(made.root))])
