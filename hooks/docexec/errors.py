# errors: the one shape every docexec failure takes, `file(line): message`.
from __future__ import annotations

import traceback
from dataclasses import dataclass


@dataclass(frozen=True)
class Failure:
    """One problem found during a build; a build collects all of them before failing."""

    file: str  # relative to the project root, e.g. ``docs/momentum.md``
    line: int  # 1-based; 0 when the problem is about the file as a whole
    message: str  # first line is the summary; further lines are details (diffs, tracebacks)

    def __str__(self) -> str:
        where = f"{self.file}({self.line})" if self.line else self.file
        head, _, rest = self.message.partition("\n")
        return f"{where}: {head}" + (f"\n{_indent(rest)}" if rest else "")


def summary(failures: list[Failure]) -> str:
    """All of a build's failures, as the build and the check command print them."""
    head = f"{len(failures)} problem{'s' if len(failures) > 1 else ''} with the documentation's snippets"
    return "\n".join([head, *(str(f) for f in failures)])


class DocexecError(Exception):
    """Raised for a bad input that can be pinned to one place (a snippet file or a page)."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(str(Failure(file, line, message)))
        self.failure = Failure(file, line, message)


class PageError(DocexecError):
    """A page that must not be published as it stands: its failures and the text that names them."""

    def __init__(self, failures: list[Failure], text: str) -> None:
        Exception.__init__(self, text)
        self.failure, self.failures = failures[0], failures


def internal(error: Exception, doing: str) -> Failure:
    """A bug of docexec's own, with its traceback: reported like a failure, never swallowed."""
    trace = "".join(traceback.format_exception(error)).rstrip()
    return Failure("docexec", 0, f"internal error {doing}: {type(error).__name__}: {error}\n"
                                 f"this is a bug in docexec (hooks/docexec/); please report it with this traceback:\n{trace}")


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else line for line in text.splitlines())
