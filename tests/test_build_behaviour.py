# Integration: what a passing build inserts, runs, caches and records.
from __future__ import annotations

import json
import re

from conftest import environment

PAGE = "docs/index.md"


def _counting(name: str) -> str:
    # Each real execution appends a line to runs.log: the tests count executions, not guesses.
    return f"with open('runs.log', 'a') as log:\n    print('{name}', file=log)\n"


def test_output_is_text_html_and_backticks_cannot_escape(project):
    made = project({
        PAGE: """
            !!! note

                --8<-- exec "evil.py"

            after
            """,
        "snippets/evil.py": 'print("<script>alert(1)</script>")\nprint("````\\n# not a heading")\n',
        "snippets/evil.out/_preamble.txt": "<script>alert(1)</script>\n````\n# not a heading\n",
    })
    built = made.build()
    assert built.code == 0, built.log
    html = built.page("index.html")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<h1" not in html.split("after")[0].split('class="admonition note"')[1]  # the heading stayed text
    assert "# not a heading" in html and "<p>after</p>" in html


def test_stdout_stderr_warnings_and_trailing_expression_in_order(project):
    made = project({
        PAGE: '--8<-- exec "show.py:all"\n',
        "snippets/show.py": """
            import sys, warnings
            import torch
            # %% all
            print("out")
            print("err", file=sys.stderr)
            warnings.warn("be careful")
            torch.nn.functional.softmax(torch.ones(2))
            torch.ones(2) * 2
            """,
    })
    made.build(DOCEXEC_ACCEPT="1")
    recorded = (made.root / "snippets/show.out/all.txt").read_text()
    assert recorded.splitlines()[:4] == [
        "out", "err", "snippets/show.py:6: UserWarning: be careful", '  warnings.warn("be careful")']
    assert recorded.splitlines()[4].startswith("snippets/show.py:7: UserWarning: Implicit dimension choice for softmax")
    assert recorded.splitlines()[-1] == "tensor([2., 2.])"


def test_paths_outside_the_project_are_portable(project):
    made = project({PAGE: '--8<-- exec "lin.py"\n', "snippets/lin.py": "import torch\ntorch.nn.Linear(2, 2)(torch.ones(3))\n"})
    built = made.build()
    assert re.search(r'^      File "<site-packages>/torch/nn/modules/module\.py", line \d+, in _wrapped_call_impl$', built.log, re.M)
    assert '      File "snippets/lin.py", line 2, in <module>' in built.lines()
    assert str(made.root) not in built.log.split("ERROR")[1]


def test_semicolon_hides_the_trailing_expression(project):
    made = project({PAGE: '--8<-- exec "s.py"\n', "snippets/s.py": "import torch\ntorch.manual_seed(0);  # quiet\n"})
    built = made.build()
    assert built.code == 0, built.log
    assert "Generator" not in built.page("index.html")


def test_accept_records_outputs_and_removes_stale_ones(project):
    made = project({
        PAGE: '--8<-- exec "a.py:one"\n',
        "snippets/a.py": "# %% one\nprint(1 + 1)\n# %% two\nprint('two')\n",
        "snippets/a.out/one.txt": "3\n",
        "snippets/a.out/gone.txt": "old\n",
    })
    assert made.build().code == 1
    built = made.build(DOCEXEC_ACCEPT="1")
    assert built.code == 0, built.log
    assert "INFO    -  docexec: recorded snippets/a.out/one.txt" in built.lines()
    assert "INFO    -  docexec: recorded snippets/a.out/two.txt" in built.lines()
    assert "INFO    -  docexec: recorded removed snippets/a.out/gone.txt" in built.lines()
    assert (made.root / "snippets/a.out/one.txt").read_text() == "2\n"
    assert not (made.root / "snippets/a.out/gone.txt").exists()
    assert made.build().code == 0


def test_second_build_executes_nothing_and_an_edit_reruns_only_that_file(project):
    made = project({
        PAGE: '--8<-- exec "a.py"\n\n--8<-- exec "b.py"\n',
        "snippets/a.py": _counting("a"),
        "snippets/b.py": _counting("b"),
    })
    first = made.build()
    assert first.code == 0, first.log
    assert "INFO    -  docexec: 2 snippet files: 2 run, 0 from cache" in first.log
    second = made.build()
    assert "INFO    -  docexec: 2 snippet files: 0 run, 2 from cache" in second.log
    made.write({PAGE: "Prose changed.\n\n--8<-- exec \"a.py\"\n\n--8<-- exec \"b.py\"\n"})
    made.build()
    made.write({"snippets/b.py": _counting("b") + "# edited\n"})
    made.build()
    assert sorted((made.root / "runs.log").read_text().split()) == ["a", "b", "b"]
    report = json.loads((made.root / "site/docexec-report.json").read_text())
    assert [(s["path"], s["cache"]) for s in report["snippets"]] == [("snippets/a.py", "hit"), ("snippets/b.py", "miss")]


