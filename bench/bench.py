# bench: cold, warm, plain and floor timings of a generated 20-page x 6-snippet bilingual site.
"""Usage: python bench/bench.py [--pages 20] [--runs 5]

Prints medians, and every ratio the project is held to, from one run:
    cold <= 0.85 x (plain + floor)        warm <= 1.05 x plain
    cold <= 0.75 x markdown-exec          warm <= 0.5 x markdown-exec
markdown-exec (the peer) executes the same code in the MkDocs process, once per language,
with no cache; it is installed for the benchmark only (`make bench`), not used by the site.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTION = """# %% s{n}
x{n} = torch.randn([1, 3, 255, 255]) * {scale} + {shift}
bn{n} = torch.nn.BatchNorm2d(3)
y{n} = bn{n}(x{n})
print(bn{n}.running_mean)
print(bn{n}.running_var)
"""


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
    sys.path.insert(0, str(REPO / "hooks"))
    from docexec.engine import Session
    from docexec.options import Options

    session = Session()
    assert not session.build(hooked, hooked / "docs", Options())
    for page in (hooked / "docs").glob("*.md"):
        language = "en" if page.name.endswith(".en.md") else "zh"
        (plain / "docs" / page.name).write_text(session.render_page(page.name, page.read_text(), language))


def timed(command: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        sys.exit(f"failed: {' '.join(command)}\n{done.stdout}")
    return elapsed


def real_site(runs: int, env: dict[str, str], check_env: dict[str, str], cache: Path) -> dict[str, list[float]]:
    """This repository's site: `mkdocs build` and `check`, each cold (empty cache) and warm."""
    times: dict[str, list[float]] = {"build cold": [], "build warm": [], "check cold": [], "check warm": []}
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict", "-d", str(cache.parent / "real-site")]
    check = [sys.executable, "-m", "docexec", "check"]
    for _ in range(runs):
        for kind, command, environment in (("build", mkdocs, env), ("check", check, check_env)):
            shutil.rmtree(cache, ignore_errors=True)
            times[f"{kind} cold"].append(timed(command, REPO, {**environment, "DOCEXEC_CACHE": str(cache)}))
            times[f"{kind} warm"].append(timed(command, REPO, {**environment, "DOCEXEC_CACHE": str(cache)}))
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--real-runs", type=int, default=3, help="runs on this repository's own site")
    args = parser.parse_args()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0"}
    for switch in ("DOCEXEC_ACCEPT", "DOCEXEC_RERUN"):
        env.pop(switch, None)
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet"]
    with tempfile.TemporaryDirectory(prefix="docexec-bench-") as scratch:
        hooked, plain, bare = Path(scratch, "hooked"), Path(scratch, "plain"), Path(scratch, "bare")
        generate(hooked, args.pages, hook=True)
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet"], cwd=hooked,
                       env={**env, "DOCEXEC_ACCEPT": "1"}, check=True, capture_output=True)  # record outputs once
        generate(plain, args.pages, hook=False)
        freeze(hooked, plain)
        generate(bare, args.pages, hook=False)
        peer(Path(scratch, "peer"), args.pages)
        floor_code = "import runpy, glob\nfor f in sorted(glob.glob('snippets/*.py')):\n    runpy.run_path(f)\n"
        results: dict[str, list[float]] = {"cold": [], "warm": [], "plain": [], "floor": [], "bare": [], "peer": [],
                                           "check cold": [], "check warm": []}
        check = [sys.executable, "-m", "docexec", "check"]
        check_env = {**env, "PYTHONPATH": str(REPO / "hooks")}
        for _ in range(args.runs):
            shutil.rmtree(hooked / ".cache", ignore_errors=True)
            results["cold"].append(timed(mkdocs, hooked, env))
            results["warm"].append(timed(mkdocs, hooked, env))
            results["plain"].append(timed(mkdocs, plain, env))
            results["floor"].append(timed([sys.executable, "-c", floor_code], hooked, env))
            results["bare"].append(timed(mkdocs, bare, env))
            results["peer"].append(timed(mkdocs, Path(scratch, "peer"), env))
            shutil.rmtree(hooked / ".cache", ignore_errors=True)
            results["check cold"].append(timed(check, hooked, check_env, ok=(0, 1)))  # 1: untranslated pages
            results["check warm"].append(timed(check, hooked, check_env, ok=(0, 1)))
        real = real_site(args.real_runs, env, check_env, Path(scratch, "real-cache"))
    median = {k: statistics.median(v) for k, v in results.items()}
    print(f"{args.pages} pages x 6 torch snippets, zh + en, medians of {args.runs} runs, {os.cpu_count()} cores")
    notes = {"cold": "hook on, empty cache", "warm": "hook on, nothing changed",
             "plain": "hook off, the hook's rendered Markdown pasted in (same HTML)",
             "floor": "one python process running all snippet files", "bare": "hook off, reference lines left as text",
             "peer": "markdown-exec: the same code in the MkDocs process, per language, no cache",
             "check cold": "python -m docexec check, empty cache (no HTML)", "check warm": "python -m docexec check, nothing changed"}
    for name in ("cold", "warm", "plain", "floor", "bare", "peer", "check cold", "check warm"):
        print(f"  {name:6s} {median[name]:6.2f} s   {notes[name]}   (runs: {', '.join(f'{t:.2f}' for t in results[name])})")
    targets = [("cold / (plain + floor)", median["cold"] / (median["plain"] + median["floor"]), 0.85),
               ("warm / plain", median["warm"] / median["plain"], 1.05),
               ("cold / markdown-exec", median["cold"] / median["peer"], 0.75),
               ("warm / markdown-exec", median["warm"] / median["peer"], 0.5)]
    for name, ratio, target in targets:
        print(f"  {name:24s} = {ratio:.2f}   target <= {target:.2f}   {'ok' if ratio <= target else 'MISSED'}")
    print(f"  check cold / build cold  = {median['check cold'] / median['cold']:.2f}   "
          f"check warm / build warm = {median['check warm'] / median['warm']:.2f}")
    real_median = {k: statistics.median(v) for k, v in real.items()}
    print(f"this repository's site, medians of {args.real_runs} runs:")
    for name, value in real_median.items():
        print(f"  {name:11s} {value:6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in real[name])})")
    print(f"  check cold / build cold  = {real_median['check cold'] / real_median['build cold']:.2f}   "
          f"check warm / build warm = {real_median['check warm'] / real_median['build warm']:.2f}")
    print(f"  (against bare instead: cold / (bare + floor) = {median['cold'] / (median['bare'] + median['floor']):.2f}, "
          f"warm / bare = {median['warm'] / median['bare']:.2f})")
    import serve  # bench/serve.py: under `mkdocs serve`, an edit until the served page shows it

    print(f"mkdocs serve, {args.pages} pages: prose and snippet edits until the page shows them, 3 edits each")
    print("\n".join(serve.report(serve.rows([args.pages]))))

if __name__ == "__main__":
    main()
