# The extension as the one rendering path: the page from the host or the options, labels in its language, staged names, figures beside it, raw markup refused.
from __future__ import annotations

import re

import markdown
import pytest

from conftest import HOOK
from docexec import host
from docexec.engine import Session
from docexec.errors import PageError
from docexec.extension import STYLES, DocexecExtension, staged
from docexec.options import Options

CALC = {"snippets/calc.py": "# %% a\nprint('from calc')\n", "snippets/calc.out/a.txt": "from calc\n"}
REF = '--8<-- exec "calc.py:a"'
CLAIM = "[[1 | calc.py:a | 1]]"
RAW = f"A literal \\`{CLAIM}` here."  # an escaped backtick opens no code span: the claim stays text
PUBLISHED = "`[[1 | calc.py:a | 1]]` is published as text: the build neither ran nor checked it"


def _session(root, accept: bool = False, languages: tuple[str, ...] = ()) -> Session:
    session = Session()
    assert session.build(root, root / "docs", Options(accept=accept, cache_dir=".docexec-cache"), languages=list(languages)) == []
    return session


def _html(session: Session, text: str, **options: str) -> str:
    return markdown.markdown(text, extensions=[DocexecExtension(session=session, **options)])


def test_labels_follow_the_page_language_and_a_staged_name_maps_to_its_source(project):
    made = project({"docs/index.md": f"# 标题\n\n数值 {CLAIM}。\n\n{REF}\n",
                    "docs/index.en.md": f"# Title\n\nThe value {CLAIM}.\n\n{REF}\n", **CALC}, i18n=True)
    session = _session(made.root, languages=("en",))
    zh = _html(session, (made.root / "docs/index.md").read_text(), page="index.md", language="zh")
    assert '<span class="docexec-claim" title="构建时已核对：1 = 1">1</span>' in zh and '<span class="filename">输出</span>' in zh
    # A host that stages the English page under the default language's name (index.md) gets it back.
    assert staged(session, "index.md", "en") == "index.en.md" and staged(session, "index.md", "zh") == "index.md"
    assert staged(session, "other.md", "en") == "other.md"  # no translation: the page itself
    en = _html(session, (made.root / "docs/index.en.md").read_text(), page="index.md", language="en")
    assert 'title="checked by the build: 1 = 1">1</span>' in en and '<span class="filename">Output</span>' in en


def test_raw_markup_fails_closed_at_the_staged_pages_source_line(project):
    made = project({"docs/index.md": f"# 标题\n\n{REF}\n\n{RAW}\n",
                    "docs/index.en.md": f"# Title\n\nAn extra line.\n\n{REF}\n\n{RAW}\n", **CALC}, i18n=True)
    session = _session(made.root, languages=("en",))
    with pytest.raises(PageError) as zh:
        _html(session, (made.root / "docs/index.md").read_text(), page="index.md", language="zh")
    with pytest.raises(PageError) as en:
        _html(session, (made.root / "docs/index.en.md").read_text(), page="index.md", language="en")
    assert str(zh.value).splitlines()[:2] == ["1 problem with the documentation's snippets", f"docs/index.md(5): {PUBLISHED}"]
    assert str(en.value).splitlines()[:2] == ["1 problem with the documentation's snippets", f"docs/index.en.md(7): {PUBLISHED}"]
    assert [str(f) for f in session.failures] == [str(zh.value.failure), str(en.value.failure)]  # the build's record


def test_a_host_that_keeps_going_gets_the_failure_and_the_page_shows_it(project):
    made = project({"docs/index.md": f"# T\n\n{REF}\n\n{RAW}\n", **CALC})
    session = _session(made.root)
    seen: list[PageError] = []
    page = host.PageContext("index.md", "", "en", None, on_failure=seen.append)
    provider = lambda md: page  # noqa: E731
    host.register(provider)
    try:
        html = _html(session, (made.root / "docs/index.md").read_text(), page="other.md", language="zh")
    finally:
        host.unregister(provider)
    assert [str(e.failure) for e in seen] == [f"docs/index.md(5): {PUBLISHED}\n" + str(seen[0].failure).split("\n", 1)[1]]
    assert html.startswith('<div class="admonition failure docexec-failure"><p class="admonition-title">Snippet failed</p>')
    assert "from calc" in html  # the rest of the page is rendered: the host's page (index.md, en), not the options'


