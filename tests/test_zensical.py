# The engine under Zensical 0.0.73 and zensical-i18n 0.3.0 (in .venv-zensical/, made by `make zensical`): a page shows what ran, or the build fails.
from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import markdown
import pytest

from conftest import I18N, REPO, environment
from docexec import zensical

VENV = REPO / ".venv-zensical"
CONFIG = """\
site_name: t
theme:
  name: material
  language: zh
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.highlight
  - docexec.extension
""" + I18N
FILES = {
    "mkdocs.yml": CONFIG,
    "docs/index.md": """\
        # 动量

        动量是 [[0.1 | bn.py:s | bn.momentum]]。

        --8<-- exec "bn.py:s"
        """,
    "docs/index.en.md": """\
        # Momentum

        The momentum is [[0.1 | bn.py:s | bn.momentum]].

        --8<-- exec "bn.py:s"
        """,
    # Not the home page, in a folder: its links are rewritten by Zensical (sub/plot.md is at sub/plot/).
    "docs/sub/plot.md": """\
        # 图

        --8<-- exec "bn.py:plot" alt="一条线" caption="图一"
        """,
    "docs/sub/plot.en.md": """\
        # Plot

        --8<-- exec "bn.py:plot" alt="A line" caption="Figure one"
        """,
    "snippets/bn.py": """\
        import matplotlib.pyplot as plt
        import torch
        # %% s
        bn = torch.nn.BatchNorm1d(2)
        print(bn.running_var)
        # %% plot
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1, 2], [0, 1, 4]);
        """,
    "snippets/bn.out/s.txt": "tensor([1., 1.])\n",
}


