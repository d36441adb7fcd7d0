# runner: runs snippet files in forks of one torch-importing server, with timeouts and crash reports.
from __future__ import annotations

import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from . import processes, server, sources, terminal
from .paths import portable
from .sections import SnippetFile

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
    expected_sections: int  # how many the file has; fewer results means a section failed or the file exited
    cached: bool = False
    exited: bool = False  # the last section ended the file with sys.exit(0) or sys.exit(None), as Python allows
    # What the result depends on besides its code: project files it read or listed (relative
    # path -> sources.state), served from the cache only while they are unchanged.
    inputs: dict[str, str] = field(default_factory=dict)
    spawned: bool = False  # it started a process, whose reads and writes no hook sees
    problems: list[str] = field(default_factory=list)  # refused writes it caught, sources it changed

    @property
    def ok(self) -> bool:
        whole = len(self.sections) == self.expected_sections or self.exited
        return whole and all(s.status == "ok" for s in self.sections) and not self.problems

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
    protected: tuple[str, ...] = ()  # the build's sources (sources.protected): no snippet may change them
    ignored: tuple[str, ...] = ()  # read by snippets but not their inputs (sources.ignored)
    sealed: tuple[str, ...] = ()  # the engine's cache folder: no snippet may write there (it is not a source)
    # When a list: each file's time stamps, (wall, CPU) by phase, the runner's and the child's
    # (bench/overhead.py turns them into the per-file overhead by phase).
    stamps: list[dict[str, dict[str, Any]]] | None = field(default=None, compare=False)


Done = Callable[[FileResult], None]


def run_all(jobs: list[Job], settings: Settings, done: Done | None = None,
            stop: threading.Event | None = None) -> list[FileResult]:
    """Run every job, a few forks at a time, starting them in the order of ``jobs``; results come
    back in that order, and each is also handed to ``done`` (in a worker thread) as it finishes."""
    if not jobs:
        return []
    context = server.context()
    stop = stop or threading.Event()
    with tempfile.TemporaryDirectory(prefix="docexec-") as scratch:
        with ThreadPoolExecutor(max_workers=min(settings.workers, len(jobs))) as pool:
            futures = [pool.submit(_run_one, context, job, settings, os.path.join(scratch, f"{i}.out"), stop)
                       for i, job in enumerate(jobs)]
            if done is not None:
                for future in futures:
                    future.add_done_callback(lambda f: done(f.result()) if not f.cancelled() and f.exception() is None else None)
            try:
                return [f.result() for f in futures]
            except BaseException:
                # Ctrl-C reaches this process only (each snippet leads its own session): stop
                # the running files, whose trees are then killed, and start no others.
                stop.set()
                for future in futures:
                    future.cancel()
                raise


def _start(conn: Connection, job: dict[str, Any]) -> None:
    from . import child  # already imported by the fork server's preload

    child.run_file(conn, job)


def _run_one(context: Any, job: Job, settings: Settings, output: str, stop: threading.Event) -> FileResult:
    sections = job.file.sections
    payload = {
        "root": settings.root, "path": job.file.path, "output": output,
        "sections": [(s.name, s.line, s.code) for s in sections],
        "claims": job.claims, "seed": settings.seed, "threads": settings.threads,
        "guard": {"protected": list(settings.protected), "ignored": list(settings.ignored), "sealed": list(settings.sealed)},
    }
    began = time.monotonic()
    stamps = {"start": _stamp()}
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_start, args=(writer, payload), daemon=True)
    server.start(process)
    writer.close()
    stamps["started"] = _stamp()
    child_stamps: dict[str, Any] = {}
    whole = False  # the child ended everything it started (processes.end_descendants)
    results: list[SectionResult] = []
    current, offset, finished, exited = -1, 0, False, False
    seen: dict[str, Any] | None = None  # the guard's last report
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while not stop.is_set():
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
                elif message[0] == "inputs":
                    seen = message[1]
                elif message[0] == "done":
                    _, index, error, duration, claims, end, figures = message
                    if end - offset > MAX_OUTPUT:  # counted at the end too: the limit cannot depend on when we polled
                        results.append(_too_much(sections[index].name, output, offset, settings.root))
                        break
                    status = "ok" if error is None else "error"
                    results.append(SectionResult(sections[index].name, status, _read(output, offset, end, settings.root),
                                                 error or "", duration, claims, figures))
                    current, deadline = -1, time.monotonic() + STARTUP_TIMEOUT
                elif message[0] == "exited":
                    exited = True
                else:
                    finished, child_stamps, whole = True, {**message[1], "imported": message[3]}, message[2]
                    stamps["received"] = _stamp()
                    break
                continue
            if not process.is_alive():
                if reader.poll(0):
                    continue  # its last messages are still to be read
                # Dead, but no EOF: a process it started holds the pipe open.
                results.append(_died(process, sections, current, output, offset, settings.root))
                break
            if current >= 0 and processes.size(output) - offset > MAX_OUTPUT:  # a runaway print loop, stopped early
                _end(process, output)
                results.append(_too_much(sections[current].name, output, offset, settings.root))
                break
            if time.monotonic() > deadline:
                if current < 0:
                    _end(process, output)
                    results.append(SectionResult(sections[0].name if sections else "", "timeout", "", "the snippet process did not start in time"))
                else:
                    limit = sections[current].options.get("timeout", job.timeout)
                    results.append(_timed_out(process, job.file, current, limit, output, offset, settings.root))
                break
    finally:
        reader.close()
        # Whatever ended the file, nothing it started may outlive it. When the child ended its
        # descendants itself, only its group can be left; else /proc is searched, and for
        # processes that left its session (holding its output file) when it did not end by itself.
        _end(process, None if finished else output, whole)
    if settings.stamps is not None and finished:
        settings.stamps.append({"runner": {**stamps, "ended": _stamp()}, "child": child_stamps})
    result = FileResult(job.file.path, job.key, results, time.monotonic() - began, expected_sections=len(sections),
                        exited=exited and finished and bool(results) and results[-1].status == "ok")
    _add_inputs(result, seen, settings.root)
    return result


