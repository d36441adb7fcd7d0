# Strict means strict: `mkdocs build --strict` fails on every warning with -q and -v too (hooks/strict_mode.py).
from __future__ import annotations

import pytest

from conftest import REPO, config

# One warning each: MkDocs' own (a link to a missing page, an anchor missing on another page)
# and the engine's (a translation with no reviewed version recorded). MkDocs reports anchors
# only when asked to (validation.anchors: warn, as this site's mkdocs.yml does).
FAULTS = {
    "broken link": (
        {"docs/index.md": "# Home\n\nSee [the other page](missing.md).\n"},
        "WARNING -  Doc file 'index.md' contains a link 'missing.md', but the target is not found among documentation files.",
    ),
    "broken anchor": (
        {"docs/index.md": "# Home\n\nSee [its part](other.md#nowhere).\n", "docs/other.md": "# Other\n\n## Part\n"},
        "WARNING -  Doc file 'index.md' contains a link 'other.md#nowhere', but the doc 'other.md' does not contain an anchor '#nowhere'.",
    ),
    "stale translation": (
        {"docs/index.md": "# 页\n\n## 第一节\n\n一段话。\n", "docs/index.en.md": "# Page\n\n## Part one\n\nA paragraph.\n"},
        "WARNING -  docexec: docs/index.md(3): translation of section '第一节' in docs/index.en.md is stale: "
        "no reviewed translation is recorded for it",
    ),
}
LEVELS = {"default": [], "quiet": ["-q"], "verbose": ["-v"]}


def make(project, fault: str):
    files, warning = FAULTS[fault]
    made = project(dict(files), i18n=fault == "stale translation")
    made.write({"mkdocs.yml": config(i18n=fault == "stale translation") + "validation:\n  anchors: warn\n"})
    return made, warning


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("fault", FAULTS)
def test_every_warning_fails_a_strict_build_whatever_the_log_level(project, fault, level):
    made, warning = make(project, fault)
    built = made.build("--strict", *LEVELS[level])
    assert built.code == 1, built.log
    assert warning in built.lines(), built.log  # shown: the author sees why the build stopped
    assert any(line.startswith("Aborted with") and "in strict mode!" in line for line in built.lines()), built.log


@pytest.mark.parametrize("fault", FAULTS)
def test_a_quiet_build_without_strict_stays_silent_and_passes(project, fault):
    made, _ = make(project, fault)
    built = made.build("-q")
    assert built.code == 0, built.log
    assert built.log == ""


def test_a_verbose_build_without_strict_still_reports_a_broken_anchor(project):
    made, warning = make(project, "broken anchor")
    built = made.build("-v")
    assert built.code == 0, built.log
    assert warning in built.lines()


def test_warnings_of_plugins_configured_before_the_engine_count_too(project):
    # The site lists hooks/strict_mode.py as a hook: its on_config runs before every other one
    # (priority 100), wherever it is listed, so a warning logged there already counts.
    made = project({"docs/index.md": "# Home\n",
                    "early.py": "import logging\n\ndef on_config(config):\n"
                                "    logging.getLogger('mkdocs.plugins.early').warning('early: a warning while configuring')\n"})
    text = config().replace("hooks:\n", f"hooks:\n  - early.py\n  - {REPO / 'hooks' / 'strict_mode.py'}\n")
    made.write({"mkdocs.yml": text})
    built = made.build("--strict", "-q")
    assert built.code == 1, built.log
    assert "WARNING -  early: a warning while configuring" in built.lines()
