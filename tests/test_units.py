# Unit tests: finding markup, splitting sections, comparing outputs, cache keys and entries.
from __future__ import annotations

import pytest

from docexec import compare, markup
from docexec.cache import FORMAT, Cache, key
from docexec.errors import DocexecError
from docexec.runner import FileResult, SectionResult
from docexec.sections import PREAMBLE, parse


# -- markup ------------------------------------------------------------------------------------

def test_references_keep_indentation_and_skip_fenced_code():
    text = '--8<-- exec "a.py:x"\n```md\n--8<-- exec "shown.py"\n```\n- item\n\n    --8<-- exec "b/c.py"\n'
    found = markup.find("docs/p.md", text)
    assert [(r.line, r.indent, r.target.path, r.target.section) for r in found.references] == [
        (1, "", "snippets/a.py", "x"), (7, "    ", "snippets/b/c.py", None)]
    assert found.failures == []


def test_longer_fences_and_tildes_are_skipped_until_their_own_close():
    text = '````\n```\n--8<-- exec "no.py"\n```\n````\n~~~\n[[1 | a.py:x | y]]\n~~~\n--8<-- exec "yes.py"\n'
    found = markup.find("p", text)
    assert [r.target.path for r in found.references] == ["snippets/yes.py"] and found.claims == []


def test_claims_read_number_tolerance_and_percent():
    found = markup.find("p", "a [[0.1 ± 0.01 | m.py:s | bn.x]] b [[1.30 | m.py:s | v]] c [[2 +- 5% | m.py:s | w]]")
    assert [(c.text, c.expected.value, round(c.expected.tolerance, 6), c.expression) for c in found.claims] == [
        ("0.1", 0.1, 0.01, "bn.x"), ("1.30", 1.3, 0.005, "v"), ("2", 2.0, 0.1, "w")]


def test_claim_in_code_span_is_left_alone():
    assert markup.find("p", "write `[[0.1 | a.py:s | x]]` to check").claims == []


@pytest.mark.parametrize("path", ["../x.py", "/abs.py", "a/../../x.py", "C:/x.py", "a\\b.py"])
def test_paths_leaving_snippets_are_refused(path):
    found = markup.find("p", f'--8<-- exec "{path}"')
    assert found.references == [] and "refused snippet path" in found.failures[0].message


def test_exec_report_is_not_a_malformed_reference():
    assert markup.find("p", "--8<-- exec-report").failures == []


# -- sections ----------------------------------------------------------------------------------

def test_sections_have_real_lines_and_options():
    file = parse("snippets/s.py", "import torch\n\n# %% a timeout=5 atol=1e-6\nx = 1\n\n# %% b\nprint(x)\n")
    assert [(s.name, s.line, s.code, s.options) for s in file.sections] == [
        (PREAMBLE, 1, "import torch\n", {}), ("a", 4, "x = 1\n", {"timeout": 5.0, "atol": 1e-6}), ("b", 7, "print(x)\n", {})]


@pytest.mark.parametrize("marker, message", [
    ("# %% a b", "a section marker needs exactly one name"),
    ("# %% a speed=3", "unknown section option 'speed'; known options: timeout, rtol, atol"),
    ("# %% a timeout=soon", "section option timeout='soon' is not a number"),
])
def test_bad_markers_name_their_line(marker, message):
    with pytest.raises(DocexecError) as raised:
        parse("snippets/s.py", f"x = 1\n{marker}\n")
    assert raised.value.failure.line == 2 and raised.value.failure.message.startswith(message)


# -- compare -----------------------------------------------------------------------------------

@pytest.mark.parametrize("expected, actual", [
    ("tensor([0.1006, 0.1004])", "tensor([0.1007, 0.1003])"),  # one unit of the last digit
    ("tensor(2.9724e-09)", "tensor(2.9725e-09)"),
    ("a  \n\n", "a"),  # trailing whitespace and blank lines
    ("nan inf", "nan inf"),
])
def test_matches(expected, actual):
    assert compare.check(expected, actual) is None


@pytest.mark.parametrize("expected, actual", [
    ("tensor([0.1006])", "tensor([0.1008])"),
    ("torch.Size([1, 3, 255, 255])", "torch.Size([1, 3, 255, 256])"),  # whole numbers: exact
    ("tensor(0.)", "tensor(1.)"),
    ("BatchNorm2d(3)", "BatchNorm1d(3)"),
    ("a b", "a  b"),  # inner whitespace is text
    ("x", "x\ny"),
])
def test_differs(expected, actual):
    assert compare.check(expected, actual) is not None