def _stamp() -> tuple[float, float]:
    return time.monotonic(), time.thread_time()  # this thread's CPU: the pool runs files side by side


def _add_inputs(result: FileResult, seen: dict[str, Any] | None, root: str) -> None:
    """Hashed now, after the run: the state the output was computed from."""
    if seen is None:
        return
    result.inputs = sources.states(root, seen["reads"] + seen["listed"])
    result.spawned = seen["spawned"]
    if all(s.status == "ok" for s in result.sections):  # else the refusal is in the section's traceback
        result.problems.extend(f"{result.path}({line}): {message}\n(the snippet caught the PermissionError; "
                               "the build fails anyway, as the snippet did not do what it meant to)"
                               for line, message in seen["refused"])


def run_guarded(jobs: list[Job], settings: Settings, held: sources.Held, done: Done | None = None,
                stop: threading.Event | None = None) -> list[FileResult]:
    """``run_all``, with the build's sources fingerprinted before and after: a change (which only a
    process a snippet started can make, past the guard) fails the files blamed for it."""
    if not jobs:
        return []
    before = sources.fingerprint(settings.root, list(settings.protected))
    results = run_all(jobs, settings, done, stop)
    changed = sources.changes(before, sources.fingerprint(settings.root, list(settings.protected)))
    blamed = held.blame(results, changed)
    for result in results:
        if result.path in blamed:
            result.problems.append(blamed[result.path])
    return results


def _too_much(name: str, output: str, offset: int, root: str) -> SectionResult:
    # Only the start is kept: nothing oversized is recorded, cached or published.
    return SectionResult(name, "too-much-output", _read(output, offset, offset + 4096, root),
                         f"printed more than {MAX_OUTPUT} bytes (the limit per section); the process was stopped\n"
                         "print less: a shape, a slice or a summary instead of the whole value")


def _timed_out(process: Any, file: SnippetFile, index: int, limit: float, output: str, offset: int, root: str) -> SectionResult:
    if processes.size(output) - offset > MAX_OUTPUT:  # before the stack dump adds to it
        return _too_much(file.sections[index].name, output, offset, root)
    # Asked before the kill: faulthandler in the child writes the stack into the output.
    mark = processes.ask_where(process.pid, output) if process.is_alive() else None
    _end(process, output)
    printed = _read(output, offset, mark, root)
    dump: list[str] = []
    if mark is not None:
        after, dump = processes.split_dump(_read(output, mark, None, root))
        printed += after  # what it printed after the mark, the stack left out
    frames = [line for line in _fault_report("\n".join(dump)).split("\n") if line.strip()]
    message = f"still running after {limit:g} s{_where(file, frames)}; the process was stopped"
    if frames:
        message += "\nstack (most recent call first):\n" + "\n".join(frames)
    return SectionResult(file.sections[index].name, "timeout", printed, message)


def _where(file: SnippetFile, frames: list[str]) -> str:
    """` at FILE line N: SOURCE` for the innermost frame in the snippet file itself."""
    for line in frames:
        found = processes.frame(line)
        if found is not None and found[0] == file.path:
            lines = file.text.splitlines()
            source = lines[found[1] - 1].strip() if 0 < found[1] <= len(lines) else ""
            return f" at {file.path} line {found[1]}" + (f": {source}" if source else "")
    return ""


def _died(process: Any, sections: Any, current: int, output: str, offset: int, root: str) -> SectionResult:
    process.join(5)
    if current >= 0 and processes.size(output) - offset > MAX_OUTPUT:  # the same section fails the same way, however it ended
        return _too_much(sections[current].name, output, offset, root)
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


def _end(process: Any, output: str | None = None, whole: bool = False) -> None:
    if whole:
        # The child ended all it started and exits by itself (os._exit after its last message);
        # the fork server reaps it. Not waited for: the next file starts meanwhile.
        processes.end_group(process.pid)
        return
    processes.end_tree(process.pid, output)
    try:
        if process.is_alive():  # not yet in its own session, or not on Linux
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
    return portable(terminal.screen(data.decode("utf-8", errors="replace")), root)
