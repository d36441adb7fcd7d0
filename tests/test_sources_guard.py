# A snippet cannot change the sources the build reads: refused in its process, noticed after a process it started.
from __future__ import annotations

import os
import re
import time

import pytest

from conftest import docexec_lines
from docexec import sources

PAGE = "docs/index.md"
OK = {"snippets/ok.py": "print('ok')\n", "snippets/ok.out/_preamble.txt": "ok\n"}


def _state(root) -> dict[str, sources.Entry]:
    return sources.fingerprint(str(root), [str(root / "docs"), str(root / "snippets"), str(root / "mkdocs.yml")])


def test_a_snippet_writing_a_page_and_deleting_a_snippet_fails_at_its_line_and_changes_nothing(project):
    # Fault 4a: the page it wrote was published with an unchecked claim by a green strict build.
    made = project({
        PAGE: '# P\n\n--8<-- exec "ok.py"\n\n--8<-- exec "w.py"\n',
        "snippets/w.py": """
            import os
            print("writing")
            with open("docs/generated.md", "w") as page:
                page.write("[[0.5 | ok.py | 0.9]]")
            os.remove("snippets/ok.py")
            """,
        **OK,
    })
    before = _state(made.root)
    built = made.build("--strict")
    assert built.code == 1
    assert docexec_lines(built.log) == [
        "ERROR   -  docexec: 1 problem with the documentation's snippets",
        "docs/index.md(5): snippets/w.py(1) section '_preamble': raised an exception",
        "    Traceback (most recent call last):",
        '      File "snippets/w.py", line 3, in <module>',
        '        with open("docs/generated.md", "w") as page:',
        "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "    PermissionError: [Errno 13] refused: a snippet may not write docs/generated.md, one of the build's "
        "sources (the docs folder, snippets/, mkdocs.yml and the folders mkdocs serve watches); write into a "
        "temporary folder (tempfile.mkdtemp()) or outside them",
        "    output before it stopped:",
        "    writing",
        "",
    ]
    assert _state(made.root) == before and not (made.root / "site/generated").exists()


CHANGES = {  # each way of changing a source, run in one snippet that catches every refusal -> what the build says
    "open('docs/new.md', 'w')": "write docs/new.md",
    "open('docs/index.md', 'a')": "write docs/index.md",
    "open('mkdocs.yml', 'r+')": "write mkdocs.yml",
    "os.open('snippets/n.py', os.O_WRONLY | os.O_CREAT)": "write snippets/n.py",
    "pathlib.Path('docs/index.md').write_text('x')": "write docs/index.md",
    "os.remove('snippets/ok.py')": "delete snippets/ok.py",
    "pathlib.Path('snippets/ok.out/_preamble.txt').unlink()": "delete snippets/ok.out/_preamble.txt",
    "os.rename('snippets/ok.py', os.path.join(tmp, 'ok.py'))": "rename snippets/ok.py",
    "os.replace(outside, 'docs/index.md')": "rename docs/index.md",
    "shutil.copyfile(outside, 'docs/copied.md')": "copy onto docs/copied.md",
    "os.makedirs('snippets/a/b')": "create a folder at snippets/a",
    "os.rmdir('docs/sub')": "delete docs/sub",
    "shutil.rmtree('docs/sub')": "delete docs/sub",
    "os.chmod('docs/index.md', 0o777)": "chmod docs/index.md",
    "os.utime('docs/index.md')": "change the times of docs/index.md",
    "os.truncate('docs/index.md', 0)": "truncate docs/index.md",
    "os.symlink('/etc/hostname', 'docs/link.md')": "create a link at docs/link.md",
    "open(os.path.join(tmp, 'docs-link', 'new.md'), 'w')": "write docs/new.md",  # through a link
    "os.chdir('docs'); open('new.md', 'w')": "write docs/new.md",  # relative to another folder
}


