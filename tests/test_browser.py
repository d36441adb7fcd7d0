# The built site in headless Chromium, both languages: no console error, nothing fetched from
# outside, formulas typeset, figures loaded, the language switcher and search work.
from __future__ import annotations

import functools
import http.server
import os
import threading

import pytest
from playwright.sync_api import sync_playwright

from conftest import REPO, build_real_site

PAGES = ["", "norms/", "pitfalls/", "experiment/", "report/"]  # zh at /, en at /en/; experiment/ is a notebook
SHOTS = REPO / "tests" / "screenshots"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(real_site):
    root, _ = real_site
    handler = functools.partial(_QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    problems: list[str] = []
    origin = url.split("/", 3)[:3]
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: problems.append(f"request outside the site: {r.url}")
            if r.url.split("/", 3)[:3] != origin and not r.url.startswith("data:") else None)
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    return page, problems


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_offline_with_formulas_figures_and_switcher(site, browser, language, path):
    prefix = "" if language == "zh" else "en/"
    page, problems = _open(browser, site + prefix + path)
    # Every formula typeset by the site's own MathJax, none left as TeX or as an error.
    page.wait_for_function("""() => window.MathJax && MathJax.startup && MathJax.startup.document &&
        [...document.querySelectorAll('.arithmatex')].every(e => e.querySelector('mjx-container'))""", timeout=20000)
    assert page.locator("mjx-merror").count() == 0
    text = page.inner_text("article")
    assert "\\frac" not in text and "\\begin" not in text and "\\(" not in text and "$$" not in text
    # Every image loaded with a real size.
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=20000)
    sizes = page.eval_on_selector_all("article img", "imgs => imgs.map(i => [i.getAttribute('src'), i.naturalWidth, i.naturalHeight])")
    assert all(w > 100 and h > 100 for _, w, h in sizes), sizes
    if path == "":
        assert len(sizes) == 2 and page.locator(".arithmatex").count() >= 8
    if path == "experiment/":  # rendered by mkdocs-jupyter as a notebook, not as raw JSON
        assert page.locator(".jp-Cell").count() >= 8 and '"nbformat"' not in text
        page.wait_for_function("() => document.querySelectorAll('.jp-RenderedMarkdown mjx-container').length >= 5", timeout=20000)
        assert "tensor([" in page.inner_text(".jp-OutputArea-output >> nth=0")
    # The switcher leads to the same page in the other language.
    other = "en" if language == "zh" else "zh"
    href = page.eval_on_selector(f"a.md-select__link[hreflang={other}]", "a => a.href")
    assert href == site + ("en/" if other == "en" else "") + path
    # Nothing hidden off the right edge, and the copy button covers no code.
    assert page.evaluate(OVERFLOWING, "article pre > code, article .jp-OutputArea-output pre") == []
    assert page.evaluate(UNDER_THE_COPY_BUTTON, "article pre") == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{language}-{path.strip('/') or 'index'}.png"), full_page=True)
    # On a phone, outputs wrap (code, and source a snippet printed, may scroll sideways as in any code viewer).
    page.set_viewport_size({"width": 390, "height": 844})
    outputs = ".docexec-output:not(.docexec-source) pre > code, .jp-OutputArea-output pre, .docexec-failure pre > code"
    assert page.evaluate(OVERFLOWING, outputs) == []
    assert page.evaluate(UNDER_THE_COPY_BUTTON, ".docexec-output:not(.docexec-source) pre") == []  # wrapped text too
    page.screenshot(path=str(SHOTS / f"{language}-{path.strip('/') or 'index'}-phone.png"), full_page=True)
    page.close()
    assert problems == []


OVERFLOWING = """selector => [...document.querySelectorAll(selector)]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.split('\\n')[0].slice(0, 80))"""
UNDER_THE_COPY_BUTTON = """selector => [...document.querySelectorAll(selector)].filter(pre => {
    const button = pre.querySelector('.md-code__button[data-md-type=copy], .md-clipboard'), code = pre.querySelector('code');
    if (!button || !code) return false;
    const b = button.getBoundingClientRect(), range = document.createRange();
    range.selectNodeContents(code);
    return [...range.getClientRects()].some(t => t.width > 0 && t.right > b.left && t.left < b.right && t.bottom > b.top && t.top < b.bottom);
}).map(pre => pre.textContent.slice(0, 80))"""


