# The real site: builds with --strict, shows the real outputs, checks the post's claims, reproducibly.
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, build_real_site, environment


@pytest.fixture(scope="module")
def built(real_site):
    root, log = real_site
    again = build_real_site(root / "site2", root / "cache", DOCEXEC_RERUN="1")
    assert again.returncode == 0, again.stdout
    return root, log


def test_strict_build_runs_the_snippets_and_shows_their_real_output(built):
    root, log = built
    snippets = sorted(p for p in (REPO / "snippets").rglob("*.py"))
    assert f"docexec: {len(snippets)} snippet files: {len(snippets)} run, 0 from cache" in log
    recorded = (REPO / "snippets/post/momentum.out/x2.txt").read_text().splitlines()
    for page in ("index.html", "en/index.html"):
        html = (root / "site" / page).read_text()
        for line in recorded[:2]:  # running_mean and running_var as PyTorch printed them
            assert line in html


def test_the_posts_results_are_checked_claims(built):
    root, _ = built
    zh = (root / "site/index.html").read_text()
    en = (root / "site/en/index.html").read_text()
    for html in (zh, en):
        claims = re.findall(r'<span class="docexec-claim" title="[^"]*">([^<]*)</span>', html)
        assert claims.count("0.1") >= 2 and "1.3" in claims  # momentum default, running_mean; running_var
        assert {"0.28", "1.9", "1.1", "True"} <= set(claims)  # the editor's notes


def test_two_builds_give_byte_identical_pages(built):
    root, _ = built
    pages = sorted(p.relative_to(root / "site") for pattern in ("*.html", "*.png", "*.ipynb")
                   for p in (root / "site").rglob(pattern) if "assets/images" not in str(p))
    # two figures, each drawn in Chinese and in English
    assert len([p for p in pages if p.suffix == ".html"]) >= 8 and len([p for p in pages if p.suffix == ".png"]) == 4
    different = [p for p in pages if (root / "site" / p).read_bytes() != (root / "site2" / p).read_bytes()]
    assert different == []


def test_report_lists_every_snippet(built):
    root, _ = built
    report = json.loads((root / "site2/docexec-report.json").read_text())
    assert report["versions"]["torch"] == "2.13.0+cpu" or report["versions"]["torch"].startswith("2.13.0")
    snippets = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "snippets").rglob("*.py"))
    assert [(s["path"], s["status"], s["cache"]) for s in report["snippets"]] == [(p, "ok", "miss") for p in snippets]
    for page in ("site2/report/index.html", "site2/en/report/index.html"):
        html = (root / page).read_text()
        assert all(f"<td><code>{p.removeprefix('snippets/')}</code>" in html for p in snippets)
    # checked statements per page: a page and its translation the same
    zh, en = ((root / page).read_text() for page in ("site2/report/index.html", "site2/en/report/index.html"))
    rows = re.findall(r"<tr>\s*<td>([^<]+)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>\s*</tr>", en)
    assert ("BatchNorm in PyTorch", "20", "20") in rows or any(a == b != "0" for _, a, b in rows), rows
    assert all(a == b for _, a, b in rows) and "Stale translations" in en and "过期的翻译" in zh
    assert report["stale"] == []


CJK = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
PUNCTUATION = "[\u3000-\u303f\uff00-\uffef]"  # full-width: never beside a space


def test_no_whitespace_between_two_chinese_characters(built):
    root, _ = built
    pages = [p for p in (root / "site").rglob("index.html") if "/en/" not in p.as_posix()]
    assert len(pages) >= 4
    for page in pages:
        article = page.read_text().split("<article", 1)[1].split("</article>", 1)[0]
        html = re.sub(r"<(pre|code|script|style)\b[\s\S]*?</\1>", "C", article)  # code stands as a Latin word
        # Within a paragraph, list item, cell, caption or heading: where a reader sees a space.
        blocks = re.findall(r"<(p|li|td|th|figcaption|h[1-6]|summary)\b[^>]*>([\s\S]*?)</\1>", html)
        assert len(blocks) > 5, page
        gaps = [gap for _, block in blocks for gap in re.findall(
            rf".{{0,8}}(?:{CJK}[ \t\n]+{CJK}|{PUNCTUATION}[ \t\n]+\S|\S[ \t\n]+{PUNCTUATION}).{{0,8}}", re.sub(r"<[^>]+>", "", block))]
        assert gaps == [], (page, gaps[:5])


