# server: the fork server that imports torch once; every snippet file runs in a fork of it.
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

HOOKS_DIR = str(Path(__file__).resolve().parent.parent)

_CONTEXT: Any = None


def context() -> Any:
    # The fork server imports docexec.preload (docexec.child, and so torch, and all else a fork
    # needs) once; every file then runs in a fork of it. It outlives a build, so `mkdocs serve`
    # rebuilds import torch no more.
    global _CONTEXT
    if _CONTEXT is None:
        if HOOKS_DIR not in sys.path:
            sys.path.insert(0, HOOKS_DIR)
        _CONTEXT = multiprocessing.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(["docexec.preload"])
    return _CONTEXT


_START_LOCK = threading.Lock()


@contextlib.contextmanager
def _without_main() -> Iterator[None]:
    # multiprocessing re-imports the parent's __main__ in the fork server and every child; here
    # that is the mkdocs (or pytest) command line, which must not run there. Drop it from the
    # data they are prepared with, for this start only.
    from multiprocessing import spawn

    with _START_LOCK:
        original = spawn.get_preparation_data

        def prepared(name: str) -> dict[str, Any]:
            data = original(name)
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
            return data

        # Python 3.11 does not hand the fork server our sys.path, and without hooks/ on its path
        # the torch preload fails silently and every fork imports torch anew. PYTHONPATH reaches it.
        saved = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (HOOKS_DIR, saved) if p)
        spawn.get_preparation_data = prepared
        try:
            yield
        finally:
            spawn.get_preparation_data = original
            if saved is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = saved


def start(process: Any) -> None:
    with _without_main():
        process.start()


def warm() -> None:
    """Start the fork server now, without waiting for it: its torch import then overlaps
    MkDocs' own start-up, and the first snippet forks from a server that is (nearly) ready."""
    from multiprocessing import forkserver

    context()
    with _without_main():
        forkserver.ensure_running()


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