def test_explicit_tolerance_widens_every_number():
    assert compare.check("m tensor(2.9724e-09)", "m tensor(-1.2e-08)") is not None
    assert compare.check("m tensor(2.9724e-09)", "m tensor(-1.2e-08)", atol=1e-6) is None
    assert compare.check("1.0", "1.5", rtol=0.6) is None


def test_diff_marks_only_lines_that_really_differ():
    report = compare.check("a 0.1006\nb\nc 1.30", "a 0.1007\nb\nc 1.50")
    assert report == "@@ -1,3 +1,3 @@\n a 0.1006\n b\n-c 1.30\n+c 1.50"


def test_claims_hold_for_every_element():
    assert compare.check_claim(0.1, 0.01, [0.1006, 0.0994]) is None
    assert compare.check_claim(0.1, 0.01, [0.1006, 0.12]) == "element 1 0.12 is outside [0.09, 0.11]"
    assert compare.check_claim(1.0, 0.1, []) == "the expression gave no number"


# -- cache -------------------------------------------------------------------------------------

def test_cache_key_changes_with_code_earlier_sections_claims_and_settings():
    base = parse("snippets/a.py", "# %% a\nx = 1\n# %% b\nprint(x)\n")
    k = key(base, {}, {"seed": 0})
    assert k == key(parse("snippets/a.py", "# %% a\nx = 1\n# %% b\nprint(x)\n"), {}, {"seed": 0})
    assert k != key(parse("snippets/a.py", "# %% a\nx = 2\n# %% b\nprint(x)\n"), {}, {"seed": 0})
    assert k != key(parse("snippets/b.py", base.text), {}, {"seed": 0})
    assert k != key(base, {"b": ["x"]}, {"seed": 0})
    assert k != key(base, {}, {"seed": 1})


def test_cache_key_changes_with_library_versions(monkeypatch):
    from docexec import cache

    base = parse("snippets/a.py", "print(1)\n")
    k = key(base, {}, {})
    real = cache.versions
    monkeypatch.setattr(cache, "versions", lambda: {**real(), "torch": "9.9.9"})
    assert key(base, {}, {}) != k


def _result(key_: str, status: str = "ok") -> FileResult:
    return FileResult("snippets/a.py", key_, [SectionResult("a", status, "out\n")], 0.1, expected_sections=1)


def test_cache_round_trip_ignores_corrupt_entries_and_never_stores_failures(tmp_path):
    store = Cache(tmp_path)
    store.put(_result("ab" * 32))
    assert Cache(tmp_path).get("ab" * 32) == _result("ab" * 32)
    (tmp_path / "ab" / f"{'ab' * 32}.json").write_text("{not json")
    assert Cache(tmp_path).get("ab" * 32) is None
    store.put(_result("cd" * 32, status="error"))
    assert Cache(tmp_path).get("cd" * 32) is None
    assert not list(tmp_path.rglob(".tmp-*"))


KEY = "ef" * 32


def _entry(**changes) -> dict:
    """A good entry as put() writes it, with ``changes`` applied to its result (or to its first section)."""
    import dataclasses

    result = dataclasses.asdict(_result(KEY))
    section = {k[len("section_"):]: v for k, v in changes.items() if k.startswith("section_")}
    result["sections"][0].update(section)
    result.update({k: v for k, v in changes.items() if not k.startswith("section_")})
    return {"format": FORMAT, "result": result}


def _without(field: str) -> dict:
    entry = _entry()
    del entry["result"][field]
    return entry


