# cli: the engine without MkDocs: `check` runs and checks everything a build would, `translated` records reviews.
"""Run from the project root (``docexec`` is installed by ``make install``; or ``python -m docexec``):

- ``python -m docexec check [--json FILE]`` (``make check``): runs every snippet the pages of
  every language use, compares outputs, checks claims, the translations' parity and staleness,
  and prints the messages a build prints; no HTML. Same cache and switches as the build; exits
  1 on any problem, 2 on a bad switch or config.
- ``python -m docexec check --record 2.15.0 [--shard k/n]`` (``make check TORCH=2.15.0``): the
  same, run with that torch, and also writes what it saw to ``verified/torch-2.15.0.json``
  (``torch-2.15.0.k-of-n.json`` for a share of the files) whatever the outcome.
- ``python -m docexec merge 2.15.0`` (``make merge TORCH=2.15.0``): joins a version's shares.
- ``python -m docexec translated [PAGE[#SECTION] ...]`` (``make translated``): records sections
  as translated after review; all of them without arguments; ``docs/index.md#前言`` is one.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from . import net, report, server, translation
from .engine import Session
from .errors import summary
from . import versions  # records of other torch versions (verified/)
from .options import Options, Site, SwitchError


def check(root: Path, json_file: Path | None = None, record: str | None = None, share: str | None = None) -> int:
    """The build's checks and messages without the build; 0 when everything holds. With
    ``record`` (a torch version), also the record of this run in verified/."""
    session = Session()
    try:
        options = Options.from_environment()
        site = Site.read(root / "mkdocs.yml")
        session.share = versions.Share.parse(share) if share is not None else None
        if record is not None and options.accept:  # it would record another torch's outputs as the site's
            raise ValueError(f"--record {record} only compares: run it without DOCEXEC_ACCEPT")
        seen = _recording(record) if record is not None else None
    except (SwitchError, OSError, yaml.YAMLError, ValueError, RuntimeError) as error:
        print(f"docexec: {error}", file=sys.stderr)
        return 2
    try:
        session.setup = site.markdown
        failures = session.build(root, site.docs_dir, options, site.includes, site.languages)
        failures = session.failures = sorted(failures + net.rendered(session, site.markdown), key=lambda f: (f.file, f.line))
    finally:
        server.shutdown()
    for path in session.recorded:
        print(f"docexec: recorded {path}")
    print(f"docexec: {session.tally()}")
    for section in session.stale:
        print(f"docexec: {section}", file=sys.stderr)
    if failures:
        print(f"docexec: {summary(failures)}", file=sys.stderr)
    if json_file is not None:
        data = report.data(session.results, session.failures, session.recorded, session.seconds, session.stale)
        json_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if record is not None and seen is not None:
        made = versions.make(root, session.files, session.results, session.marked, seen, session.share)
        print(f"docexec: wrote {versions.write(root, record, made, session.share)}: {versions.summary(made)}")
    return 1 if failures or session.stale else 0


def _recording(version: str) -> dict[str, str]:
    """The versions this Python runs, once it is sure they are the torch the record is named for."""
    if not versions.VERSION.match(version):
        raise ValueError(f"TORCH={version!r} is not a torch version; give one such as TORCH=2.15.0")
    seen = versions.environment()
    if seen["torch"].split("+")[0] != version:
        raise ValueError(f"--record {version}, but {sys.executable} runs torch {seen['torch']}; "
                         f"run `make check TORCH={version}`, which makes the environment .venv-torch-{version}/ for it")
    return seen


def translated(root: Path, wanted: list[str]) -> list[str]:
    """Record the wanted sections (all when none) as translated now; return what was recorded."""
    site = Site.read(root / "mkdocs.yml")
    session = Session()  # reads the pages as a build does; runs nothing
    session.plan(root, site.docs_dir, Options(), site.includes, site.languages)
    _, pairs = translation.paired(session.texts, session.marked, site.languages, session.cell_lines)
    record = translation.read_record(root)
    done = []
    for original, _twin, mine, theirs in pairs:  # a page out of step records nothing until it is in step
        now = translation.recorded(original, mine, theirs)
        entry = record.setdefault(original, {})
        for key, value in now.items():
            if (not wanted or original in wanted or f"{original}#{key}" in wanted) and entry.get(key) != value:
                entry[key] = value
                done.append(f"{original}#{key}")
        for key in [k for k in entry if k not in now]:  # sections that no longer exist
            del entry[key]
    translation.write_record(root, record)
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="docexec")
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="run and check every snippet, claim and translation; no HTML")
    checking.add_argument("--json", type=Path, metavar="FILE", help="also write the report (as site/docexec-report.json)")
    checking.add_argument("--record", metavar="TORCH", help="also write verified/torch-TORCH.json: what this torch gave")
    checking.add_argument("--shard", metavar="K/N", help="run only share K of N of the snippet files (by a hash of each path)")
    merging = commands.add_parser("merge", help="join the shares of a version's record (check --record --shard)")
    merging.add_argument("version", help="the torch version, e.g. 2.15.0")
    record = commands.add_parser("translated", help="record sections as translated after review")
    record.add_argument("sections", nargs="*", help="PAGE or PAGE#SECTION (the heading's text); all when none")
    arguments = parser.parse_args(argv)
    if arguments.command == "check":
        return check(Path.cwd(), arguments.json, arguments.record, arguments.shard)
    if arguments.command == "merge":
        written, problems = versions.merge(Path.cwd(), arguments.version)
        for problem in problems:
            print(f"docexec: {problem}", file=sys.stderr)
        if written:
            print(f"docexec: wrote {written}")
        return 1 if problems else 0
    done = translated(Path.cwd(), arguments.sections)
    for item in done:
        print(f"recorded {item}")
    print(f"{len(done)} section{'s' if len(done) != 1 else ''} recorded in {translation.RECORD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
