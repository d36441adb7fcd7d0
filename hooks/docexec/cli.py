# cli: the engine's commands outside a build; `translated` records reviewed translations.
"""Run from the project root: ``PYTHONPATH=hooks python -m docexec.cli translated [PAGE[#SECTION] ...]``
(``make translated``). Without arguments every section of every translated page is recorded;
``docs/index.md#前言`` records one section (its heading's text)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import markup, translation


def _languages(config_file: Path) -> list[str]:
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    i18n = config.plugins.get("i18n")
    languages = getattr(getattr(i18n, "config", None), "languages", None) or []
    return [language.locale for language in languages if not language.default]


def _read(root: Path, docs: str) -> tuple[dict[str, str], dict[str, markup.Markup], dict[str, list[int]]]:
    texts, found, cells = {}, {}, {}
    for path in sorted((root / docs).rglob("*")):
        label = path.relative_to(root).as_posix()
        if path.suffix == ".md":
            texts[label] = path.read_text(encoding="utf-8")
        elif path.suffix == ".ipynb":
            texts[label], cells[label] = translation.notebook_text(path.read_text(encoding="utf-8"))
        else:
            continue
        found[label] = markup.find(label, texts[label], includes=True)
    return texts, found, cells


def translated(root: Path, wanted: list[str], docs: str = "docs") -> list[str]:
    """Record the wanted sections (all when none) as translated now; return what was recorded."""
    languages = _languages(root / "mkdocs.yml")
    texts, found, cells = _read(root, docs)
    record = translation.read_record(root)
    done = []
    for original, twin in translation.twins(sorted(texts), languages):
        if translation.parity(original, twin, translation.outline(texts[original], found[original]),
                              translation.outline(texts[twin], found[twin])):
            continue  # out of step: no section can be recorded until the structure matches
        mine, theirs = translation.sections(texts[original], found[original]), translation.sections(texts[twin], found[twin])
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
    record = commands.add_parser("translated", help="record sections as translated after review")
    record.add_argument("sections", nargs="*", help="PAGE or PAGE#SECTION (the heading's text); all when none")
    arguments = parser.parse_args(argv)
    done = translated(Path.cwd(), arguments.sections)
    for item in done:
        print(f"recorded {item}")
    print(f"{len(done)} section{'s' if len(done) != 1 else ''} recorded in {translation.RECORD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
