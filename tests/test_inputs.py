# What a cached result depends on besides its code: the project files its run read, and its sibling modules.
from __future__ import annotations

import json
import shutil
import subprocess
import sys

from conftest import Project
from docexec.cache import Cache, FORMAT, entry_result
from docexec.runner import FileResult, SectionResult

PAGE = "docs/index.md"
USER = """
    # %% s
    from helper import f
    print("helper says", f())
    print("data:", open("snippets/probe/data.txt").read().strip())
    try:
        print("more:", open("snippets/probe/more.txt").read().strip())
    except FileNotFoundError:
        print("no more")
    """
FILES = {
    PAGE: '# P\n\n--8<-- exec "probe/user.py:s"\n',
    "snippets/probe/user.py": USER,
    "snippets/probe/helper.py": "def f():\n    return 41\n",
    "snippets/probe/data.txt": "alpha 1\n",
    "snippets/probe/user.out/s.txt": "helper says 41\ndata: alpha 1\nno more\n",
}


def _ran(log: str) -> str:
    return next(line.split("docexec: ")[1].split(" (")[0] for line in log.splitlines() if "snippet files:" in line)


def test_from_helper_import_works_as_when_the_file_runs_on_its_own(project):
    made = project(FILES)
    alone = subprocess.run([sys.executable, "snippets/probe/user.py"], cwd=made.root, capture_output=True, text=True)
    assert alone.stdout == "helper says 41\ndata: alpha 1\nno more\n", alone.stderr
    shutil.rmtree(made.root / "snippets/probe/__pycache__", ignore_errors=True)  # python may write it; the build must not
    built = made.build(PYTHONDONTWRITEBYTECODE="")  # empty: Python would write bytecode
    assert built.code == 0, built.log
    assert "helper says 41" in built.page("index.html")
    assert not list((made.root / "snippets").rglob("__pycache__")), "the build wrote bytecode into snippets/"


def test_a_changed_data_file_runs_the_file_again_and_fails_until_restored(project):
    made = project(FILES)
    assert made.build().code == 0
    (made.root / "snippets/probe/data.txt").write_text("alpha CHANGED 999\n")
    built = made.build()
    assert built.code == 1 and _ran(built.log) == "1 snippet files: 1 run, 0 from cache"
    assert "    -data: alpha 1\n    +data: alpha CHANGED 999\n" in built.log
    (made.root / "snippets/probe/data.txt").write_text("alpha 1\n")
    restored = made.build()  # the failed run was not cached; the data is as the entry's again
    assert restored.code == 0, restored.log
    assert _ran(made.build().log) == "1 snippet files: 0 run, 1 from cache"


def test_a_data_file_only_a_claim_reads_is_an_input_too(project):
    made = project({
        PAGE: '# P\n\n--8<-- exec "probe/c.py:s"\n\nThe data says [[1 | probe/c.py:s | int(open("snippets/probe/n.txt").read())]].\n',
        "snippets/probe/c.py": "# %% s\nprint('ok')\n",
        "snippets/probe/c.out/s.txt": "ok\n",
        "snippets/probe/n.txt": "1\n",
    })
    assert made.build().code == 0
    (made.root / "snippets/probe/n.txt").write_text("2\n")
    built = made.build()  # the claim's read is in the key: the file runs again and the claim fails
    assert built.code == 1 and _ran(built.log) == "1 snippet files: 1 run, 0 from cache", built.log
    assert "int(open(\"snippets/probe/n.txt\").read()) = 2" in built.log, built.log


def test_a_file_it_looked_for_that_appears_runs_the_file_again(project):
    made = project(FILES)
    assert made.build().code == 0
    (made.root / "snippets/probe/more.txt").write_text("beta\n")
    built = made.build()
    assert built.code == 1 and _ran(built.log) == "1 snippet files: 1 run, 0 from cache"
    assert "    -no more\n    +more: beta\n" in built.log


def test_a_changed_sibling_module_runs_the_file_again(project):
    made = project(FILES)
    assert made.build().code == 0
    (made.root / "snippets/probe/helper.py").write_text("def f():\n    return 42\n")
    built = made.build()
    assert built.code == 1 and _ran(built.log) == "1 snippet files: 1 run, 0 from cache"
    assert "    -helper says 41\n    +helper says 42\n" in built.log


