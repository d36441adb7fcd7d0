# Markdown as Markdown: what Markdown makes code stays literal, markup never reaches a page unrun, BOMs, names, quotes.
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, environment
from docexec import codelines, markup, net
from docexec.options import Site

PAGE = "docs/index.md"
SITE = Site.read(REPO / "mkdocs.yml").markdown  # the real site's extensions
CALC = {"snippets/calc.py": "# %% a\nprint('from calc')\n", "snippets/calc.out/a.txt": "from calc\n"}
REF = '--8<-- exec "calc.py:a"'
CLAIM = "[[1 | calc.py:a | 1]]"
# Old outputs quoted as text before the live lines, as the post does: long lines, a quoted
# reference and claim, backticks.
QUOTED = "```text\n" + "tensor([" + ", ".join(["0.1234"] * 60) + "])\n" + f"{REF}\n{CLAIM}\n`x` ``y``\n" + "```\n"


def find(text: str) -> markup.Markup:
    return markup.find("p", text, code=lambda spots: codelines.code_spots(text, spots, SITE))


def check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docexec", "check", *args], cwd=root, capture_output=True, text=True,
                          env=environment(PYTHONPATH=str(REPO / "hooks"), DOCEXEC_CACHE=".docexec-cache"), timeout=300)


# -- what is code is what Markdown says ------------------------------------------------------

@pytest.mark.parametrize("text", [
    f"Text.\n\n    {REF}\n    {CLAIM}\n",  # an indented code block at the top level
    f"- item\n\n        {REF}\n        {CLAIM}\n",  # an indented code block inside a list item
    f'!!! note\n\n    ```text\n    {REF}\n    {CLAIM}\n    ```\n',  # a fence inside an admonition
    f"1. step\n\n    ~~~\n    {REF}\n    {CLAIM}\n    ~~~\n",  # a tilde fence in a list item
    f"````md\n```\n{REF}\n```\n{CLAIM}\n````\n",  # a longer fence holding a shorter one
    f"Write ``{CLAIM}`` or `{REF}`.\n",  # code spans
])
def test_markup_that_markdown_makes_code_stays_literal(text):
    found = find(text)
    assert (found.references, found.claims, found.failures) == ([], [], [])


@pytest.mark.parametrize("text, line", [
    (f"!!! note\n\n    {REF}\n    The value is {CLAIM}.\n", 3),  # indented, but prose of an admonition
    (f"- item\n\n    {REF}\n\n    The value is {CLAIM}.\n", 3),  # a list item's own paragraphs
    (f"Text.\n\n```text\nold\n```\n\n    {REF}\n", 7),  # indented after a fence: that is an indented code block...
])
def test_indented_prose_is_still_acted_on_but_an_indented_block_is_not(text, line):
    found = find(text)
    if line == 7:  # ...so it stays literal
        assert found.references == []
    else:
        assert [r.line for r in found.references] == [line] and len(found.claims) == 1


def test_a_text_fence_of_old_outputs_before_references_does_not_swallow_them():
    """The hole of the previous design: a quoted ```text block before --8<-- exec lines made
    the lines after it code, and they were published as raw text on a green build."""
    text = f"# T\n\n{QUOTED}\n{REF}\n\nThe value is {CLAIM}, as before {CLAIM}.\n\n{QUOTED}\n{REF}\n"
    found = find(text)
    assert [r.line for r in found.references] == [10, 21]
    assert [(c.line, c.start) for c in found.claims] == [(12, 13), (12, 46)]


def test_a_front_matter_is_not_rendered_and_line_numbers_stay():
    text = f"---\ntitle: x\n---\n\n    {REF}\n\n{REF}\n"
    assert [r.line for r in find(text).references] == [7]


def test_an_indented_code_block_is_shown_literally_on_the_page(project):
    """Fault 1b: the block was expanded inside itself, showing fence text and a raw <span>."""
    made = project({PAGE: f"# T\n\nText.\n\n    {REF}\n    {CLAIM}\n\n{REF}\n", **CALC})
    built = made.build("--strict")
    assert built.code == 0, built.log
    html = built.page("index.html")
    assert '<pre><span></span><code>--8&lt;-- exec "calc.py:a"\n[[1 | calc.py:a | 1]]\n</code></pre>' in html
    assert html.count("docexec-output") == 1 and "docexec-claim" not in html


# -- fail closed ------------------------------------------------------------------------------

LATE_HOOK = '''
def on_page_markdown(markdown, **kwargs):
    # after docexec: drops the fence around the quoted lines, as a plugin could
    return "\\n".join(line for line in markdown.split("\\n") if line not in ("~~~text", "~~~"))
'''


