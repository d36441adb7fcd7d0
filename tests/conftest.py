# conftest: throwaway MkDocs projects built from dicts of files, the way mkdocs' own tests do.
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HOOK = REPO / "hooks" / "docexec_hook.py"
sys.path.insert(0, str(REPO / "hooks"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/*/expected.md")


@dataclass
class Built:
    code: int
    log: str
    root: Path

    def page(self, path: str) -> str:
        return (self.root / "site" / path).read_text(encoding="utf-8")

    def lines(self) -> list[str]:
        return self.log.splitlines()


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, files: dict[str, str]) -> None:
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")

    def build(self, *args: str, **env: str) -> Built:
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", *args], cwd=self.root,
                              env=environment(**{"DOCEXEC_CACHE": ".cache/docexec", **env}),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        return Built(done.returncode, done.stdout, self.root)


def config(i18n: bool = False) -> str:
    text = f"site_name: t\nhooks:\n  - {HOOK}\nmarkdown_extensions:\n  - admonition\n  - pymdownx.superfences\n  - pymdownx.highlight\n"
    if i18n:
        text += textwrap.dedent("""\
            plugins:
              - i18n:
                  docs_structure: suffix
                  languages:
                    - locale: zh
                      default: true
                      name: 中文
                    - locale: en
                      name: English
            """)
    return text


@pytest.fixture
def project(tmp_path: Path):
    def make(files: dict[str, str], i18n: bool = False) -> Project:
        made = Project(tmp_path)
        made.write({"mkdocs.yml": config(i18n), **files})
        return made

    return make


def environment(**env: str) -> dict[str, str]:
    """The test's own switches only: the author's shell (DOCEXEC_ACCEPT=1 …) must not change a test."""
    base = {k: v for k, v in os.environ.items() if k not in ("DOCEXEC_ACCEPT", "DOCEXEC_RERUN", "DOCEXEC_TIMEOUT")}
    return {**base, "NO_MKDOCS_2_WARNING": "1", **env}


def build_real_site(site: Path, cache: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Build this repository's site into ``site`` with its own cache (the author's is not touched)."""
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site), *args], cwd=REPO,
                          env=environment(DOCEXEC_CACHE=str(cache), **env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> tuple[Path, str]:
    """One cold --strict build of the real site, shared by the tests that only read it."""
    root = tmp_path_factory.mktemp("real")
    done = build_real_site(root / "site", root / "cache")
    assert done.returncode == 0, done.stdout
    return root, done.stdout


def docexec_lines(log: str) -> list[str]:
    """The build's log from docexec's error on: the lines an author reads."""
    lines = log.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("ERROR") and "docexec" in line)
    end = next(i for i, line in enumerate(lines) if line.startswith("Aborted"))
    return lines[start:end]
