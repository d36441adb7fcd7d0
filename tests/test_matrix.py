# The version matrix: records of other torch versions (verified/), shown in place, judged current, made, split and merged.
"""The probe project prints ``torch.__version__``, so it differs on every torch. Its record for
torch 2.15.0 (tests/fixtures/torch-2.15.0-probe.json) was made once with the real 2.15.0 and
is committed: ``make check TORCH=2.15.0`` (for its environment), then
``.venv/bin/python tests/test_matrix.py .venv-torch-2.15.0/bin/python``. No test here installs another torch;
the runs that make a record use the pinned torch this suite runs on."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import HOOK, I18N, REPO, Project, environment

from docexec.cli import translated
from docexec.versions import Share

FIXTURE = REPO / "tests" / "fixtures" / "torch-2.15.0-probe.json"
PINNED = re.search(r"^torch==(\S+)$", (REPO / "requirements.txt").read_text(), re.M)[1]  # type: ignore[index]
OURS = "2.13.0+cpu"  # what the pinned CPU build prints: the probe's recorded output

PROBE = "import torch\n\n# %% version\nprint(torch.__version__)\n\n# %% sum\nprint(torch.tensor([1, 2]).sum())\n"
OTHER = "import torch\n\n# %% ones\nprint(torch.ones(2))\n"
PAGES = {
    "docs/index.md": ('# 版本\n\n--8<-- exec "probe.py:version"\n\n'
                      '版本是 [["2.13.0+cpu" | probe.py:version | torch.__version__]]。\n'),
    "docs/index.en.md": ('# Version\n\n--8<-- exec "probe.py:version"\n\n'
                         'The version is [["2.13.0+cpu" | probe.py:version | torch.__version__]].\n'),
    "docs/sum.md": '# 求和\n\n--8<-- exec "probe.py:sum"\n',
    "docs/sum.en.md": '# Sum\n\n--8<-- exec "probe.py:sum"\n',
    "docs/ones.md": '# 全一\n\n--8<-- exec "other.py:ones"\n\n和是 [[2.0 ± 0.01 | other.py:ones | torch.ones(2).sum()]]。\n',
    "docs/ones.en.md": '# Ones\n\n--8<-- exec "other.py:ones"\n\nTheir sum is [[2.0 ± 0.01 | other.py:ones | torch.ones(2).sum()]].\n',
    "docs/report.md": "# 报告\n\n--8<-- exec-report\n",
    "docs/report.en.md": "# Report\n\n--8<-- exec-report\n",
}
CONFIG = f"""site_name: t
theme:
  name: material
  language: zh
  custom_dir: {REPO / 'overrides'}
hooks:
  - {HOOK}
markdown_extensions:
  - admonition
  - pymdownx.superfences
  - pymdownx.highlight
""" + I18N


def probe(root: Path, version_output: str = OURS + "\n") -> Project:
    """The probe project, its outputs recorded as the pinned torch prints them."""
    files = {"mkdocs.yml": CONFIG, "snippets/probe.py": PROBE, "snippets/other.py": OTHER, **PAGES,
             "snippets/probe.out/version.txt": version_output, "snippets/probe.out/sum.txt": "tensor(3)\n",
             "snippets/other.out/ones.txt": "tensor([1., 1.])\n"}
    for name, text in files.items():  # exactly these bytes: the fixture's hashes are of them
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    translated(root, [])  # the English pages are reviewed translations: a strict build passes
    return Project(root)


def with_fixture(root: Path) -> Project:
    made = probe(root)
    (root / "verified").mkdir()
    shutil.copy(FIXTURE, root / "verified" / "torch-2.15.0.json")
    return made


def check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docexec", "check", *args], cwd=root, capture_output=True, text=True,
                          env=environment(PYTHONPATH=str(REPO / "hooks"), DOCEXEC_CACHE=".docexec-cache"), timeout=300)


def article(built, page: str) -> str:
    return built.page(page).split("<article", 1)[1].split("</article>", 1)[0]


def provenance(built, page: str) -> str:
    """The provenance lines under the page's text."""
    return built.page(page).split('<p class="provenance">', 1)[1].split("</article>", 1)[0]


