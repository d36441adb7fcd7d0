# test_workflows: the deploy pipeline's own security (issue 18), for every file in .github/workflows/.
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted([*(REPO / ".github" / "workflows").glob("*.yml"), *(REPO / ".github" / "workflows").glob("*.yaml")])
ZIZMOR = Path(sys.executable).with_name("zizmor")
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(?:\.\d+)*\s*$")
# A workflow of this repository, called as a job: it runs from the same commit, nothing to pin.
LOCAL = re.compile(r"^\s*uses:\s*\./\.github/workflows/[\w.-]+\.ya?ml\s*$")
DEPLOY = "actions/deploy-pages"

# The shape pages.yml had before issue 18: write permissions for the whole workflow, actions by
# movable tags, checkout's credentials kept in the work tree.
OLD_SHAPE = """\
name: pages
on:
  push:
    branches: [main]
permissions:
  contents: read
  pages: write
  id-token: write
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make build
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def zizmor(root: Path) -> subprocess.CompletedProcess[str]:
    """zizmor over ``root``/.github: the workflows and dependabot.yml."""
    return subprocess.run([str(ZIZMOR), "--offline", "--min-severity", "medium", "--no-progress", ".github"],
                          cwd=root, capture_output=True, text=True, timeout=120)


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path}: not a workflow"
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps") or [])


def test_there_are_workflows_to_check() -> None:
    assert any(p.name == "pages.yml" for p in WORKFLOWS)


def test_zizmor_reports_nothing_of_medium_severity_or_above() -> None:
    done = zizmor(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout, done.stdout
    for path in [*WORKFLOWS, REPO / ".github" / "dependabot.yml"]:  # each file was audited
        assert f"completed {path.relative_to(REPO).as_posix()}" in done.stderr, done.stderr


def test_zizmor_check_fails_on_the_old_workflow_shape(tmp_path: Path) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "pages.yml").write_text(OLD_SHAPE, encoding="utf-8")
    done = zizmor(tmp_path)
    assert done.returncode != 0
    for audit in ("excessive-permissions", "unpinned-uses", "artipacked"):
        assert f"[{audit}]" in done.stdout, done.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_only_the_deploy_job_can_write(path: Path) -> None:
    workflow = load(path)
    assert workflow.get("permissions") == {}, f"{path.name}: the workflow itself must grant nothing (permissions: {{}})"
    for name, job in workflow["jobs"].items():
        granted = job.get("permissions")
        assert isinstance(granted, dict), f"{path.name}: job {name} must list its permissions"
        writes = {scope for scope, level in granted.items() if level == "write"}
        deploys = any(str(step.get("uses", "")).startswith(DEPLOY + "@") for step in steps(job))
        if deploys:
            assert granted == {"pages": "write", "id-token": "write"}, f"{path.name}: job {name}: {granted}"
            assert all(DEPLOY in str(step.get("uses", "")) for step in steps(job)), f"{path.name}: job {name} must only deploy"
        else:
            assert not writes, f"{path.name}: job {name} may only read, but writes {sorted(writes)}"
            assert set(granted.values()) <= {"read", "none"}, f"{path.name}: job {name}: {granted}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_release(path: Path) -> None:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines, f"{path.name}: no actions found"
    loose = [line.strip() for line in lines if not PINNED.match(line) and not LOCAL.match(line)]
    assert not loose, f"{path.name}: not pinned to a 40-hex commit with `# vX.Y.Z`: {loose}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_persists_no_credentials(path: Path) -> None:
    for name, job in load(path)["jobs"].items():
        for step in steps(job):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert (step.get("with") or {}).get("persist-credentials") is False, f"{path.name}: job {name}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_scripts_take_values_from_env_not_template_expansion(path: Path) -> None:
    for name, job in load(path)["jobs"].items():
        for step in steps(job):
            assert "${{" not in str(step.get("run", "")), f"{path.name}: job {name}: pass values to `run:` through `env:`"


def test_dependabot_keeps_actions_pip_and_npm_current_but_not_torch() -> None:
    config = yaml.safe_load((REPO / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(updates) == {"github-actions", "pip", "npm"}
    assert {"dependency-name": "torch"} in updates["pip"]["ignore"]