def test_every_way_of_changing_the_sources_is_refused_and_a_caught_refusal_still_fails(project):
    body = "".join(f"try:\n    {code}\nexcept PermissionError:\n    pass\nfinally:\n    os.chdir(root)\n" for code in CHANGES)
    made = project({
        PAGE: '--8<-- exec "w.py"\n',
        "snippets/w.py": "import os, pathlib, shutil, tempfile\nroot = os.getcwd()\ntmp = tempfile.mkdtemp()\n"
                         "outside = os.path.join(tmp, 'outside.md')\nopen(outside, 'w').write('x')\n"
                         "os.symlink(os.path.abspath('docs'), os.path.join(tmp, 'docs-link'))\n" + body,
        "docs/sub/keep.md": "keep\n",
        **OK,
    })
    before = _state(made.root)
    built = made.build()
    assert built.code == 1
    assert _state(made.root) == before
    refused = re.findall(r"snippets/w.py\((\d+)\): refused: a snippet may not (.+?), one of the build's sources", built.log)
    assert refused == [(str(8 + 6 * n), what) for n, what in enumerate(CHANGES.values())], built.log
    lines = docexec_lines(built.log)
    assert lines[0] == f"ERROR   -  docexec: {len(CHANGES)} problems with the documentation's snippets"
    assert lines[1:3] == [
        "docs/index.md(1): snippets/w.py(8): refused: a snippet may not write docs/new.md, one of the build's sources "
        "(the docs folder, snippets/, mkdocs.yml and the folders mkdocs serve watches); write into a temporary folder "
        "(tempfile.mkdtemp()) or outside them",
        "    (the snippet caught the PermissionError; the build fails anyway, as the snippet did not do what it meant to)",
    ]


WRITER = """
    import subprocess
    subprocess.run(["sh", "-c", "echo made > docs/gen.md; rm snippets/ok.out/_preamble.txt"])
    print("done")
    """


def test_a_process_the_snippet_started_that_changes_the_sources_fails_the_build_and_is_not_cached(project):
    made = project({PAGE: '# P\n\n--8<-- exec "ok.py"\n\n--8<-- exec "w.py"\n', "snippets/w.py": WRITER,
                    "snippets/w.out/_preamble.txt": "done\n", **OK})
    built = made.build()
    assert built.code == 1
    assert docexec_lines(built.log)[:5] == [
        "ERROR   -  docexec: 2 problems with the documentation's snippets",
        "docs/index.md(3): snippets/ok.py(1) section '_preamble': no recorded output yet (snippets/ok.out/_preamble.txt is missing)",
        "    record it with `make accept` (DOCEXEC_ACCEPT=1 mkdocs build), then review it in `git diff`",
        "docs/index.md(5): the build's sources changed while snippets/w.py ran: created docs/gen.md, deleted snippets/ok.out/_preamble.txt",
        "    snippets/w.py started a process, and a process is beyond the build's guard: nothing a snippet runs may "
        "write into the docs folder, snippets/, mkdocs.yml or the folders `mkdocs serve` watches",
    ]
    (made.root / "docs/gen.md").unlink()
    made.write({"snippets/ok.out/_preamble.txt": "ok\n"})
    again = made.build()
    assert "docexec: 2 snippet files: 1 run, 1 from cache" in again.log  # ok.py from the cache, w.py never
    assert "the build's sources changed while snippets/w.py ran: created docs/gen.md" in again.log


def test_a_change_no_process_made_blames_every_file_that_ran(project):
    # A dir_fd-relative open names no folder the hook can see: only the fingerprint notices it.
    made = project({PAGE: '--8<-- exec "ok.py"\n\n--8<-- exec "w.py"\n', **OK, "snippets/w.out/_preamble.txt": "done\n",
                    "snippets/w.py": "import os\nfolder = os.open('docs', os.O_RDONLY)\n"
                                     "os.close(os.open('sneaky.md', os.O_WRONLY | os.O_CREAT, dir_fd=folder))\nprint('done')\n"})
    built = made.build()
    assert built.code == 1
    lines = docexec_lines(built.log)
    assert lines[1:3] == [
        "docs/index.md(1): the build's sources changed while snippets/ok.py ran: created docs/sneaky.md",
        "    no snippet started a process (with it ran snippets/w.py): if you edited these files during the build, "
        "build again; if not, a snippet changed them in a way the build's guard cannot refuse (ctypes, a dir_fd)",
    ]
    assert "docs/index.md(3): the build's sources changed while snippets/w.py ran: created docs/sneaky.md" in lines


def _builds(server, after: int) -> int:
    return sum("snippet files:" in line for line in server.lines[after:])