@pytest.mark.parametrize("language, term, expected", [
    ("zh", "均值", ["", "norms/"]),
    ("zh", "方差", ["", "norms/"]),
    ("en", "pitfalls", ["en/pitfalls/"]),
    ("en", "extremes", ["en/norms/"]),
])
def test_search_finds_the_page_in_its_language(site, browser, language, term, expected):
    page, problems = _open(browser, site + ("en/" if language == "en" else ""))
    box = page.locator(".md-search__input")
    box.click()
    for _ in range(30):  # the search worker builds its index first; ask again until it answers
        box.fill(term)
        page.keyboard.press("End")  # Material searches on key events
        try:
            page.wait_for_selector(".md-search-result__item", timeout=500)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: not ready yet
            continue
    links = page.eval_on_selector_all(".md-search-result__item > a", "as => as.map(a => a.href.split(/[?#]/)[0])")
    pages = {link[len(site):] for link in links}
    assert set(expected) <= pages, pages
    assert all(p.startswith("en/") == (language == "en") for p in pages), pages
    page.close()
    assert problems == []


def test_a_long_output_scrolls_within_a_screenful_and_keeps_its_whole_text(project, browser):
    made = project({
        "docs/index.md": '# Long\n\n--8<-- exec "long.py"\n',
        "snippets/long.py": "import torch\n\ntorch.randn(20, 5, 10)\n",  # 220 lines
    })
    config = made.root / "mkdocs.yml"
    config.write_text(config.read_text() + "theme:\n  name: material\n  font: false\n")
    built = made.build(DOCEXEC_ACCEPT="1")
    assert built.code == 0, built.log
    handler = functools.partial(_QuietHandler, directory=str(made.root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for width, height in ((1280, 900), (390, 844)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/", wait_until="load")
            box = page.eval_on_selector(".docexec-output pre > code", "c => [c.clientHeight, c.scrollHeight, c.textContent]")
            page.close()
            assert box[2].count("\n") == 219 and box[2].rstrip().endswith("]]])")
            assert box[0] <= height and box[1] > 4 * box[0], (width, box[:2])  # a screenful, scrolled within
    finally:
        server.shutdown()


SUB_PATH = "bn-docs"  # a project site: https://<owner>.github.io/<repository>/


@pytest.fixture(scope="module")
def sub_path_site(real_site, tmp_path_factory):
    """The real site built for an address under a sub-path and served only there."""
    root, _ = real_site
    served = tmp_path_factory.mktemp("served")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(served)))
    base = f"http://127.0.0.1:{server.server_address[1]}/{SUB_PATH}/"
    done = build_real_site(served / SUB_PATH, root / "cache", SITE_URL=base)  # the same cache: nothing runs again
    assert done.returncode == 0, done.stdout
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base
    server.shutdown()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_site_works_under_its_sub_path(sub_path_site, browser, language):
    base = sub_path_site
    origin = base.split(f"/{SUB_PATH}/")[0]
    for path in PAGES:
        url = base + ("en/" if language == "en" else "") + path
        page, problems = _open(browser, url)
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) and not r.url.startswith("data:") else None)
        page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)", timeout=20000)
        # every link of the page that stays on the site stays under the sub-path, and loads
        links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href.split('#')[0])")
        for link in sorted({link for link in links if link.startswith(origin)}):
            assert link.startswith(base), (url, link)
            assert page.request.get(link).status == 200, (url, link)
        other = "en" if language == "zh" else "zh"
        assert page.eval_on_selector(f"a.md-select__link[hreflang={other}]", "a => a.href").startswith(base)
        page.close()
        assert problems == [] and outside == [], (url, problems, outside)
    # search answers with pages of this language, under the sub-path
    page, problems = _open(browser, base + ("en/" if language == "en" else ""))
    box = page.locator(".md-search__input")
    box.click()
    for _ in range(30):
        box.fill("momentum")
        page.keyboard.press("End")
        try:
            page.wait_for_selector(".md-search-result__item", timeout=500)
            break
        except Exception:  # noqa: BLE001 - the search worker is still building its index
            continue
    found = page.eval_on_selector_all(".md-search-result__item > a", "as => as.map(a => a.href)")
    page.close()
    assert found and all(link.startswith(base) and link.startswith(base + "en/") == (language == "en") for link in found), found
    assert problems == []


PROMPTS_SHOWN = """() => [...document.querySelectorAll('.jp-InputPrompt, .jp-OutputPrompt')]
    .filter(p => p.getBoundingClientRect().width > 0 && p.textContent.trim()).map(p => p.textContent.trim())"""