def test_markup_a_plugin_makes_of_code_fails_the_build_whatever_judged_it_code(project):
    """Code detection is not trusted: a later plugin turns the literal lines into prose. The
    extension renders after every on_page_markdown, so it sees them as markup the build never
    read: it refuses to expand them (they were neither run nor checked)."""
    quoted = f"# T\n\n~~~text\n{REF}\nthe value {CLAIM}\n~~~\n\n{REF}\n"
    made = project({"docs/index.md": f"# T\n\n{REF}\n", "docs/index.en.md": quoted, "late.py": LATE_HOOK, **CALC}, i18n=True)
    config = (made.root / "mkdocs.yml").read_text()
    (made.root / "mkdocs.yml").write_text(config.replace("docexec_hook.py\n", "docexec_hook.py\n  - late.py\n"))
    built = made.build("--strict")
    assert built.code == 1
    lines = built.lines()
    assert lines[lines.index("ERROR   -  Error reading page 'index.en.md':") + 1:][:4] == [
        "ERROR   -  docexec: 2 problems with the documentation's snippets",
        '''docs/index.en.md(4): `--8<-- exec "calc.py:a"` is markup only in the Markdown a plugin or hook handed on: '''
        "in the page the build read it is code, or not there, so the build neither ran nor checked it",
        "    write references and claims in the page itself, outside code; a plugin must not turn code into prose",
        "docs/index.en.md(5): `[[1 | calc.py:a | 1]]` is markup only in the Markdown a plugin or hook handed on: "
        "in the page the build read it is code, or not there, so the build neither ran nor checked it",
    ]


def test_a_claim_markdown_shows_as_prose_fails_the_build_and_the_check(project):
    # An escaped backtick opens no code span: the claim would be shown raw.
    made = project({PAGE: f"# T\n\n{REF}\n\nA literal \\`{CLAIM}` here.\n", **CALC})
    built = made.build()
    assert built.code == 1
    assert "docs/index.md(5): `[[1 | calc.py:a | 1]]` is published as text: the build neither ran nor checked it" in built.log
    done = check(made.root)
    assert done.returncode == 1
    assert "docs/index.md(5): `[[1 | calc.py:a | 1]]` is published as text: the build neither ran nor checked it" in done.stderr


@pytest.mark.parametrize(("markup", "where"), [
    (f'<span title="v {CLAIM} w">hover</span>', "an HTML tag that Markdown shows as text"),
    (f'[link](https://example.com "t {CLAIM}")', "the title of a <a> (a link's title, a raw tag's attribute)"),
])
def test_a_claim_inside_a_tag_or_a_link_title_fails_the_build_and_the_check(project, markup, where):
    """Found by the fault re-trial: the claim was checked, but the reader saw the span's markup."""
    made = project({PAGE: f"# T\n\n{REF}\n\nSee {markup} here.\n", **CALC})
    expected = f"docs/index.md(5): a claim stands inside {where}, where it is published as markup text"
    built = made.build()
    assert built.code == 1 and expected in built.log, built.log
    done = check(made.root)
    assert done.returncode == 1 and expected in done.stderr, done.stderr


def test_a_fence_left_open_swallows_nothing_quietly(project):
    """Markdown and the detection agree that the lines are code: the file they name never runs."""
    # The author closed the quoted output only after the lines meant to show the snippet.
    made = project({PAGE: f"# T\n\n```text\nold output\n\n{REF}\nThe value is {CLAIM}.\n```\n", **CALC})
    expected = (f"docs/index.md(6): `{REF}` names snippets/calc.py, but the build does not run that file: Markdown shows "
                "this line as code (inside a fence, maybe one left open above it, an indented code block or a code span), "
                "so it would be published as text")
    built = made.build()
    assert built.code == 1 and expected in built.log
    done = check(made.root)
    assert done.returncode == 1 and expected in done.stderr


def test_a_literal_example_may_name_a_file_shown_elsewhere_or_none(project):
    made = project({PAGE: f"# T\n\n```text\n{REF}\n--8<-- exec \"no/such.py\"\n```\n\n{REF}\n", **CALC})
    assert made.build("--strict").code == 0


def test_a_reference_in_a_notebook_markdown_cell_is_an_error(tmp_path):
    from docexec.engine import Session
    from docexec.options import Options
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(f"# T\n\n{REF}\n\nvalue {CLAIM}")]
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "n.ipynb").write_text(nbformat.writes(notebook), encoding="utf-8")
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "calc.py").write_text(CALC["snippets/calc.py"], encoding="utf-8")
    session = Session()
    session.plan(tmp_path, tmp_path / "docs", Options())
    messages = [str(f) for f in session.failures]
    assert messages[0].startswith("docs/n.ipynb(1): cell 1: a notebook's Markdown cell holds a snippet reference or a claim")
    assert any(m.startswith(f"docs/n.ipynb(1): `{REF}` names snippets/calc.py, but the build does not run") for m in messages)


