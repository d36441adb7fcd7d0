# child: runs one snippet file, section by section, inside a process forked for it alone.
"""Imported once by the fork server, so torch is imported once per build, not once per file.

Every file then runs in a fresh fork: its own namespace, seeds, thread count, print options
and warning registry, and a crash or a hang kills only that fork.
"""
from __future__ import annotations

import ast
import base64
import collections
import faulthandler
import io
import itertools
import json
import logging
import os
import random
import signal
import sys
import time
import tokenize
import traceback
import warnings
from multiprocessing.connection import Connection
from typing import Any

import numpy
import torch

from . import figurelang, guard, processes
from .paths import portable

FIGURE_DPI = 110
# Set by docexec.preload in the fork server: the modules every fork starts with. A module a fork
# imports before its snippet is per-file overhead (the runner's time stamps list them).
PRELOADED: frozenset[str] = frozenset()
EXITED = "sys.exit"  # what _run_section returns when the section ended the file as `sys.exit(0)` does
LONG_TRACEBACK = 90  # frames; a longer traceback keeps its first and last KEPT_FRAMES
KEPT_FRAMES = 30

# Python's own default warning filters, restated so a parent's -W flags cannot leak in.
DEFAULT_FILTERS: list[tuple[Any, type[Warning], str]] = [
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, ""),
    ("ignore", PendingDeprecationWarning, ""),
    ("ignore", ImportWarning, ""),
    ("ignore", ResourceWarning, ""),
]


def run_file(conn: Connection, job: dict[str, Any]) -> None:
    """Entry point of the fork: report each section over ``conn``; output goes to job['output']."""
    stamps = {"entered": _stamp()}  # the process's CPU starts at 0 in a fork: this is its start-up's
    _lead_session()
    reaper = processes.become_reaper()
    os.chdir(job["root"])
    _no_input()
    _redirect_output(job["output"])
    _reset_state(job["seed"], job["threads"])
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": job["path"], "__builtins__": __builtins__}
    sys.argv = [job["path"]]
    _as_script(job)
    stamps["ready"] = _stamp()
    imported = [m for m in sys.modules if m not in PRELOADED] if len(sys.modules) != len(PRELOADED) else []
    for index, (name, line, code) in enumerate(job["sections"]):
        conn.send(("start", index, _offset()))
        started = time.perf_counter()
        error = _run_section(job["path"], line, code, namespace, job["root"])
        duration = time.perf_counter() - started
        exited = error == EXITED
        end, figures = _offset(), _figures()
        last = exited or index == len(job["sections"]) - 1
        wanted = job["claims"].get(name, []) + (job["claims"].get("", []) if last else [])  # "": after the whole file
        claims = _claims_apart(wanted, namespace) if wanted else {}
        conn.send(("done", index, None if exited else error, duration, claims, end, figures))
        if exited:
            conn.send(("exited", index))
        conn.send(("inputs", guard.report()))
        if error is not None:
            break
    sys.stdout.flush()
    sys.stderr.flush()
    stamps["ran"] = _stamp()
    guard.close()  # a thread the snippet left running starts no process from here on
    whole = processes.end_descendants(reaper)
    stamps["ended"] = _stamp()
    conn.send(("end", stamps, whole, imported))
    # Now, not after multiprocessing's clean-up: it would wait for threads the snippet left
    # running, and run code after the runner was told the file is done. Output is flushed.
    os._exit(0)


def _stamp() -> tuple[float, float]:
    # (wall, CPU): the monotonic clock is one for all processes, so the runner can place these
    # among its own (the per-file overhead by phase, bench/overhead.py).
    return time.monotonic(), time.process_time()


