# sections: splits a snippet file into the named `# %%` cells that pages refer to.
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DocexecError

# Jupytext's "percent" format: `# %% name key=value ...`; the file stays a plain script.
MARKER = re.compile(r"^# %%(?P<rest>.*)$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
PREAMBLE = "_preamble"  # code above the first marker; runs first, may be shown as a section

# Options a section header may set, with the type each value must parse as.
OPTIONS = {"timeout": float, "rtol": float, "atol": float}


@dataclass(frozen=True)
class Section:
    name: str
    line: int  # line number of the first code line (after the marker)
    code: str
    options: dict[str, float] = field(default_factory=dict)

    @property
    def end_line(self) -> int:
        return self.line + max(self.code.count("\n"), 0)


@dataclass(frozen=True)
class SnippetFile:
    path: str  # relative to the project root, posix, e.g. ``snippets/momentum/experiment.py``
    text: str
    sections: tuple[Section, ...]

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sections if s.name != PREAMBLE]


def parse(path: str, text: str) -> SnippetFile:
    """Split ``text`` at its markers; raise DocexecError naming the marker's line when one is bad."""
    lines = text.splitlines(keepends=True)
    sections: list[Section] = []
    name, options, start, body = PREAMBLE, {}, 1, []  # type: ignore[var-annotated]

    def close() -> None:
        code = "".join(body).rstrip() + "\n" if "".join(body).strip() else ""
        if name != PREAMBLE or code:
            sections.append(Section(name, start, code, options))

    for number, line in enumerate(lines, start=1):
        match = MARKER.match(line.rstrip("\r\n"))
        if not match:
            body.append(line)
            continue
        close()
        name, options = _header(path, number, match["rest"])
        if any(s.name == name for s in sections):
            raise DocexecError(path, number, f"section {name!r} is defined twice; section names must be unique in a file")
        start, body = number + 1, []
    close()
    return SnippetFile(path, text, tuple(sections))


def load(root: Path, path: str) -> SnippetFile:
    return parse(path, (root / path).read_text(encoding="utf-8"))


def _header(path: str, line: int, rest: str) -> tuple[str, dict[str, float]]:
    try:
        words = shlex.split(rest)
    except ValueError as error:
        raise DocexecError(path, line, f"cannot read the section marker: {error}") from None
    names = [w for w in words if "=" not in w]
    if len(names) != 1 or not NAME.match(names[0]):
        raise DocexecError(
            path, line,
            "a section marker needs exactly one name made of letters, digits, '_', '.', '-' "
            f"(e.g. `# %% x1 timeout=30`); got `# %%{rest}`",
        )
    options: dict[str, float] = {}
    for word in words:
        if "=" not in word:
            continue
        key, _, value = word.partition("=")
        if key not in OPTIONS:
            raise DocexecError(path, line, f"unknown section option {key!r}; known options: {', '.join(OPTIONS)}")
        try:
            options[key] = OPTIONS[key](value)
        except ValueError:
            raise DocexecError(path, line, f"section option {key}={value!r} is not a number") from None
    return names[0], options