def test_the_net_reads_text_outside_code_only():
    page = (f'<p>ok</p><pre><code>{REF}\n{CLAIM}</code></pre><p>[[1, 2], [3, 4]] <code>{CLAIM}</code>'
            f'<span title="{CLAIM}">x</span></p><!-- {REF} -->')
    assert codelines.raw_markup(page) == []
    assert codelines.raw_markup(f"<p>a <em>b</em> {REF.replace('<', '&lt;')}\nand [[1 | a.py | <em>x</em>]]</p>") == [
        REF, "[[1 | a.py | x]]"]
    assert [str(f) for f in net.published("docs/p.md", f"x\n\n{CLAIM}\n", f"<p>{CLAIM}</p>")][0].startswith("docs/p.md(3): ")
    # a notebook page names the cell
    assert [str(f) for f in net.published("docs/n.ipynb", f"x\n\n{CLAIM}\n", f"<p>{CLAIM}</p>", [1, 1, 2, 2])][0].startswith(
        "docs/n.ipynb(2): ")


# -- byte order marks ---------------------------------------------------------------------------

BOM = "\ufeff"


def test_a_snippet_and_a_page_with_a_byte_order_mark_work_like_any_other(project):
    """Faults 2b and 2e: U+FEFF was run as code, hid the first marker, and made parity see no heading."""
    made = project({
        "docs/index.md": f"{BOM}# T\n\n--8<-- exec \"bom.py:a\"\n\n--8<-- exec \"bom2.py:b\"\n",
        "docs/index.en.md": "# T\n\n--8<-- exec \"bom.py:a\"\n\n--8<-- exec \"bom2.py:b\"\n",
        "snippets/bom.py": f"{BOM}# %% a\nprint('a')\n",
        "snippets/bom.out/a.txt": "a\n",
        "snippets/bom2.py": f"{BOM}x = 1\n\n# %% b\nprint(x + 1)\n",
        "snippets/bom2.out/b.txt": "2\n",
    }, i18n=True)
    recorded = subprocess.run([sys.executable, "-m", "docexec", "translated"], cwd=made.root, capture_output=True, text=True,
                              env=environment(PYTHONPATH=str(REPO / "hooks")), timeout=120)
    assert recorded.stdout.splitlines() == ["recorded docs/index.md#T", "1 section recorded in translations.json"]
    built = made.build("--strict")
    assert built.code == 0, built.log
    html = built.page("index.html")
    assert BOM not in html and '<span class="filename">bom2.py:b</span>' in html and "<code>2\n</code>" in html


# -- section names in any script -----------------------------------------------------------------

def test_section_names_may_use_any_script():
    from docexec.sections import parse

    assert [s.name for s in parse("s.py", "# %% 初始化\nx = 1\n# %% नमस्ते.v2\ny = 2\n").sections] == ["初始化", "नमस्ते.v2"]
    regions = parse("s.py", "# --8<-- [start:初始化]\nx = 1\n# --8<-- [end:初始化]\n")
    assert [s.name for s in regions.sections] == ["初始化"]
    found = find('--8<-- exec "a.py:初始化"\n')
    assert [r.target.section for r in found.references] == ["初始化"] and found.failures == []


@pytest.mark.parametrize("text, message", [
    ("# %% a/b\nx = 1\n", "s.py(1): a section marker needs exactly one name: start with a letter or digit (of any script: "
                          "`x1`, `初始化`), then use letters, digits, '_', '.' and '-' (no spaces, no '/', '\\', ':' or other "
                          "punctuation) (e.g. `# %% x1 timeout=30`); got `# %% a/b`"),
    ("# --8<-- [start:初始/化]\nx = 1\n# --8<-- [end:初始/化]\n",
     "s.py(1): region name '初始/化' is not valid: start with a letter (of any script), then use letters, digits, '_' and '-', "
     "e.g. `# --8<-- [start:train-step]` or `# --8<-- [start:初始化]`"),
])
def test_names_with_path_characters_are_still_refused(text, message):
    from docexec.errors import DocexecError
    from docexec.sections import parse

    with pytest.raises(DocexecError) as raised:
        parse("s.py", text)
    assert str(raised.value) == message


def test_a_reference_to_a_section_with_path_characters_is_refused():
    assert [str(f) for f in find('--8<-- exec "a.py:x/y"\n').failures] == [
        "p(1): bad section name 'x/y' in 'a.py:x/y': start with a letter or digit (of any script: `x1`, `初始化`), "
        "then use letters, digits, '_', '.' and '-' (no spaces, no '/', '\\', ':' or other punctuation)"]


