# guard: inside a snippet's fork, records the project files it reads and refuses changes to the build's sources.
"""A PEP 578 audit hook, installed by ``child`` in the fork that runs one snippet file (never in
the server or the build: audit hooks cannot be removed, and the fork is thrown away).

- Every project file the snippet opens for reading (found or not), every project folder it lists
  and every project module it imports is an input: the runner hashes them after the run and the
  cache serves the result only while they are unchanged (``sources.unchanged``).
- Writing, creating, deleting, renaming, chmod and the like inside the build's sources (the docs
  folder, ``snippets/``, ``mkdocs.yml``, the folders ``mkdocs serve`` watches) raise
  PermissionError at the snippet's line; refusals are also reported, so one the snippet catches
  still fails the build.
- Starting a process (or forking) is noted: what a process reads is unknown, so the result is
  not cached; a process is beyond the hook, so if the sources change anyway, ``sources.Held``
  blames the files that started one.
"""
from __future__ import annotations

import errno
import os
import sys
import threading
from types import TracebackType
from typing import Any

HOOK_FILE = os.path.abspath(__file__)
IMPORTLIB = "<frozen importlib._bootstrap_external>"
# event -> the positions of its path arguments and of the dir_fd each is relative to (None: none)
CHANGES: dict[str, tuple[tuple[int, int | None], ...]] = {
    "os.remove": ((0, 1),), "os.rmdir": ((0, 1),), "os.mkdir": ((0, 2),), "os.chmod": ((0, 2),),
    "os.chown": ((0, 3),), "os.utime": ((0, 3),), "os.truncate": ((0, None),), "os.chflags": ((0, None),),
    "os.lchflags": ((0, None),), "os.setxattr": ((0, None),), "os.removexattr": ((0, None),),
    "os.mkfifo": ((0, 2),), "os.mknod": ((0, 3),), "os.rename": ((0, 2), (1, 3)), "os.link": ((1, 3),),
    "os.symlink": ((1, 2),), "shutil.rmtree": ((0, 1),), "shutil.copyfile": ((1, None),),
    "shutil.copytree": ((1, None),), "shutil.chown": ((0, None),),
}
VERBS = {"remove": "delete", "rmdir": "delete", "rmtree": "delete", "mkdir": "create a folder at", "utime": "change the times of",
         "copyfile": "copy onto", "copytree": "copy into", "symlink": "create a link at", "link": "create a link at",
         "mkfifo": "create", "mknod": "create", "setxattr": "change the attributes of",
         "removexattr": "change the attributes of", "chflags": "change the flags of", "lchflags": "change the flags of"}
