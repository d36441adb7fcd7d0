# Integration: throwaway projects whose builds must fail, with the exact text an author reads.
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import docexec_lines, environment

PAGE = "docs/index.md"


def test_mismatch_names_page_snippet_section_and_shows_only_real_differences(project):
    made = project({
        PAGE: """
            # T

            --8<-- exec "calc.py:sums"
            """,
        "snippets/calc.py": """
            # %% sums
            import torch
            print("header")
            print(torch.tensor([1.0, 2.0]).sum())
            print(torch.tensor([0.12345]))
            """,
        "snippets/calc.out/sums.txt": "header\ntensor(4.)\ntensor([0.1235])\n",
    })
    built = made.build()
    assert built.code == 1
    assert docexec_lines(built.log) == [
        "ERROR   -  docexec: 1 problem with the documentation's snippets",
        "docs/index.md(3): snippets/calc.py(1) section 'sums': output differs from the recorded snippets/calc.out/sums.txt",
        "    Expected/Got diff ('-' recorded, '+' real):",
        "    @@ -1,3 +1,3 @@",
        "     header",
        "    -tensor(4.)",
        "    +tensor(3.)",
        "     tensor([0.1235])",
        "    if the new output is right, record it with `make accept` and review `git diff`",
        "",
    ]


def test_numbers_match_to_the_precision_they_are_written_with(project):
    made = project({
        PAGE: '--8<-- exec "calc.py:close"\n',
        "snippets/calc.py": """
            # %% close
            print(0.12341, 1e-9)
            """,
        # 0.1235 is one unit of the 4th decimal away; 3e-9 is noise the section does not allow
        "snippets/calc.out/close.txt": "0.1235 3e-09\n",
    })
    built = made.build()
    assert "    -0.1235 3e-09" in built.log and "    +0.12341 1e-09" in built.log
    made.write({"snippets/calc.py": "# %% close atol=1e-8\nprint(0.12341, 1e-9)\n"})
    assert made.build().code == 0


def test_wrong_prose_claim_fails_and_right_one_renders_as_the_number(project):
    made = project({
        PAGE: """
            Mean is [[0.1 ± 0.01 | bn.py:run | bn.running_mean]], variance [[1.3 | bn.py:run | bn.running_var]].
            """,
        "snippets/bn.py": """
            # %% run
            import torch
            bn = torch.nn.BatchNorm1d(2)
            bn(torch.ones(4, 2) * 3);
            """,
    })
    built = made.build()
    assert docexec_lines(built.log) == [
        "ERROR   -  docexec: 2 problems with the documentation's snippets",
        "docs/index.md(1): claim [[0.1 ± 0.01]] about `bn.running_mean` after snippets/bn.py:run does not hold: element 0 0.3 is outside [0.09, 0.11]",
        "    bn.running_mean = tensor([0.3000, 0.3000])",
        "docs/index.md(1): claim [[1.3 ± 0.05]] about `bn.running_var` after snippets/bn.py:run does not hold: element 0 0.9 is outside [1.25, 1.35]",
        "    bn.running_var = tensor([0.9000, 0.9000])",
        "",
    ]
    made.write({PAGE: "Mean is [[0.3 ± 0.01 | bn.py:run | bn.running_mean]].\n"})
    built = made.build()
    assert built.code == 0, built.log
    assert ('Mean is <span class="docexec-claim" title="checked by the build: bn.running_mean = '
            'tensor([0.3000, 0.3000])">0.3</span>.') in built.page("index.html")


def test_exception_shows_traceback_with_the_snippets_real_file_and_lines(project):
    made = project({
        PAGE: '--8<-- exec "err.py:boom"\n',
        "snippets/err.py": """
            import torch

            # %% boom
            def f(x):
                return x.view(5)

            print("before")
            f(torch.zeros(4))
            """,
    })
    built = made.build()
    assert docexec_lines(built.log) == [
        "ERROR   -  docexec: 1 problem with the documentation's snippets",
        "docs/index.md(1): snippets/err.py(3) section 'boom': raised an exception",
        "    Traceback (most recent call last):",
        '      File "snippets/err.py", line 8, in <module>',
        "        f(torch.zeros(4))",
        '      File "snippets/err.py", line 5, in f',
        "        return x.view(5)",
        "               ^^^^^^^^^",
        "    RuntimeError: shape '[5]' is invalid for input of size 4",
        "    output before it stopped:",
        "    before",
        "",
    ]