CUT_OFF = """() => {  // the page scrolls sideways, or a formula reaches past the viewport
    const width = document.documentElement.clientWidth, cut = [...document.querySelectorAll('article mjx-container')]
        .filter(m => { const r = m.getBoundingClientRect(); return r.left < -0.5 || r.right > width + 0.5; })
        .map(m => m.textContent.slice(0, 60));
    return document.documentElement.scrollWidth > width ? ['page ' + document.documentElement.scrollWidth + ' px wide'].concat(cut) : cut;
}"""
NOTEBOOK_CODE_UNDER_THE_BUTTON = """() => [...document.querySelectorAll('.jp-InputArea-editor')].filter(editor => {
    const button = editor.querySelector('clipboard-copy'), pre = editor.querySelector('pre');  // mkdocs-jupyter's own copy button
    if (!button || !pre) return false;
    const b = button.getBoundingClientRect(), walk = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT), rects = [];
    for (let n; (n = walk.nextNode());) { const r = document.createRange(); r.selectNodeContents(n); rects.push(...r.getClientRects()); }
    return b.width > 0 && rects.some(t => t.width > 0 && t.right > b.left && t.left < b.right && t.bottom > b.top && t.top < b.bottom);
}).map(editor => editor.textContent.slice(0, 60))"""
LINE_SCROLLED = """line => [...document.querySelectorAll('article pre')].filter(pre => pre.textContent.includes(line))
    .map(pre => [pre.scrollWidth, pre.clientWidth])"""


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_notebook_page_shows_no_prompt_and_cuts_nothing_off(site, browser, language):
    page, problems = _open(browser, site + ("en/" if language == "en" else "") + "experiment/")
    page.wait_for_function("() => document.querySelectorAll('.jp-RenderedMarkdown mjx-container').length >= 5", timeout=20000)
    # On a desktop the key line of the recurrence cell is whole, not behind a sideways scroll.
    key = "(1 - m) * m * mean1 + m * mean2)"
    scrolled = page.evaluate(LINE_SCROLLED, key)
    assert len(scrolled) == 1 and scrolled[0][0] <= scrolled[0][1], scrolled
    assert page.evaluate(PROMPTS_SHOWN) == []
    assert page.evaluate(NOTEBOOK_CODE_UNDER_THE_BUTTON) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)  # MathJax re-measures nothing, but layout settles
    assert page.evaluate(PROMPTS_SHOWN) == []
    assert page.evaluate(CUT_OFF) == []
    assert page.evaluate(NOTEBOOK_CODE_UNDER_THE_BUTTON) == []
    assert page.evaluate(OVERFLOWING, ".jp-OutputArea-output pre") == []
    # A wrapped output line hangs under its own indentation, as docexec's outputs do; some do wrap.
    assert page.evaluate(FLAT_CONTINUATIONS, ".jp-OutputArea-output pre") == []
    assert page.evaluate("() => [...document.querySelectorAll('.jp-OutputArea-output pre .output-line')].filter(l => l.offsetHeight > 30).length") >= 4
    page.close()
    assert problems == []


BROKEN_WORDS = """() => [...document.querySelectorAll('article .docexec-claim:not(:has(code)), article .nobr')]
    .filter(e => { const r = document.createRange(); r.selectNodeContents(e);
                   return new Set([...r.getClientRects()].filter(t => t.width > 0).map(t => Math.round(t.top))).size > 1; })
    .map(e => e.textContent)"""
FLAT_CONTINUATIONS = """(selector = '.docexec-output:not(.docexec-source) pre > code') => [...document.querySelectorAll(selector + ' .output-line')].filter(line => {
    const indent = line.textContent.length - line.textContent.trimStart().length;
    if (!line.textContent.trim()) return false;
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);  // the text node holding the first non-space
    let text = walker.nextNode(), offset = indent;
    while (offset >= text.length) { offset -= text.length; text = walker.nextNode(); }
    const all = document.createRange(), first = document.createRange();
    all.selectNodeContents(line); first.setStart(text, offset); first.setEnd(text, offset + 1);
    const start = first.getBoundingClientRect().left, rows = [...all.getClientRects()].filter(t => t.width > 0);
    return rows.filter(t => t.top > rows[0].top + 1).some(t => t.left <= start + 1);
}).map(line => line.textContent.slice(0, 60))"""


