# The engine stays typed and clean: mypy and ruff over hooks/ (and ruff over tests/ and bench/).
from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_mypy_finds_no_type_errors_in_the_hooks():
    done = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports", "--python-version", "3.11",
                           "docexec", "docexec_hook.py", "strict_mode.py", "i18n_search.py", "i18n_notebooks.py",
                           "serve_incremental.py"],
                          cwd=REPO / "hooks", capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "F,E,W", "--ignore", "E501",
                           "hooks", "tests", "bench"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_snippet_code_fits_the_page_column():
    # 76 characters fit a code block at 1280 pixels beside the copy button (the browser test checks it).
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "E501", "--line-length", "76", "snippets"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_engine_module_imports_one_that_imports_it_back():
    import ast

    graph: dict[str, set[str]] = {}
    for path in (REPO / "hooks" / "docexec").glob("*.py"):
        imports = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:  # TYPE_CHECKING imports count too
                imports |= {node.module.split(".")[0]} if node.module else {alias.name for alias in node.names}
        graph[path.stem] = imports

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {start})) for n in graph.get(start, ()))

    assert [(a, b) for a in sorted(graph) for b in sorted(graph[a]) if reaches(b, a)] == []
