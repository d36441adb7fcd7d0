# Recorded outputs (and notebook pages accept rewrites) behind a symbolic link are refused (faults 10c).
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import REPO, environment

PAGE = {"docs/index.md": '# Home\n\n--8<-- exec "probe/p.py:s"\n'}
SNIPPET = {"snippets/probe/p.py": "# %% s\nprint('the real output')\n"}
FIX = ("recorded outputs are only read and written as plain files inside the repository: "
       "replace the link by a real folder or file (`git rm` the link, then `make accept`)")


@pytest.fixture
def outside(tmp_path_factory) -> Path:
    """A folder outside the project, with files a link must never leak, overwrite or delete."""
    folder = tmp_path_factory.mktemp("outside")
    (folder / "secret.txt").write_text("-secret-token-123\n")
    (folder / "important.txt").write_text("keep me\n")
    return folder


def check(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`make check`: the engine's checks without MkDocs."""
    return subprocess.run([sys.executable, "-m", "docexec", "check"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=300, env=environment(PYTHONPATH=str(REPO / "hooks"), DOCEXEC_CACHE=".docexec-cache", **env))


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


def test_check_and_build_never_print_a_linked_file(project, outside):
    made = project({**PAGE, **SNIPPET})
    (made.root / "snippets/probe/p.out").mkdir()
    (made.root / "snippets/probe/p.out/s.txt").symlink_to(outside / "secret.txt")
    message = (f"docs/index.md(3): refused recorded output snippets/probe/p.out/s.txt: it is a symbolic link "
               f"(to {outside / 'secret.txt'}); {FIX}")
    checked = check(made.root)
    assert checked.returncode == 1
    assert message in checked.stdout.splitlines()
    built = made.build()
    assert built.code == 1
    assert message in built.lines()
    for log in (checked.stdout, built.log):
        assert "secret-token" not in log


def test_accept_never_overwrites_a_linked_file(project, outside):
    made = project({**PAGE, **SNIPPET})
    (made.root / "snippets/probe/p.out").mkdir()
    (made.root / "snippets/probe/p.out/s.txt").symlink_to(outside / "important.txt")
    before = snapshot(outside)
    accepted = made.build(DOCEXEC_ACCEPT="1")
    assert accepted.code == 1
    assert (f"docs/index.md(3): refused recorded output snippets/probe/p.out/s.txt: it is a symbolic link "
            f"(to {outside / 'important.txt'}); {FIX}") in accepted.lines()
    assert snapshot(outside) == before
    assert "recorded snippets/probe/p.out/s.txt" not in accepted.log


def test_accept_never_writes_or_deletes_through_a_linked_folder(project, outside):
    # important.txt looks like the recorded output of a section that no longer exists: stale
    # cleanup would delete it, and recording s.txt would write into the outside folder.
    made = project({**PAGE, **SNIPPET})
    (made.root / "snippets/probe/p.out").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    accepted = made.build(DOCEXEC_ACCEPT="1")
    assert accepted.code == 1
    assert (f"docs/index.md(3): refused recorded output snippets/probe/p.out/s.txt: snippets/probe/p.out is a symbolic link "
            f"(to {outside}); {FIX}") in accepted.lines()
    assert (f"docs/index.md(3): refused recorded output snippets/probe/p.out: it is a symbolic link "
            f"(to {outside}); {FIX}") in accepted.lines()
    assert snapshot(outside) == before
    assert "removed" not in accepted.log


def test_a_link_higher_up_is_refused_even_when_it_stays_inside_snippets(project, outside):
    made = project({"docs/index.md": '# Home\n\n--8<-- exec "alias/p.py:s"\n',
                    "snippets/real/p.py": "# %% s\nprint('the real output')\n", "snippets/real/p.out/s.txt": "the real output\n"})
    (made.root / "snippets/alias").symlink_to(made.root / "snippets/real", target_is_directory=True)
    checked = check(made.root)
    assert checked.returncode == 1
    assert (f"docs/index.md(3): refused recorded output snippets/alias/p.out/s.txt: snippets/alias is a symbolic link "
            f"(to {made.root / 'snippets/real'}); {FIX}") in checked.stdout.splitlines()


def test_accept_never_rewrites_a_notebook_page_through_a_link(project, outside):
    cell = nbformat.v4.new_code_cell("print('the real output')", execution_count=1)
    cell.metadata["docexec"] = {"snippet": "probe/p.py", "section": "s"}
    book = nbformat.v4.new_notebook(cells=[cell])
    book.cells[0].id = "c0"
    (outside / "book.ipynb").write_text(nbformat.writes(book))
    made = project({"docs/index.md": "# Home\n", **SNIPPET, "snippets/probe/p.out/s.txt": "the real output\n"})
    (made.root / "docs/book.ipynb").symlink_to(outside / "book.ipynb")
    before = snapshot(outside)
    checked = check(made.root, DOCEXEC_ACCEPT="1")
    assert checked.returncode == 1
    assert (f"docs/book.ipynb: refused notebook page docs/book.ipynb: it is a symbolic link (to {outside / 'book.ipynb'}); "
            "`make accept` writes notebook pages only as plain files inside the repository: replace the link by the notebook itself"
            ) in checked.stdout.splitlines()
    assert snapshot(outside) == before