def test_warm_build_imports_no_torch(project):
    made = project({PAGE: '--8<-- exec "t.py"\n', "snippets/t.py": "import torch\nprint(torch.ones(1))\n",
                    "snippets/t.out/_preamble.txt": "tensor([1.])\n"})
    assert made.build().code == 0
    probe = made.root / "probe.py"
    probe.write_text(
        "import sys, multiprocessing.forkserver as fs\n"
        "from mkdocs.commands.build import build\nfrom mkdocs.config import load_config\n"
        "build(load_config('mkdocs.yml'))\n"
        "print('torch' in sys.modules, fs._forkserver._forkserver_pid)\n")
    import subprocess
    import sys
    done = subprocess.run([sys.executable, str(probe)], cwd=made.root, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False None", done.stdout + done.stderr


def test_one_execution_serves_both_languages(project):
    made = project({
        "docs/index.md": '# 中文\n\n--8<-- exec "both.py"\n',
        "docs/index.en.md": '# English\n\n--8<-- exec "both.py"\n',
        "snippets/both.py": _counting("both") + "print('same output')\n",
        "snippets/both.out/_preamble.txt": "same output\n",
    }, i18n=True)
    built = made.build()
    assert built.code == 0, built.log
    assert (made.root / "runs.log").read_text() == "both\n"
    assert "same output" in built.page("index.html") and "same output" in built.page("en/index.html")
    assert 'title="输出"' not in built.page("index.html")  # titles are rendered, not left as attributes
    assert ">输出<" in built.page("index.html") and ">Output<" in built.page("en/index.html")


def test_files_are_isolated_and_seeded(project):
    made = project({
        PAGE: '--8<-- exec "one.py"\n\n--8<-- exec "two.py"\n',
        "snippets/one.py": "import torch, random\nleak = 1\ntorch.set_printoptions(precision=1)\nprint(torch.rand(1), random.random())\n",
        "snippets/two.py": "import torch, random\nprint('leak' in globals(), torch.rand(1), random.random())\n",
    })
    made.build(DOCEXEC_ACCEPT="1")
    one = (made.root / "snippets/one.out/_preamble.txt").read_text()
    two = (made.root / "snippets/two.out/_preamble.txt").read_text()
    assert one == "tensor([0.5]) 0.8444218515250481\n"
    assert two == "False tensor([0.4963]) 0.8444218515250481\n"


def test_corrupt_cache_entry_is_ignored_and_rerun_switch_forces_a_run(project):
    made = project({PAGE: '--8<-- exec "a.py"\n', "snippets/a.py": _counting("a")})
    made.build()
    for entry in (made.root / ".docexec-cache").rglob("*.json"):
        entry.write_text('{"format": 1, "result": {"key"')  # a partial write
    assert made.build().code == 0
    assert made.build().code == 0  # the recomputed entry is good again
    assert made.build(DOCEXEC_RERUN="1").code == 0
    assert (made.root / "runs.log").read_text() == "a\na\na\n"


def test_cache_entry_that_is_json_but_not_an_entry_is_rerun_and_replaced(project):
    made = project({PAGE: '--8<-- exec "a.py"\n', "snippets/a.py": _counting("a") + "print('a')\n",
                    "snippets/a.out/_preamble.txt": "a\n"})
    assert made.build().code == 0
    [entry] = (made.root / ".docexec-cache").glob("*/*.json")
    good = json.loads(entry.read_text())
    good["result"]["sections"][0]["output"] = 3  # valid JSON, the wrong type: this crashed every later build
    entry.write_text(json.dumps(good))
    built = made.build()
    assert built.code == 0, built.log
    assert "Traceback" not in built.log
    assert "docexec: 1 snippet files: 1 run, 0 from cache" in built.log
    assert json.loads(entry.read_text())["result"]["sections"][0]["output"] == "a\n"  # overwritten by the new run
    assert "docexec: 1 snippet files: 0 run, 1 from cache" in made.build().log
    assert (made.root / "runs.log").read_text() == "a\na\n"


def test_pymdownx_regions_are_sections_on_the_page_and_tracebacks_name_real_lines(project):
    from conftest import docexec_lines

    made = project({
        PAGE: '--8<-- exec "regions.py:show"\n',
        "snippets/regions.py": """
            import torch

            # --8<-- [start:setup]
            x = torch.ones(3)
            # --8<-- [end:setup]
            x = x * 2
                # --8<-- [start: show]
            print(x.sum())
                # --8<-- [end: show]
            """,
    })
    accepted = made.build(DOCEXEC_ACCEPT="1")
    assert accepted.code == 0, accepted.log
    assert sorted(p.name for p in (made.root / "snippets/regions.out").iterdir()) == ["show.txt"]
    built = made.build()
    assert built.code == 0, built.log
    html = built.page("index.html")
    assert "tensor(6.)" in html  # the hidden code between the regions ran
    assert "8&lt;" not in html and "--8<--" not in html  # markers are not shown
    assert '<pre><span></span><span class="normal">8</span></pre>' in html  # the region's one line, numbered as in the file
    made.write({"snippets/regions.py": (made.root / "snippets/regions.py").read_text().replace("x.sum()", "x.view(5)")})
    assert docexec_lines(made.build().log) == [
        "ERROR   -  docexec: 1 problem with the documentation's snippets",
        "docs/index.md(1): snippets/regions.py(7) section 'show': raised an exception",
        "    Traceback (most recent call last):",
        '      File "snippets/regions.py", line 8, in <module>',
        "        print(x.view(5))",
        "              ^^^^^^^^^",
        "    RuntimeError: shape '[5]' is invalid for input of size 3",
        "",
    ]


def test_two_builds_of_the_same_sources_give_identical_pages(project):
    made = project({
        "docs/index.md": '--8<-- exec "r.py"\n\n[[0.5 ± 0.5 | r.py:x | v]]\n',
        "snippets/r.py": "import torch\n# %% x\nv = torch.rand(3)\nv\n",
    })
    made.build(DOCEXEC_ACCEPT="1")
    first = made.build(DOCEXEC_RERUN="1").page("index.html")
    second = made.build(DOCEXEC_RERUN="1").page("index.html")
    assert first == second and "tensor([0.4963, 0.7682, 0.0885])" in first


def test_two_builds_sharing_the_cache_at_once_corrupt_nothing(project):
    import subprocess
    import sys

    files = {PAGE: "".join(f'--8<-- exec "f{i}.py"\n\n' for i in range(6))}
    files.update({f"snippets/f{i}.py": f"import torch\nprint(torch.arange({i + 1}))\n" for i in range(6)})
    made = project(files)
    assert made.build(DOCEXEC_ACCEPT="1", DOCEXEC_CACHE=".cache/other").code == 0
    env = environment(DOCEXEC_CACHE=".docexec-cache")
    builds = [subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-d", f"site{n}"], cwd=made.root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for n in range(2)]
    assert [b.wait(300) for b in builds] == [0, 0]
    entries = list((made.root / ".docexec-cache").rglob("*.json"))
    assert len(entries) == 6 and not list((made.root / ".docexec-cache").rglob(".tmp-*"))
    import json
    assert all(json.loads(e.read_text())["result"]["sections"][0]["status"] == "ok" for e in entries)
    assert "6 snippet files: 0 run, 6 from cache" in made.build().log


def test_figures_left_open_are_inserted_with_alt_and_caption_and_are_reproducible(project):
    made = project({
        PAGE: '--8<-- exec "fig.py:plot" alt="A rising line" caption="Figure 1: a line" source="fold"\n',
        "snippets/fig.py": """
            import matplotlib.pyplot as plt
            # %% plot
            fig, ax = plt.subplots(figsize=(3, 2))
            ax.plot([0, 1, 2], [0, 1, 4]);
            """,
    })
    made.write({"mkdocs.yml": (made.root / "mkdocs.yml").read_text() + "  - pymdownx.details\n"})
    built = made.build()
    assert built.code == 0, built.log
    html = built.page("index.html")
    src = re.search(r'<img src="(assets/figures/[0-9a-f]{20}\.png)" alt="A rising line" width="330" height="220"', html)
    assert src, html
    assert "<figcaption>Figure 1: a line</figcaption>" in html
    assert '<details class="quote">' in html  # source folded away
    first = (made.root / "site" / src[1]).read_bytes()
    assert first.startswith(b"\x89PNG")
    again = made.build(DOCEXEC_RERUN="1")
    assert (made.root / "site" / src[1]).read_bytes() == first and again.page("index.html") == html


def test_unknown_reference_option_is_reported(project):
    made = project({PAGE: '--8<-- exec "a.py" size="big"\n', "snippets/a.py": "x = 1\n"})
    built = made.build()
    assert 'docs/index.md(1): unknown reference option size="big"' in built.log
    assert '    options: alt="...", caption="...", title="...", source="show|fold|hide", output="text|python|hide"' in built.log
