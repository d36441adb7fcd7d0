# Snippets run alongside page rendering: a page waits only for the files it shows; the verdict is the same.
from __future__ import annotations

import tempfile
from pathlib import Path

from conftest import HOOK, docexec_lines

from docexec.background import first_needed
from docexec.markup import Where
from docexec.runner import Job
from docexec.sections import SnippetFile

# A second hook, after docexec's: when each page's HTML was ready (wall clock, as the snippet's
# process writes its own end time with the same clock).
STAMP = """
import time
from pathlib import Path

def on_page_content(html, page, config, files):
    with (Path(config.config_file_path).parent / "rendered.txt").open("a") as out:
        out.write(f"{page.file.src_uri} {time.time()}\\n")
"""
SLOW = """
import tempfile, time
from pathlib import Path
time.sleep(4)
print("slow")
_ = Path(tempfile.gettempdir(), "docexec-test-slow-{tag}.txt").write_text(str(time.time()))
"""


def test_a_page_renders_while_a_file_another_page_shows_still_runs(project, tmp_path):
    tag = tmp_path.name
    made = project({
        "docs/index.md": '# Home\n\n--8<-- exec "fast.py"\n',
        "docs/slow.md": '# Slow\n\n--8<-- exec "slow.py"\n',
        "snippets/fast.py": "print('fast')\n",
        "snippets/fast.out/_preamble.txt": "fast\n",
        "snippets/slow.py": SLOW.format(tag=tag),
        "snippets/slow.out/_preamble.txt": "slow\n",
        "stamp.py": STAMP,
    })
    (made.root / "mkdocs.yml").write_text(f"site_name: t\nhooks:\n  - {HOOK}\n  - stamp.py\n"
                                          "markdown_extensions:\n  - pymdownx.superfences\n")
    built = made.build()
    assert built.code == 0, built.log
    rendered = dict(line.split() for line in (made.root / "rendered.txt").read_text().splitlines())
    slow_ended = float(Path(tempfile.gettempdir(), f"docexec-test-slow-{tag}.txt").read_text())
    assert float(rendered["index.md"]) < slow_ended - 2, "the home page waited for a file it does not show"
    assert float(rendered["slow.md"]) >= slow_ended  # and a page never renders before its own file is done
    assert "slow" in built.page("slow/index.html") and "fast" in built.page("index.html")


def test_a_late_failure_fails_the_build_with_every_problem_listed_before_anything_is_written(project):
    made = project({
        "docs/index.md": '# Home\n\n--8<-- exec "a.py"\n',
        "docs/z.md": '# Z\n\n--8<-- exec "z.py"\n',
        "snippets/a.py": "print('a')\n",
        "snippets/a.out/_preamble.txt": "not a\n",
        "snippets/z.py": "import time\ntime.sleep(2)\nraise ValueError('late')\n",
    })
    built = made.build()
    assert built.code == 1
    lines = docexec_lines(built.log)
    assert lines[0] == "ERROR   -  docexec: 2 problems with the documentation's snippets"
    assert lines[1] == "docs/index.md(3): snippets/a.py(1) section '_preamble': output differs from the recorded snippets/a.out/_preamble.txt"
    assert any(line.startswith("docs/z.md(3): snippets/z.py(1) section '_preamble': raised an exception") for line in lines)
    assert not (made.root / "site" / "index.html").exists()  # the verdict came before MkDocs wrote a page


def _job(path: str) -> Job:
    return Job(SnippetFile(path, "", ()), path, {}, 60.0)


def test_the_files_of_the_first_rendered_pages_run_first():
    uses = {
        "snippets/b.py": {None: Where(references=[("docs/b.md", 1)])},
        "snippets/en.py": {None: Where(references=[("docs/index.en.md", 1)])},
        "snippets/home.py": {None: Where(references=[("docs/z.md", 1), ("docs/index.md", 3)])},
        "snippets/sub.py": {None: Where(references=[("docs/guide/a.md", 1)])},
        "snippets/unused.py": {},
    }
    order = first_needed([_job(p) for p in uses], uses, ["en"])
    # MkDocs renders index.md first, then the folder's other pages by name, then subfolders; the
    # English build comes after the whole default-language build.
    assert [job.file.path for job in order] == ["snippets/home.py", "snippets/b.py", "snippets/sub.py",
                                                "snippets/unused.py", "snippets/en.py"]
