# Under a real `mkdocs serve`, a save renders only the pages it changes, and the site equals a full rebuild's.
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from conftest import REPO, Server
from docexec.incremental import Change, classify, head, snapshot

HOOKS = "".join(f"  - {REPO / 'hooks' / name}\n" for name in ("docexec_hook.py", "serve_incremental.py", "i18n_search.py"))
CONFIG = f"""site_name: t
theme:
  name: material
  font: false
  features: [navigation.footer]
hooks:
{HOOKS}plugins:
  - search
  - i18n:
      docs_structure: suffix
      languages:
        - {{locale: zh, default: true, name: 中文}}
        - {{locale: en, name: English}}
markdown_extensions:
  - pymdownx.superfences
watch:
  - snippets
"""
# No nav: each page's title comes from its H1, as in bench.py's sites, so a page that is not
# rendered must still be named in the others' nav and footer.
SITE = {
    "mkdocs.yml": CONFIG,
    "docs/index.md": "# 首页\n\n你好。\n",
    "docs/index.en.md": "# Home\n\nHello.\n",
    "docs/a.md": '# 甲页\n\n甲。\n\n--8<-- exec "x.py"\n',
    "docs/a.en.md": '# Page A\n\nA.\n\n--8<-- exec "x.py"\n',
    "docs/b.md": '# 乙页\n\n乙。\n\n--8<-- exec "y.py"\n',
    "docs/b.en.md": '# Page B\n\nB.\n\n--8<-- exec "y.py"\n',
    "snippets/x.py": "print('x says hi')\nprint(open('snippets/data.txt').read().split()[0])\n",
    "snippets/data.txt": "data 1\n",
    "snippets/y.py": "print('y says hi')\n",
}
PAGES = ["index.html", "a/index.html", "b/index.html", "en/index.html", "en/a/index.html", "en/b/index.html"]


class Session:
    """One `mkdocs serve` of SITE, with the site directory it serves from."""

    def __init__(self, project) -> None:
        self.made = project(SITE)
        assert self.made.build(DOCEXEC_ACCEPT="1").code == 0
        self.server = Server(self.made.root)
        self.seen = self.server.wait_for("Serving on")
        folder = next(re.search(r"Building 'en' documentation to directory: (\S+)/en$", line)
                      for line in self.server.lines if "Building 'en'" in line)
        assert folder is not None
        self.site = Path(folder[1])

    def save(self, files: dict[str, str], log: str) -> None:
        """Write ``files``, wait for the rebuild that logs ``log`` and its reload."""
        self.made.write(files)
        self.seen = self.server.wait_for(log, self.seen)
        self.seen = self.server.wait_for("Reloading browsers", self.seen)

    def files(self) -> dict[str, bytes]:
        # The report holds run times, which differ between any two builds.
        return {p.relative_to(self.site).as_posix(): p.read_bytes() for p in sorted(self.site.rglob("*"))
                if p.is_file() and p.name != "docexec-report.json"}

    def mtimes(self) -> dict[str, int]:
        return {page: (self.site / page).stat().st_mtime_ns for page in PAGES}


@pytest.fixture
def served(project):
    started: list[Session] = []

    def start() -> Session:
        started.append(Session(project))
        return started[-1]

    yield start
    for session in started:
        session.server.stop()


def test_a_save_renders_only_its_pages_and_the_site_equals_a_full_rebuild(served):
    site = served()
    assert "INFO    -  serve: rendered 6 of 6 pages (full rebuild: first build)" in site.server.lines

    # A prose edit: that page alone; its twin does not depend on it.
    before = site.mtimes()
    site.save({"docs/b.md": '# 乙页\n\n乙改了。\n\n--8<-- exec "y.py"\n'}, "serve: rendered 1 of 6 pages (docs/b.md changed)")
    after = site.mtimes()
    assert [page for page in PAGES if before[page] != after[page]] == ["b/index.html"]
    assert "乙改了。" in site.server.page("/b/")
    # The pages not rendered keep their names in the rendered page's nav and footer, and their search entries.
    assert 'aria-label="上一页: 甲页"' in site.server.page("/b/")  # the footer's link to a, not rendered
    index = json.loads(site.server.page("/search/search_index.json"))
    assert sorted({doc["location"].split("#")[0] for doc in index["docs"]}) == ["", "a/", "b/"]
    assert "乙改了。" in next(doc["text"] for doc in index["docs"] if doc["location"] == "b/").replace("\u200b", "")  # jieba's word breaks
    english = json.loads(site.server.page("/en/search/search_index.json"))
    assert sorted({doc["location"].split("#")[0] for doc in english["docs"]}) == ["", "a/", "b/"]

    # A snippet edit: the pages that show it, in both languages, and its new output.
    before = site.mtimes()
    site.save({"snippets/y.py": "print('y says bye')\n"}, "serve: rendered 2 of 6 pages (snippets/y.py changed)")
    after = site.mtimes()
    assert [page for page in PAGES if before[page] != after[page]] == ["b/index.html", "en/b/index.html"]
    assert "y says bye" in site.server.page("/b/") and "y says bye" in site.server.page("/en/b/")
    assert "x says hi" in site.server.page("/a/")
    incremental = site.files()

    # mkdocs.yml changed: everything, from a clean site directory; nothing differs from what the saves made.
    site.save({"mkdocs.yml": CONFIG + "\n"}, "serve: rendered 6 of 6 pages (full rebuild: mkdocs.yml changed)")
    full = site.files()
    assert sorted(full) == sorted(incremental)
    # 404.html's language switcher points at the last page i18n rendered, whichever it was (in a
    # full build, the last in order): it is not compared. Every other file is byte-identical.
    assert [name for name in full if full[name] != incremental[name] and name != "404.html"] == []