def test_a_listed_folder_is_an_input_but_the_import_systems_look_ups_are_not(project):
    made = project({PAGE: '--8<-- exec "probe/ls.py"\n',
                    "snippets/probe/ls.py": "import os\nimport json\nprint(sorted(os.listdir('snippets/probe/data')))\n",
                    "snippets/probe/data/a.csv": "1\n", "snippets/probe/ls.out/_preamble.txt": "['a.csv']\n"})
    assert made.build().code == 0
    (made.root / "snippets/probe/unrelated.txt").write_text("x\n")  # in the file's folder, which imports list
    assert _ran(made.build().log) == "1 snippet files: 0 run, 1 from cache"
    (made.root / "snippets/probe/data/b.csv").write_text("2\n")
    built = made.build()
    assert built.code == 1 and "    -['a.csv']\n    +['a.csv', 'b.csv']\n" in built.log


def test_a_cache_copied_into_another_checkout_serves_only_results_of_the_same_data(project, tmp_path_factory):
    # As CI restores .docexec-cache into a fresh checkout.
    made = project({PAGE: '--8<-- exec "probe/data.py"\n', "snippets/probe/data.txt": "alpha 1\n",
                    "snippets/probe/data.py": "print('data:', open('snippets/probe/data.txt').read().strip())\n",
                    "snippets/probe/data.out/_preamble.txt": "data: alpha 1\n"})
    assert made.build().code == 0
    for data, code, ran in (("alpha 1\n", 0, "0 run, 1 from cache"), ("alpha OTHER\n", 1, "1 run, 0 from cache")):
        other = Project(tmp_path_factory.mktemp("checkout"))
        shutil.copytree(made.root, other.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("site"))
        (other.root / "snippets/probe/data.txt").write_text(data)
        built = other.build()
        assert built.code == code and _ran(built.log) == f"1 snippet files: {ran}", built.log


def _entry(inputs: dict[str, str]) -> dict[str, object]:
    section = SectionResult("s", "ok", "x\n")
    result = FileResult("snippets/a.py", "ab" * 32, [section], 0.1, expected_sections=1, inputs=inputs)
    return {"format": FORMAT, "result": json.loads(json.dumps(result.__dict__, default=lambda o: o.__dict__))}


def test_an_entry_is_served_only_while_its_inputs_are_unchanged_here(tmp_path):
    (tmp_path / "data.txt").write_text("one\n")
    from docexec import sources

    inputs = sources.states(str(tmp_path), ["data.txt", "gone.txt"])
    assert inputs["gone.txt"] == "absent" and inputs["data.txt"].startswith("file:")
    Cache(tmp_path / "cache", tmp_path).put(entry_result(_entry(inputs), "ab" * 32))  # type: ignore[arg-type]
    assert Cache(tmp_path / "cache", tmp_path).get("ab" * 32) is not None
    assert Cache(tmp_path / "cache").get("ab" * 32) is None  # no checkout to compare with
    (tmp_path / "data.txt").write_text("two\n")
    assert Cache(tmp_path / "cache", tmp_path).get("ab" * 32) is None


def test_an_entry_naming_inputs_outside_the_checkout_or_of_another_shape_is_refused():
    good = "file:" + "0" * 64
    assert entry_result(_entry({"a/b.txt": good, ".": "absent"}), "ab" * 32) is not None
    for inputs in ({"../secret": good}, {"/etc/passwd": good}, {"a//b": good}, {"a/b": "file:xyz"}, {"a": 1}):
        assert entry_result(_entry(inputs), "ab" * 32) is None, inputs
    old = _entry({})
    old["format"] = 1
    assert entry_result(old, "ab" * 32) is None


def test_a_file_that_starts_a_process_or_forks_is_never_cached(project):
    # What the process reads is unknown: no cached result could know when it is stale.
    made = project({PAGE: '--8<-- exec "sub.py"\n\n--8<-- exec "fork.py"\n\n--8<-- exec "plain.py"\n',
                    "snippets/sub.py": "import subprocess\nsubprocess.run(['true'])\n",
                    "snippets/fork.py": "import os\npid = os.fork()\nif pid == 0:\n    os._exit(0)\nos.waitpid(pid, 0)\n",
                    "snippets/plain.py": "x = 1\n"})
    assert _ran(made.build().log) == "3 snippet files: 3 run, 0 from cache"
    assert _ran(made.build().log) == "3 snippet files: 2 run, 1 from cache"