SPAWNS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "pty.spawn", "os.startfile"}
FORKS = {"os.fork", "os.forkpty"}  # a fork keeps the hook, but what it reads is not reported back
LISTS = {"os.listdir", "os.scandir"}
EVENTS = frozenset({"open", *CHANGES, *SPAWNS, *FORKS, *LISTS})  # every other event returns at once: it is called for all
WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class Guard:
    def __init__(self, root: str, script: str, protected: list[str], ignored: list[str], sealed: list[str] | None = None) -> None:
        self.root = os.path.realpath(root)
        self.script = script  # the snippet's path as its code objects name it (relative to root)
        self.protected = [os.path.realpath(p) for p in protected]
        # The engine's own folders (its cache): entries there are other files' results and the
        # pages' kept products, so a snippet writing there could change what another file shows.
        self.sealed = [os.path.realpath(p) for p in sealed or []]
        # As given and as resolved: most paths read (torch's, matplotlib's modules) are skipped by
        # their prefix, before the cost of resolving them.
        self.ignored = sorted({q for p in ignored if p for q in (os.path.abspath(p), os.path.realpath(p))})
        self.reads: set[str] = set()  # project-relative paths
        self.listed: set[str] = set()
        self.refused: list[tuple[int, str]] = []  # (the snippet's line, why), in the order they happened
        self.spawned = False
        self.closed = False  # the file is done: no process may start any more (close())
        self.modules_seen = set(sys.modules)  # imported before the snippet, or already reported
        self.local = threading.local()  # .busy: the hook's own calls must not re-enter it (per thread)

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if event not in EVENTS or getattr(self.local, "busy", False):
            return
        self.local.busy = True
        try:
            self._event(event, args)
        finally:
            self.local.busy = False

    def _event(self, event: str, args: tuple[Any, ...]) -> None:
        if self.closed and (event in SPAWNS or event in FORKS):
            raise PermissionError(errno.EPERM, "refused: the snippet file is done, its processes are being ended")
        if event in SPAWNS:
            self.spawned = True
        elif event in FORKS:
            # The snippet's forks (a DataLoader's workers), not the engine's own (its code is not on the stack then).
            self.spawned = self.spawned or self._line() != 0
        elif event == "open":
            path, flags = args[0], args[2]
            if not isinstance(path, (str, bytes, os.PathLike)):
                return  # an fd: what it refers to was checked when it was opened
            accmode = flags & os.O_ACCMODE
            if flags & WRITING:
                self._refuse_change("write", path, None)
            if accmode in (os.O_RDONLY, os.O_RDWR):
                self._note(self.reads, path, None)
        elif event in LISTS:
            if sys._getframe(2).f_code.co_filename != IMPORTLIB:  # the import system's own look-ups are not reads
                self._note(self.listed, args[0] if args and args[0] is not None else ".", None)
        else:
            for position, fd_position in CHANGES[event]:
                if position < len(args):
                    dir_fd = args[fd_position] if fd_position is not None and fd_position < len(args) else None
                    name = event.split(".")[-1]
                    self._refuse_change(VERBS.get(name, name), args[position], dir_fd)

    def _named(self, path: Any, dir_fd: Any) -> str | None:
        """The path as named, absolute (its links not followed)."""
        if isinstance(path, int):
            path = f"/proc/self/fd/{path}"
            try:
                path = os.readlink(path)
            except OSError:
                return None
        path = os.fsdecode(path)
        base = os.getcwd()
        if isinstance(dir_fd, int) and dir_fd >= 0:
            try:
                base = os.readlink(f"/proc/self/fd/{dir_fd}")
            except OSError:
                pass
        return os.path.normpath(os.path.join(base, path))

    def _refuse_change(self, what: str, path: Any, dir_fd: Any) -> None:
        named = self._named(path, dir_fd)
        if named is None:
            return
        paths = (named, os.path.realpath(named))  # the link itself, and what it leads to
        hit = next((p for p in paths for folder in self.protected if _inside(p, folder)), None)
        sealed = next((p for p in paths for folder in self.sealed if _inside(p, folder)), None)
        found = hit if hit is not None else sealed
        if found is None:
            return
        shown = os.path.relpath(found, self.root) if _inside(found, self.root) else found
        if hit is not None:
            message = (f"refused: a snippet may not {what} {shown}, one of the build's sources (the docs folder, "
                       "snippets/, mkdocs.yml and the folders mkdocs serve watches); write into a temporary folder "
                       "(tempfile.mkdtemp()) or outside them")
        else:
            message = (f"refused: a snippet may not {what} {shown}, in the engine's cache folder (other files' "
                       "results are kept there); write into a temporary folder (tempfile.mkdtemp()) or outside it")
        self.refused.append((self._line(), message))
        raise PermissionError(errno.EACCES, message)

    def _note(self, into: set[str], path: Any, dir_fd: Any) -> None:
        named = self._named(path, dir_fd)
        if named is None or any(_inside(named, folder) for folder in self.ignored):
            return
        real = os.path.realpath(named)
        # A compiled module is its source's copy, and the source is recorded with the module.
        if "__pycache__" in real.split(os.sep):
            return
        if _inside(real, self.root) and not any(_inside(real, folder) for folder in self.ignored):
            into.add(os.path.relpath(real, self.root).replace(os.sep, "/"))

    def _line(self) -> int:
        """The snippet's line that is running (0 when the snippet's code is not on the stack)."""
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename == self.script:
                return frame.f_lineno
            frame = frame.f_back  # type: ignore[assignment]
        return 0

    def report(self) -> dict[str, Any]:
        """What the runner needs, in plain values (it crosses the pipe): sorted, so it is stable."""
        self.local.busy = True  # the look-ups below are not the snippet's reads
        try:
            fresh = set(sys.modules) - self.modules_seen
            self.modules_seen |= fresh
            for name in fresh:
                found = getattr(sys.modules.get(name), "__file__", None)
                if isinstance(found, str):
                    self._note(self.reads, found, None)
        finally:
            self.local.busy = False
        return {"reads": sorted(self.reads), "listed": sorted(self.listed), "refused": list(self.refused),
                "spawned": self.spawned}


_GUARD: Guard | None = None


def install(root: str, script: str, protected: list[str], ignored: list[str], sealed: list[str] | None = None) -> None:
    """Once per fork, before the snippet's first line."""
    global _GUARD
    _GUARD = Guard(root, script, protected, ignored, sealed)
    sys.addaudithook(_GUARD)


def close() -> None:
    """The file is done: from now on a thread it left running cannot start a process that would
    outlive the end of its tree (``processes.end_descendants``)."""
    if _GUARD is not None:
        _GUARD.closed = True


def report() -> dict[str, Any] | None:
    return _GUARD.report() if _GUARD is not None else None


def absorb(found: dict[str, Any] | None) -> None:
    """What a throwaway fork of this process (the claims') read or was refused counts as this
    file's own: a claim reading a data file makes that file part of the cache key too."""
    if _GUARD is None or not found:
        return
    _GUARD.reads.update(found["reads"])
    _GUARD.listed.update(found["listed"])
    _GUARD.refused.extend((line, why) for line, why in found["refused"] if (line, why) not in _GUARD.refused)
    _GUARD.spawned = _GUARD.spawned or found["spawned"]


def cut(tb: TracebackType | None) -> TracebackType | None:
    """The traceback without the hook's own frame: a refusal reads as raised at the snippet's line."""
    if tb is None or tb.tb_frame.f_code.co_filename == HOOK_FILE:
        return None
    head = tb
    while tb.tb_next is not None:
        if tb.tb_next.tb_frame.f_code.co_filename == HOOK_FILE:
            tb.tb_next = None
            break
        tb = tb.tb_next
    return head


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