NUMBERS_BESIDE_LINES = """() => [...document.querySelectorAll('article .highlighttable')].filter(t => t.offsetParent).filter(t => {
    const number = t.querySelector('.linenodiv pre span'), code = t.querySelector('.code pre > code');
    const first = [...code.querySelectorAll('span')].find(s => s.textContent.trim());
    return number && first && Math.abs(number.getBoundingClientRect().top - first.getBoundingClientRect().top) > 1;
}).map(t => t.textContent.slice(0, 60))"""


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("path", ["", "norms/", "pitfalls/"])
def test_on_a_phone_words_stay_whole_code_stays_clear_of_the_copy_button_and_wrapped_lines_keep_their_indent(site, browser, language, path):
    page, problems = _open(browser, site + ("en/" if language == "en" else "") + path)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert page.evaluate(BROKEN_WORDS) == []  # "1e-" / "5", "(8," / "6)"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # a claimed message in code wraps at its spaces
    assert page.evaluate(UNDER_THE_COPY_BUTTON, "article pre") == []  # source that scrolls sideways too
    assert page.evaluate(FLAT_CONTINUATIONS) == []
    assert page.evaluate(NUMBERS_BESIDE_LINES) == []  # the strip above the code moved the numbers too
    if path == "pitfalls/":  # the nested Sequential wraps on a phone, and copying it gives the text unchanged
        text = page.evaluate("""() => [...document.querySelectorAll('.docexec-output pre > code')]
            .map(c => [c.innerText, c.textContent]).find(([shown]) => shown.startsWith('Sequential('))""")
        assert text[0] == text[1] and "\n    (1): SyncBatchNorm(4," in text[1]
        wrapped = page.evaluate("""() => [...document.querySelectorAll('.output-line')]
            .filter(l => l.textContent.includes('SyncBatchNorm(4')).map(l => l.getClientRects().length > 0 && l.offsetHeight)""")
        assert len(wrapped) == 2 and min(wrapped) > 30, wrapped  # they do wrap at 390 px, so the check above bites
    page.close()
    assert problems == []


def _search(browser, site: str, language: str, term: str, width: int):
    """The results of typing ``term`` into the site's search box, on a screen ``width`` px wide."""
    page, problems = _open(browser, site + ("en/" if language == "en" else ""))
    page.set_viewport_size({"width": width, "height": 900})
    box = page.locator(".md-search__input")
    if not box.is_visible():  # on a phone the box opens from the header's search button
        page.evaluate("() => { const t = document.getElementById('__search'); t.checked = true; t.dispatchEvent(new Event('change')); }")
    box.focus()
    for _ in range(30):  # the search worker builds its index first; ask again until it answers
        box.fill(term)
        page.keyboard.press("End")
        try:
            page.wait_for_selector(".md-search-result__item", timeout=500)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: not ready yet
            continue
    results = page.eval_on_selector_all(".md-search-result__link", """links => links.map(a => ({
        href: a.href, text: a.innerText, marks: [...a.querySelectorAll('mark')].map(m => m.textContent)}))""")
    page.close()
    assert problems == []
    return results


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language, term, first", [
    ("zh", "动量", "#momentum"),  # the usual Chinese word, glossed where the post first says momentum
    ("zh", "无偏方差", "#unbiased-variance"),
    ("en", "momentum", "momentum"),  # any momentum section: the notebook's "The momentum experiment" is one too
])
def test_a_query_leads_first_to_its_section(site, browser, width, language, term, first):
    results = _search(browser, site, language, term, width)
    sections = ["#" + r["href"].partition("#")[2] for r in results if "#" in r["href"]]
    # "#…": the section's anchor starts so; a bare word: the first section's anchor holds it
    hit = sections and (sections[0].startswith(first) if first.startswith("#") else first in sections[0])
    assert hit, [r["href"] for r in results]


@pytest.mark.parametrize("width", [390, 1280])
def test_unbiased_variance_highlights_no_word_inside_biased_variance(site, browser, width):
    marks = {m for r in _search(browser, site, "zh", "无偏方差", width) for m in r["marks"]}
    # jieba once read 有偏方差 as 有/偏方/差, so 偏方 ("folk remedy") was marked inside it.
    assert marks and marks <= {"无偏", "方差", "无偏方差"}, marks


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language, term", [("zh", "实验"), ("en", "experiment")])
def test_the_notebook_page_preview_shows_no_tex(site, browser, width, language, term):
    previews = [r["text"] for r in _search(browser, site, language, term, width) if "/experiment/" in r["href"]]
    assert previews, term
    for text in previews:
        assert "$" not in text and "\\" not in text, text