def test_a_version_that_prints_otherwise_shows_its_difference_in_place_the_claim_mark_and_the_matrix(tmp_path):
    built = with_fixture(tmp_path).build("--strict")
    assert built.code == 0, built.log
    en, zh = article(built, "en/index.html"), article(built, "index.html")
    # The difference, folded under the output: '-' this build, '+' that torch.
    assert ('<details class="docexec-version-diff"><summary>PyTorch 2.15.0+cu132 prints something else '
            "(&#x27;-&#x27; this build, &#x27;+&#x27; PyTorch 2.15.0+cu132)</summary>"
            f"<pre><code>@@ -1 +1 @@&#10;-{OURS}&#10;+2.15.0+cu132</code></pre></details>") in en
    assert "PyTorch 2.15.0+cu132 上的输出不同" in zh and f"-{OURS}&#10;+2.15.0+cu132" in zh
    # The claim holds here and not there: marked with that version and its value.
    assert ('<span class="docexec-claim-version" title="On PyTorch 2.15.0+cu132 this statement does not hold: '
            "torch.__version__ = &#x27;2.15.0+cu132&#x27;\">≠ 2.15.0+cu132</span>") in en
    assert "在 PyTorch 2.15.0+cu132 上这一陈述不成立：torch.__version__ = &#x27;2.15.0+cu132&#x27;" in zh
    # That page does not claim 2.15.0; the pages whose outputs and statements held there do.
    assert "2.15.0" not in provenance(built, "en/index.html") and "2.15.0" not in provenance(built, "index.html")
    for page in ("en/sum/index.html", "en/ones/index.html"):
        assert "This page's code was also run and checked on PyTorch 2.15.0+cu132: the outputs are the same" in provenance(built, page)
        assert "docexec-version-diff" not in article(built, page)
    for page in ("sum/index.html", "ones/index.html"):
        assert "本页的代码也在 PyTorch 2.15.0+cu132 上运行并核对过：输出与本次构建相同，核对的陈述也都成立。" in provenance(built, page)
    assert "also run and checked" not in provenance(built, "en/report/index.html")  # no code there
    # The matrix: the file differs, because one section and one statement do; the other file is the same.
    report = article(built, "en/report/index.html")
    assert '<th title="recorded 2026-12-07; Python 3.11.7, NumPy 2.4.6, linux-x86_64">PyTorch 2.15.0+cu132</th>' in report
    assert ('<tr class="docexec-matrix-file"><td><code>probe.py</code></td>'
            '<td class="docexec-matrix-differs"><strong>differs</strong></td></tr>') in report
    assert '<tr class="docexec-matrix-file"><td><code>other.py</code></td><td class="docexec-matrix-same">same</td></tr>' in report
    parts = report.split("sections and statements of <code>probe.py</code>", 1)[1].split("</details>", 1)[0]
    assert '<tr><td>section <code>version</code></td><td class="docexec-matrix-differs"><strong>differs</strong></td></tr>' in parts
    assert '<tr><td>section <code>sum</code></td><td class="docexec-matrix-same">same</td></tr>' in parts
    assert ("<tr><td>statement <code>torch.__version__</code> &#x27;2.13.0+cpu&#x27;</td><td class=\"docexec-matrix-differs\" "
            "title=\"On PyTorch 2.15.0+cu132 this statement does not hold: torch.__version__ = &#x27;2.15.0+cu132&#x27;\">") in parts
    assert "在各个 PyTorch 版本上的核对" in article(built, "report/index.html") and ">不同</strong>" in article(built, "report/index.html")


