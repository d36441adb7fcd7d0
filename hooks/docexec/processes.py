# processes: ends a snippet file's whole process tree, and asks a running snippet where it is.
"""The fork that runs a snippet file leads its own session and process group (``child.run_file``
calls ``setsid``), so its group, its session and its descendants are the processes it started.

On Linux the fork is also their reaper (``become_reaper``): a process whose parent ends is
re-parented to it, not to init, so while it lives every process the snippet started, however
it left the group or session, is its descendant. At the end of a file it ends them by walking
its children (``end_descendants``), which costs nothing when there are none; the runner then
only kills its group. A fork that did not end that way (a crash, a timeout) is ended by
``end_tree``, which reads all of ``/proc``. Elsewhere only the group is killed. Nothing here
waits for longer than ``DUMP_WAIT``.
"""
from __future__ import annotations

import ctypes
import os
import re
import signal
import sys
import time
from dataclasses import dataclass
from typing import Any

# The child registers faulthandler for this signal: it writes the snippet's stack, then runs on.
STACK_SIGNAL: signal.Signals | None = getattr(signal, "SIGUSR2", None)
STACK_HEADER = "Stack (most recent call first):"
DUMP_WAIT = 1.0  # seconds for the stack to appear before the snippet is killed anyway
ROUNDS = 5  # a process forking while its tree is killed leaves a child for the next round
PR_SET_CHILD_SUBREAPER = 36  # prctl(2), Linux 3.4 and later
GONE_WAIT = 0.05  # seconds for killed processes to be gone before the next round looks again
FRAME = re.compile(r'^\s*File "(?P<file>[^"]*)", line (?P<line>\d+) in (?P<name>.*)$')


@dataclass(frozen=True)
class _Stat:
    state: str
    ppid: int
    group: int
    session: int


def end_tree(leader: int, holding: str | None = None) -> None:
    """SIGKILL every process in ``leader``'s group and session, every process that has the file
    ``holding`` open, and every descendant of them."""
    if leader <= 1 or leader == os.getpid() or leader == os.getpgrp():
        return  # never this process or its own group, whatever went wrong upstream
    for _ in range(ROUNDS):
        targets = tree(leader, holding)
        for pid in targets:
            _send(pid, signal.SIGKILL)
        if hasattr(os, "killpg"):
            try:
                os.killpg(leader, signal.SIGKILL)
            except OSError:
                pass  # no group (yet, or any more): nothing left in it to kill
        if not targets:
            return
        _wait_gone(targets)


def end_group(leader: int) -> None:
    """SIGKILL ``leader``'s group: all that can be left of a snippet's process once it has ended
    its descendants itself (``end_descendants`` returned True)."""
    if leader <= 1 or leader == os.getpid() or leader == os.getpgrp() or not hasattr(os, "killpg"):
        return
    try:
        os.killpg(leader, signal.SIGKILL)
    except OSError:
        pass  # the group is gone already


def become_reaper() -> bool:
    """Make this process the reaper of all it starts (Linux): an orphan among its descendants is
    re-parented here instead of to init, so it stays a descendant. True when that holds and
    ``/proc`` lists each thread's children (``end_descendants`` needs both)."""
    if _PRCTL is None or not os.path.exists(f"/proc/self/task/{os.getpid()}/children"):
        return False
    return _PRCTL(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def end_descendants(reaper: bool) -> bool:
    """Called by a snippet's process when its file is done: SIGKILL what it started. As a reaper
    (``become_reaper``) it kills and reaps until it has no child left, and returns True: then
    nothing it started is alive. Otherwise it kills what ``tree`` finds (a child in a session of
    its own is found by its parent now; once the parent exits it is an orphan) and returns False."""
    if not reaper:
        for pid in tree(os.getpid()):
            _send(pid, signal.SIGKILL)
        return False
    deadline, pause = time.monotonic() + DUMP_WAIT, 0.0005
    while True:
        for pid in descendants(os.getpid()):  # parents before their children: none forks again
            _send(pid, signal.SIGKILL)
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:  # the killed; their children come to this process
                pause = 0.0005
        except ChildProcessError:
            return True  # no child, alive or dead: the whole tree is gone
        if time.monotonic() > deadline:
            return False  # one that does not die (stuck in the kernel): the runner searches /proc
        time.sleep(pause)  # killed, not yet dead: SIGKILL is obeyed when the process next runs
        pause = min(pause * 2, 0.01)


def descendants(pid: int) -> list[int]:
    """``pid``'s living and dead descendants, parents first, from each thread's ``children``
    list in /proc (Linux): their number is the cost, not the machine's process count."""
    found: list[int] = []
    frontier = [pid]
    while frontier:
        found_now = [c for p in frontier for c in _children(p) if c not in found]
        found += found_now
        frontier = found_now
    return found


def _children(pid: int) -> list[int]:
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []  # ended meanwhile
    children: list[int] = []
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children", "rb") as handle:
                children += [int(c) for c in handle.read().split()]
        except OSError:
            continue
    return children


def _wait_gone(pids: set[int]) -> None:
    """Until each of ``pids`` is dead (a zombie counts) or GONE_WAIT passed: the next round then
    sees only what was started meanwhile, without a fixed sleep."""
    deadline, pause = time.monotonic() + GONE_WAIT, 0.0005
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, 0.005)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read()
    except OSError:
        return False
    return text[text.rfind(b")") + 2:text.rfind(b")") + 3] not in (b"Z", b"X")


