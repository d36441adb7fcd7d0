# Unit tests: files in pymdownx.snippets' region convention split into sections, and what is refused.
from __future__ import annotations

import pytest

from docexec.errors import DocexecError
from docexec.sections import PREAMBLE, parse

FILE = """\
import torch
# a header comment

# --8<-- [start:setup]
x = torch.ones(2)

# --8<-- [end:setup]
# only a comment between regions

# --8<-- [start:show]
print(x)
# --8<-- [end:show]
y = x + 1
# --8<-- [start:last]
print(y)
# --8<-- [end:last]
"""


def _split(text: str) -> list[tuple[str, int, str]]:
    return [(s.name, s.line, s.code) for s in parse("snippets/r.py", text).sections]


def test_regions_become_sections_with_real_lines_and_code_around_them_runs_hidden():
    assert _split(FILE) == [
        (PREAMBLE, 1, "import torch\n# a header comment\n"),
        ("setup", 5, "x = torch.ones(2)\n"),
        ("show", 11, "print(x)\n"),  # the gap of a comment and a blank line is dropped
        ("_after-show", 13, "y = x + 1\n"),
        ("last", 15, "print(y)\n"),
    ]
    assert parse("snippets/r.py", FILE).names == ["setup", "show", "last"]  # the hidden ones cannot be shown


@pytest.mark.parametrize("start, end", [
    ("    # --8<-- [start:a]", "\t# --8<-- [end:a]"),
    ("# --8<-- [start: a]", "# --8<-- [ end : a ]"),
    ("#--8<-- [START:a]", "# -8<- [End:a]"),
    ("# ---8<--- [start:a]  ", "# --8<--\t[end:a]\r"),
])
def test_marker_spacing_variants_that_pymdownx_accepts(start, end):
    assert _split(f"x = 1\n{start}\nprint(x)\n{end}\n") == [(PREAMBLE, 1, "x = 1\n"), ("a", 3, "print(x)\n")]


def test_escaped_marker_is_a_plain_comment_and_region_names_keep_their_case():
    assert _split("# --8<-- [start:Big-one_2]\n# ;--8<-- [start:shown]\nx = 1\n# --8<-- [end:Big-one_2]\n") == [
        ("Big-one_2", 2, "# ;--8<-- [start:shown]\nx = 1\n")]


def test_empty_region_is_a_section_and_a_file_with_only_regions_has_no_preamble():
    assert _split("# --8<-- [start:a]\n# --8<-- [end:a]\n") == [("a", 2, "")]


REFUSED = {
    "mixed with percent markers": ("# %% a\nx = 1\n# --8<-- [start:b]\n# --8<-- [end:b]\n", 3,
        "this file mixes `# %%` section markers (line 1) with `--8<--` region markers (line 3); a file uses one convention: "
        "either `# %% name` sections, or mark a region with `# --8<-- [start:name]` ... `# --8<-- [end:name]` and no `# %%`"),
    "nested": ("# --8<-- [start:a]\nx = 1\n# --8<-- [start:b]\n# --8<-- [end:b]\n# --8<-- [end:a]\n", 3,
        "region 'b' starts inside region 'a' (started at line 1); regions cannot nest or overlap, since each one runs "
        "as a section of its own: end 'a' first with `# --8<-- [end:a]`"),
    "overlapping": ("# --8<-- [start:a]\nx = 1\n# --8<-- [end:b]\n", 3,
        "`end:b` does not close the open region 'a' (started at line 1); regions cannot nest or overlap: "
        "end 'a' first with `# --8<-- [end:a]`"),
    "end without start": ("x = 1\n# --8<-- [end:a]\n", 2,
        "`end:a` has no matching `start`: add `# --8<-- [start:a]` before the region's first line, or remove this line"),
    "ended twice": ("# --8<-- [start:a]\n# --8<-- [end:a]\n# --8<-- [end:a]\n", 3,
        "`end:a` has no matching `start`: region 'a' already ended at line 2; remove this line"),
    "started twice": ("# --8<-- [start:a]\n# --8<-- [start:a]\n# --8<-- [end:a]\n", 2,
        "region 'a' is started again (first at line 1) before its end; remove this line"),
    "never ended": ("x = 1\n# --8<-- [start:a]\nprint(x)\n", 2,
        "region 'a' is never ended: add `# --8<-- [end:a]` after its last line"),
    "duplicate": ("# --8<-- [start:a]\n# --8<-- [end:a]\n# --8<-- [start:a]\n# --8<-- [end:a]\n", 3,
        "region 'a' is defined twice (first at line 1); region names must be unique in a file: rename one of them"),
    "name with a dot": ("# --8<-- [start:x.1]\n# --8<-- [end:x.1]\n", 1,
        "region name 'x.1' is not valid: start with a letter (of any script), then use letters, digits, '_' and '-', "
        "e.g. `# --8<-- [start:train-step]` or `# --8<-- [start:初始化]`"),
    "name starting with a digit": ("# --8<-- [start:1x]\n", 1,
        "region name '1x' is not valid: start with a letter (of any script), then use letters, digits, '_' and '-', "
        "e.g. `# --8<-- [start:train-step]` or `# --8<-- [start:初始化]`"),
    "empty name": ("# --8<-- [start:]\n", 1,
        "region name '' is not valid: start with a letter (of any script), then use letters, digits, '_' and '-', "
        "e.g. `# --8<-- [start:train-step]` or `# --8<-- [start:初始化]`"),
    "marker after code": ("x = 1  # --8<-- [start:a]\n", 1,
        "`--8<-- [start:a]` must be on a comment line of its own, with nothing before the `#` but blanks and nothing "
        "after the `]`; mark a region with `# --8<-- [start:name]` ... `# --8<-- [end:name]`"),
    "region inside a function": ("def f():\n    # --8<-- [start:body]\n    return 1\n    # --8<-- [end:body]\nprint(f())\n", 2,
        "the region markers cut a Python statement in two: section '_preamble' (line 1) does not compile on its own "
        "(line 1: expected an indented block after function definition on line 1); sections run one after another like "
        "notebook cells, so put the markers between top-level statements, not inside a block"),
    "region inside a loop": ("for i in range(2):\n    print(i)\n    # --8<-- [start:body]\n    print(i)\n    # --8<-- [end:body]\n", 3,
        "the region markers cut a Python statement in two: section 'body' (line 4) does not compile on its own "
        "(line 4: unexpected indent); sections run one after another like notebook cells, so put the markers between "
        "top-level statements, not inside a block"),
}


@pytest.mark.parametrize("text, line, message", list(REFUSED.values()), ids=list(REFUSED))
def test_refused_region_files_name_the_line_and_how_to_fix_it(text, line, message):
    with pytest.raises(DocexecError) as raised:
        parse("snippets/r.py", text)
    assert (raised.value.failure.file, raised.value.failure.line, raised.value.failure.message) == ("snippets/r.py", line, message)


def test_a_file_that_does_not_compile_at_all_is_left_to_the_run():
    # The run's traceback shows the real syntax error; the markers are not to blame.
    assert _split("# --8<-- [start:a]\nx = (\n# --8<-- [end:a]\n") == [("a", 2, "x = (\n")]


def test_percent_files_are_unchanged():
    assert _split("import torch\n# %% a\nx = 1\n") == [(PREAMBLE, 1, "import torch\n"), ("a", 3, "x = 1\n")]
