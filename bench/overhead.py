# overhead: what the runner costs per snippet file beyond the file's own run, by phase.
"""Usage: python bench/overhead.py [--files 60] [--workers 1] [--runs 3]

Runs ``--files`` one-section snippet files (``x = 1``: their own run is next to nothing) through
``runner.run_all`` and splits each file's time, wall and CPU, into phases from the time stamps
the runner and the child take (``Settings.stamps``):

    fork          the runner starts the process (Popen, the fork server's fork), up to the
                  child's first line of run_file (its CPU: multiprocessing's start-up in it)
    child set-up  run_file before the first section: session, output, seeds, guard
    run           the sections themselves (the file's own run, not overhead)
    end of tree   the child ending what it started, then the runner ending its tree
    result back   the runner's thread waiting for and reading the messages (its CPU only)
    exit          the fork server's CPU and the children's after their last stamp (the fork
                  itself, the child's exit): CPU counted from /proc, spread over the files

and, for scale, what a bare fork and exit of a process holding the server's modules (torch's
150 MB of anonymous memory, whose page tables a fork copies and an exit tears down) costs.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "hooks"))

from docexec import runner, sections, server  # noqa: E402  (after hooks/ is on the path)

PHASES = ("fork", "child set-up", "run", "end of tree", "result back", "exit")
OVERHEAD = tuple(p for p in PHASES if p != "run")


def _server_cpu() -> float:
    """CPU seconds of the fork server and of the children it has reaped (/proc, Linux)."""
    from multiprocessing import forkserver

    pid = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime


def _split(stamp: dict[str, dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    """One file's (wall, CPU) seconds by phase; 'exit' is filled in from the totals."""
    parent, child = stamp["runner"], stamp["child"]

    def span(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
        return b[0] - a[0], b[1] - a[1]

    started = span(parent["start"], parent["started"])
    waited = span(parent["started"], parent["received"])
    ended = span(parent["received"], parent["ended"])
    return {
        "fork": (child["entered"][0] - parent["start"][0], started[1] + child["entered"][1]),
        "child set-up": span(child["entered"], child["ready"]),
        "run": span(child["ready"], child["ran"]),
        "end of tree": (span(child["ran"], child["ended"])[0] + ended[0], span(child["ran"], child["ended"])[1] + ended[1]),
        "result back": (parent["received"][0] - child["ended"][0], waited[1]),
        "exit": (0.0, 0.0),
    }


def measure(files: int = 60, workers: int = 1, runs: int = 3, code: str = "x = 1\n") -> dict[str, Any]:
    """Medians over ``runs`` of the mean per file: {phase: (wall ms, CPU ms)}, and totals."""
    with tempfile.TemporaryDirectory(prefix="docexec-overhead-") as scratch, _server():
        root = Path(scratch)
        (root / "snippets").mkdir()
        jobs = []
        for i in range(files):
            path = f"snippets/f{i}.py"
            (root / path).write_text(f"# %% s\n{code}")
            jobs.append(runner.Job(sections.parse(path, (root / path).read_text()), str(i), {}, 60.0))
        runner.run_all(jobs[:2], runner.Settings(root=str(root), workers=1))  # the server is up and warm
        per_run: list[dict[str, tuple[float, float]]] = []
        totals: list[tuple[float, float]] = []
        for _ in range(runs):
            stamps: list[Any] = []
            settings = runner.Settings(root=str(root), workers=workers, stamps=stamps)
            before_server, before_self, began = _server_cpu(), _own_cpu(), time.perf_counter()
            results = runner.run_all(jobs, settings)
            wall = time.perf_counter() - began
            server_cpu, own_cpu = _server_cpu() - before_server, _own_cpu() - before_self
            if len(stamps) != files or not all(r.ok for r in results):
                sys.exit("overhead: a file did not run to its end")
            split = [_split(s) for s in stamps]
            mean = {p: (statistics.fmean(s[p][0] for s in split), statistics.fmean(s[p][1] for s in split)) for p in PHASES}
            child_cpu = statistics.fmean(s["child"]["ended"][1] for s in stamps)
            mean["exit"] = (0.0, server_cpu / files - child_cpu)  # the fork and the exit, in the server and children
            per_run.append(mean)
            totals.append((wall / files, (server_cpu + own_cpu) / files))
    phases = {p: (1000 * statistics.median(r[p][0] for r in per_run), 1000 * statistics.median(r[p][1] for r in per_run))
              for p in PHASES}
    overhead_cpu = sum(phases[p][1] for p in OVERHEAD)
    return {"phases": phases, "overhead cpu ms": overhead_cpu, "bare fork": bare_fork(),
            "wall ms": 1000 * statistics.median(t[0] for t in totals), "cpu ms": 1000 * statistics.median(t[1] for t in totals),
            "files": files, "workers": workers, "runs": runs}


@contextlib.contextmanager
def _server() -> Iterator[None]:
    try:
        yield
    finally:
        server.shutdown()  # measured from its start: a server started before had other work behind it


# A process that imported what the fork server imports forks and reaps N empty children: the
# kernel's own cost of a fork and an exit of that much memory, below which no fork per file goes.
BARE_FORKS = """
import os, resource, sys, time
sys.path.insert(0, sys.argv[1])
import docexec.preload
n = int(sys.argv[2])
def cpu(who):
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime
own, children, began = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
for _ in range(n):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
print((time.perf_counter() - began) / n, (cpu(resource.RUSAGE_SELF) - own + cpu(resource.RUSAGE_CHILDREN) - children) / n)
"""


def bare_fork(forks: int = 60) -> tuple[float, float]:
    """(wall ms, CPU ms) of one fork and exit of a process holding what the fork server holds."""
    done = subprocess.run([sys.executable, "-c", BARE_FORKS, str(REPO / "hooks"), str(forks)],
                          capture_output=True, text=True, check=True)
    wall, cpu = (float(v) for v in done.stdout.split())
    return 1000 * wall, 1000 * cpu


def _own_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def rows(found: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The table's rows: (phase, wall ms per file, CPU ms per file)."""
    table = [(p, "" if p == "exit" else f"{w:.1f}", f"{c:.1f}") for p, (w, c) in found["phases"].items()]
    table.append(("overhead (all but run)", "", f"{found['overhead cpu ms']:.1f}"))
    wall, cpu = found["bare fork"]
    table.append(("of which a bare fork and exit", f"{wall:.1f}", f"{cpu:.1f}"))
    table.append(("whole file, measured outside", f"{found['wall ms']:.1f}", f"{found['cpu ms']:.1f}"))
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    found = measure(args.files, args.workers, args.runs)
    print(f"per-file overhead by phase: {args.files} one-line files, {args.workers} worker(s), medians of {args.runs} runs, ms per file")
    print(f"  {'phase':30s} {'wall':>7s} {'CPU':>7s}")
    for name, wall, cpu in rows(found):
        print(f"  {name:30s} {wall:>7s} {cpu:>7s}")


if __name__ == "__main__":
    main()