def test_every_page_names_its_torch_and_the_commit_date(built):
    root, _ = built
    commit_day = subprocess.run(["git", "log", "-1", "--format=%cd", "--date=format-local:%Y-%m-%d"], cwd=REPO,
                                capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}).stdout.strip()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", commit_day)
    for page in sorted((root / "site").rglob("index.html")):
        html = page.read_text()
        assert "PyTorch 2.13.0" in html and "linux-" in html, page
        assert (f"构建所用提交的日期：{commit_day}" in html) or (f"from the commit of {commit_day}" in html), page


def test_a_quiet_build_prints_nothing(real_site):
    root, _ = real_site
    done = build_real_site(root / "site-quiet", root / "cache", "-q")  # the same cache: nothing runs
    assert (done.returncode, done.stdout) == (0, "")


def test_changing_a_chinese_section_makes_only_its_translation_stale(real_site, tmp_path):
    root, _ = real_site
    for name in ("docs", "snippets", "overrides"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("mathjax"))
    for name in ("mkdocs.yml", "translations.json"):
        shutil.copy(REPO / name, tmp_path / name)
    page = tmp_path / "docs" / "norms.md"
    text = page.read_text()
    heading = next(line for line in text.splitlines() if line.startswith("## "))
    paragraph = next(line for line in text.split(heading, 1)[1].splitlines() if line.strip() and line[0] not in "-|!#[ ")
    page.write_text(text.replace(paragraph, paragraph + "（改）", 1))
    done = subprocess.run([sys.executable, "-m", "docexec", "check"], cwd=tmp_path, capture_output=True, text=True,
                          env=environment(PYTHONPATH=str(REPO / "hooks"), DOCEXEC_CACHE=str(root / "cache")), timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    stale = [line for line in done.stderr.splitlines() if "is stale" in line]
    assert len(stale) == 1 and f"translation of section '{heading[3:].split(' {')[0]}' in docs/norms.en.md is stale" in stale[0]
    assert "（改）" in done.stderr  # the Chinese change, as a diff


def test_every_claim_renders_as_a_claim_and_the_posts_own_forward_paste_is_quoted(built):
    root, _ = built
    for page in sorted((root / "site").rglob("index.html")):
        html = page.read_text()
        # A claim whose checked value prints on indented lines once broke out of its title
        # attribute: the rest of the paragraph became a code block, and the build still passed.
        assert 'docexec-claim" title' not in html.replace('<span class="docexec-claim" title', ""), page
    for page in ("index.html", "en/index.html"):
        text = re.sub(r"<[^>]+>", "", (root / "site" / page).read_text())
        assert "self.num_batches_tracked = self.num_batches_tracked + 1" in text  # the post's torch, as the author pasted it
        assert "self.num_batches_tracked.add_(1)" in text  # and today's, read from the torch that built the site


# The editor's additions of issue 15: (page, anchor, checked claims in it, outputs shown in it). Each must
# stay on the page in both languages, marked as the editor's, with every claim checked by the build.
ADDITIONS = [
    ("pitfalls/", "no-grad-is-not-eval", 6, 3),
    ("pitfalls/", "freeze-bn-for-real", 9, 3),
    ("pitfalls/", "which-dim-is-c", 9, 4),
    ("pitfalls/", "samples-are-coupled", 7, 3),
    ("", "notation", 4, 1),
    ("", "momentum-in-practice", 10, 3),
]
CHECKED = {"zh": "构建时已核对：", "en": "checked by the build: "}
EDITORS = {"zh": ("编者注", '<h2 id="_2">编者注'), "en": ("Editor's note", '<h2 id="editors-notes">Editor')}


def _section(html: str, anchor: str) -> str:
    """The heading's section (to the next heading of its level or above), or the editor's box holding the id."""
    at = html.index(f'id="{anchor}"')
    start = html.rfind("<", 0, at)
    tag = re.match(r"<(\w+)", html[start:]).group(1)  # type: ignore[union-attr]
    if re.fullmatch(r"h[2-6]", tag):
        end = re.compile(rf"<h[1-{tag[1]}][\s>]").search(html, at)
        return html[start:end.start() if end else len(html)]
    start = html.rfind('<div class="admonition editor">', 0, at)
    depth = 0
    for div in re.finditer(r"<(/?)div\b", html[start:]):
        depth += -1 if div.group(1) else 1
        if depth == 0:
            return html[start:start + div.end()]
    raise AssertionError(f"the box holding #{anchor} is not closed")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_editors_additions_are_on_their_pages_with_checked_claims(built, language):
    root, _ = built
    prefix = "" if language == "zh" else "en/"
    for path, anchor, claims, outputs in ADDITIONS:
        html = (root / "site" / prefix / path / "index.html").read_text()
        assert f'id="{anchor}"' in html, (language, path, anchor)
        section = _section(html, anchor)
        titles = re.findall(r'<span class="docexec-claim[^"]*" title="([^"]*)"', section)
        assert len(titles) == claims, (language, anchor, len(titles))
        assert all(title.startswith(CHECKED[language]) for title in titles), (language, anchor)
        assert section.count('class="docexec-output') >= outputs, (language, anchor)
        # marked as the editor's: its own box, under the Editor's notes heading, or on the editor's page
        label, heading = EDITORS[language]
        marked = (section.startswith('<div class="admonition editor">') and label in section[:200]
                  or heading in html[:html.index(f'id="{anchor}"')]
                  or re.search(r'</h1>\s*(<p>.*</p>\s*)?<div class="admonition editor">', html) is not None)
        assert marked, (language, anchor)


def test_pages_with_code_name_the_torch_versions_their_code_was_also_checked_on(built):
    # The committed records in verified/ (other than the build's own torch): when a merge makes one
    # stale, this fails until `make check TORCH=<version>` runs again and its record is committed.
    root, _ = built
    records = [json.loads(p.read_text()) for p in sorted((REPO / "verified").glob("torch-*.json"))]
    own = json.loads((root / "site2/docexec-report.json").read_text())["versions"]["torch"]
    others = sorted((r["torch"] for r in records if r["torch"] != own), key=lambda v: [int(n) for n in v.split("+")[0].split(".")])
    assert any(v.startswith("2.15.0") for v in others), others
    zh = "本页的代码也在 PyTorch " + "、".join(others) + " 上运行并核对过：输出与本次构建相同，核对的陈述也都成立。"
    en = "This page's code was also run and checked on PyTorch " + (" and ".join(others) if len(others) < 3 else
                                                                    ", ".join(others[:-1]) + " and " + others[-1])
    for path in ("", "norms/", "pitfalls/", "experiment/"):
        assert zh in (root / "site" / path / "index.html").read_text(), path
        assert en + ": the outputs are the same as this build's" in (root / "site/en" / path / "index.html").read_text(), path
    for page in ("report/index.html", "en/report/index.html"):  # no code: nothing to claim
        assert "also run and checked" not in (root / "site" / page).read_text() and "也在 PyTorch" not in (root / "site" / page).read_text()
    report = (root / "site/en/report/index.html").read_text()
    assert all(f"PyTorch {r['torch']}</th>" in report for r in records)
    assert report.count('<tr class="docexec-matrix-file">') == len(list((REPO / "snippets").rglob("*.py")))