@pytest.mark.parametrize("how", ["process", "dir_fd"])
def test_under_serve_a_snippet_changing_the_sources_is_not_run_again_until_its_code_changes(serve_project, how):
    # Fault 9d: a failing snippet writing into docs/ rebuilt forever (27 builds a minute).
    write = {"process": "import subprocess\nsubprocess.run(['sh', '-c', 'date +%s%N > docs/loop-generated.md'])\n",
             "dir_fd": "import os, time\nfolder = os.open('docs', os.O_RDONLY)\n"
                       "with os.fdopen(os.open('loop-generated.md', os.O_WRONLY | os.O_CREAT | os.O_TRUNC, dir_fd=folder), 'w') as out:\n"
                       "    out.write(str(time.time()))\n"}[how]
    made, server = serve_project({PAGE: '# P\n\n--8<-- exec "w.py"\n', "snippets/w.py": "print('ok')\n",
                                  "snippets/w.out/_preamble.txt": "ok\n"})
    start = len(server.lines)
    made.write({"snippets/w.py": write + "raise ValueError('broken')\n"})
    seen = server.wait_for("the build's sources changed while snippets/w.py ran", start)
    seen = server.wait_for("snippets/w.py was not run again: its last run changed the build's sources", seen)
    server.wait_for("Reloading browsers", seen)
    time.sleep(8)  # a loop rebuilt every ~2 s
    builds = _builds(server, start)
    # One build runs it, the next holds it (without a process: one more run first); a watcher
    # reporting one change as two events may add a build, but then it stops.
    assert builds in ((2, 3) if how == "process" else (3, 4)), "\n".join(server.lines[start:])
    time.sleep(6)
    assert _builds(server, start) == builds, "\n".join(server.lines[start:])
    assert "snippets/w.py was not run again" in server.page("/")
    made.write({"snippets/w.py": "print('ok')  # fixed\n"})  # new code: it runs again
    server.wait_for("docexec: 1 snippet files: 1 run, 0 from cache", seen)


def test_the_fingerprint_leaves_out_dot_files_and_bytecode_but_sees_a_touch(tmp_path):
    # An editor's swap file, or Python's bytecode beside a watched module, is no change to the sources.
    (tmp_path / "docs/__pycache__").mkdir(parents=True)
    (tmp_path / "docs/index.md").write_text("x\n")
    before = sources.fingerprint(str(tmp_path), [str(tmp_path / "docs")])
    (tmp_path / "docs/.index.md.swp").write_text("swap")
    (tmp_path / "docs/__pycache__/m.cpython-311.pyc").write_bytes(b"\0")
    assert sources.changes(before, sources.fingerprint(str(tmp_path), [str(tmp_path / "docs")])) == []
    os.utime(tmp_path / "docs/index.md", ns=(1, 1))
    (tmp_path / "docs/new.md").write_text("y\n")
    assert sources.changes(before, sources.fingerprint(str(tmp_path), [str(tmp_path / "docs")])) == [
        "touched docs/index.md (same content)", "created docs/new.md"]


def test_a_fifo_or_a_link_to_a_device_in_the_sources_never_blocks_and_nothing_outside_is_read(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.txt"
    outside.write_text("secret\n")
    made = project({PAGE: '# P\n\n--8<-- exec "ok.py"\n', **OK})
    os.mkfifo(made.root / "snippets/pipe")
    os.symlink("/dev/zero", made.root / "snippets/zero.txt")
    os.symlink(outside, made.root / "snippets/leak.txt")
    started = time.monotonic()
    built = made.build("--strict")  # it used to hang in the fingerprint, reading the FIFO or /dev/zero
    assert built.code == 0 and time.monotonic() - started < 60, built.log
    before = _state(made.root)
    assert before["snippets/leak.txt"].content == f"link:{outside}" and before["snippets/pipe"].content == "special"
    outside.write_text("changed\n")  # a file outside is not a source: its content is never read
    os.utime(made.root / "snippets/ok.py", ns=(1, 1))
    assert sources.changes(before, _state(made.root)) == ["touched snippets/ok.py (same content)"]
    assert sources.state(made.root / "snippets/pipe").startswith("special:")


def test_a_snippet_cannot_write_into_the_engines_cache_where_other_files_results_are_kept(project):
    made = project({PAGE: '# P\n\n--8<-- exec "ok.py"\n', **OK})
    assert made.build().code == 0
    entries = {path: path.read_bytes() for path in (made.root / ".docexec-cache").glob("*/*.json")}
    assert len(entries) == 1  # ok.py's result
    made.write({PAGE: '# P\n\n--8<-- exec "ok.py"\n\n--8<-- exec "w.py"\n', "snippets/w.out/_preamble.txt": "done\n",
                "snippets/w.py": """
                    import glob
                    for path in glob.glob(".docexec-cache/**/*.*", recursive=True):
                        with open(path, "w") as entry:
                            entry.write("{}")
                    print("done")
                    """})
    built = made.build()
    assert built.code == 1
    refused = re.findall(r"refused: a snippet may not write (\S+), in the engine's cache folder \(other files' results are "
                         r"kept there\); write into a temporary folder \(tempfile.mkdtemp\(\)\) or outside it", built.log)
    assert refused and all(path.startswith(".docexec-cache/") for path in refused), built.log
    assert {path: path.read_bytes() for path in entries} == entries  # ok.py's result as it was