def test_a_unicode_section_is_served_from_the_cache(project):
    made = project({PAGE: '--8<-- exec "zh.py:初始化"\n', "snippets/zh.py": "# %% 初始化\nprint('ok')\n",
                    "snippets/zh.out/初始化.txt": "ok\n"})
    assert made.build("--strict").code == 0
    assert "1 snippet files: 0 run, 1 from cache" in made.build("--strict").log


# -- quotes in option values ---------------------------------------------------------------------

def test_option_values_take_escaped_quotes_and_backslashes():
    found = find('--8<-- exec "a.py" alt="the \\"train\\" mode" caption="$\\sigma$ and \\\\" title="it\'s"\n')
    assert found.failures == []
    assert found.references[0].options == {"alt": 'the "train" mode', "caption": "$\\sigma$ and \\", "title": "it's"}


@pytest.mark.parametrize("options, message", [
    ('alt="a "b" c"', 'malformed reference option `alt="a "b" c"`: a double quote inside the value of alt= ends it early'),
    ('alt="never closed', 'malformed reference option `alt="never closed`: a double quote inside the value of alt= ends it early'),
    ("alt=plain", "malformed reference option `alt=plain`: it is not a key=\"value\" option"),
])
def test_a_malformed_option_value_says_how_to_quote(options, message):
    assert [str(f) for f in find(f'--8<-- exec "a.py" {options}\n').failures] == [
        f"p(1): {message}\n    write each value in double quotes; inside a value write a double quote as \\\" and a backslash as \\\\"]


def test_a_title_with_both_kinds_of_quote_is_refused():
    failures = find('--8<-- exec "a.py" title="it\'s \\"x\\""\n').failures
    assert [str(f) for f in failures] == [
        "p(1): the title 'it\\'s \"x\"' holds both kinds of quote, which an output block's title cannot show; "
        "keep one kind (or write a typographic ’ or “ ”)"]


def test_a_double_quote_in_a_title_reaches_the_page(project):
    made = project({PAGE: '--8<-- exec "calc.py:a" title="the \\"train\\" mode"\n', **CALC})
    built = made.build("--strict")
    assert built.code == 0, built.log
    assert '<span class="filename">the &quot;train&quot; mode</span>' in built.page("index.html")


@pytest.mark.parametrize("page", ["docs/index.md", "docs/index.en.md"])
def test_the_real_post_with_old_outputs_quoted_before_its_forward_snippets_keeps_them_all(page):
    """The previous session's hole, on this site's own page: old outputs quoted in a ```text
    fence just before the `--8<-- exec "post/forward.py:…"` lines."""
    text = (REPO / page).read_text(encoding="utf-8")
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.lstrip().startswith('--8<-- exec "post/forward.py'))
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
    old = ["```text", "tensor([[" + ", ".join(["-1.2345e+00"] * 40) + "]])", f"{REF} (from the post)", CLAIM, "```", ""]
    quoted = "\n".join(lines[:first] + [indent + line if line else line for line in old] + lines[first:])
    before, after = find(text), find(quoted)
    shift = len(old)
    assert [(r.line + (shift if r.line > first else 0), r.target) for r in before.references] == [
        (r.line, r.target) for r in after.references]
    assert [(c.line + (shift if c.line > first else 0), c.start) for c in before.claims] == [(c.line, c.start) for c in after.claims]
    every = sum(line.lstrip().startswith("--8<-- exec") for line in lines)  # the page quotes no reference in code
    assert after.failures == [] and len(after.references) == every > 0


def test_serve_shows_markup_published_as_text_on_both_languages_and_recovers(serve_project):
    good = {"docs/index.md": f"# 页\n\n{REF}\n", "docs/index.en.md": f"# Page\n\n{REF}\n", **CALC}
    raw = {"docs/index.md": f"# 页\n\n{REF}\n\n\\`{CLAIM}`\n", "docs/index.en.md": f"# Page\n\n{REF}\n\n\\`{CLAIM}`\n"}
    made, server = serve_project(good, i18n=True)
    made.write(raw)
    seen = server.wait_for("is published as text", 0)
    seen = server.wait_for("Reloading browsers", seen)
    for url, box in (("/", "代码片段运行失败"), ("/en/", "Snippet failed")):
        page = server.page(url)
        assert box in page and f"`{CLAIM}` is published as text: the build neither ran nor checked it" in page, url
    made.write(good)
    seen = server.wait_for("Reloading browsers", seen)
    assert all("docexec-failure" not in server.page(url) for url in ("/", "/en/"))
    assert server.process.poll() is None