def test_a_notebook_page_shows_the_difference_after_its_cell(tmp_path):
    import nbformat

    made = with_fixture(tmp_path)
    for name in ("docs/nb.ipynb", "docs/nb.en.ipynb"):
        cell = nbformat.v4.new_code_cell("print(torch.__version__)", execution_count=1)
        cell.metadata["docexec"] = {"snippet": "probe.py", "section": "version"}
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=OURS + "\n")]
        book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# NB"), cell, nbformat.v4.new_markdown_cell("after")])
        for i, c in enumerate(book.cells):
            c.id = f"c{i}"
        (tmp_path / name).write_text(nbformat.writes(book))
    (tmp_path / "mkdocs.yml").write_text(CONFIG.replace("hooks:\n", f"hooks:\n  - {REPO / 'hooks/i18n_notebooks.py'}\n")
                                         .replace("plugins:\n", "plugins:\n  - mkdocs-jupyter:\n      include: ['*.ipynb']\n"))
    translated(tmp_path, [])
    built = made.build("--strict")
    assert built.code == 0, built.log
    page = article(built, "en/nb/index.html")
    diff = page.index('<details class="docexec-version-diff"><summary>PyTorch 2.15.0+cu132 prints something else')
    assert page.index('id="cell-id=c1"') < page.index(OURS) < diff < page.index('id="cell-id=c2"')  # right after the cell
    assert "2.15.0" not in provenance(built, "en/nb/index.html")


def test_a_changed_snippet_stops_only_its_pages_from_naming_the_version(tmp_path):
    made = with_fixture(tmp_path)
    (tmp_path / "snippets/probe.py").write_text(PROBE.replace("# %% sum\n", "# %% sum\n# summed\n"))
    built = made.build("--strict")
    assert built.code == 0, built.log
    assert "2.15.0" not in provenance(built, "en/sum/index.html")  # uses probe.py, which changed
    assert "also run and checked on PyTorch 2.15.0+cu132" in provenance(built, "en/ones/index.html")  # other.py did not
    assert "docexec-version-diff" not in article(built, "en/index.html")  # the record no longer speaks for it
    report = article(built, "en/report/index.html")
    assert ('<td><code>probe.py</code></td><td class="docexec-matrix-changed" '
            'title="not checked on PyTorch 2.15.0+cu132 since this file changed">not checked since a change</td>') in report
    assert ">改动后未核对</td>" in article(built, "report/index.html")


def test_a_re_recorded_output_or_an_edited_statement_is_not_checked_until_the_check_runs_again(tmp_path):
    made = with_fixture(tmp_path)
    (tmp_path / "snippets/probe.out/sum.txt").write_text("tensor(3)   \n")  # the build still passes; the record is stale
    for page in ("docs/ones.md", "docs/ones.en.md"):  # a wider tolerance is another statement
        (tmp_path / page).write_text((tmp_path / page).read_text().replace("2.0 ± 0.01", "2.0 ± 0.5"))
    built = made.build("--strict")
    assert built.code == 0, built.log
    for page in ("en/sum/index.html", "en/ones/index.html", "sum/index.html", "ones/index.html"):
        assert "2.15.0" not in provenance(built, page), page
    report = article(built, "en/report/index.html")
    assert '<td><code>probe.py</code></td><td class="docexec-matrix-changed"' in report
    ones = report.split("sections and statements of <code>other.py</code>", 1)[1].split("</details>", 1)[0]
    assert '<tr><td>section <code>ones</code></td><td class="docexec-matrix-same">same</td></tr>' in ones
    assert ("<tr><td>statement <code>torch.ones(2).sum()</code> 2.0 ± 0.5</td><td class=\"docexec-matrix-changed\" "
            "title=\"not checked on PyTorch 2.15.0+cu132 since this file changed\">not checked since a change</td></tr>") in ones


def test_check_record_exits_1_naming_the_file_and_section_and_writes_the_record(tmp_path):
    probe(tmp_path, version_output="2.15.0+cu132\n")  # as if recorded on another torch
    done = check(tmp_path, "--record", PINNED)
    assert done.returncode == 1, done.stdout + done.stderr
    assert ("docs/index.md(3): snippets/probe.py(3) section 'version': output differs from the recorded "
            "snippets/probe.out/version.txt") in done.stderr
    assert f"-2.15.0+cu132\n    +{OURS}" in done.stderr
    assert f"docexec: wrote verified/torch-{PINNED}.json: torch {OURS}: 2 snippet files, 1 of 5 sections differ, 0 of 2 claims do not hold" in done.stdout
    record = json.loads((tmp_path / f"verified/torch-{PINNED}.json").read_text())
    assert (record["torch"], record["numpy"], record["python"][:5], record["platform"]) == (OURS, "2.4.6", "3.11.", "linux-x86_64")
    probe_entry = record["files"]["snippets/probe.py"]
    assert probe_entry["sections"] == {"_preamble": {"same": True}, "version": {"same": False, "status": "ok", "printed": OURS + "\n"},
                                       "sum": {"same": True}}
    assert probe_entry["claims"] == [{"section": "version", "expression": "torch.__version__", "statement": "[['2.13.0+cpu']]",
                                      "value": f"'{OURS}'", "held": True}]


