# Figures drawn once per language in one run: each page links the figure in its own language.
from __future__ import annotations

import re

from docexec import figurelang

SNIPPET = """
with open("runs.log", "a") as log:
    print("drawn", file=log)
import matplotlib.pyplot as plt
# %% plot
for language, title in {"zh": "上升", "en": "rising"}.items():
    fig, ax = plt.subplots(figsize=(3, 2), label=language)
    ax.set_title(title);
plt.figure(figsize=(2, 2), label="loss");  # not a language: shown on every page
"""


def _figures(html: str) -> list[str]:
    return re.findall(r'<img src="((?:\.\./)*assets/figures/[0-9a-f]{20}\.png)"', html)


def test_each_language_links_its_own_figure_from_one_run(project):
    made = project({
        "docs/index.md": '# 图\n\n--8<-- exec "fig.py:plot" alt="图" source="hide"\n',
        "docs/index.en.md": '# Figure\n\n--8<-- exec "fig.py:plot" alt="figure" source="hide"\n',
        "snippets/fig.py": SNIPPET,
    }, i18n=True)
    built = made.build()
    assert built.code == 0, built.log
    assert (made.root / "runs.log").read_text() == "drawn\n"  # one run serves both languages
    site = made.root / "site"
    zh, en = _figures(built.page("index.html")), _figures(built.page("en/index.html"))
    assert len(zh) == len(en) == 2, (zh, en)
    languages_zh = [figurelang.language((site / src).read_bytes()) for src in zh]
    languages_en = [figurelang.language((site / "en" / src).read_bytes()) for src in en]
    assert languages_zh == ["zh", None] and languages_en == ["en", None]
    assert zh[1] == en[1].removeprefix("../")  # the figure for every language is one file


def test_a_label_that_is_not_a_language_is_not_written_into_the_png():
    assert figurelang.metadata("loss") == {"Software": None}
    assert figurelang.metadata("pt_BR") == {"Software": None, "docexec-language": "pt_BR"}
    assert figurelang.shown([], "zh") == []


def test_a_page_in_a_language_no_figure_is_drawn_in_fails_the_build(project):
    made = project({
        "docs/index.md": '# 图\n\n--8<-- exec "fig.py:plot" alt="图"\n',
        "docs/index.en.md": '# Figure\n\n--8<-- exec "fig.py:plot" alt="figure"\n',
        "snippets/fig.py": 'import matplotlib.pyplot as plt\n# %% plot\nplt.figure(figsize=(2, 2), label="zh");\n',
    }, i18n=True)
    built = made.build()
    assert built.code == 1
    assert ("docs/index.en.md(3): snippets/fig.py:plot: its figures are drawn in zh only, not in en, this page's language\n"
            '    draw one labelled with it too (plt.figure(label="en")), or one without a language label') in built.log