def _as_script(job: dict[str, Any]) -> None:
    """As `python snippets/x/f.py` runs it: its folder first on sys.path (``from helper import f``
    finds helper.py beside it), no __pycache__ written into snippets/; then the guard, which
    records what the file reads and refuses changes to the build's sources."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(job["path"])))
    sys.dont_write_bytecode = True
    settings = job["guard"]
    guard.install(job["root"], job["path"], settings["protected"], settings["ignored"], settings["sealed"])


def _no_input() -> None:
    # The builder's stdin (a terminal under `make serve`) is not the snippet's: reading it, or a
    # subprocess reading it, sees an empty input, however the build was started.
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")


def _claims_apart(expressions: list[str], namespace: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each claim's value, computed in a throwaway fork of this process: whatever an expression
    changes (a tensor in place, the random generator, a file offset) is gone when it ends, so
    claims never change what later sections print, nor what the page's notebook re-runs to."""
    sys.stdout.flush()
    sys.stderr.flush()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the fork: print nothing into the section's output, send the values, vanish
        os.close(reader)
        status = 1
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            values = {e: _evaluate(e, namespace) for e in expressions}
            data = json.dumps({"values": values, "inputs": guard.report()}).encode()
            with os.fdopen(writer, "wb") as out:
                out.write(data)
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        found = json.loads(data)
        guard.absorb(found["inputs"])
        return found["values"]
    if len(expressions) > 1:  # find the one that kills its process; the others still get their values
        return {e: _claims_apart([e], namespace)[e] for e in expressions}
    how = f"killed by signal {signal.Signals(os.WTERMSIG(status)).name}" if os.WIFSIGNALED(status) else f"exit status {os.WEXITSTATUS(status)}"
    died = {"raised": "ChildProcessError", "bases": ["ChildProcessError", "OSError", "Exception", "BaseException", "object"],
            "message": f"the process evaluating the claims died ({how})"}
    return {e: died for e in expressions}


