# Claims: every form, any Python expression, in tables; malformed markup is an error at its line, never raw text.
from __future__ import annotations

import pytest

from conftest import docexec_lines
from docexec import claims, markup

PAGE = "docs/index.md"
SNIPPET = {
    "snippets/x.py": """
        # %% s
        import torch
        bn = torch.nn.BatchNorm1d(2)
        x = torch.tensor([[0.5, 1.0], [0.25, 2.0]])
        d = {"a|b": 3, "c]]": 4}
        """,
}
HINT = ("    write it on one line as [[expected | path/in/snippets.py:section | python expression]], where expected is "
        "a number (0.1, 0.1 ± 0.01, 0.1 ± 5%), True/False, None, a shape such as (4, 3), a quoted string, or raises ExceptionName")


@pytest.mark.parametrize(("line", "expression"), [
    ("[[0.5 ± 0.01 | x.py:s | x[0].item()]]", "x[0].item()"),
    ("[[0.375 | x.py:s | x[:, 0].mean()]]", "x[:, 0].mean()"),
    ('[[3 | x.py:s | d["a|b"]]]', 'd["a|b"]'),
    ("[[4 | x.py:s | d['c]]']]]", "d['c]]']"),
    ("[[2 | x.py:s | len([[1], [2]])]]", "len([[1], [2]])"),
    ("| cell | [[1e-5 \\| x.py:s \\| bn.eps]] |", "bn.eps"),
])
def test_any_python_expression_is_read_whole(line, expression):
    found = markup.find("p", line)
    assert found.failures == [] and [c.expression for c in found.claims] == [expression]


@pytest.mark.parametrize(("raw", "kind", "value"), [
    ("0.1 ± 0.01", "number", 0.1), ("True", "flag", True), ("False", "flag", False), ("None", "none", None),
    ("(4, 3)", "shape", (4, 3)), ("()", "shape", ()), ("'train'", "string", "train"),
    ('"a | b"', "string", "a | b"), ("raises ValueError", "raises", "ValueError"),
    ("raises torch.OutOfMemoryError", "raises", "OutOfMemoryError"),
])
def test_expected_value_forms(raw, kind, value):
    wanted = claims.expected(raw)
    assert not isinstance(wanted, str) and (wanted.kind, wanted.value) == (kind, value)


def test_prose_that_is_not_a_claim_is_left_alone():
    found = markup.find("p", "a list [[1, 2], [3, 4]] and a wiki link [[Home]]; code `[[1 | a.py | x]]`")
    assert found.claims == [] and found.failures == []


def test_every_form_is_checked_and_shown_with_its_words(project):
    made = project({
        PAGE: """
            | what | value |
            | --- | --- |
            | eps | [[1e-5 \\| x.py:s \\| bn.eps]] |
            | momentum | [[0.1 | x.py:s | bn.momentum]] |

            Index [[0.5 ± 0.01 | x.py:s | x[0][0].item()]], slice [[0.375 | x.py:s | x[:, 0].mean()]],
            dict [[3 | x.py:s | d["a|b"]]], flag [[True | x.py:s | bn.training]], none [[None | x.py:s | bn.weight.grad]],
            shape [[(2, 2) | x.py:s | x.shape]], string [['BatchNorm1d' | x.py:s | type(bn).__name__]],
            raises [[raises ValueError | x.py:s | bn(torch.randn(1, 2))]].
            """,
        **SNIPPET,
    })
    built = made.build()
    assert built.code == 0, built.log
    page = built.page("index.html")
    assert '<td><span class="docexec-claim" title="checked by the build: bn.eps = 1e-05">1e-5</span></td>' in page
    assert 'title="checked by the build: d[&quot;a&#124;b&quot;] = 3">3</span>' in page
    assert 'title="checked by the build: x.shape = torch.Size([2, 2])">(2, 2)</span>' in page
    assert ('title="checked by the build: bn(torch.randn(1, 2)) raises ValueError: Expected more than 1 value per channel '
            'when training, got input size torch.Size([1, 2])"><code>ValueError</code></span>') in page
    assert "[[" not in page.split('<div class="col-md-9"', 1)[-1].split("<footer", 1)[0]


def test_a_value_printed_on_several_lines_stays_inside_its_claim(project):
    made = project({PAGE: "Every weight is [[1 | x.py:s | torch.ones(2, 1, 1)]] at the start, and the text goes on.\n", **SNIPPET})
    built = made.build("--strict")
    assert built.code == 0, built.log
    page = built.page("index.html")
    assert ('<p>Every weight is <span class="docexec-claim" title="checked by the build: torch.ones(2, 1, 1) = '
            'tensor([[[1.]],&#10;&#10;        [[1.]]])">1</span> at the start, and the text goes on.</p>') in page
    assert "<pre" not in page.split('<div class="col-md-9"', 1)[-1].split("<footer", 1)[0]


