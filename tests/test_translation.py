# The translation stays in step: parity of structure is an error, a changed original marks its translation stale.
from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import REPO, config, docexec_lines, environment

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
        "    docs/index.md: 1 ± 0.5 | snippets/a.py:s | x",
        "    docs/index.en.md: 1 ± 0.5 | snippets/a.py:s | x + 0",
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

    # Re-wrapping, a checked number (changed in both languages), code and outputs are shared: nothing to translate.
    made.write({"docs/index.md": ZH.replace("这一段\n    换了行", "这一段换了行").replace("[[1 |", "[[1.0 |"),
                "docs/index.en.md": EN.replace("[[1 |", "[[1.0 |"), "snippets/a.py": "# %% s\nx = 1.0\nprint(int(x))\n"})
    assert made.build("--strict").code == 0

    made.write({"docs/index.md": ZH.replace("这一段", "这一整段").replace("图一", "第一张图"), "docs/index.en.md": EN})
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


def test_both_languages_state_the_same_checked_values(project):
    # 1.2 ± 0.5 and 1 both hold for x = 1, but they say different things: the reader of one
    # language would be told another number than the other's.
    made = project({"docs/index.md": ZH.replace("[[1 |", "[[1.2 ± 0.5 |"), "docs/index.en.md": EN, **SNIPPETS}, i18n=True)
    assert docexec_lines(made.build().log) == [
        "ERROR   -  docexec: 1 problem with the documentation's snippets",
        "docs/index.md(5): the translation is out of step: claim 1 differs between docs/index.md(5) and docs/index.en.md(5)",
        "    docs/index.md: 1.2 ± 0.5 | snippets/a.py:s | x",
        "    docs/index.en.md: 1 ± 0.5 | snippets/a.py:s | x",
        "    a page and its translation show the same snippets and claims in the same order, under the same headings",
        "",
    ]
    # The same value written otherwise is the same statement; a finer one is not.
    made.write({"docs/index.md": ZH.replace("[[1 |", "[[1e0 |")})
    assert "out of step" not in made.build().log
    made.write({"docs/index.md": ZH.replace("[[1 |", "[[1.0 |")})
    assert "    docs/index.md: 1 ± 0.05 | snippets/a.py:s | x" in made.build().lines()


def test_a_translation_edited_alone_is_stale_until_recorded(project):
    made = project({"docs/index.md": ZH, "docs/index.en.md": EN, **SNIPPETS}, i18n=True)
    _record(made.root)
    made.write({"docs/index.en.md": EN.replace(" This paragraph\n    wraps.", "")})  # a sentence deleted in English only
    edited = made.build("--strict")
    assert edited.code == 1
    lines = edited.lines()
    start = lines.index("WARNING -  docexec: docs/index.md(3): translation of section '第一节' in docs/index.en.md is stale: "
                        "the translation changed since it was last reviewed (docs/index.en.md(3)), the original did not")
    assert lines[start + 1] == "    check that it still says what the original says, then record it as reviewed with `make translated`"
    assert "第二节" not in edited.log
    assert _record(made.root).stdout.splitlines() == ["recorded docs/index.md#第一节", "1 section recorded in translations.json"]
    assert made.build("--strict").code == 0


def test_a_claims_number_in_a_heading_changes_neither_staleness_nor_the_anchor(project):
    def pages(number: str) -> dict[str, str]:
        return {"docs/index.md": ZH.replace("## 第二节", f"## 第二节\n\n    ## 均值约为 [[{number} | a.py:s | x]]"),
                "docs/index.en.md": EN.replace("## Second", f"## First\n\n    ## First [[{number} | a.py:s | x]] {{: .wide }}")}

    made = project({**pages("1"), **SNIPPETS}, i18n=True)
    made.write({"mkdocs.yml": config(i18n=True).replace("  - admonition\n", "  - admonition\n  - attr_list\n")})
    assert _record(made.root).stdout.splitlines()[-2:] == ["recorded docs/index.md#均值约为 ⟦claim⟧",
                                                           "4 sections recorded in translations.json"]
    for number in ("1", "1.0 ± 0.1"):
        made.write(pages(number))
        built = made.build("--strict")
        assert built.code == 0, built.log
        english = built.page("en/index.html")
        # The ids the toc extension gives without the claim, repeats numbered in page order.
        assert re.findall(r'<h2\b[^>]*\bid="([^"]*)"', english) == ["first", "first_1", "first_2"]
        assert '<h2 class="wide" id="first_2">First <span class="docexec-claim"' in english
        assert f'<a href="#first_2" class="nav-link">First {number.split()[0]}</a>' in english  # the contents show the number


def test_claims_stay_out_of_heading_ids_for_any_python_markdown_host():
    import markdown
    from docexec.anchors import ClaimFreeIds

    claim = '<span class="docexec-claim" title="checked: x = 0.1">0.1</span>'
    text = f"## The mean is about {claim} here\n\n## The mean is about here\n\n## Fixed {claim} {{#kept}}\n"
    html = markdown.markdown(text, extensions=["attr_list", "toc", ClaimFreeIds()])
    assert html.splitlines() == [f'<h2 id="the-mean-is-about-here">The mean is about {claim} here</h2>',
                                 '<h2 id="the-mean-is-about-here_1">The mean is about here</h2>',
                                 f'<h2 id="kept">Fixed {claim}</h2>']