def _figures() -> list[str]:
    """Figures left open by the section, as a notebook's inline backend would show them."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    images = []
    for number in pyplot.get_fignums():
        buffer = io.BytesIO()
        # A fixed dpi: the same figure gives the same bytes every build. A figure labelled with a
        # language ("zh") carries it, so each page links the one drawn in its language.
        figure = pyplot.figure(number)
        figure.savefig(buffer, format="png", dpi=FIGURE_DPI, metadata=figurelang.metadata(figure.get_label()))
        images.append(base64.b64encode(buffer.getvalue()).decode("ascii"))
    pyplot.close("all")
    return images


def _redirect_output(path: str) -> None:
    # fd level, so that C extensions' prints and faulthandler's report land in the output too,
    # in the order they happened.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True)
    faulthandler.enable(file=sys.stderr, all_threads=False)
    if hasattr(signal, "SIGUSR2"):
        # The runner sends it at a timeout, so the report can say where the snippet was stuck.
        faulthandler.register(signal.SIGUSR2, file=sys.stderr, all_threads=False, chain=False)


def _lead_session() -> None:
    # Whatever the snippet starts stays in this fork's group and session, so the runner can
    # end all of it when the file is done; a timeout or crash would otherwise leave it running.
    if hasattr(os, "setsid"):
        try:
            os.setsid()
        except OSError:
            pass  # already a group leader: only processes it starts later are tracked


def _offset() -> int:
    return os.lseek(1, 0, os.SEEK_CUR)


def _reset_state(seed: int, threads: int) -> None:
    os.environ["MPLBACKEND"] = "Agg"
    # matplotlib announces a font-cache build on a fresh machine: noise, not the snippet's output.
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    random.seed(seed)
    numpy.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.set_printoptions(profile="default")
    numpy.set_printoptions(legacy=False)
    warnings.resetwarnings()
    for action, category, module in DEFAULT_FILTERS:
        warnings.filterwarnings(action, category=category, module=module, append=True)
    warnings.showwarning = _show_warning


def _show_warning(message: Any, category: type[Warning], filename: str, lineno: int, file: Any = None, line: str | None = None) -> None:
    import linecache

    source = line if line is not None else linecache.getline(filename, lineno)
    root = os.getcwd()
    sys.stderr.write(warnings.formatwarning(message, category, portable(filename, root), lineno, source))


def _run_section(path: str, line: int, code: str, namespace: dict[str, Any], root: str) -> str | None:
    """Run one section like a notebook cell; return None, or the traceback of what it raised."""
    try:
        # Padded so line numbers in tracebacks and warnings are the file's real ones.
        tree = ast.parse("\n" * (line - 1) + code, filename=path)
        # As in a notebook, a trailing bare expression shows its repr; a trailing `;` hides it.
        shown = tree.body and isinstance(tree.body[-1], ast.Expr) and not _ends_with_semicolon(code)
        last = tree.body.pop() if shown else None
        exec(compile(tree, path, "exec"), namespace)
        if isinstance(last, ast.Expr):
            value = eval(compile(ast.Expression(last.value), path, "eval"), namespace)
            if value is not None:
                namespace["_"] = value
                print(repr(value))
        return None
    except SystemExit as stop:
        if _normal_exit(stop):
            return EXITED
        return portable(_traceback(stop, path), root)
    except BaseException as error:  # noqa: BLE001 - KeyboardInterrupt and other exits are failures too
        return portable(_traceback(error, path), root)


def _normal_exit(stop: SystemExit) -> bool:
    # Python's own rule: sys.exit(), sys.exit(None) and sys.exit(0) end a script with status 0.
    return stop.code is None or (isinstance(stop.code, int) and stop.code == 0)


def _ends_with_semicolon(code: str) -> bool:
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT}
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type not in skip]
    return bool(tokens) and tokens[-1].string == ";"


def _traceback(error: BaseException, path: str) -> str:
    # Drop docexec's own frames: the traceback starts at the snippet's first frame.
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != path:
        tb = tb.tb_next
    tb = guard.cut(tb)
    depth = sum(1 for _ in itertools.islice(traceback.walk_tb(tb), LONG_TRACEBACK + 1))
    if depth > LONG_TRACEBACK:
        return _long_traceback(error, tb)
    return "".join(traceback.format_exception(type(error), error, tb)).rstrip()


def _long_traceback(error: BaseException, tb: Any) -> str:
    """A deep recursion's traceback (10**7 frames after sys.setrecursionlimit) would take
    minutes to format: keep its first frames, where the snippet's line is, and its last."""
    first = list(itertools.islice(traceback.walk_tb(tb), KEPT_FRAMES))
    counted = itertools.count()
    last = [frame for frame, _ in collections.deque(zip(traceback.walk_tb(tb), counted), maxlen=KEPT_FRAMES)]
    total = next(counted)  # zip stops before taking from `counted` again: it counted every frame
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.StackSummary.extract(iter(first)).format()
    lines.append(f"  ... {total - 2 * KEPT_FRAMES} frames not shown ...\n")
    lines += traceback.StackSummary.extract(iter(last)).format()
    lines += traceback.format_exception_only(type(error), error)
    return "".join(lines).rstrip()


def _evaluate(expression: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """What claims.check needs to know of the value, in plain JSON (it is cached)."""
    try:
        value = eval(compile(expression, "<claim>", "eval"), namespace)
    except Exception as error:  # noqa: BLE001 - a claim may say that it raises
        return {"raised": type(error).__name__, "bases": [c.__name__ for c in type(error).__mro__], "message": str(error)}
    seen: dict[str, Any] = {"repr": repr(value), "str": str(value), "type": type(value).__name__, "none": value is None}
    seen["bool"] = _flag(value)
    if isinstance(value, (tuple, list)) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        seen["ints"] = list(value)  # torch.Size is a tuple
    try:
        if isinstance(value, (str, bytes)):
            raise TypeError("text is not a number")  # float("1.5") would pass a number claim
        flat = value.flatten().tolist() if hasattr(value, "flatten") else value
        seen["numbers"] = [float(v) for v in (flat if isinstance(flat, (list, tuple)) else [flat])]
    except (TypeError, ValueError, RuntimeError):
        seen["numbers"] = None
    return seen


def _flag(value: Any) -> bool | None:
    if isinstance(value, (bool, numpy.bool_)):
        return bool(value)
    if isinstance(value, torch.Tensor) and value.dtype == torch.bool and value.numel() == 1:
        return bool(value.item())
    return None
