# versions: records of a check on another torch (verified/torch-X.json): made, split, merged, read, judged current.
"""``make check TORCH=2.15.0`` runs the build's checks with that torch and writes what it saw
into ``verified/torch-2.15.0.json``; the build reads every such record and says, per snippet
file, section and claim, whether that torch printed the same (see matrix.py for what readers
see). A record speaks for a file only while the file's code and its recorded outputs are those
it was made against, and for a claim only while the claim's whole statement is in it: after a
change the version is "not checked since a change", never silently "same"."""
from __future__ import annotations

import datetime
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from . import claims as claim_forms
from . import compare, expected, markup
from .errors import Failure
from .runner import FileResult, SectionResult
from .sections import SnippetFile

FOLDER = "verified"
FORMAT = 1
VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*[A-Za-z0-9.+]*$")  # what TORCH= may be: 2.15.0, 2.16.0rc1
RECORD = re.compile(r"^torch-(?P<version>[0-9][A-Za-z0-9.+]*?)(\.(?P<index>[0-9]+)-of-(?P<count>[0-9]+))?\.json$")
MAX_PRINTED = 20_000  # characters of a differing output kept in a record: records stay small


@dataclass(frozen=True)
class Share:
    """One of ``count`` disjoint shares of the snippet files, by a hash of each path: adding a
    file moves no other file to another share, and every runner agrees without talking."""

    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> Share:
        found = re.fullmatch(r"([0-9]+)/([0-9]+)", text.strip())
        if not found or not 1 <= int(found[1]) <= int(found[2]):
            raise ValueError(f"SHARD={text!r} is not valid: give k/n with 1 <= k <= n, e.g. SHARD=2/4")
        return cls(int(found[1]), int(found[2]))

    def has(self, path: str) -> bool:
        return int(hashlib.sha256(path.encode()).hexdigest()[:16], 16) % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def code_hash(file: SnippetFile) -> str:
    return hashlib.sha256(file.text.encode()).hexdigest()[:16]


def outputs_hash(root: Path, file: SnippetFile) -> str:
    """The recorded outputs the comparison was made against: a re-recorded output makes the
    record stale for the file, though its code did not change."""
    recorded = {s.name: expected.read(root, file.path, s.name) for s in file.sections}
    return hashlib.sha256(json.dumps(recorded, sort_keys=True).encode()).hexdigest()[:16]


def statement(item: markup.Claim) -> tuple[str, str, str]:
    """A claim as a record keys it: its section, expression and whole statement (tolerance in)."""
    return item.target.section or "", item.expression, item.expected.describe()


def value(observed: dict[str, Any] | None) -> str:
    if observed is None:
        return "not evaluated"
    if "raised" in observed:
        return f"raises {observed['raised']}: {observed.get('message', '')}"[:300]
    return str(observed.get("repr", "?"))[:300]


# -- making a record -----------------------------------------------------------------------------

