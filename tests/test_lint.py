# The engine stays typed and clean: mypy and ruff over hooks/ (and ruff over tests/ and bench/).
from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_mypy_finds_no_type_errors_in_the_hooks():
    done = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports", "--python-version", "3.11",
                           "docexec", "docexec_hook.py", "i18n_search.py", "i18n_notebooks.py"],
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
