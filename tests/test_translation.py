# The translation stays in step: parity of structure is an error, a changed original marks its translation stale.
from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO, docexec_lines, environment

SNIPPETS = {
    "snippets/a.py": "# %% s\nx = 1\nprint(x)\n",
    "snippets/a.out/s.txt": "1\n",
    "snippets/b.py": "# %% s\ny = 2\nprint(y)\n",
    "snippets/b.out/s.txt": "2\n",
}
ZH = """
    # 页

    ## 第一节

    x 是 [[1 | a.py:s | x]]。这一段
    换了行。

    --8<-- exec "a.py:s" caption="图一"

    ## 第二节

    --8<-- exec "b.py:s"
    """
EN = """
    # Page

    ## First

    x is [[1 | a.py:s | x]]. This paragraph
    wraps.

    --8<-- exec "a.py:s" caption="Figure one"

    ## Second

    --8<-- exec "b.py:s"
    """


def _record(root) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docexec.cli", "translated"], cwd=root, capture_output=True, text=True,
                          env=environment(PYTHONPATH=str(REPO / "hooks")), timeout=120)


def test_pages_out_of_step_fail_naming_both_files_and_lines(project):
    swapped = EN.replace('--8<-- exec "a.py:s" caption="Figure one"', "TMP").replace('--8<-- exec "b.py:s"', '--8<-- exec "a.py:s"')
    made = project({"docs/index.md": ZH, "docs/index.en.md": swapped.replace("TMP", '--8<-- exec "b.py:s"')
                    .replace("[[1 | a.py:s | x]]", "[[1 | a.py:s | x + 0]]").replace("## Second", "### Second"), **SNIPPETS}, i18n=True)
    assert docexec_lines(made.build().log) == [
        "ERROR   -  docexec: 3 problems with the documentation's snippets",
        "docs/index.md(5): the translation is out of step: claim 1 differs between docs/index.md(5) and docs/index.en.md(5)",
        "    docs/index.md: snippets/a.py:s | x",
        "    docs/index.en.md: snippets/a.py:s | x + 0",
        "    a page and its translation show the same snippets and claims in the same order, under the same headings",
        "docs/index.md(8): the translation is out of step: snippet 1 differs between docs/index.md(8) and docs/index.en.md(8)",
        "    docs/index.md: snippets/a.py:s",
        "    docs/index.en.md: snippets/b.py:s",
        "    a page and its translation show the same snippets and claims in the same order, under the same headings",
        "docs/index.md(10): the translation is out of step: heading 3 differs between docs/index.md(10) and docs/index.en.md(10)",
        "    docs/index.md: level 2",
        "    docs/index.en.md: level 3",
        "    a page and its translation show the same snippets and claims in the same order, under the same headings",
        "",
    ]


def test_a_changed_original_is_stale_until_recorded_and_shared_parts_never_are(project):
    made = project({"docs/index.md": ZH, "docs/index.en.md": EN, **SNIPPETS}, i18n=True)
    new = made.build("--strict")
    assert new.code == 1 and "WARNING -  docexec: docs/index.md(3): translation of section '第一节' in docs/index.en.md is stale: " \
                             "no reviewed translation is recorded for it" in new.lines()
    recorded = _record(made.root)
    assert recorded.returncode == 0 and recorded.stdout.splitlines()[-1] == "3 sections recorded in translations.json"
    assert made.build("--strict").code == 0

    # Re-wrapping, a checked number, code and outputs are shared: nothing to translate.
    made.write({"docs/index.md": ZH.replace("这一段\n    换了行", "这一段换了行").replace("[[1 |", "[[1.0 |"),
                "snippets/a.py": "# %% s\nx = 1.0\nprint(int(x))\n"})
    assert made.build("--strict").code == 0

    made.write({"docs/index.md": ZH.replace("这一段", "这一整段").replace("图一", "第一张图")})
    stale = made.build("--strict")
    assert stale.code == 1
    lines = stale.lines()
    start = lines.index("WARNING -  docexec: docs/index.md(3): translation of section '第一节' in docs/index.en.md is stale: "
                        "the original changed and its translation did not")
    assert lines[start + 1:start + 8] == [
        "    the original's change ('-' recorded, '+' now):",
        "    @@ -1,3 +1,3 @@",
        "     ## 第一节",
        "    -x 是 ⟦claim⟧。这一段换了行。",
        "    -图一",
        "    +x 是 ⟦claim⟧。这一整段换了行。",
        "    +第一张图",
    ]
    assert "第二节" not in stale.log  # only the changed section
    assert made.build().code == 0  # a plain build (`serve`, an author's) warns and goes on
    report = json.loads((made.root / "site" / "docexec-report.json").read_text())
    assert [s["section"] for s in report["stale"]] == ["第一节"]

    made.write({"docs/index.en.md": EN.replace("This paragraph", "This whole paragraph")})
    assert "both languages changed since the translation was last recorded" in made.build("--strict").log
    assert _record(made.root).stdout.splitlines() == ["recorded docs/index.md#第一节", "1 section recorded in translations.json"]
    assert made.build("--strict").code == 0
