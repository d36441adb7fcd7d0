# A real `mkdocs serve`: edits re-run only what changed, a failing snippet does not stop the server.
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from conftest import environment

PAGE = "docs/index.md"


class Server:
    def __init__(self, root, port: int) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=root,
                                        env=environment(DOCEXEC_CACHE=".cache/docexec"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.port, self.lines = port, []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, after: int = 0, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index in range(after, len(self.lines)):
                if text in self.lines[index]:
                    return index + 1
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} in:\n" + "\n".join(self.lines))

    def page(self) -> str:
        return urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=10).read().decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve(project):
    servers = []

    def start(files):
        made = project(files)
        (made.root / "mkdocs.yml").write_text((made.root / "mkdocs.yml").read_text() + "watch:\n  - snippets\n")
        assert made.build(DOCEXEC_ACCEPT="1").code == 0
        servers.append(Server(made.root, _free_port()))
        return made, servers[-1]

    yield start
    for server in servers:
        server.process.terminate()
        server.process.wait(10)


def test_serve_reruns_only_the_edited_file_and_survives_a_failure(serve):
    made, server = serve({
        PAGE: '--8<-- exec "a.py"\n\n--8<-- exec "b.py"\n',
        "snippets/a.py": "print('a')\n",
        "snippets/b.py": "print('b')\n",
    })
    seen = server.wait_for("Serving on")
    assert "INFO    -  docexec: 2 snippet files: 0 run, 2 from cache" in "\n".join(server.lines)

    made.write({"snippets/b.py": "import torch\nprint(torch.ones(2))\n"})
    seen = server.wait_for("docexec: 2 snippet files: 1 run, 1 from cache", seen)
    seen = server.wait_for("Reloading browsers", seen)
    assert "    +tensor([1., 1.])" in server.lines

    made.write({PAGE: 'Prose edited.\n\n--8<-- exec "a.py"\n\n--8<-- exec "b.py"\n'})
    seen = server.wait_for("docexec: 2 snippet files: 0 run, 2 from cache", seen)
    seen = server.wait_for("Reloading browsers", seen)
    assert "Prose edited." in server.page()

    made.write({PAGE: 'Prose edited, a is [[2 ± 0.1 | a.py | 1]].\n\n--8<-- exec "a.py"\n\n--8<-- exec "b.py"\n'})
    seen = server.wait_for("ERROR   -  docexec: 2 problems with the documentation's snippets", seen)
    seen = server.wait_for("Reloading browsers", seen)
    assert "docexec-claim-failed" in server.page()  # the wrong number is marked on the page
    made.write({PAGE: 'Prose edited.\n\n--8<-- exec "a.py"\n\n--8<-- exec "b.py"\n'})
    seen = server.wait_for("docexec: 2 snippet files", seen)

    made.write({"snippets/a.py": "raise ValueError('broken')\n"})
    seen = server.wait_for("ERROR   -  docexec: 2 problems with the documentation's snippets", seen)
    seen = server.wait_for("Reloading browsers", seen)
    assert server.process.poll() is None
    assert "ValueError: broken" in server.page()

    made.write({"snippets/a.py": "print('a')\n", "snippets/b.py": "print('b')\n"})
    seen = server.wait_for("docexec: 2 snippet files: 0 run, 2 from cache", seen)  # both known from before
    server.wait_for("Reloading browsers", seen)
    assert "ValueError" not in server.page() and server.process.poll() is None
