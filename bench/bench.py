# bench: cold, warm, plain, floor and markdown-exec builds of generated bilingual sites, side by side.
"""Usage: python bench/bench.py [--sizes 20 80] [--large] [--runs 3] [--real-runs 3]

Generated sites of 20 and 80 pages (320 too with --large), each page six torch snippet sections
in both languages, every build timed ``--runs`` times; prints one table of medians with every
ratio issue 17 holds the project to:

    cold <= 0.85 x (plain + floor)        warm <= 1.05 x plain
    cold <= 0.75 x markdown-exec          warm <= 0.45 x markdown-exec

then the peak memory of a cold build's process tree (the fork server and its forks included),
the runner's per-file overhead by phase (bench/overhead.py), `mkdocs serve` latency
(bench/serve.py: a fresh site and server per edit kind), and this repository's own
site. markdown-exec (the peer) executes the same code in the MkDocs process, once per
language, with no cache; it is installed for the benchmark only (`make bench`).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(REPO / "hooks"))

import overhead  # noqa: E402  (bench/ and hooks/ are on the path now)
from docexec.options import Options  # noqa: E402

CACHE = Options().cache_dir  # the engine's cache folder, relative to the site's root: deleted for a cold build

SECTION = """# %% s{n}
x{n} = torch.randn([1, 3, 255, 255]) * {scale} + {shift}
bn{n} = torch.nn.BatchNorm2d(3)
y{n} = bn{n}(x{n})
print(bn{n}.running_mean)
print(bn{n}.running_var)
"""
TARGETS = {"cold / (plain + floor)": 0.85, "cold / markdown-exec": 0.75, "warm / plain": 1.05, "warm / markdown-exec": 0.45}
NOTES = {"cold": "hook on, empty cache", "warm": "hook on, nothing changed",
         "plain": "hook off, the hook's rendered Markdown pasted in (same HTML)",
         "floor": "one python process running all snippet files",
         "markdown-exec": "the same code in the MkDocs process, per language, no cache",
         "check cold": "python -m docexec check, empty cache (no HTML)", "check warm": "python -m docexec check, nothing changed"}


def generate(root: Path, pages: int, hook: bool) -> None:
    """A bilingual site of ``pages`` pages, each with six references to its own snippet file."""
    (root / "docs").mkdir(parents=True)
    (root / "snippets").mkdir()
    nav = []
    for p in range(pages):
        code = "import torch\n\n" + "\n".join(SECTION.format(n=n, scale=n + 1, shift=p) for n in range(6))
        (root / "snippets" / f"page{p}.py").write_text(code)
        refs = "\n\n".join(f'Batch {n}:\n\n--8<-- exec "page{p}.py:s{n}"' for n in range(6))
        (root / "docs" / f"page{p}.md").write_text(f"# 第 {p} 页\n\n均值和方差。\n\n{refs}\n")
        (root / "docs" / f"page{p}.en.md").write_text(f"# Page {p}\n\nMean and variance.\n\n{refs}\n")
        nav.append(f"  - page{p}.md")
    (root / "docs" / "index.md").write_text("# 首页\n")
    (root / "docs" / "index.en.md").write_text("# Home\n")
    hooks = f"hooks:\n  - {REPO / 'hooks' / 'docexec_hook.py'}\n" if hook else ""
    (root / "mkdocs.yml").write_text(
        "site_name: bench\ntheme:\n  name: material\n  font: false\n" + hooks +
        "watch:\n  - snippets\n"  # as a real site has it: `mkdocs serve` rebuilds on a snippet's change
        "plugins:\n  - search\n  - i18n:\n      docs_structure: suffix\n      languages:\n"
        "        - {locale: zh, default: true, name: 中文}\n        - {locale: en, name: English}\n"
        "markdown_extensions:\n  - pymdownx.highlight\n  - pymdownx.superfences\n"
        "nav:\n  - index.md\n" + "\n".join(nav) + "\n")


def peer(root: Path, pages: int) -> None:
    """The same site written for markdown-exec: each section a `python exec="on"` block, the
    page's blocks sharing one session (as sections of one file share their names)."""
    generate(root, pages, hook=False)
    for p in range(pages):
        blocks = []
        for n in range(6):
            code = ("import torch\n\n" if n == 0 else "") + SECTION.format(n=n, scale=n + 1, shift=p).split("\n", 1)[1]
            blocks.append(f'Batch {n}:\n\n```python exec="on" session="page{p}" source="above" result="text"\n{code.rstrip()}\n```')
        body = "\n\n".join(blocks)
        (root / "docs" / f"page{p}.md").write_text(f"# 第 {p} 页\n\n均值和方差。\n\n{body}\n")
        (root / "docs" / f"page{p}.en.md").write_text(f"# Page {p}\n\nMean and variance.\n\n{body}\n")
    config = (root / "mkdocs.yml").read_text().replace("plugins:\n  - search\n", "plugins:\n  - search\n  - markdown-exec\n")
    (root / "mkdocs.yml").write_text(config)


