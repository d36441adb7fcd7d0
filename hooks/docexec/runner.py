# runner: runs snippet files in forks of one torch-importing server, with timeouts and crash reports.
from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .paths import portable
from .sections import SnippetFile

HOOKS_DIR = str(Path(__file__).resolve().parent.parent)
STARTUP_TIMEOUT = 300.0  # fork + the server's one torch import; generous for a loaded CI machine
MAX_OUTPUT = 1 << 20  # bytes per section; a runaway print loop must not fill the disk
POLL = 0.2


@dataclass
class SectionResult:
    name: str
    status: str  # ok | error | timeout | crashed | too-much-output
    output: str
    error: str = ""
    duration: float = 0.0
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    figures: list[str] = field(default_factory=list)  # PNG images, base64


@dataclass
class FileResult:
    path: str
    key: str
    sections: list[SectionResult]
    duration: float
    expected_sections: int  # how many the file has; fewer results means a section failed
    cached: bool = False

    @property
    def ok(self) -> bool:
        return len(self.sections) == self.expected_sections and all(s.status == "ok" for s in self.sections)

    def section(self, name: str) -> SectionResult | None:
        return next((s for s in self.sections if s.name == name), None)


@dataclass(frozen=True)
class Job:
    file: SnippetFile
    key: str
    claims: dict[str, list[str]]  # section name -> expressions to evaluate right after it
    timeout: float  # default per section; a section's `timeout=` overrides it


@dataclass(frozen=True)
class Settings:
    root: str
    seed: int = 0
    threads: int = 1
    workers: int = max(1, min(4, os.cpu_count() or 1))


def run_all(jobs: list[Job], settings: Settings) -> list[FileResult]:
    """Run every job, a few forks at a time; results come back in the order of ``jobs``."""
    if not jobs:
        return []
    context = _context()
    with tempfile.TemporaryDirectory(prefix="docexec-") as scratch:
        with ThreadPoolExecutor(max_workers=min(settings.workers, len(jobs))) as pool:
            futures = [pool.submit(_run_one, context, job, settings, os.path.join(scratch, f"{i}.out")) for i, job in enumerate(jobs)]
            return [f.result() for f in futures]


_CONTEXT: Any = None


def _context() -> Any:
    # The fork server imports docexec.child (and so torch) once; every file then runs in a
    # fork of it. It outlives a build, so `mkdocs serve` rebuilds import torch no more.
    global _CONTEXT
    if _CONTEXT is None:
        if HOOKS_DIR not in sys.path:
            sys.path.insert(0, HOOKS_DIR)
        _CONTEXT = multiprocessing.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(["docexec.child"])
    return _CONTEXT


_START_LOCK = threading.Lock()


def _start_without_main(process: Any) -> None:
    # multiprocessing re-imports the parent's __main__ in every child; here that is the mkdocs
    # (or pytest) command line, which the snippet child must not run. Drop it from the data
    # the child is prepared with, for this start only.
    from multiprocessing import spawn

    with _START_LOCK:
        original = spawn.get_preparation_data

        def prepared(name: str) -> dict[str, Any]:
            data = original(name)
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
            return data

        # The fork server starts on the first start(); Python 3.11 does not hand it our
        # sys.path, and without hooks/ on its path the torch preload fails silently and every
        # fork imports torch anew. PYTHONPATH reaches it.
        saved = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (HOOKS_DIR, saved) if p)
        spawn.get_preparation_data = prepared
        try:
            process.start()
        finally:
            spawn.get_preparation_data = original
            if saved is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = saved


def _start(conn: Connection, job: dict[str, Any]) -> None:
    from . import child  # already imported by the fork server's preload

    child.run_file(conn, job)