def test_timeout_stops_the_snippet_and_the_next_build_works(project):
    made = project({
        PAGE: '--8<-- exec "slow.py:wait"\n',
        "snippets/slow.py": """
            # %% wait timeout=1
            import time
            print("waiting")
            time.sleep(60)
            """,
    })
    built = made.build()
    assert docexec_lines(built.log) == [
        "ERROR   -  docexec: 1 problem with the documentation's snippets",
        "docs/index.md(1): snippets/slow.py(1) section 'wait': timed out",
        "    still running after 1 s at snippets/slow.py line 4: time.sleep(60); the process was stopped",
        "    stack (most recent call first):",
        '      File "snippets/slow.py", line 4 in <module>',
        "    output before it stopped:",
        "    waiting",
        "    raise the limit with `# %% name timeout=SECONDS` or DOCEXEC_TIMEOUT, or make the code faster",
        "",
    ]
    made.write({"snippets/slow.py": "# %% wait\nprint('done')\n", "snippets/slow.out/wait.txt": "done\n"})
    assert made.build().code == 0


def test_default_timeout_comes_from_the_environment(project):
    made = project({PAGE: '--8<-- exec "slow.py"\n', "snippets/slow.py": "import time\ntime.sleep(60)\n"})
    built = made.build(DOCEXEC_TIMEOUT="1")
    assert "docs/index.md(1): snippets/slow.py(1) section '_preamble': timed out" in built.log
    assert "still running after 1 s at snippets/slow.py line 2: time.sleep(60); the process was stopped" in built.log


def test_crashed_process_is_reported_and_other_files_still_run(project):
    made = project({
        PAGE: """
            --8<-- exec "exit.py"

            --8<-- exec "segv.py:crash"

            --8<-- exec "fine.py"
            """,
        "snippets/exit.py": "import os\nprint('bye', flush=True)\nos._exit(3)\n",
        "snippets/segv.py": "# %% crash\nimport ctypes\nctypes.string_at(0)\n",
        "snippets/fine.py": "print('fine')\n",
        "snippets/fine.out/_preamble.txt": "fine\n",
    })
    built = made.build()
    lines = docexec_lines(built.log)
    assert lines[:8] == [
        "ERROR   -  docexec: 2 problems with the documentation's snippets",
        "docs/index.md(1): snippets/exit.py(1) section '_preamble': crashed",
        "    the process running the snippet died (exited with status 3)",
        "    output before it stopped:",
        "    bye",
        "docs/index.md(3): snippets/segv.py(1) section 'crash': crashed",
        "    the process running the snippet died (killed by signal SIGSEGV)",
        "    output before it stopped:",
    ]
    assert "    Fatal Python error: Segmentation fault" in lines
    assert '      File "snippets/segv.py", line 3 in <module>' in lines
    # the next build works: fix both and it passes
    made.write({"snippets/exit.py": "print('bye')\n", "snippets/exit.out/_preamble.txt": "bye\n", "snippets/segv.py": "# %% crash\n"})
    assert made.build().code == 0


def test_missing_file_section_malformed_markup_and_escaping_paths_are_all_reported(project):
    made = project({
        PAGE: """
            --8<-- exec "nope.py"

            --8<-- exec "ok.py:nine"

            --8<-- exec ok.py

            --8<-- exec "../secret.py"

            --8<-- exec "/etc/passwd"

            [[1.0 | ok.py:one]]
            """,
        "snippets/ok.py": "# %% one\nx = 1\n",
        "secret.py": "print('secret')\n",
    })
    built = made.build()
    assert docexec_lines(built.log) == [
        "ERROR   -  docexec: 6 problems with the documentation's snippets",
        "docs/index.md(1): snippet file snippets/nope.py not found; create it, or fix the path (relative to snippets/)",
        "docs/index.md(3): section 'nine' not found in snippets/ok.py (sections: one)",
        "docs/index.md(5): malformed snippet reference `--8<-- exec ok.py`",
        '    write it as --8<-- exec "path/in/snippets.py" or --8<-- exec "path/in/snippets.py:section", optionally followed by key="value" options',
        "docs/index.md(7): refused snippet path '../secret.py': it must be a relative path inside snippets/ (no leading '/', no '..' that leaves the folder)",
        "docs/index.md(9): refused snippet path '/etc/passwd': it must be a relative path inside snippets/ (no leading '/', no '..' that leaves the folder)",
        "docs/index.md(11): malformed claim `[[1.0 | ok.py:one]]`: it has 2 parts, not 3",
        "    write it on one line as [[expected | path/in/snippets.py:section | python expression]], where expected is a number (0.1, 0.1 ± 0.01, 0.1 ± 5%), True/False, None, a shape such as (4, 3), a quoted string, or raises ExceptionName",
        "",
    ]


def test_symlink_out_of_snippets_is_refused(project, tmp_path):
    made = project({PAGE: '--8<-- exec "link.py"\n', "outside.py": "print(1)\n"})
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "link.py").symlink_to(tmp_path / "outside.py")
    built = made.build()
    assert f"docs/index.md(1): refused snippet snippets/link.py: it resolves to {tmp_path / 'outside.py'}, outside snippets/" in built.log


