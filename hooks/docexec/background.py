# background: the build's snippet files run in a thread while pages render; a page waits only for its own files.
"""MkDocs renders every page before it writes any (its populate step, then on_env): a page whose
files are done renders at once, and the other core keeps running the rest. Nothing here judges
a result; the engine does that in the rendering thread, so the session is only ever changed there."""
from __future__ import annotations

import threading

from . import runner, sources
from .markup import Where
from .runner import FileResult, Job, Settings


class Background:
    def __init__(self, jobs: list[Job], settings: Settings, held: sources.Held) -> None:
        self._arrived: dict[str, FileResult] = {}
        self._problems: dict[str, int] = {}  # how many each result had when it arrived
        self._all: list[FileResult] | None = None
        self._error: BaseException | None = None
        self._ended = False
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self.paths = {job.file.path for job in jobs}
        self._thread = threading.Thread(target=self._run, args=(jobs, settings, held), name="docexec-snippets", daemon=True)
        self._thread.start()

    def _run(self, jobs: list[Job], settings: Settings, held: sources.Held) -> None:
        try:
            self._all = runner.run_guarded(jobs, settings, held, self._arrive, self._stop)
        except BaseException as error:  # noqa: BLE001 - handed to the thread that waits
            self._error = error
        finally:
            with self._changed:
                self._ended = True
                self._changed.notify_all()

    def _arrive(self, result: FileResult) -> None:
        with self._changed:
            self._problems[result.path] = len(result.problems)
            self._arrived[result.path] = result
            self._changed.notify_all()

    def wait(self, path: str) -> FileResult | None:
        """The file's result once it has run; None if it never will (the run ended without it)."""
        try:
            with self._changed:
                self._changed.wait_for(lambda: path in self._arrived or self._ended)
        except BaseException:  # Ctrl-C while a page waits: stop the files, as a build in the foreground does
            self.cancel()
            raise
        if path not in self._arrived and self._error is not None:
            raise self._error
        return self._arrived.get(path)

    def join(self) -> list[FileResult]:
        """Every result, in the order of the jobs, once the sources' check after the run is done:
        a file blamed for changing them has that problem in its result by then."""
        try:
            self._thread.join()
        except BaseException:
            self.cancel()
            raise
        if self._error is not None:
            raise self._error
        assert self._all is not None
        return self._all

    def blamed(self) -> bool:
        """After ``join``: the sources changed during the run, so results judged while it went on
        may have been judged against sources that are gone; the files blamed carry the problem."""
        return any(len(r.problems) > self._problems.get(r.path, 0) for r in self._all or [])

    def cancel(self) -> None:
        """Start no other file, end the running ones (their process trees too), and wait for that."""
        self._stop.set()
        self._thread.join()


def first_needed(jobs: list[Job], uses: dict[str, dict[str | None, Where]], languages: list[str]) -> list[Job]:
    """The files of the pages MkDocs renders first run first: the default language's pages, each
    folder's index first, then by name (mkdocs.structure.files' order)."""
    def rank(page: str) -> tuple[bool, tuple[str, ...], bool, str]:
        parts = tuple(page.split("/"))
        names = parts[-1].split(".")
        translated = len(names) > 2 and names[-2] in languages
        return (translated, parts[:-1], names[0] not in ("index", "README"), parts[-1])

    def first(job: Job) -> tuple[bool, tuple[str, ...], bool, str]:
        pages = [page for where in uses.get(job.file.path, {}).values() for page, _ in where.places]
        return min((rank(page) for page in pages), default=(True, (), True, ""))

    return sorted(jobs, key=first)