def _forkserver_started(pid: int, timeout: float = 60) -> bool:
    """Whether the process ``pid`` has a multiprocessing fork server child (docexec's runner)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            try:
                if b"forkserver" in Path(f"/proc/{child}/cmdline").read_bytes():
                    return True
            except OSError:
                continue
        time.sleep(0.2)
    return False


def test_a_data_file_renders_its_readers_a_new_title_or_an_unknown_file_every_page(served):
    site = served()
    # Every output came from the cache, so nothing ran; torch is imported anyway, before the
    # author's first snippet save.
    assert "docexec: 2 snippet files: 0 run, 2 from cache" in "\n".join(site.server.lines)
    assert _forkserver_started(site.server.process.pid)
    # A file a snippet read: the pages showing that snippet, in both languages.
    site.save({"snippets/data.txt": "info 2\n"}, "serve: rendered 2 of 6 pages (snippets/data.txt changed)")
    assert "info" in site.server.page("/a/") and "info" in site.server.page("/en/a/")
    # Read again, the same output: the file's pages show nothing new (known once it is judged).
    site.save({"snippets/data.txt": "info 3\n"}, "serve: rendered 0 of 6 pages (snippets/data.txt changed)")
    assert sum("docexec: 2 snippet files: 1 run, 1 from cache" in line for line in site.server.lines) == 2  # it did re-run

    site.save({"docs/a.md": '# 甲页新名\n\n甲。\n\n--8<-- exec "x.py"\n'},
              "serve: rendered 6 of 6 pages (full rebuild: the title or front matter of docs/a.md changed)")
    assert "甲页新名" in site.server.page("/b/")  # b's nav names a by its new title

    # A file under snippets/ that no snippet is and no run read: who reads it is unknown.
    site.save({"snippets/notes.txt": "draft\n"}, "serve: rendered 6 of 6 pages (snippets/notes.txt changed)")


def test_classify_names_why_a_save_needs_a_clean_rebuild(tmp_path):
    docs, snippets, config = tmp_path / "docs", tmp_path / "snippets", tmp_path / "mkdocs.yml"
    for path, text in {docs / "a.md": "# A\n\ntext\n", snippets / "x.py": "print(1)\n", config: "site_name: t\n",
                       tmp_path / "overrides" / "main.html": "{{ page }}\n"}.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    roots = [docs, snippets, config, tmp_path / "overrides"]
    heads = {os.path.realpath(docs / "a.md"): head(str(docs / "a.md"))}

    def after(edit: Path, text: str | None) -> Change:
        before = snapshot(roots)
        if text is None:
            edit.unlink()
        else:
            edit.write_text(text)
            os.utime(edit, ns=(1, 10**18 + len(text)))  # another mtime, whatever the clock's resolution
        return classify(before, snapshot(roots), heads, docs, snippets, config)

    assert classify(None, snapshot(roots), heads, docs, snippets, config).clean == "first build"
    assert after(docs / "a.md", "# A\n\nnew text\n") == Change(None, [os.path.realpath(docs / "a.md")])
    assert after(docs / "a.md", "# New title\n\nnew text\n").clean == "the title or front matter of docs/a.md changed"
    assert after(docs / "a.md", "---\ntitle: T\n---\n# New title\n\nnew text\n").clean == "the title or front matter of docs/a.md changed"
    assert after(snippets / "x.py", "print(2)\n") == Change(None, [os.path.realpath(snippets / "x.py")])
    assert after(config, "site_name: u\n").clean == "mkdocs.yml changed"
    assert after(tmp_path / "overrides" / "main.html", "{{ config }}\n").clean == f"{os.path.realpath(tmp_path / 'overrides' / 'main.html')} changed"
    assert after(docs / "b.md", "# B\n").clean == "docs/b.md added"
    assert after(docs / "b.md", None).clean == "docs/b.md removed"
    assert after(snippets / "y.py", "print(3)\n") == Change(None, [os.path.realpath(snippets / "y.py")])


def test_a_rebuild_renders_for_code_spots_only_the_pages_whose_text_changed(monkeypatch):
    from docexec import codelines

    rendered: list[str] = []
    real = codelines.code_spots
    monkeypatch.setattr(codelines, "code_spots", lambda text, spots, setup: rendered.append(text) or real(text, spots, setup))
    page, edited = "`--8<-- exec \"x.py\"`\n", "Now prose: --8<-- exec \"x.py\"\n"
    setup = codelines.Setup.of(["admonition"], {})
    first = codelines.Pages(setup)
    assert first.check(page, page)([(1, 1)]) == {(1, 1)}
    page, edited = page.rstrip("\n"), edited.rstrip("\n")  # as rendered: trailing newlines do not count
    again = codelines.Pages(codelines.Setup.of(["admonition"], {}), first)  # a rebuild: an equal setup
    assert again.check(page, page)([(1, 1)]) == {(1, 1)} and rendered == [page]
    assert again.check(edited, edited)([(1, 11)]) == set() and rendered == [page, edited]
    other = codelines.Pages(codelines.Setup.of(["admonition", "pymdownx.superfences"], {}), again)  # mkdocs.yml changed
    assert other.check(page, page)([(1, 1)]) == {(1, 1)} and rendered == [page, edited, page]
    assert codelines.Pages(setup, other).check(edited, edited)([(1, 11)]) == set() and rendered == [page, edited, page, edited]


def test_the_page_as_a_preprocessor_gets_it_takes_the_answer_the_scan_found(monkeypatch):
    # Python-Markdown hands preprocessors the page with two newlines more, MkDocs without its front
    # matter: both are the scanned file's text, so the page is rendered for code spots once.
    from docexec import codelines

    rendered: list[str] = []
    real = codelines.code_spots
    monkeypatch.setattr(codelines, "code_spots", lambda text, spots, setup: rendered.append(text) or real(text, spots, setup))
    full = "---\ntitle: T\n---\n`--8<-- exec \"x.py\"`\n"
    pages = codelines.Pages(codelines.Setup())
    assert pages.check(full, full)([(4, 1)]) == {(4, 1)}
    body = full.split("---\n", 2)[2] + "\n\n"
    assert pages.check(full, body)([(1, 1)]) == {(1, 1)} and len(rendered) == 1
    # Not a tail of whole lines: asked on its own.
    assert pages.check(full, body[1:])([(1, 0)]) == set() and len(rendered) == 2


def test_after_a_failed_build_the_next_save_rebuilds_everything(project):
    # A hook of the project's own that fails any page saying BOOM, as a broken extension would.
    boom = "def on_page_markdown(markdown, page, config, files):\n    assert 'BOOM' not in markdown, 'boom'\n"
    made = project({**SITE, "boom.py": boom, "mkdocs.yml": CONFIG.replace("plugins:", "  - boom.py\nplugins:")})
    assert made.build(DOCEXEC_ACCEPT="1").code == 0
    server = Server(made.root)
    try:
        seen = server.wait_for("Serving on")
        made.write({"docs/b.md": '# 乙页\n\nBOOM\n\n--8<-- exec "y.py"\n'})
        seen = server.wait_for("An error happened during the rebuild", seen)
        made.write({"docs/b.md": '# 乙页\n\n乙好了。\n\n--8<-- exec "y.py"\n'})
        seen = server.wait_for("serve: rendered 6 of 6 pages (full rebuild: the last build failed)", seen)
        assert "乙好了。" in server.page("/b/")
    finally:
        server.stop()


def test_a_rebuild_reads_again_only_the_pages_and_snippet_files_that_changed(tmp_path, monkeypatch):
    from docexec import engine, markup, sections
    from docexec.options import Options

    files = {"docs/a.md": '# A\n\n--8<-- exec "a.py:s"\n', "docs/b.md": "# B\n\nProse.\n", "snippets/a.py": "# %% s\nprint(1)\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    read, parsed = [], []
    real_find, real_parse = markup.find, sections.parse
    monkeypatch.setattr(markup, "find", lambda page, text, **options: read.append(page) or real_find(page, text, **options))
    monkeypatch.setattr(sections, "parse", lambda path, text: parsed.append(path) or real_parse(path, text))
    monkeypatch.setattr(sections, "_PARSED", {})
    session = engine.Session()

    def plan() -> None:
        session.plan(tmp_path, tmp_path / "docs", Options(), False, [])

    plan()
    assert sorted(read) == ["docs/a.md", "docs/b.md"] and parsed == ["snippets/a.py"]
    plan()  # nothing changed
    assert len(read) == 2 and len(parsed) == 1
    (tmp_path / "docs/b.md").write_text("# B\n\nProse, edited.\n")
    (tmp_path / "snippets/a.py").write_text("# %% s\nprint(2)\n")
    plan()
    assert sorted(read) == ["docs/a.md", "docs/b.md", "docs/b.md"] and parsed == ["snippets/a.py", "snippets/a.py"]
    assert session.marked["docs/b.md"] is not None and session.files["snippets/a.py"].sections[0].code == "print(2)\n"
