# Under `mkdocs serve`, every fault shows on every page that uses it, in both languages; the server always answers.
from __future__ import annotations

import json
import urllib.request

import pytest

from conftest import REPO

PAGES = {"docs/index.md": ("# 页\n\n动量是 {claim}。\n\n{reference}\n", "/"),
         "docs/index.en.md": ("# Page\n\nMomentum is {claim}.\n\n{reference}\n", "/en/")}
GOOD_CLAIM, GOOD_REFERENCE = "[[0.1 | x.py:s | bn.momentum]]", '--8<-- exec "x.py:s"'
GOOD_SNIPPET = "# %% s\nimport torch\nbn = torch.nn.BatchNorm1d(2)\nprint(bn.momentum)\n"
BOXES = {"/": "代码片段运行失败", "/en/": "Snippet failed"}

# fault kind -> (what the page holds, what the snippet file holds, text both pages must show)
FAULTS = {
    "missing file": (GOOD_CLAIM, '--8<-- exec "gone.py:s"', GOOD_SNIPPET, "snippet file snippets/gone.py not found"),
    "missing section": (GOOD_CLAIM, '--8<-- exec "x.py:nope"', GOOD_SNIPPET, "not found in snippets/x.py (sections: s)"),
    "malformed markup": (GOOD_CLAIM, "--8<-- exec x.py:s", GOOD_SNIPPET, "malformed snippet reference"),
    "bad option": (GOOD_CLAIM, '--8<-- exec "x.py:s" source="nope"', GOOD_SNIPPET, "unknown reference option"),
    "bad section option": (GOOD_CLAIM, GOOD_REFERENCE, GOOD_SNIPPET.replace("# %% s", "# %% s timeout=soon"), "is not a number"),
    "exception": (GOOD_CLAIM, GOOD_REFERENCE, GOOD_SNIPPET + "raise ValueError('broken')\n", "ValueError: broken"),
    "timeout": (GOOD_CLAIM, GOOD_REFERENCE, GOOD_SNIPPET.replace("# %% s", "# %% s timeout=1") + "import time\ntime.sleep(60)\n", "timed out"),
    "crash": (GOOD_CLAIM, GOOD_REFERENCE, GOOD_SNIPPET + "import os\nos._exit(3)\n", "exited with status 3"),
    "failing claim": ("[[0.5 | x.py:s | bn.momentum]]", GOOD_REFERENCE, GOOD_SNIPPET, "docexec-claim-failed"),
    "claim about a missing section": ("[[0.1 | x.py:gone | bn.momentum]]", GOOD_REFERENCE, GOOD_SNIPPET, "docexec-claim-failed"),
}


def _files(claim: str, reference: str, snippet: str) -> dict[str, str]:
    pages = {path: text.format(claim=claim, reference=reference) for path, (text, _) in PAGES.items()}
    return {**pages, "snippets/x.py": snippet, "snippets/x.out/s.txt": "0.1\n"}


def test_every_fault_shows_on_both_languages_pages_and_the_page_recovers(serve_project):
    made, server = serve_project(_files(GOOD_CLAIM, GOOD_REFERENCE, GOOD_SNIPPET), i18n=True)
    seen = 0
    for kind, (claim, reference, snippet, shown) in FAULTS.items():
        made.write(_files(claim, reference, snippet))
        seen = server.wait_for("ERROR   -  docexec:", seen)
        seen = server.wait_for("Reloading browsers", seen)
        for url in ("/", "/en/"):
            page = server.page(url)
            assert shown in page, f"{kind}: {url}\n{page}"
            if "claim" not in kind:
                assert BOXES[url] in page, f"{kind}: {url}"
            assert "checked by the build" not in page and "构建时已核对" not in page or "claim" not in kind, kind
        made.write(_files(GOOD_CLAIM, GOOD_REFERENCE, GOOD_SNIPPET))
        seen = server.wait_for("docexec: 1 snippet files", seen)
        seen = server.wait_for("Reloading browsers", seen)
        for url in ("/", "/en/"):
            page = server.page(url)
            assert "docexec-failure" not in page and "docexec-claim-failed" not in page, f"{kind} fixed: {url}"
            assert ">0.1\n</code>" in page and "docexec-claim" in page, f"{kind} fixed: {url}"
        assert server.process.poll() is None, kind


NOTEBOOK_HOOK = REPO / "hooks" / "i18n_notebooks.py"


def _notebook(title: str) -> str:
    cells = [{"cell_type": "markdown", "id": "c0", "metadata": {}, "source": f"# {title}"},
             {"cell_type": "code", "id": "c1", "execution_count": None, "outputs": [], "source": "print(bn.momentum)",
              "metadata": {"docexec": {"snippet": "x.py", "section": "s"}}}]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.mark.parametrize("fault", ["exception", "missing section"])
def test_notebook_pages_and_downloads_show_the_failure_in_both_languages(serve_project, fault):
    claim, reference, snippet, shown = FAULTS[fault]
    def configure(text: str) -> str:
        text = text.replace("hooks:\n", f"hooks:\n  - {NOTEBOOK_HOOK}\n")
        return text.replace("plugins:\n", "plugins:\n  - mkdocs-jupyter:\n      include: ['*.ipynb']\n")

    made, server = serve_project({**_files(claim, reference, snippet), "docs/nb.ipynb": _notebook("笔记"),
                                  "docs/nb.en.ipynb": _notebook("Notebook")}, i18n=True, configure=configure)
    for url, box in (("/nb/", BOXES["/"]), ("/en/nb/", BOXES["/en/"])):
        if fault == "missing section":
            continue  # the notebook's cells are bound to a section that exists
        page = server.page(url)
        assert box in page and shown in page, url
        assert page.index(shown) < page.index('id="cell-id=c1"'), "shown above its cell"
    for url in ("/index.ipynb", "/en/index.ipynb"):
        notebook = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{server.port}{url}", timeout=10).read())
        text = json.dumps(notebook, ensure_ascii=False)
        assert shown in text, url
        if fault == "exception":
            errors = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"] if o["output_type"] == "error"]
            assert errors and "ValueError: broken" in "\n".join(errors[0]["traceback"]), url
