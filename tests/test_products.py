# Warm builds make a page's notebook again only when one of its inputs changed (docexec.memo).
from __future__ import annotations

import json

from docexec import codelines, notebook
from docexec.markup import Markup, Reference, Target
from docexec.options import Options
from docexec.runner import FileResult, SectionResult
from docexec.sections import parse

PAGES = {
    "docs/index.md": '# A\n\nFirst page.\n\n--8<-- exec "a.py:s"\n',
    "docs/other.md": '# B\n\nSecond page.\n\n--8<-- exec "b.py:s"\n',
    "snippets/a.py": "# %% s\nprint('a')\n",
    "snippets/b.py": "# %% s\nprint('b')\n",
    "snippets/a.out/s.txt": "a\n",
    "snippets/b.out/s.txt": "b\n",
}
TAMPERED = "tampered: taken from the memo, not made again"


def _products(root):
    return sorted((root / Options().cache_dir / "products").glob("*.txt"))


def _tamper(root) -> None:
    """Change every kept notebook but keep its inputs' hash: a build that shows the change took it from the memo."""
    for path in _products(root):
        key, _, product = path.read_text().partition("\n")
        path.write_text(f"{key}\n{product.replace('Second page.', TAMPERED).replace('First page.', TAMPERED)}")


def test_a_warm_build_keeps_a_notebook_whose_inputs_did_not_change_and_remakes_one_whose_did(project, tmp_path):
    made = project(PAGES)
    assert made.build().code == 0
    assert len(_products(tmp_path)) == 2  # one per page
    _tamper(tmp_path)
    assert made.build().code == 0  # warm: nothing changed
    assert TAMPERED in (tmp_path / "site/index.ipynb").read_text()
    assert TAMPERED in (tmp_path / "site/other/other.ipynb").read_text()
    made.write({"docs/other.md": PAGES["docs/other.md"].replace("Second page.", "Second page, edited.")})
    made.write({"snippets/a.py": "# %% s\nprint('a')  # same output\n"})
    assert made.build().code == 0
    for path in ("site/index.ipynb", "site/other/other.ipynb"):
        assert TAMPERED not in (tmp_path / path).read_text(), path  # made again: an input changed
    cells = json.loads((tmp_path / "site/other/other.ipynb").read_text())["cells"]
    assert "Second page, edited." in cells[0]["source"]
    assert "# same output" in (tmp_path / "site/index.ipynb").read_text()
    assert len(_products(tmp_path)) == 2  # replaced, not added to


def test_the_inputs_hash_follows_what_a_cell_shows_not_how_the_result_was_had():
    file = parse("snippets/a.py", "# %% s\nprint(1)\n")
    found = Markup([Reference(3, "", Target("snippets/a.py", "s"))], [], [], [])

    def key(result: FileResult, problems: list[str] | None = None, markdown: str = "# A\n\n\n") -> str:
        return notebook.inputs(markdown, found, {file.path: file}, {file.path: result}, lambda target: problems or [],
                               "en", 0, 1)

    def result(output: str = "1\n", figures: tuple[str, ...] = (), duration: float = 0.1, cached: bool = False) -> FileResult:
        return FileResult(file.path, "k", [SectionResult("s", "ok", output, figures=list(figures))], duration, 1, cached=cached)

    base = key(result())
    assert key(result(duration=5.0, cached=True)) == base
    assert key(result(output="2\n")) != base
    assert key(result(figures=("iVBORw0KGgo=",))) != base
    assert key(result(), problems=["snippets/a.py:s: raised"]) != base
    assert key(result(), markdown="# B\n\n\n") != base


CODE_PAGE = {
    "docs/index.md": '# A\n\nShown, not run:\n\n```text\n--8<-- exec "a.py:s"\n```\n\n--8<-- exec "a.py:s"\n',
    "snippets/a.py": "# %% s\nprint('a')\n",
    "snippets/a.out/s.txt": "a\n",
}


def _answers(root):
    return sorted((root / Options().cache_dir / codelines.SHELF).glob("*.txt"))


def test_a_warm_build_takes_what_is_code_from_the_last_build_until_the_markdown_setup_changes(project, tmp_path):
    shown = '<code>--8&lt;-- exec "a.py:s"\n</code>'  # the fenced line, as written
    made = project(CODE_PAGE)
    assert made.build().code == 0
    assert shown in (tmp_path / "site/index.html").read_text()
    [answer] = _answers(tmp_path)  # one per page
    key, _, spots = answer.read_text().partition("\n")
    assert json.loads(spots) == [[6, 0]]  # the line in the fence is code
    answer.write_text(f"{key}\n[]")  # the same key, another answer: a build that obeys it took it from here
    assert made.build().code == 0
    html = (tmp_path / "site/index.html").read_text()
    assert shown not in html and '```python title="a.py:s"' in html  # the line in the fence was expanded
    # Another option of an extension: the kept answer no longer applies, the page is asked again.
    config = (tmp_path / "mkdocs.yml").read_text()
    made.write({"mkdocs.yml": config.replace("  - pymdownx.highlight\n", "  - pymdownx.highlight:\n      anchor_linenums: false\n")})
    assert made.build().code == 0
    assert shown in (tmp_path / "site/index.html").read_text()
    assert json.loads(_answers(tmp_path)[0].read_text().partition("\n")[2]) == [[6, 0]]


def test_the_setup_fingerprint_names_every_input_or_refuses(tmp_path, monkeypatch):
    base = codelines.fingerprint(codelines.Setup.of(["admonition"], {}))
    assert base and base == codelines.fingerprint(codelines.Setup.of(["admonition"], {}))
    assert codelines.fingerprint(codelines.Setup.of(["admonition"], {"toc": {"permalink": True}})) != base
    assert codelines.fingerprint(codelines.Setup.of(["admonition", "pymdownx.superfences"], {})) != base
    # A function of a package is named by where it lives; a lambda or an object has no name.
    named = codelines.Setup.of(["pymdownx.superfences"], {"pymdownx.superfences": {"custom_fences": [{"format": json.dumps}]}})
    assert codelines.fingerprint(named) is not None
    assert codelines.fingerprint(codelines.Setup.of(["pymdownx.superfences"], {"pymdownx.superfences": {"x": lambda: 1}})) is None
    assert codelines.fingerprint(codelines.Setup.of([object()], {})) is None
    assert codelines.fingerprint(codelines.Setup.of(["nosuchextension"], {})) is None  # a short name Markdown does not have
    # An extension of the site's own: its code is part of the fingerprint, edited or not installed.
    package = tmp_path / "myext"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fences.py").write_text("# v1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    own = codelines.Setup.of(["myext.fences"], {})
    first = codelines.fingerprint(own)
    (package / "fences.py").write_text("# v2, longer\n")
    assert first is not None and codelines.fingerprint(own) not in (None, first)
