# The runner's cost per file: a fork imports nothing before its snippet, and its time stamps add up.
from __future__ import annotations

from pathlib import Path

from docexec import runner, sections, server


def _run(tmp_path: Path, codes: list[str]) -> tuple[list[runner.FileResult], list[dict]]:
    (tmp_path / "snippets").mkdir()
    jobs = []
    for i, code in enumerate(codes):
        path = f"snippets/f{i}.py"
        (tmp_path / path).write_text(code)
        jobs.append(runner.Job(sections.parse(path, code), str(i), {}, 60.0))
    stamps: list[dict] = []
    try:
        results = runner.run_all(jobs, runner.Settings(root=str(tmp_path), workers=2, stamps=stamps))
    finally:
        server.shutdown()
    return results, stamps


def test_a_fork_imports_nothing_before_its_snippet_and_its_stamps_are_in_order(tmp_path):
    # docexec.preload imports in the fork server all a fork needs (numpy.random, the runner the
    # target is unpickled from): a module listed here is imported again in every fork.
    results, stamps = _run(tmp_path, ["# %% s\nimport gc\nprint(gc.get_freeze_count() > 0)\n", "# %% s\nx = 1\n"])
    assert [r.ok for r in results] == [True, True]
    assert results[0].sections[0].output == "True\n"  # the server's objects are frozen: no fork collects them
    assert len(stamps) == 2
    for stamp in stamps:
        assert stamp["child"]["imported"] == []
        order = [stamp["runner"]["start"], stamp["child"]["entered"], stamp["child"]["ready"],
                 stamp["child"]["ran"], stamp["child"]["ended"], stamp["runner"]["received"], stamp["runner"]["ended"]]
        walls = [wall for wall, _ in order]
        assert walls == sorted(walls)