def _run_one(context: Any, job: Job, settings: Settings, output: str) -> FileResult:
    sections = job.file.sections
    payload = {
        "root": settings.root, "path": job.file.path, "output": output,
        "sections": [(s.name, s.line, s.code) for s in sections],
        "claims": job.claims, "seed": settings.seed, "threads": settings.threads,
    }
    began = time.monotonic()
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_start, args=(writer, payload), daemon=True)
    _start_without_main(process)
    writer.close()
    results: list[SectionResult] = []
    current, offset = -1, 0
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while True:
            if reader.poll(POLL):
                try:
                    message = reader.recv()
                except EOFError:
                    results.append(_died(process, sections, current, output, offset, settings.root))
                    break
                if message[0] == "start":
                    if current < 0 and not results:
                        began = time.monotonic()  # run time excludes waiting for the fork server
                    current, offset = message[1], message[2]
                    deadline = time.monotonic() + sections[current].options.get("timeout", job.timeout)
                elif message[0] == "done":
                    _, index, error, duration, claims, end, figures = message
                    status = "ok" if error is None else "error"
                    results.append(SectionResult(sections[index].name, status, _read(output, offset, end, settings.root),
                                                 error or "", duration, claims, figures))
                    current, deadline = -1, time.monotonic() + STARTUP_TIMEOUT
                else:
                    break
                continue
            size = os.path.getsize(output) if os.path.exists(output) else 0
            if current >= 0 and size - offset > MAX_OUTPUT:
                _kill(process)
                results.append(SectionResult(sections[current].name, "too-much-output", _read(output, offset, offset + 4096, settings.root),
                                             f"printed more than {MAX_OUTPUT} bytes; the process was stopped"))
                break
            if time.monotonic() > deadline:
                _kill(process)
                if current < 0:
                    results.append(SectionResult(sections[0].name if sections else "", "timeout", "", "the snippet process did not start in time"))
                else:
                    limit = sections[current].options.get("timeout", job.timeout)
                    results.append(SectionResult(sections[current].name, "timeout", _read(output, offset, None, settings.root),
                                                 f"still running after {limit:g} s; the process was stopped"))
                break
    finally:
        reader.close()
        process.join(5)
        if process.is_alive():
            _kill(process)
    return FileResult(job.file.path, job.key, results, time.monotonic() - began, expected_sections=len(sections))


def _died(process: Any, sections: Any, current: int, output: str, offset: int, root: str) -> SectionResult:
    process.join(5)
    code = process.exitcode
    if code is not None and code < 0:
        how = f"killed by signal {signal.Signals(-code).name}"
    else:
        how = f"exited with status {code}"
    name = sections[current].name if current >= 0 else (sections[0].name if sections else "")
    return SectionResult(name, "crashed", _fault_report(_read(output, offset, None, root)), f"the process running the snippet died ({how})")


def _fault_report(text: str) -> str:
    # faulthandler's stack also lists the engine's and multiprocessing's frames: keep the snippet's.
    kept = []
    for line in text.splitlines():
        if line.startswith("Extension modules:"):
            continue
        if re.search(r'File "(.*/docexec/(child|runner)\.py|<python>/multiprocessing/.*|<string>)"', line):
            continue
        kept.append(line)
    return "\n".join(kept).rstrip() + "\n"


def _kill(process: Any) -> None:
    try:
        process.kill()
    except (OSError, ValueError):
        pass
    process.join(5)


def _read(path: str, start: int, end: int | None, root: str) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            data = handle.read() if end is None else handle.read(end - start)
    except OSError:
        return ""
    return portable(data.decode("utf-8", errors="replace"), root)


def shutdown() -> None:
    """Stop the fork server (it would also exit by itself when this process ends)."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    if server is not None and getattr(server, "_forkserver_pid", None):
        try:
            os.kill(server._forkserver_pid, signal.SIGTERM)
        except OSError:
            pass
        server._forkserver_pid = None
        server._forkserver_address = None
        if server._forkserver_alive_fd is not None:
            os.close(server._forkserver_alive_fd)
            server._forkserver_alive_fd = None