def freeze(hooked: Path, plain: Path) -> None:
    """Write into ``plain`` the very Markdown the hook renders for ``hooked``'s pages."""
    from docexec.engine import Session
    from docexec.options import Options

    session = Session()
    assert not session.build(hooked, hooked / "docs", Options())
    for page in (hooked / "docs").glob("*.md"):
        language = "en" if page.name.endswith(".en.md") else "zh"
        (plain / "docs" / page.name).write_text(session.render_page(page.name, page.read_text(), language))


def _descendants(pid: int) -> list[int]:
    """From each thread's list of children in /proc (Linux), so any version of the engine is measured alike."""
    found, frontier = [], [pid]
    while frontier:
        children = []
        for parent in frontier:
            try:
                threads = os.listdir(f"/proc/{parent}/task")
            except OSError:
                continue
            for thread in threads:
                try:
                    children += [int(c) for c in Path(f"/proc/{parent}/task/{thread}/children").read_text().split()]
                except OSError:
                    continue
        found += children
        frontier = children
    return found


def _tree_pss(pid: int) -> int:
    """Bytes of the process tree under ``pid`` (itself included), by proportional set size: a
    page shared by a fork and the server it came from counts once, split between them."""
    total = 0
    for member in [pid, *_descendants(pid)]:
        try:
            with open(f"/proc/{member}/smaps_rollup") as handle:
                total += next(int(line.split()[1]) * 1024 for line in handle if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            continue  # ended meanwhile
    return total


def timed(command: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,),
          memory: list[int] | None = None) -> float:
    """Seconds the command took; with ``memory``, also its tree's peak PSS, sampled every 0.1 s."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _tree_pss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if memory is not None:
        sampler.start()
    output, _ = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    if memory is not None:
        sampler.join()
        memory.append(peak[0])
    if process.returncode not in ok:
        sys.exit(f"failed: {' '.join(command)}\n{output}")
    return elapsed


def size(scratch: Path, pages: int, runs: int, env: dict[str, str]) -> dict[str, Any]:
    """Every timing of one generated size: {name: [seconds per run]}, and peak memories."""
    folder = scratch / str(pages)
    hooked, plain, other = folder / "hooked", folder / "plain", folder / "markdown-exec"
    generate(hooked, pages, hook=True)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet"], cwd=hooked,
                   env={**env, "DOCEXEC_ACCEPT": "1"}, check=True, capture_output=True)  # record outputs once
    generate(plain, pages, hook=False)
    freeze(hooked, plain)
    peer(other, pages)
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
    check = [sys.executable, "-m", "docexec", "check"]
    check_env = env
    floor_code = "import runpy, glob\nfor f in sorted(glob.glob('snippets/*.py')):\n    runpy.run_path(f)\n"
    times: dict[str, list[float]] = {name: [] for name in NOTES}
    memory: dict[str, list[int]] = {"cold": [], "markdown-exec": []}
    for _ in range(runs):
        shutil.rmtree(hooked / CACHE, ignore_errors=True)
        times["cold"].append(timed(mkdocs, hooked, env, memory=memory["cold"]))
        times["warm"].append(timed(mkdocs, hooked, env))
        times["plain"].append(timed(mkdocs, plain, env))
        times["floor"].append(timed([sys.executable, "-c", floor_code], hooked, env))
        times["markdown-exec"].append(timed(mkdocs, other, env, memory=memory["markdown-exec"]))
        shutil.rmtree(hooked / CACHE, ignore_errors=True)
        times["check cold"].append(timed(check, hooked, check_env, ok=(0, 1)))  # 1: untranslated pages
        times["check warm"].append(timed(check, hooked, check_env, ok=(0, 1)))
    import serve  # bench/serve.py, `mkdocs serve` latency; here, not at the top: it imports this module

    served = {f"serve: {kind} edit on the page (s)": statistics.median(seconds)
              for (kind, _), seconds in serve.rows([pages]).items()}
    shutil.rmtree(folder, ignore_errors=True)
    return {"times": times, "memory": memory, "serve": served}


def real_site(runs: int, env: dict[str, str], cache: Path) -> dict[str, list[float]]:
    """This repository's site: `mkdocs build` and `check`, each cold (empty cache) and warm."""
    times: dict[str, list[float]] = {"build cold": [], "build warm": [], "check cold": [], "check warm": []}
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict", "-d", str(cache.parent / "real-site")]
    check = [sys.executable, "-m", "docexec", "check"]
    check_env = env
    for _ in range(runs):
        for kind, command, environment in (("build", mkdocs, env), ("check", check, check_env)):
            shutil.rmtree(cache, ignore_errors=True)
            times[f"{kind} cold"].append(timed(command, REPO, {**environment, "DOCEXEC_CACHE": str(cache)}))
            times[f"{kind} warm"].append(timed(command, REPO, {**environment, "DOCEXEC_CACHE": str(cache)}))
    return times


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (it pastes into an issue as it is)."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def report(found: dict[int, dict[str, Any]], runs: int) -> str:
    sizes = sorted(found)
    median = {p: {k: statistics.median(v) for k, v in found[p]["times"].items()} for p in sizes}
    rows = [[f"{name} (s)", *(f"{median[p][name]:.2f}" for p in sizes), "", NOTES[name]] for name in NOTES]
    ratios = {
        "cold / (plain + floor)": lambda m: m["cold"] / (m["plain"] + m["floor"]),
        "cold / markdown-exec": lambda m: m["cold"] / m["markdown-exec"],
        "warm / plain": lambda m: m["warm"] / m["plain"],
        "warm / markdown-exec": lambda m: m["warm"] / m["markdown-exec"],
    }
    for name, ratio in ratios.items():
        values = [ratio(median[p]) for p in sizes]
        verdict = "ok" if all(v <= TARGETS[name] for v in values) else "MISSED"
        rows.append([name, *(f"{v:.2f}" for v in values), f"<= {TARGETS[name]:.2f}", verdict])
    rows.append(["check / build, cold", *(f"{median[p]['check cold'] / median[p]['cold']:.2f}" for p in sizes), "", ""])
    for name, what in (("cold", "a cold build"), ("markdown-exec", "markdown-exec")):
        peaks = [max(found[p]["memory"][name]) / 2**30 for p in sizes]
        rows.append([f"peak memory of {what} (GiB)", *(f"{v:.2f}" for v in peaks), "flat" if name == "cold" else "",
                     "process tree, proportional set size, sampled every 0.1 s"])
    for name in sorted({n for p in sizes for n in found[p]["serve"]}):
        values = [found[p]["serve"].get(name) for p in sizes]
        rows.append([name, *(f"{v:.2f}" if isinstance(v, (int, float)) else str(v or "") for v in values), "", "bench/serve.py"])
    return (f"generated sites: pages x 6 torch snippet sections, zh + en; medians of {runs} runs; "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end\n"
            + table(["", *(f"{p} pages" for p in sizes), "target", ""], rows))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 80])
    parser.add_argument("--large", action="store_true", help="also 320 pages (about as long again as the rest)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--real-runs", type=int, default=3, help="runs on this repository's own site (0: none)")
    parser.add_argument("--overhead-files", type=int, default=60, help="files for the per-file overhead (0: none)")
    args = parser.parse_args()
    # PYTHONPATH: this checkout's engine, before any other a shared venv has installed (editable).
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0", "PYTHONPATH": str(REPO / "hooks")}
    for switch in ("DOCEXEC_ACCEPT", "DOCEXEC_RERUN"):
        env.pop(switch, None)
    sizes = sorted(set(args.sizes + ([320] if args.large else [])))
    with tempfile.TemporaryDirectory(prefix="docexec-bench-") as scratch:
        found = {pages: size(Path(scratch), pages, args.runs, env) for pages in sizes}
        print(report(found, args.runs))
        if args.overhead_files:
            per_file = overhead.measure(args.overhead_files, workers=1, runs=3)
            print(f"\nper-file overhead by phase: {args.overhead_files} one-line files, one at a time, medians of 3 runs, "
                  "ms per file (target: at most 10 ms of CPU beyond the file's own run)")
            print(table(["phase", "wall", "CPU"], [list(row) for row in overhead.rows(per_file)]))
        if args.real_runs:
            real = real_site(args.real_runs, env, Path(scratch, "real-cache"))
            medians = {k: statistics.median(v) for k, v in real.items()}
            print(f"\nthis repository's site, medians of {args.real_runs} runs")
            print(table(["", "seconds", "runs"], [[k, f"{v:.2f}", ", ".join(f"{t:.2f}" for t in real[k])] for k, v in medians.items()]))


if __name__ == "__main__":
    main()
