# The engine as an installed package: `docexec` on PATH and importable anywhere, without PYTHONPATH=hooks.
from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib

from conftest import REPO


def _run(args: list[str], cwd) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_an_editable_install_puts_the_command_on_path_and_the_engine_on_the_path(tmp_path):
    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path).returncode == 0
    python = str(venv / "bin" / "python")
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path).stdout.strip()
    # pip, setuptools and the engine's own needs from the test's environment, offline; its .pth
    # files (an engine installed there) are not read from a folder added this way.
    tools = [path for path in sys.path if path.endswith("site-packages")]
    (tmp_path / site / "tools.pth").write_text("".join(f"{path}\n" for path in tools))
    done = _run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index", "-e", str(REPO)], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    helped = _run([str(venv / "bin" / "docexec"), "--help"], tmp_path)
    assert helped.returncode == 0 and helped.stdout.startswith("usage: docexec [-h] {check,merge,translated} ..."), helped.stderr
    probe = ("import importlib.metadata, importlib.resources, docexec.extension; print(docexec.extension.__file__); "
             "print(importlib.resources.files('docexec').joinpath('docexec.css').is_file()); "
             "print(importlib.metadata.version('docexec') == docexec.VERSION)")
    found = _run([python, "-c", probe], tmp_path)
    assert found.stdout.splitlines() == [str(REPO / "hooks" / "docexec" / "extension.py"), "True", "True"], found.stderr


def test_the_packages_pins_are_requirements_txts():
    pinned = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", (REPO / "requirements.txt").read_text(), re.M))
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    ours = dict(d.split("==") for d in project["dependencies"] if "==" in d)
    assert ours and all(pinned.get(name) == version for name, version in ours.items()), (ours, pinned)
    assert project["scripts"] == {"docexec": "docexec.cli:main"}
    assert "-e ." in (REPO / "requirements.txt").read_text().splitlines()  # make install installs it