def environment(python: str = sys.executable) -> dict[str, str]:
    """The versions as a run sees them: torch as ``torch.__version__`` reports it (2.15.0+cu132),
    asked of a fresh interpreter so this process never imports torch before the fork server."""
    code = ("import json, platform, sys, numpy, torch; print(json.dumps({'torch': torch.__version__, "
            "'numpy': numpy.__version__, 'python': platform.python_version(), "
            "'platform': f'{sys.platform}-{platform.machine()}'}))")
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"cannot import torch and numpy with {python}:\n{done.stderr.strip()}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def make(root: Path, files: dict[str, SnippetFile], results: dict[str, FileResult],
         marked: dict[str, markup.Markup], seen: dict[str, str], share: Share | None = None) -> dict[str, Any]:
    """What this run saw for every file it ran, compared with the recorded outputs by the build's rules."""
    wanted: dict[str, dict[tuple[str, str, str], markup.Claim]] = {}
    for found in marked.values():
        for item in found.claims:
            wanted.setdefault(item.target.path, {}).setdefault(statement(item), item)
    record: dict[str, Any] = {"format": FORMAT, **seen, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")}
    if share is not None and share.count > 1:
        record["share"] = str(share)
    record["files"] = {}
    for path, result in sorted(results.items()):
        file = files[path]
        sections: dict[str, Any] = {}
        for done in result.sections:
            sections[done.name] = _section(root, file, done)
        for later in [] if result.exited else file.sections[len(result.sections):]:
            sections[later.name] = {"same": False, "status": "not run", "printed": ""}  # after a failure; not after sys.exit(0)
        checked = []
        for key, item in sorted(wanted.get(path, {}).items()):
            ran = result.section(item.target.section) if item.target.section else (
                result.sections[-1] if result.ok and result.sections else None)
            observed = ran.claims.get(item.expression) if ran is not None and ran.status == "ok" else None
            problem = claim_forms.check(item.expected, observed) if observed is not None else "not evaluated"
            checked.append({"section": key[0], "expression": key[1], "statement": key[2], "value": value(observed),
                            "held": problem is None})
        record["files"][path] = {"code": code_hash(file), "outputs": outputs_hash(root, file),
                                 "sections": sections, "claims": checked}
    return record


def _section(root: Path, file: SnippetFile, ran: SectionResult) -> dict[str, Any]:
    """Same or not, by the build's own rule (compare.check with the section's tolerances)."""
    recorded = expected.read(root, file.path, ran.name)
    found = file.section(ran.name)
    options = found.options if found is not None else {}
    if ran.status == "ok" and found is not None and found.varies:  # `# %% name varies`: shown as varying, never compared
        return {"same": True}
    if ran.status != "ok":
        printed = (ran.output + ("\n" if ran.output and not ran.output.endswith("\n") else "") + ran.error)
        return {"same": False, "status": ran.status, "printed": printed[:MAX_PRINTED]}
    same = not ran.output.strip() if recorded is None else compare.check(recorded, ran.output, options.get("rtol"), options.get("atol")) is None
    return {"same": True} if same else {"same": False, "status": "ok", "printed": ran.output[:MAX_PRINTED]}


def file_name(version: str, share: Share | None = None) -> str:
    return f"torch-{version}" + (f".{share.index}-of-{share.count}" if share and share.count > 1 else "") + ".json"


def write(root: Path, version: str, record: dict[str, Any], share: Share | None = None) -> str:
    target = root / FOLDER / file_name(version, share)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    return target.relative_to(root).as_posix()


def summary(record: dict[str, Any]) -> str:
    """One line: how much of the run differed."""
    files = record["files"]
    sections = sum(not s["same"] for f in files.values() for s in f["sections"].values())
    failed = sum(not c["held"] for f in files.values() for c in f["claims"])
    counted = sum(len(f["sections"]) for f in files.values()), sum(len(f["claims"]) for f in files.values())
    return (f"torch {record['torch']}: {len(files)} snippet files, {sections} of {counted[0]} sections differ, "
            f"{failed} of {counted[1]} claims do not hold")


def merge(root: Path, version: str) -> tuple[str | None, list[str]]:
    """Join the shares of one version into its record (and remove them); or say what is missing."""
    folder = root / FOLDER
    shares = {}
    for path in sorted(folder.glob(f"torch-{version}.*-of-*.json")):
        found = RECORD.match(path.name)
        if found and found["version"] == version:
            shares[(int(found["index"]), int(found["count"]))] = path
    if not shares:
        return None, [f"{FOLDER}/: no shares of torch {version} (torch-{version}.K-of-N.json) to merge"]
    counts = {count for _, count in shares}
    if len(counts) > 1:
        return None, [f"{FOLDER}/: shares of torch {version} split {sorted(counts)} ways; re-run them with one SHARD=k/N"]
    count = counts.pop()
    missing = [str(k) for k in range(1, count + 1) if (k, count) not in shares]
    if missing:
        return None, [f"{FOLDER}/: share {', '.join(missing)} of {count} of torch {version} is missing; "
                      f"run `make check TORCH={version} SHARD=k/{count}` for it"]
    records = [json.loads(p.read_text(encoding="utf-8")) for _, p in sorted(shares.items())]
    fields = ("torch", "numpy", "python", "platform")
    differing = [f for f in fields if len({r.get(f) for r in records}) > 1]
    if differing:
        return None, [f"{FOLDER}/: the shares of torch {version} ran with different {', '.join(differing)}; re-run them alike"]
    joined = {"format": FORMAT, **{f: records[0][f] for f in fields}, "date": max(r["date"] for r in records), "files": {}}
    for record in records:
        joined["files"].update(record["files"])
    joined["files"] = dict(sorted(joined["files"].items()))
    written = write(root, version, joined)
    for path in shares.values():
        path.unlink()
    return written, []


# -- reading records and judging them against this checkout ---------------------------------------

@dataclass
class Record:
    source: str  # verified/torch-2.15.0.json
    version: str  # as named in the file name: what `make check TORCH=` was given
    data: dict[str, Any]

    @property
    def torch(self) -> str:
        return str(self.data["torch"])


def load(root: Path) -> tuple[list[Record], list[Failure]]:
    """Every whole record in verified/ (shares wait for `make merge`), oldest torch first."""
    records, failures = [], []
    for path in sorted((root / FOLDER).glob("torch-*.json")):
        found = RECORD.match(path.name)
        source = f"{FOLDER}/{path.name}"
        if found is None or found["index"]:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            problem = _shape(data, found["version"])
        except (OSError, ValueError, RecursionError) as error:
            problem = f"is not JSON: {error}"
        if problem is not None:
            failures.append(Failure(source, 1, f"cannot use this record: it {problem}\n"
                                               f"make it again with `make check TORCH={found['version']}`"))
            continue
        records.append(Record(source, found["version"], data))
    return sorted(records, key=lambda r: order(r.torch)), failures


def _shape(data: Any, version: str) -> str | None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return f"is not a record of format {FORMAT}"
    for name in ("torch", "numpy", "python", "platform", "date"):
        if not isinstance(data.get(name), str):
            return f"has no {name!r} string"
    if data["torch"].split("+")[0] != version:
        return f"was made with torch {data['torch']}, not {version}"
    files = data.get("files")
    if not isinstance(files, dict):
        return "has no 'files' object"
    for path, entry in files.items():
        good = (isinstance(entry, dict) and isinstance(entry.get("code"), str) and isinstance(entry.get("outputs"), str)
                and isinstance(entry.get("sections"), dict) and isinstance(entry.get("claims"), list)
                and all(isinstance(s, dict) and isinstance(s.get("same"), bool) for s in entry["sections"].values())
                and all(isinstance(c, dict) and isinstance(c.get("held"), bool) and all(isinstance(c.get(k), str)
                        for k in ("section", "expression", "statement", "value")) for c in entry["claims"]))
        if not good:
            return f"has a malformed entry for {path}"
    return None


def order(version: str) -> tuple[Any, ...]:
    """2.9.1 before 2.12.1: numbers compare as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.+]", version))


SAME, DIFFERS, CHANGED, ABSENT = "same", "differs", "changed", "absent"  # what a record says about one thing


@dataclass
class Verdicts:
    """What each record says about this checkout's files, sections and claims."""

    root: Path
    files: dict[str, SnippetFile]
    records: list[Record]
    _hashes: dict[str, tuple[str, str]] = field(default_factory=dict)

    def file(self, record: Record, path: str) -> str:
        """SAME when its record is current for the file; CHANGED or ABSENT when it is not."""
        entry = record.data["files"].get(path)
        if entry is None or path not in self.files:
            return ABSENT
        if path not in self._hashes:
            self._hashes[path] = (code_hash(self.files[path]), outputs_hash(self.root, self.files[path]))
        return SAME if (entry["code"], entry["outputs"]) == self._hashes[path] else CHANGED

    def section(self, record: Record, path: str, name: str) -> tuple[str, str]:
        """The verdict on one section, and what that torch printed when it differs."""
        state = self.file(record, path)
        if state != SAME:
            return state, ""
        entry = record.data["files"][path]["sections"].get(name)
        if entry is None:
            return ABSENT, ""
        return (SAME, "") if entry["same"] else (DIFFERS, str(entry.get("printed", "")))

    def claim(self, record: Record, item: markup.Claim) -> tuple[str, str]:
        """The verdict on one claim, and the value that torch gave."""
        state = self.file(record, item.target.path)
        if state != SAME:
            return state, ""
        key = statement(item)
        for entry in record.data["files"][item.target.path]["claims"]:
            if (entry["section"], entry["expression"], entry["statement"]) == key:
                return (SAME if entry["held"] else DIFFERS), entry["value"]
        return CHANGED, ""  # the statement was edited (or added) since the record was made

    def sections(self, path: str, name: str | None) -> list[str]:
        file = self.files.get(path)
        if file is None:
            return []
        return [s.name for s in file.sections] if name is None else [name]


def worst(states: Iterable[str]) -> str:
    """A row's verdict from its parts: a difference shows first, then anything unchecked."""
    found = set(states)
    for state in (DIFFERS, CHANGED, ABSENT):
        if state in found:
            return state
    return SAME