def test_the_check_reads_the_whole_page_once_not_each_headings_text(project):
    made = project({"docs/index.md": f"# T\n\n{REF}\n\n## {RAW}\n", **CALC})
    session = _session(made.root)
    seen: list[PageError] = []
    page = host.PageContext("index.md", "", "en", None, on_failure=seen.append)
    provider = lambda md: page  # noqa: E731
    host.register(provider)
    try:  # toc runs the postprocessors on every heading's text before the page's own pass
        md = markdown.Markdown(extensions=[DocexecExtension(session=session), "toc"])
        html = md.convert((made.root / "docs/index.md").read_text())
    finally:
        host.unregister(provider)
    assert [[str(f).split("\n")[0] for f in e.failures] for e in seen] == [[f"docs/index.md(5): {PUBLISHED}"]]
    assert html.count("docexec-failure") == 1 and "docexec-failure" not in md.toc  # type: ignore[attr-defined]


def test_without_a_session_it_builds_the_project_the_host_names(project, tmp_path, monkeypatch):
    made = project({"docs/index.md": f"# T\n\n{REF}\n", **CALC})
    monkeypatch.chdir(tmp_path / "docs")  # the root option's "." is not the project
    page = host.PageContext("index.md", "", "zh", None, root=made.root)
    provider = lambda md: page  # noqa: E731
    host.register(provider)
    try:
        html = markdown.markdown(f"# T\n\n{REF}\n", extensions=[DocexecExtension()])
    finally:
        host.unregister(provider)
    assert '<span class="filename">输出</span><pre><span></span><code>from calc' in html


FIGURE = {"snippets/fig.py": "import matplotlib.pyplot as plt\n# %% plot\nplt.figure(figsize=(2, 2));\n"}


def test_figures_link_relative_to_the_page_and_land_in_the_site_dir_with_the_notebook_and_css(project, tmp_path):
    made = project({"docs/norms.md": '# N\n\n--8<-- exec "fig.py:plot" alt="a figure"\n', **FIGURE})
    session = _session(made.root, accept=True)
    site = tmp_path / "out"
    html = _html(session, (made.root / "docs/norms.md").read_text(), page="norms.md", url="en/norms/", site_dir=str(site))
    (src,) = re.findall(r'<img src="([^"]+)" alt="a figure"', html)
    assert re.fullmatch(r"\.\./\.\./assets/figures/[0-9a-f]{20}\.png", src), src
    assert (site / src.removeprefix("../../")).read_bytes() == session.figures[src.removeprefix("../../")]
    assert '<a class="md-button docexec-notebook" href="norms.ipynb" download>' in html
    assert (site / "en/norms/norms.ipynb").read_text() == session.notebooks["en/norms/norms.ipynb"]
    assert (site / "assets/docexec.css").read_bytes() == STYLES.read_bytes()
    # Without a site folder the host writes them: nothing is written, the links are the same.
    again = _html(session, (made.root / "docs/norms.md").read_text(), page="norms.md", to_root="../../")
    assert f'src="{src}"' in again


PROBE = '''
def on_page_content(html, page, **kwargs):
    # after docexec's hook: what MkDocs handed to Markdown, and what came out
    with open("handed.md", "w") as out:
        out.write(page.markdown)
'''


def test_mkdocs_renders_through_the_extension_and_names_the_failing_page(project):
    made = project({"docs/index.md": f"# T\n\n{CLAIM}\n\n{REF}\n", "probe.py": PROBE, **CALC})
    config = (made.root / "mkdocs.yml").read_text().replace(f"  - {HOOK}\n", f"  - {HOOK}\n  - probe.py\n")
    (made.root / "mkdocs.yml").write_text(config + "  - docexec.extension\n  - toc\n")  # listed: kept, before toc
    built = made.build("--strict")
    assert built.code == 0, built.log
    assert (made.root / "handed.md").read_text() == f"# T\n\n{CLAIM}\n\n{REF}\n"  # the hook substituted nothing
    assert "from calc" in built.page("index.html") and 'title="checked by the build: 1 = 1">1</span>' in built.page("index.html")
    assert (made.root / "site/assets/docexec.css").read_bytes() == STYLES.read_bytes()

    made.write({"docs/index.md": f"# T\n\n{REF}\n\n{RAW}\n"})
    failed = made.build()
    assert failed.code == 1
    lines = failed.lines()
    start = lines.index("ERROR   -  Error reading page 'index.md':")
    assert lines[start:start + 3] == [
        "ERROR   -  Error reading page 'index.md':",
        "ERROR   -  docexec: 1 problem with the documentation's snippets",
        f"docs/index.md(5): {PUBLISHED}",
    ]
    assert lines[-1] == "Aborted with a BuildError!"
