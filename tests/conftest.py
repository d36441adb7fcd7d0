# conftest: throwaway MkDocs projects built from dicts of files, the way mkdocs' own tests do.
from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable
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
                              env=environment(**{"DOCEXEC_CACHE": ".docexec-cache", **env}),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        return Built(done.returncode, done.stdout, self.root)


def config(i18n: bool = False) -> str:
    text = f"site_name: t\nhooks:\n  - {HOOK}\nmarkdown_extensions:\n  - admonition\n  - pymdownx.superfences\n  - pymdownx.highlight\n"
    return text + (I18N if i18n else "")


# mkdocs-static-i18n as this site has it: Chinese at the root, English under en/ (x.en.md).
I18N = """\
plugins:
  - i18n:
      docs_structure: suffix
      languages:
        - locale: zh
          default: true
          name: 中文
        - locale: en
          name: English
"""


@pytest.fixture
def project(tmp_path: Path):
    def make(files: dict[str, str], i18n: bool = False) -> Project:
        made = Project(tmp_path)
        made.write({"mkdocs.yml": config(i18n), **files})
        return made

    return make


def environment(**env: str) -> dict[str, str]:
    """The test's own switches only: the author's shell (DOCEXEC_ACCEPT=1 …) must not change a test.
    The engine is this checkout's, whichever checkout the venv's editable install points at (a
    venv shared by several clones): PYTHONPATH comes before the installed package on sys.path."""
    base = {k: v for k, v in os.environ.items() if k not in ("DOCEXEC_ACCEPT", "DOCEXEC_RERUN", "DOCEXEC_TIMEOUT")}
    return {**base, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO / "hooks"), **env}


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


class Server:
    """A real `mkdocs serve` on a free port, its log collected line by line."""

    def __init__(self, root: Path, **env: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}"], cwd=root,
                                        env=environment(**{"DOCEXEC_CACHE": ".docexec-cache", **env}),
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, after: int = 0, timeout: float = 90) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index in range(after, len(self.lines)):
                if text in self.lines[index]:
                    return index + 1
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} in:\n" + "\n".join(self.lines))

    def page(self, path: str = "/") -> str:
        """The page as a browser gets it; the server must answer within 10 s, whatever the page holds."""
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10).read().decode()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{path}: HTTP {error.code}\n" + "\n".join(self.lines)) from None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve_project(project):
    """Start `mkdocs serve` on a throwaway project (which may hold faults); stopped after the test."""
    servers: list[Server] = []

    def start(files: dict[str, str], i18n: bool = False, configure: Callable[[str], str] = str) -> tuple[Project, Server]:
        made = project(files, i18n)
        config_file = made.root / "mkdocs.yml"
        config_file.write_text(configure(config_file.read_text()) + "watch:\n  - snippets\n")
        servers.append(Server(made.root))
        servers[-1].wait_for("Serving on")
        return made, servers[-1]

    yield start
    for server in servers:
        server.stop()