def test_each_form_that_does_not_hold_fails_with_what_the_value_was(project):
    made = project({
        PAGE: """
            [[0.2 | x.py:s | bn.momentum]] [[False | x.py:s | bn.training]] [[True | x.py:s | bn.momentum]]
            [[None | x.py:s | bn.weight]] [[(2, 3) | x.py:s | x.shape]] [["eval" | x.py:s | "train"]]
            [[raises ValueError | x.py:s | bn(x)]] [[raises TypeError | x.py:s | bn(torch.randn(1, 2))]]
            [[1 | x.py:s | x[5]]]
            """,
        **SNIPPET,
    })
    lines = docexec_lines(made.build().log)
    assert lines[0] == "ERROR   -  docexec: 9 problems with the documentation's snippets"
    assert lines[1:] == [
        "docs/index.md(1): claim [[0.2 ± 0.05]] about `bn.momentum` after snippets/x.py:s does not hold: 0.1 is outside [0.15, 0.25]",
        "    bn.momentum = 0.1",
        "docs/index.md(1): claim [[False]] about `bn.training` after snippets/x.py:s does not hold: it is True, not False",
        "docs/index.md(1): claim [[True]] about `bn.momentum` after snippets/x.py:s does not hold: it is 0.1 (float), not a flag (True or False)",
        "docs/index.md(2): claim [[None]] about `bn.weight` after snippets/x.py:s does not hold: it is Parameter containing:",
        "    tensor([1., 1.], requires_grad=True), not None",
        "docs/index.md(2): claim [[(2, 3)]] about `x.shape` after snippets/x.py:s does not hold: it is torch.Size([2, 2]), not (2, 3)",
        "docs/index.md(2): claim [['eval']] about `\"train\"` after snippets/x.py:s does not hold: str() gives 'train', not 'eval'",
        "docs/index.md(3): claim [[raises ValueError]] about `bn(x)` after snippets/x.py:s does not hold: it raised nothing; it is tensor([[ 0.9997, -1.0000],",
        "            [-0.9997,  1.0000]], grad_fn=<NativeBatchNormBackward0>)",
        "docs/index.md(3): claim [[raises TypeError]] about `bn(torch.randn(1, 2))` after snippets/x.py:s does not hold: it raised ValueError, "
        "not TypeError: Expected more than 1 value per channel when training, got input size torch.Size([1, 2])",
        "docs/index.md(4): claim [[1 ± 0.5]] about `x[5]` after snippets/x.py:s does not hold: could not be evaluated: "
        "IndexError: index 5 is out of bounds for dimension 0 with size 2",
        "",
    ]


def test_malformed_claims_and_unknown_snippet_lines_fail_at_their_line(project):
    made = project({
        PAGE: """
            A claim [[0.1 | x.py:s]] with two parts.
            Broken [[0.1 | x.py:s | x[0].item(]] bracket.
            Wrong value [[about 0.1 | x.py:s | bn.momentum]].
            Not Python [[0.1 | x.py:s | bn.]].
            Not closed [[0.1 | x.py:s | bn.momentum
            and continued]] on the next line.

            --8<-- "x.py:s"
            """,
        **SNIPPET,
    })
    built = made.build()
    assert docexec_lines(built.log) == [
        "ERROR   -  docexec: 6 problems with the documentation's snippets",
        "docs/index.md(1): malformed claim `[[0.1 | x.py:s]]`: it has 2 parts, not 3",
        HINT,
        "docs/index.md(2): malformed claim `[[0.1 | x.py:s | x[0].item(]] bracket.`: it is not closed on this line "
        "(an unclosed bracket or string in the expression, or no closing ]])",
        HINT,
        "docs/index.md(3): malformed claim `[[about 0.1 | x.py:s | bn.momentum]]`: cannot read 'about 0.1' as an expected value",
        HINT,
        "docs/index.md(4): malformed claim `[[0.1 | x.py:s | bn.]]`: `bn.` is not a Python expression (invalid syntax)",
        HINT,
        "docs/index.md(5): malformed claim `[[0.1 | x.py:s | bn.momentum`: it is not closed on this line "
        "(an unclosed bracket or string in the expression, or no closing ]])",
        HINT,
        "docs/index.md(8): unknown snippet line `--8<-- \"x.py:s\"`: it would be published as text",
        '    show a snippet with --8<-- exec "path/in/snippets.py:section" (or the build report with --8<-- exec-report); '
        "to include files as they are, enable pymdownx.snippets in mkdocs.yml",
        "",
    ]


def test_with_pymdownx_snippets_on_its_own_lines_are_left_to_it(project):
    made = project({PAGE: '--8<-- "included.md"\n\n--8<-- exec "x.py:s"\n', "included.md": "Included text.\n", **SNIPPET})
    config = made.root / "mkdocs.yml"
    config.write_text(config.read_text() + "  - pymdownx.snippets:\n      check_paths: true\n")
    built = made.build()
    assert built.code == 0, built.log
    assert "Included text." in built.page("index.html")


def test_a_claim_about_a_failed_or_missing_section_never_looks_checked(serve_project):
    made, server = serve_project({
        PAGE: "Momentum [[0.1 | x.py:s | bn.momentum]], missing [[1 | x.py:nope | 1]], file [[1 | y.py:s | 1]].\n",
        "snippets/x.py": "# %% s\nimport torch\nbn = torch.nn.BatchNorm1d(2)\nraise RuntimeError('broken')\n",
    })
    page = server.page()
    assert "checked by the build" not in page
    assert page.count('class="docexec-claim docexec-claim-failed"') == 3
    assert "RuntimeError: broken" in page and "section &#x27;nope&#x27; not found" in page and "snippets/y.py not found" in page