def test_check_record_refuses_a_torch_other_than_the_one_named(tmp_path):
    probe(tmp_path)
    done = check(tmp_path, "--record", "2.15.0")
    assert done.returncode == 2 and not (tmp_path / "verified").exists()
    assert done.stderr.startswith(f"docexec: --record 2.15.0, but {sys.executable} runs torch {OURS}; run `make check TORCH=2.15.0`")
    assert check(tmp_path, "--record", "2.15.0; rm").stderr.startswith("docexec: TORCH='2.15.0; rm' is not a torch version")
    accepting = subprocess.run([sys.executable, "-m", "docexec", "check", "--record", PINNED], cwd=tmp_path, capture_output=True,
                               text=True, env=environment(PYTHONPATH=str(REPO / "hooks"), DOCEXEC_ACCEPT="1"), timeout=300)
    assert (accepting.returncode, accepting.stderr) == (2, f"docexec: --record {PINNED} only compares: run it without DOCEXEC_ACCEPT\n")
    assert not (tmp_path / "verified").exists()


def test_make_check_with_another_torch_builds_its_own_environment_and_records():
    done = subprocess.run(["make", "-n", "check", "TORCH=9.9.9", "SHARD=2/3"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "python3 -m venv .venv-torch-9.9.9" in done.stdout
    assert "s/^torch==.*/torch==9.9.9/" in done.stdout and "/^# tests/,$d" in done.stdout  # the engine's needs, no test tools
    assert "PIP_CONSTRAINT=/dev/null .venv-torch-9.9.9/bin/python -m pip install --quiet  -r .venv-torch-9.9.9/requirements.txt" in done.stdout
    assert '\n.venv-torch-9.9.9/bin/python -m docexec check --record "9.9.9" --shard "2/3"' in "\n" + done.stdout  # installed there, no PYTHONPATH
    pinned = subprocess.run(["make", "-n", "check", f"TORCH={PINNED}"], cwd=REPO, capture_output=True, text=True).stdout
    assert f'\n.venv/bin/python -m docexec check --record "{PINNED}"' in "\n" + pinned and ".venv-torch" not in pinned
    plain = subprocess.run(["make", "-n", "check"], cwd=REPO, capture_output=True, text=True).stdout
    assert "\n.venv/bin/python -m docexec check  \n" in "\n" + plain + "\n"


def test_shares_partition_the_files_and_their_records_merge_into_the_whole(tmp_path):
    paths = [f"snippets/page{i}/file{j}.py" for i in range(40) for j in range(5)]
    for count in (1, 2, 3, 7):
        owners = [[k for k in range(1, count + 1) if Share(k, count).has(p)] for p in paths]
        assert all(len(o) == 1 for o in owners)
        assert len({o[0] for o in owners}) == count  # no share is empty on 200 files
    assert Share.parse(" 2/4 ") == Share(2, 4)
    probe(tmp_path)
    for k in (1, 2):
        done = check(tmp_path, "--record", PINNED, "--shard", f"{k}/2")
        assert done.returncode == 0, done.stdout + done.stderr
    shares = [json.loads((tmp_path / f"verified/torch-{PINNED}.{k}-of-2.json").read_text()) for k in (1, 2)]
    both = ["snippets/other.py", "snippets/probe.py"]
    assert [sorted(s["files"]) for s in shares] == [[p for p in both if Share(k, 2).has(p)] for k in (1, 2)]
    assert [s["share"] for s in shares] == ["1/2", "2/2"]
    merged = subprocess.run([sys.executable, "-m", "docexec", "merge", PINNED], cwd=tmp_path, capture_output=True, text=True,
                            env=environment(PYTHONPATH=str(REPO / "hooks")))
    assert (merged.returncode, merged.stdout) == (0, f"docexec: wrote verified/torch-{PINNED}.json\n"), merged.stderr
    assert sorted(p.name for p in (tmp_path / "verified").iterdir()) == [f"torch-{PINNED}.json"]
    whole = json.loads((tmp_path / f"verified/torch-{PINNED}.json").read_text())
    assert check(tmp_path, "--record", PINNED).returncode == 0
    assert json.loads((tmp_path / f"verified/torch-{PINNED}.json").read_text()) == whole
    assert "share 2 of 2" in _merge_with_a_share_missing(tmp_path)


def _merge_with_a_share_missing(root: Path) -> str:
    check(root, "--record", PINNED, "--shard", "1/2")
    done = subprocess.run([sys.executable, "-m", "docexec", "merge", PINNED], cwd=root, capture_output=True, text=True,
                          env=environment(PYTHONPATH=str(REPO / "hooks")))
    assert done.returncode == 1
    return done.stderr


def test_a_section_whose_output_varies_is_never_a_difference(tmp_path):
    from docexec.runner import SectionResult
    from docexec.sections import SnippetFile, parse
    from docexec.versions import _section

    def file(varies: bool) -> SnippetFile:
        return parse("snippets/r.py", f"import random\n\n# %% draw{' varies' if varies else ''}\nprint(random.random())\n")

    drawn = SectionResult("draw", "ok", "0.4963\n")
    assert _section(tmp_path, file(True), drawn) == {"same": True}  # not recorded, not compared: as the build does
    assert _section(tmp_path, file(False), drawn) == {"same": False, "status": "ok", "printed": "0.4963\n"}
    assert _section(tmp_path, file(True), SectionResult("draw", "error", "", "ValueError: x"))["same"] is False


def test_a_record_that_cannot_be_used_fails_the_build_naming_it(tmp_path):
    made = with_fixture(tmp_path)
    (tmp_path / "verified/torch-2.14.0.json").write_text(FIXTURE.read_text())  # 2.15.0's record under another name
    (tmp_path / "verified/torch-2.12.1.json").write_text('{"format": 1, "torch": ')
    built = made.build()
    assert built.code == 1
    assert ("verified/torch-2.14.0.json(1): cannot use this record: it was made with torch 2.15.0+cu132, not 2.14.0\n"
            "    make it again with `make check TORCH=2.14.0`") in built.log
    assert "verified/torch-2.12.1.json(1): cannot use this record: it is not JSON: " in built.log


def test_every_version_ci_checks_has_a_committed_record_of_it():
    listed = [line.strip() for line in (REPO / "verified/versions.txt").read_text().splitlines() if line.strip() and not line.startswith("#")]
    recorded = sorted(p.name for p in (REPO / "verified").glob("torch-*.json"))
    assert PINNED in listed and "2.15.0" in listed
    assert recorded == sorted(f"torch-{v}.json" for v in listed)
    for version in listed:
        record = json.loads((REPO / f"verified/torch-{version}.json").read_text())
        assert record["torch"].split("+")[0] == version and (REPO / f"verified/torch-{version}.json").stat().st_size < 300_000


def make_fixture(python: str) -> None:
    """Run by hand, given the 2.15.0 environment's Python (see the module's docstring)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        probe(Path(folder))
        done = subprocess.run([python, "-m", "docexec", "check", "--record", "2.15.0"], cwd=folder,
                              env=environment(PYTHONPATH=str(REPO / "hooks")), capture_output=True, text=True)
        print(done.stdout, done.stderr)
        FIXTURE.parent.mkdir(exist_ok=True)
        shutil.copy(Path(folder) / "verified/torch-2.15.0.json", FIXTURE)


if __name__ == "__main__":
    make_fixture(str(Path(sys.argv[1]).absolute()))