BAD_ENTRIES = {
    "null": None, "list": [], "empty object": {}, "number": 3, "string": "text", "no result": {"format": FORMAT},
    "null result": {"format": FORMAT, "result": None}, "other format": {"format": FORMAT + 1, "result": _entry()["result"]},
    "older format": {"format": FORMAT - 1, "result": _entry()["result"]},
    "input outside the checkout": _entry(inputs={"../x": "absent"}), "input state a number": _entry(inputs={"x": 1}),
    "started a process": _entry(spawned=True), "problems": _entry(problems=["changed docs/x.md"]),
    "sections a number": _entry(sections=3), "section a number": _entry(sections=[3]),
    "fewer sections than expected": _entry(sections=[]), "key a number": _entry(key=3), "other key": _entry(key="00" * 32),
    "path null": _entry(path=None), "duration a string": _entry(duration="fast"), "duration a bool": _entry(duration=True),
    "negative duration": _entry(duration=-1), "count a string": _entry(expected_sections="1"),
    "more sections expected": _entry(expected_sections=2), "cached a string": _entry(cached="no"),
    "unknown field": _entry(extra=1), "missing field": _without("duration"),
    "output a number": _entry(section_output=3), "output null": _entry(section_output=None),
    "failed section": _entry(section_status="error"), "name a path": _entry(section_name="../../x"),
    "name a number": _entry(section_name=7), "error a list": _entry(section_error=[]), "claims a list": _entry(section_claims=[]),
    "claim a number": _entry(section_claims={"x": 1}), "claim values strings": _entry(section_claims={"x": {"values": ["1"], "repr": "1"}}),
    "claim error a number": _entry(section_claims={"x": {"error": 2}}), "figures a string": _entry(section_figures="abc"),
    "figure not base64": _entry(section_figures=["not base64!"]), "figure not a png": _entry(section_figures=["aGVsbG8="]),
    "unknown section field": _entry(section_unknown=1),
}


@pytest.mark.parametrize("payload", list(BAD_ENTRIES.values()), ids=list(BAD_ENTRIES))
def test_cache_entry_that_is_json_but_not_an_entry_is_ignored_and_overwritten(tmp_path, payload):
    import json

    path = tmp_path / KEY[:2] / f"{KEY}.json"
    path.parent.mkdir()
    path.write_text(json.dumps(payload))
    assert Cache(tmp_path).get(KEY) is None
    Cache(tmp_path).put(_result(KEY))  # the recomputed result replaces it
    assert Cache(tmp_path).get(KEY) == _result(KEY)


def test_cache_entry_nested_too_deep_or_with_non_finite_numbers_is_ignored(tmp_path):
    import json

    path = tmp_path / KEY[:2] / f"{KEY}.json"
    path.parent.mkdir()
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert Cache(tmp_path).get(KEY) is None
    path.write_text(json.dumps(_entry(duration=float("inf"))))
    assert Cache(tmp_path).get(KEY) is None


def test_cache_keeps_claims_and_figures_of_a_good_entry(tmp_path):
    import base64
    import json

    import torch

    from docexec.child import _evaluate

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(16)).decode()
    # Whatever the child reports of a value (every claim form), as the cache will see it.
    space = {"torch": torch, "x": torch.tensor([1.0, 2.0]), "bn": torch.nn.BatchNorm1d(2)}
    expressions = ["x", "x.shape", "bn.training", "bn.weight.grad", "'train'", "bn(torch.randn(1, 2))", "y", "bn"]
    claims = json.loads(json.dumps({e: _evaluate(e, space) for e in expressions}))
    path = tmp_path / KEY[:2] / f"{KEY}.json"
    path.parent.mkdir()
    path.write_text(json.dumps(_entry(section_claims=claims, section_figures=[png])))
    got = Cache(tmp_path).get(KEY)
    assert got is not None and got.sections[0].claims == claims and got.sections[0].figures == [png]


# -- options -----------------------------------------------------------------------------------

def test_switches_read_flags_in_any_case_and_numbers_of_seconds():
    from docexec.options import Options

    assert Options.from_environment({}) == Options()
    on = Options.from_environment({"DOCEXEC_ACCEPT": " TRUE ", "DOCEXEC_RERUN": "On", "DOCEXEC_TIMEOUT": "0.5", "DOCEXEC_CACHE": "c"})
    assert (on.accept, on.rerun, on.timeout, on.cache_dir) == (True, True, 0.5, "c")
    for word in ("", "0", "false", "No", "OFF"):
        assert not Options.from_environment({"DOCEXEC_ACCEPT": word, "DOCEXEC_RERUN": word}).rerun


@pytest.mark.parametrize("variable, value", [
    ("DOCEXEC_TIMEOUT", "5s"), ("DOCEXEC_TIMEOUT", ""), ("DOCEXEC_TIMEOUT", "-1"), ("DOCEXEC_TIMEOUT", "nan"),
    ("DOCEXEC_TIMEOUT", "1e999"), ("DOCEXEC_ACCEPT", "y"), ("DOCEXEC_RERUN", "enable"), ("DOCEXEC_CACHE", " "),
])
def test_bad_switches_are_refused_with_the_variable_and_value(variable, value):
    from docexec.options import Options, SwitchError

    with pytest.raises(SwitchError) as raised:
        Options.from_environment({variable: value})
    assert str(raised.value).startswith(f"{variable}={value!r} is not valid: give ")