def test_bad_section_marker_names_the_snippet_line(project):
    made = project({PAGE: '--8<-- exec "bad.py:a"\n', "snippets/bad.py": "# %% a\nx = 1\n# %% a\ny = 2\n"})
    assert docexec_lines(made.build().log) == [
        "ERROR   -  docexec: 1 problem with the documentation's snippets",
        "snippets/bad.py(3): section 'a' is defined twice; section names must be unique in a file",
        "    (used by docs/index.md(1))",
        "",
    ]


def test_section_without_recorded_output_says_how_to_record_it(project):
    made = project({PAGE: '--8<-- exec "new.py:a"\n', "snippets/new.py": "# %% a\nprint('hello')\n"})
    assert docexec_lines(made.build().log) == [
        "ERROR   -  docexec: 1 problem with the documentation's snippets",
        "docs/index.md(1): snippets/new.py(1) section 'a': no recorded output yet (snippets/new.out/a.txt is missing)",
        "    record it with `make accept` (DOCEXEC_ACCEPT=1 mkdocs build), then review it in `git diff`",
        "",
    ]


def test_failure_fails_without_strict_too(project):
    made = project({PAGE: '--8<-- exec "new.py"\n', "snippets/new.py": "raise SystemExit(2)\n"})
    built = made.build()
    assert built.code == 1 and "Aborted with a BuildError!" in built.log
    assert "SystemExit: 2" in built.log


FLAGS = "give 1, true, yes or on to switch it on; 0, false, no, off or an empty value to leave it off (any case)"
BAD_SWITCHES = [
    ("DOCEXEC_TIMEOUT", "5s", "give a number of seconds greater than 0, e.g. DOCEXEC_TIMEOUT=120"),
    ("DOCEXEC_TIMEOUT", "0", "give a number of seconds greater than 0, e.g. DOCEXEC_TIMEOUT=120"),
    ("DOCEXEC_TIMEOUT", "inf", "give a number of seconds greater than 0, e.g. DOCEXEC_TIMEOUT=120"),
    ("DOCEXEC_ACCEPT", "maybe", FLAGS),
    ("DOCEXEC_RERUN", "2", FLAGS),
    ("DOCEXEC_CACHE", "", "give a folder for the cache, relative to the project root, e.g. DOCEXEC_CACHE=.docexec-cache"),
]


@pytest.mark.parametrize("variable, value, accepted", BAD_SWITCHES, ids=[f"{v}={x!r}" for v, x, _ in BAD_SWITCHES])
def test_bad_switch_is_one_line_naming_it_and_what_is_accepted(project, variable, value, accepted):
    made = project({PAGE: '--8<-- exec "a.py"\n', "snippets/a.py": "print('a')\n"})
    built = made.build(**{variable: value})
    assert built.code == 1
    assert "Traceback" not in built.log
    assert docexec_lines(built.log) == [f"ERROR   -  docexec: {variable}={value!r} is not valid: {accepted}", ""]
    assert not (made.root / "snippets/a.out").exists()  # refused before anything ran


def test_bad_switch_stops_serve_at_start_up_with_the_same_line(project):
    made = project({PAGE: "# T\n"})
    done = subprocess.run([sys.executable, "-m", "mkdocs", "serve", "-a", "127.0.0.1:0"], cwd=made.root,
                          env=environment(DOCEXEC_CACHE=".docexec-cache", DOCEXEC_TIMEOUT="5s"),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stdout
    assert docexec_lines(done.stdout) == [
        "ERROR   -  docexec: DOCEXEC_TIMEOUT='5s' is not valid: give a number of seconds greater than 0, e.g. DOCEXEC_TIMEOUT=120", ""]


def test_valid_switch_values_in_any_case_still_build(project):
    made = project({PAGE: '--8<-- exec "a.py"\n', "snippets/a.py": "print('a')\n"})
    assert made.build(DOCEXEC_ACCEPT="Yes", DOCEXEC_TIMEOUT="2.5").code == 0
    assert (made.root / "snippets/a.out/_preamble.txt").read_text() == "a\n"
    built = made.build(DOCEXEC_ACCEPT="OFF", DOCEXEC_RERUN="true", DOCEXEC_TIMEOUT="1e2", DOCEXEC_CACHE=".cache/x")
    assert built.code == 0 and "docexec: 1 snippet files: 1 run, 0 from cache" in built.log
    assert made.build(DOCEXEC_ACCEPT="", DOCEXEC_RERUN="0", DOCEXEC_CACHE=".cache/x").code == 0