@pytest.fixture(scope="module")
def venv() -> Path:
    # Not a skip: `make test` builds the environment first, so a missing one is a broken set-up.
    assert (VENV / ".installed").is_file(), f"{VENV} is missing: `make zensical` creates it (`make test` does)"
    return VENV / "bin"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def _run(command: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    # No DOCEXEC_CACHE: the engine's default folder is what a --clean build must leave alone.
    env = {k: v for k, v in environment().items() if k != "DOCEXEC_CACHE"}
    return subprocess.run(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)


def _article(html: str) -> str:
    return html[html.index("<article"):html.index("</article>")]


def _no_raw_markup(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "--8<--" not in text and not re.search(r"\[\[[^\]\n]*\|", text), page


def _links(page: Path) -> list[str]:
    """The figures and notebooks a page links to, each checked to be where the link points."""
    links = re.findall(r'(?:src|href)="([^":#?]+\.(?:png|ipynb))"', _article(page.read_text(encoding="utf-8")))
    assert [link for link in links if not (page.parent / link).is_file()] == [], page
    return links


def test_a_bilingual_build_shows_outputs_claims_and_figures_in_each_pages_language(tmp_path, venv):
    _write(tmp_path, FILES)
    built = _run([str(venv / "zensical-i18n"), "build"], tmp_path)
    assert built.returncode == 0, built.stdout
    site = tmp_path / "site"
    pages = {"zh": (site, "输出", "构建时已核对：bn.momentum = 0.1", "一条线", "图一", "下载本页的 Jupyter notebook"),
             "en": (site / "en", "Output", "checked by the build: bn.momentum = 0.1", "A line", "Figure one", "Download")}
    for language, (home, output, claim, alt, caption, download) in pages.items():
        article = _article((home / "index.html").read_text(encoding="utf-8"))
        assert f'<div class="docexec-output highlight"><span class="filename">{output}</span><pre><span></span><code>tensor([1., 1.])\n' \
            in article, language
        assert f'<span class="docexec-claim" title="{claim}">0.1</span>' in article, language
        assert download in article and _links(home / "index.html") == ["index.ipynb"]
        plot = home / "sub/plot/index.html"
        article = _article(plot.read_text(encoding="utf-8"))
        assert re.search(rf'<img src="[^"]+\.png" alt="{alt}" width="330" height="220">', article), article
        assert f"<figcaption>{caption}</figcaption>" in article
        links = _links(plot)  # each exists where it points
        assert len(links) == 2 and links[0] == "../plot.ipynb" and links[1].startswith("../../assets/figures/"), links
        assert json.loads((plot.parent / links[0]).read_text())["cells"]
    _no_raw_markup(site)


def test_a_wrong_output_fails_the_build_naming_page_snippet_and_line(tmp_path, venv):
    _write(tmp_path, {**FILES, "snippets/bn.out/s.txt": "tensor([2., 2.])\n"})
    built = _run([str(venv / "zensical"), "build", "--clean"], tmp_path)
    assert built.returncode == 1, built.stdout
    lines = built.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.endswith("1 problem with the documentation's snippets"))
    assert lines[first].startswith("RuntimeError: Python error: ")  # Zensical's words around the engine's
    assert lines[first + 1:first + 8] == [
        "docs/index.md(5): snippets/bn.py(3) section 's': output differs from the recorded snippets/bn.out/s.txt",
        "    Expected/Got diff ('-' recorded, '+' real):",
        "    @@ -1 +1 @@",
        "    -tensor([2., 2.])",
        "    +tensor([1., 1.])",
        "    if the new output is right, record it with `make accept` and review `git diff`",
        "    (also used at docs/index.en.md(5))",
    ]
    _no_raw_markup(tmp_path / "site")


def test_the_cache_survives_a_clean_build(tmp_path, venv):
    _write(tmp_path, FILES)
    assert _run([str(venv / "zensical"), "build"], tmp_path).returncode == 0
    cache = tmp_path / ".docexec-cache"
    entries = {path: path.stat().st_mtime_ns for path in cache.rglob("*.json")}
    assert entries and (tmp_path / ".cache").is_dir()  # Zensical's own cache, which --clean deletes
    again = _run([str(venv / "zensical"), "build", "--clean"], tmp_path)
    assert again.returncode == 0, again.stdout
    # Nothing ran again: every entry is still there, none rewritten.
    assert {path: path.stat().st_mtime_ns for path in cache.rglob("*.json")} == entries


def test_this_site_builds_with_zensical_i18n(real_site, tmp_path, venv):
    # README, Building on other hosts: every page expanded in its language, every figure and
    # notebook link reaching its file. The snippets come from the MkDocs build's cache.
    root, _ = real_site
    for name in ("docs", "snippets", "overrides", "verified"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("mathjax"))
    for name in ("mkdocs.yml", "translations.json"):
        shutil.copy(REPO / name, tmp_path / name)
    env = environment(DOCEXEC_CACHE=str(root / "cache"))
    built = subprocess.run([str(venv / "zensical-i18n"), "build", "--clean"], cwd=tmp_path, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    assert built.returncode == 0, built.stdout
    site = tmp_path / "site"
    _no_raw_markup(site)
    pages = [page for page in site.rglob("index.html") if "docexec-output" in page.read_text(encoding="utf-8")]
    expected = set()
    for source in (REPO / "docs").glob("*.md"):
        if re.search(r"^--8<-- exec ", source.read_text(encoding="utf-8"), re.M):  # a reference, not one quoted in code
            stem, *language = source.name.removesuffix(".md").split(".")
            expected.add((site / language[0] if language else site) / ("" if stem == "index" else stem) / "index.html")
    assert set(pages) == expected and len(expected) >= 6
    for page in pages:
        _links(page)
        label = "Output" if page.is_relative_to(site / "en") else "输出"
        assert f'<span class="filename">{label}</span>' in page.read_text(encoding="utf-8"), page


# -- the page context, from Zensical's own context preprocessor ---------------------------------

PROBE = """
import json, sys
from markdown import Markdown
from zensical.extensions.context import ContextExtension, Page
from docexec import zensical
root, cases = sys.argv[1], json.loads(sys.argv[2])
for path, url, docs_dir, site_dir in cases:
    config = {"root_dir": root, "docs_dir": docs_dir, "site_dir": site_dir, "theme": {"language": "zh"}}
    page = zensical.page_context(Markdown(extensions=[ContextExtension(page=Page(url=url, path=path), config=config)]))
    print(json.dumps(None if page is None else [page.source, page.url, page.language, str(page.site_dir), str(page.root)]))
print(json.dumps(zensical.page_context(Markdown())))  # Zensical installed, but not rendering this one
"""


def test_the_page_context_maps_a_staged_page_back_to_its_source(tmp_path, venv):
    _write(tmp_path, {**FILES, "docs/sub/a.md": "# 甲\n", "docs/sub/a.en.md": "# A\n", "docs/only.md": "# 只有中文\n"})
    staged = ".zensical-i18n/docs/{}", ".zensical-i18n/site/{}"
    cases = [
        ["sub/a.md", "sub/a/", *(s.format("en") for s in staged)],  # zensical-i18n's English build
        ["only.md", "only/", *(s.format("en") for s in staged)],  # not translated: the original is published
        ["sub/a.md", "sub/a/", *(s.format("zh") for s in staged)],  # the default language
        ["sub/a.en.md", "sub/a.en/", "docs", "site"],  # plain `zensical build`: the suffix tells the language
        ["index.md", "", "docs", "site"],
    ]
    done = subprocess.run([str(venv / "python"), "-c", PROBE, str(tmp_path), json.dumps(cases)],
                          env=environment(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    site = tmp_path / ".zensical-i18n/site"
    assert [json.loads(line) for line in done.stdout.splitlines()] == [
        # The address links start from: the staged source's place in the site (see _link_base).
        ["sub/a.en.md", "sub/a.html", "en", str(site / "en"), str(tmp_path)],
        ["only.md", "only.html", "en", str(site / "en"), str(tmp_path)],
        ["sub/a.md", "sub/a.html", "zh", str(site / "zh"), str(tmp_path)],
        ["sub/a.en.md", "sub/a.en.html", "en", str(tmp_path / "site"), str(tmp_path)],
        ["index.md", "index.html", "zh", str(tmp_path / "site"), str(tmp_path)],
        None,
    ]


def test_no_page_context_without_zensical_rendering():
    # MkDocs and plain markdown.markdown: the provider stays out of the way (here Zensical is not even installed).
    assert zensical.page_context(markdown.Markdown()) is None