def tree(leader: int, holding: str | None = None) -> set[int]:
    """Living processes of ``leader``'s group or session or holding the file ``holding`` open,
    and their descendants (Linux)."""
    table = _table()
    # Matched by group or session, never by pid alone: after the leader is gone its pid may
    # belong to another program, which would not lead a session of that number.
    found = {pid for pid, stat in table.items() if leader in (stat.group, stat.session)}
    if holding is not None:
        # After a crash, one that left the session has no parent left to find it by; but the
        # snippet's output file is private to it, and what it started inherited that.
        found |= _holders(os.path.realpath(holding), table)
    frontier = set(found)
    while frontier:  # a descendant may have moved to a session of its own
        frontier = {pid for pid, stat in table.items() if stat.ppid in frontier and pid not in found}
        found |= frontier
    found.discard(os.getpid())
    return {pid for pid in found if table[pid].state not in "ZX"}


def _holders(path: str, table: dict[int, _Stat]) -> set[int]:
    found = set()
    for pid in table:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue  # ended, or not ours to look into
        for fd in fds:
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if link in (path, path + " (deleted)"):
                found.add(pid)
                break
    return found


def ask_where(pid: int, output: str) -> int | None:
    """Ask the running snippet for its stack; return the output file's size before it was asked
    (where the stack starts), or None when it cannot be asked."""
    if STACK_SIGNAL is None:
        return None
    mark = size(output)
    if not _send(pid, STACK_SIGNAL):
        return None
    deadline, last = time.monotonic() + DUMP_WAIT, mark
    while time.monotonic() < deadline:
        time.sleep(0.02)
        now = size(output)
        if now > last:
            last = now
        elif now > mark and _has_dump(output, mark):
            break  # written, and nothing more came since the last look
    return mark


def split_dump(text: str) -> tuple[str, list[str]]:
    """Split what was printed after ``ask_where``'s mark into output and the stack's frames."""
    start = text.find(STACK_HEADER + "\n")
    if start < 0:
        return text, []
    lines = text[start + len(STACK_HEADER) + 1:].split("\n")
    count = next((i for i, line in enumerate(lines) if not (FRAME.match(line) or line in ("  ...", "  <no Python frame>"))), len(lines))
    rest = "\n".join(lines[count:])
    return text[:start] + rest, lines[:count]


def frame(line: str) -> tuple[str, int] | None:
    """The file and line number of one of faulthandler's frame lines."""
    match = FRAME.match(line)
    return (match["file"], int(match["line"])) if match else None


def _has_dump(output: str, mark: int) -> bool:
    try:
        with open(output, "rb") as handle:
            handle.seek(mark)
            data = handle.read()
    except OSError:
        return False
    return STACK_HEADER.encode() in data and data.endswith(b"\n")


def _table() -> dict[int, _Stat]:
    table = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return {}
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                text = handle.read().decode("ascii", errors="replace")
        except OSError:
            continue  # ended while we looked
        # The command name may hold spaces and parentheses: the fields follow its last ')'.
        fields = text[text.rfind(")") + 2:].split()
        if len(fields) >= 4:
            table[int(name)] = _Stat(fields[0], int(fields[1]), int(fields[2]), int(fields[3]))
    return table


def _prctl() -> object:
    # Looked up once, in the fork server (which imports this module before any fork).
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL: Any = _prctl()


def _send(pid: int, number: int) -> bool:
    try:
        os.kill(pid, number)
    except OSError:
        return False
    return True


def size(path: str) -> int:
    """Bytes a snippet's output file holds so far (0 before it exists)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
