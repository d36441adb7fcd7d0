# serve: how long an edit takes to reach the page under a real `mkdocs serve` (prose and snippet edits).
"""Usage: python bench/serve.py [--pages 20 80] [--edits 3] [--serve-args --dirty]

For each size it generates bench.py's bilingual site (watching snippets/), records its outputs,
starts `mkdocs serve`, then edits files one at a time and times each edit from the write until
the served page (fetched over HTTP, as a browser reloading would) shows the edit's marker:
  prose    a sentence added to a Chinese page (its URL: /pageN/)
  snippet  a comment line added to the section a page shows first (the page shows the code)
Each edit hits another page, so no page is timed twice. Prints medians and every run.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import REPO, generate  # noqa: E402 - the same generated site as the build benchmark

Edit = Callable[[Path, int, str], str]  # (site root, edit number, marker) -> URL path that must show the marker


def prose(root: Path, n: int, marker: str) -> str:
    page = root / "docs" / f"page{n}.md"
    page.write_text(page.read_text().replace("均值和方差。", f"均值和方差。{marker}", 1))
    return f"/page{n}/"


def snippet(root: Path, n: int, marker: str) -> str:
    code = root / "snippets" / f"page{n}.py"
    code.write_text(code.read_text().replace("# %% s0\n", f"# %% s0\n# {marker}\n", 1))
    return f"/page{n}/"


EDITS: dict[str, Edit] = {"prose": prose, "snippet": snippet}


class Served:
    """`mkdocs serve` on a free port, its output kept (for the error message if it dies)."""

    def __init__(self, root: Path, args: list[str], env: dict[str, str]) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}", *args],
                                        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_log(self, text: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if any(text in line for line in self.lines):
                return
            time.sleep(0.05)
        raise RuntimeError(f"no {text!r} from mkdocs serve:\n" + "\n".join(self.lines[-40:]))

    def page(self, path: str) -> str:
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30).read().decode()
        except (urllib.error.URLError, OSError):
            return ""  # mid-rebuild: the livereload server may answer 404 or nothing

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(15)


def measure(root: Path, edit: Edit, edits: int = 3, args: list[str] | None = None,
            env: dict[str, str] | None = None, timeout: float = 120) -> list[float]:
    """Seconds from each edit's write until its page shows it, ``edits`` edits on distinct pages
    of the generated site at ``root`` (already built once, its outputs recorded)."""
    environment = env if env is not None else bench_environment()
    server = Served(root, args or [], environment)
    try:
        server.wait_for_log("Serving on")
        pages = len(list((root / "docs").glob("page*.en.md")))
        times = []
        for k in range(edits):
            n = (k * 7 + 1) % pages  # spread over the site, never the same page twice for small counts
            marker = f"EDITED{time.monotonic_ns()}"
            time.sleep(1.0)  # past the watcher's debounce of the previous edit's build
            start = time.perf_counter()
            path = edit(root, n, marker)
            while marker not in server.page(path):
                if time.perf_counter() - start > timeout or server.process.poll() is not None:
                    raise RuntimeError(f"{path} never showed {marker}:\n" + "\n".join(server.lines[-40:]))
                time.sleep(0.02)
            times.append(time.perf_counter() - start)
        return times
    finally:
        server.stop()


def bench_environment() -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0"}
    for switch in ("DOCEXEC_ACCEPT", "DOCEXEC_RERUN"):
        env.pop(switch, None)
    return env


def prepare(root: Path, pages: int, env: dict[str, str], incremental: bool = True) -> None:
    """bench.py's site, watching snippets/ (a snippet edit must trigger a rebuild), outputs recorded;
    with ``incremental``, serve_incremental.py listed after the docexec hook, as in this repository."""
    generate(root, pages, hook=True)
    config = root / "mkdocs.yml"
    hook = f"  - {REPO / 'hooks' / 'docexec_hook.py'}\n"
    text = config.read_text().replace(hook, hook + (f"  - {REPO / 'hooks' / 'serve_incremental.py'}\n" if incremental else ""))
    config.write_text(text if "\nwatch:" in text else text + "watch:\n  - snippets\n")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet"], cwd=root, env={**env, "DOCEXEC_ACCEPT": "1"},
                   check=True, capture_output=True)


def rows(sizes: list[int], edits: int = 3, args: list[str] | None = None,
         incremental: bool = True) -> dict[tuple[str, int], list[float]]:
    """(edit kind, pages) -> seconds of each edit; a fresh site and server per kind and size."""
    env = bench_environment()
    found: dict[tuple[str, int], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="docexec-serve-bench-") as scratch:
        for pages in sizes:
            for kind, edit in EDITS.items():
                root = Path(scratch, f"{kind}-{pages}")
                prepare(root, pages, env, incremental)
                found[(kind, pages)] = measure(root, edit, edits, args, env)
    return found


def report(found: dict[tuple[str, int], list[float]], target: float = 1.5) -> list[str]:
    lines = []
    for (kind, pages), times in found.items():
        median = statistics.median(times)
        lines.append(f"  serve {kind:7s} {pages:4d} pages {median:6.2f} s   edit until the page shows it, target <= {target:.1f}"
                     f"   {'ok' if median <= target else 'MISSED'}   (runs: {', '.join(f'{t:.2f}' for t in times)})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, nargs="+", default=[20, 80])
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--serve-args", default="", help="extra arguments for mkdocs serve, e.g. --dirty")
    parser.add_argument("--full", action="store_true", help="without serve_incremental.py: every save rebuilds everything")
    args = parser.parse_args()
    found = rows(args.pages, args.edits, [a for a in re.split(r"\s+", args.serve_args) if a], not args.full)
    print(f"mkdocs serve, an edit until the served page shows it, {args.edits} edits each, {os.cpu_count()} cores")
    print("\n".join(report(found)))


if __name__ == "__main__":
    main()
