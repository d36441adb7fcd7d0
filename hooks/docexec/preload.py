# preload: what the fork server imports once, so that no fork imports anything before its snippet.
"""Imported by the fork server only (``server.context``), never by a build: its import is its work.

Everything a fork needs before the snippet's first line is imported here once: ``child`` (and
torch), ``runner`` (the fork's target is ``runner._start``, which unpickling imports), and
``numpy.random`` (``child`` seeds it; numpy imports it lazily, 7-11 ms in every fork otherwise).
Each fork's state reset is done here once too, so the fork's own is the cheap second time.
Then the garbage collector's objects are frozen: a fork shares the server's memory until it
writes to it, and a full collection in a fork touches (and so copies) every object the server
holds, about 100 ms with torch loaded. Frozen objects are never collected, in the server or its
forks; they are the modules' own, alive as long as the process anyway.
"""
from __future__ import annotations

import gc
import multiprocessing.popen_forkserver  # noqa: F401  (the fork's process object names it)
import sys

import numpy.random  # noqa: F401

from . import child, runner  # noqa: F401

# Once here, what each fork does again: the first call of some (a logger made, torch's generators
# set up) costs more than the next, and a fork pays only for the next.
child._reset_state(0, 1)
# The modules a fork starts with; child compares against it (``imported`` in its time stamps).
child.PRELOADED = frozenset(sys.modules)
gc.freeze()
