# A real `mkdocs serve`: edits re-run only what changed, a failing snippet does not stop the server.
from __future__ import annotations

import pytest

from conftest import Server

PAGE = "docs/index.md"


@pytest.fixture
def serve(project):
    servers = []

    def start(files):
        made = project(files)
        (made.root / "mkdocs.yml").write_text((made.root / "mkdocs.yml").read_text() + "watch:\n  - snippets\n")
        assert made.build(DOCEXEC_ACCEPT="1").code == 0
        servers.append(Server(made.root))
        return made, servers[-1]

    yield start
    for server in servers:
        server.stop()


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