FIGURE_TEXT = """
import json, runpy, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.text import Text
from matplotlib.textpath import TextPath
from docexec.child import FIGURE_DPI
for path in sys.argv[1:]:
    runpy.run_path(path, run_name="__main__")
    for number in plt.get_fignums():
        figure = plt.figure(number)
        figure.canvas.draw()
        texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
        # a capital H's height in the label's own font and size: the height of a label's letters
        caps = [TextPath((0, 0), "H", prop=t.get_fontproperties()).get_extents().height for t in texts]
        print(json.dumps([figure.get_label(), round(figure.get_figwidth() * FIGURE_DPI),
                          min(caps) * FIGURE_DPI / 72, len(texts)]))
    plt.close("all")
"""


@pytest.mark.parametrize("language", ["zh", "en"])
def test_figure_labels_are_at_least_9_css_px_high_on_a_phone(site, browser, language):
    import json
    import subprocess
    import sys
    snippets = sorted(str(p) for p in (REPO / "snippets" / "post" / "figures").glob("*.py"))
    done = subprocess.run([sys.executable, "-c", FIGURE_TEXT, *snippets], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO / "hooks")})
    assert done.returncode == 0, done.stderr
    drawn = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("[")]
    smallest = {(label, width): cap for label, width, cap, count in drawn if label == language and count > 0}
    page, problems = _open(browser, site + ("en/" if language == "en" else ""))
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=20000)
    shown = page.eval_on_selector_all("article figure img", "imgs => imgs.map(i => [i.naturalWidth, i.clientWidth])")
    page.close()
    ours = [(natural, width) for natural, width in shown if (language, natural) in smallest]  # found by pixel width
    assert problems == [] and len(ours) == len(smallest) == 2, (shown, smallest)
    for natural, width in ours:
        cap = smallest[(language, natural)]  # the figure drawn for this language is the one shown
        assert cap * width / natural >= 9, (natural, width, cap)


WORDS_BROKEN = """selector => [...document.querySelectorAll(selector)].flatMap(code => {
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT), chars = [];
    for (let node; (node = walker.nextNode());) for (let i = 0; i < node.length; i++) chars.push([node, i]);
    const text = chars.map(([node, i]) => node.data[i]).join(''), broken = [];
    for (const word of text.matchAll(/\\S+/g)) {
        const range = document.createRange(), end = chars[word.index + word[0].length - 1];
        range.setStart(...chars[word.index]); range.setEnd(end[0], end[1] + 1);
        const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top);
        if (Math.max(...tops) - Math.min(...tops) > 3) broken.push(word[0]);
    }
    return broken;
})"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_posts_quoted_code_breaks_no_identifier(site, browser, width, language):
    page, problems = _open(browser, site + ("en/" if language == "en" else ""))
    page.set_viewport_size({"width": width, "height": 844})
    page.wait_for_timeout(300)
    assert page.locator(".post-code pre > code").count() == 1
    assert page.evaluate(WORDS_BROKEN, ".post-code pre > code") == []  # not "num_batches_tracke" / "d + 1"
    assert page.evaluate(UNDER_THE_COPY_BUTTON, ".post-code pre") == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    if width == 1280:  # a desktop has room: the code wraps at spaces, under its indentation, nothing hidden
        assert page.evaluate(OVERFLOWING, ".post-code pre > code") == []
        assert page.evaluate(FLAT_CONTINUATIONS, ".post-code pre > code") == []
    page.close()
    assert problems == []


REPORT_TABLE = """() => { const table = [...document.querySelectorAll('article table')].find(t => t.querySelector('[data-docexec-seconds]'));
    const wrap = table.closest('.md-typeset__scrollwrap') || table.parentElement, names = [...table.querySelectorAll('td code')];
    const broken = names.filter(c => new Set([...c.getClientRects()].map(r => Math.round(r.top))).size > 1).map(c => c.textContent);
    return {wider: wrap.scrollWidth - wrap.clientWidth, names: names.length, broken}; }"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_report_table_fits_the_screen_and_breaks_no_file_name(site, browser, width, language):
    page, problems = _open(browser, site + ("en/" if language == "en" else "") + "report/")
    page.set_viewport_size({"width": width, "height": 844})
    page.wait_for_timeout(300)
    table = page.evaluate(REPORT_TABLE)
    assert table["names"] >= 20 and table["broken"] == [] and table["wider"] <= 0, table  # not "pitfalls/bat" / "ch.py"
    assert page.evaluate(OVERFLOWING, "article table") == []
    page.close()
    assert problems == []
