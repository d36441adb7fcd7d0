# Integration: a snippet's own processes end with its file, and a timeout says where it was.
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, docexec_lines

PAGE = "docs/index.md"

# Starts two `sleep 300`: one in the snippet's process group, one in a session of its own
# (out of the group's reach); their pids go to pids.txt before the snippet goes on.
SPAWN = (
    "import subprocess\n"
    "with open('pids.txt', 'w') as pids:\n"
    "    for own_session in (False, True):\n"
    "        pids.write(f\"{subprocess.Popen(['sleep', '300'], start_new_session=own_session).pid}\\n\")\n"
)


def gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat[stat.rfind(")") + 2] in "ZX"  # a zombie is dead, only not yet reaped


def sleepers(root: Path) -> list[int]:
    return [int(line) for line in (root / "pids.txt").read_text().split()]


@pytest.fixture
def no_strays():
    """Kill whatever a failing test left behind, so it does not outlive the test run."""
    started: list[int] = []
    yield started
    for pid in started:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            if not gone(pid) and (b"sleep" in command or b"forkserver" in command):  # not a reused pid
                os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def assert_all_gone(pids: list[int]) -> None:
    deadline = time.monotonic() + 5  # SIGKILL is delivered, not obeyed, at once
    while not all(gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in pids if not gone(pid)] == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finding processes needs /proc (Linux)")
@pytest.mark.parametrize("ending, code, status", [
    ("time.sleep(60)", 1, "timed out"),
    ("pass", 0, None),
    ("raise ValueError('no')", 1, "raised an exception"),
    ("os._exit(3)", 1, "crashed"),
    ("while True: print('x' * 100000)", 1, "printed too much"),
])
def test_processes_a_snippet_started_end_with_its_file(project, tmp_path, no_strays, ending, code, status):
    made = project({
        PAGE: '--8<-- exec "spawn.py:run"\n',
        "snippets/spawn.py": "# %% run timeout=1\nimport os\nimport time\n" + SPAWN + ending + "\n",
    })
    built = made.build()
    pids = sleepers(tmp_path)
    no_strays.extend(pids)
    assert built.code == code, built.log
    if status is not None:
        assert f"docs/index.md(1): snippets/spawn.py(1) section 'run': {status}" in built.log
    assert_all_gone(pids)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="the reaper needs Linux")
def test_a_daemon_a_snippet_left_behind_ends_with_its_file(project, tmp_path, no_strays):
    # sh starts `sleep` in a session of its own and exits: an orphan, outside the snippet's
    # group, session and descendants, unless the snippet's process is its reaper.
    made = project({
        PAGE: '--8<-- exec "daemon.py:run"\n',
        "snippets/daemon.py": """
            # %% run
            import subprocess
            subprocess.run(["sh", "-c", "setsid sleep 300 & echo $! > pids.txt"], check=True)
            print("started")
            """,
        "snippets/daemon.out/run.txt": "started\n",
    })
    built = made.build()
    pids = sleepers(tmp_path)
    no_strays.extend(pids)
    assert built.code == 0, built.log
    assert_all_gone(pids)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux")
def test_a_thread_left_running_starts_no_process_once_the_file_is_done(tmp_path):
    # The guard's close(): what end_descendants kills must be all there is.
    code = ("import subprocess, sys\nsys.path.insert(0, sys.argv[1])\nfrom docexec import guard\n"
            "guard.install(sys.argv[2], 'x.py', [], [])\nsubprocess.run(['true'])\nguard.close()\n"
            "try:\n    subprocess.run(['true'])\nexcept PermissionError as error:\n    print(error)\n")
    done = subprocess.run([sys.executable, "-c", code, str(REPO / "hooks"), str(tmp_path)], capture_output=True, text=True)
    assert done.stdout == "[Errno 1] refused: the snippet file is done, its processes are being ended\n", done.stderr


def test_timeout_shows_the_stack_down_to_the_function_that_was_running(project):
    made = project({
        PAGE: '--8<-- exec "slow.py:spin"\n',
        "snippets/slow.py": """
            import time


            def inner(seconds):
                time.sleep(seconds)


            def outer():
                print("calling", flush=True)
                inner(60)
                print("never")


            # %% spin timeout=1
            outer()
            """,
    })
    built = made.build()
    assert docexec_lines(built.log) == [
        "ERROR   -  docexec: 1 problem with the documentation's snippets",
        "docs/index.md(1): snippets/slow.py(14) section 'spin': timed out",
        "    still running after 1 s at snippets/slow.py line 5: time.sleep(seconds); the process was stopped",
        "    stack (most recent call first):",
        '      File "snippets/slow.py", line 5 in inner',
        '      File "snippets/slow.py", line 10 in outer',
        '      File "snippets/slow.py", line 15 in <module>',
        "    output before it stopped:",
        "    calling",
        "    raise the limit with `# %% name timeout=SECONDS` or DOCEXEC_TIMEOUT, or make the code faster",
        "",
    ]


def test_timeout_in_a_later_section_after_output_shows_that_sections_line(project):
    made = project({
        PAGE: '--8<-- exec "loop.py"\n',
        "snippets/loop.py": """
            # %% first
            print("first")
            # %% busy timeout=1
            total = 0
            print("counting", flush=True)
            while True:
                total += 1
            """,
        "snippets/loop.out/first.txt": "first\n",
    })
    lines = docexec_lines(made.build().log)
    assert lines[1] == "docs/index.md(1): snippets/loop.py(3) section 'busy': timed out"
    assert lines[2] in ("    still running after 1 s at snippets/loop.py line 6: while True:; the process was stopped",
                        "    still running after 1 s at snippets/loop.py line 7: total += 1; the process was stopped")
    assert lines[3] == "    stack (most recent call first):"
    assert lines[5:] == [
        "    output before it stopped:",
        "    counting",
        "    raise the limit with `# %% name timeout=SECONDS` or DOCEXEC_TIMEOUT, or make the code faster",
        "",
    ]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_crash_is_reported_at_once_and_ends_a_forked_copy_that_left_the_session(project, tmp_path, no_strays):
    made = project({
        PAGE: '--8<-- exec "fork.py:run"\n',
        "snippets/fork.py": """
            # %% run timeout=30
            import os
            import time
            copy = os.fork()
            if copy == 0:
                os.setsid()  # out of the group and the session, and its parent is about to die
                time.sleep(60)  # a copy of the snippet's process, with its end of the pipe open
                os._exit(0)
            with open("pids.txt", "w") as pids:
                pids.write(f"{copy}\\n")
            print("forked", flush=True)
            os._exit(3)
            """,
    })
    built = made.build()
    no_strays.extend(sleepers(tmp_path))
    assert docexec_lines(built.log)[1:5] == [
        "docs/index.md(1): snippets/fork.py(1) section 'run': crashed",
        "    the process running the snippet died (exited with status 3)",
        "    output before it stopped:",
        "    forked",
    ]
    assert_all_gone(sleepers(tmp_path))
