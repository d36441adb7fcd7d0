# render: turns a snippet's code and real output into Markdown that cannot be broken by what it prints.
from __future__ import annotations

import html
import re

from .errors import Failure
from .markup import Claim, Reference
from .runner import FileResult
from .sections import SnippetFile

LABELS = {
    "zh": {"output": "输出", "claim": "构建时已核对", "failed": "代码片段运行失败"},
    "en": {"output": "Output", "claim": "checked by the build", "failed": "Snippet failed"},
}


def labels(language: str | None) -> dict[str, str]:
    return LABELS.get((language or "en").split("_")[0], LABELS["en"])


def reference(ref: Reference, file: SnippetFile, result: FileResult | None, language: str | None, snippets_dir: str) -> str:
    shown = file.sections if ref.target.section is None else tuple(s for s in file.sections if s.name == ref.target.section)
    title = ref.target.label[len(snippets_dir) + 1:]
    if ref.target.section is None:
        code, first = file.text.rstrip() + "\n", 1
    else:
        code, first = shown[0].code, shown[0].line
    blocks = [fence(code, f'python title="{_attr(title)}" linenums="{first}"')]
    if result is not None:
        output = "".join(s.output for s in result.sections if s.name in {x.name for x in shown})
        if output.strip():
            blocks.append(fence(output, f'text title="{_attr(labels(language)["output"])}"'))
    return indent("\n\n".join(blocks), ref.indent)


def failures(found: list[Failure], language: str | None, indentation: str = "") -> str:
    """Serve mode shows a failure on the page as well as in the terminal."""
    body = fence("\n\n".join(str(f) for f in found), "text")
    box = f'!!! failure "{labels(language)["failed"]}"\n\n' + indent(body, "    ")
    return indent(box, indentation)


def claim(found: Claim, shown: str, language: str | None) -> str:
    note = f'{labels(language)["claim"]}: {found.expression} = {shown}'
    return f'<span class="docexec-claim" title="{html.escape(note, quote=True)}">{html.escape(found.text)}</span>'


def fence(text: str, info: str) -> str:
    # Longer than any run of backticks inside: printed backticks cannot close the block, and a
    # fenced block shows `<script>` as text.
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{info}\n{text.rstrip(chr(10))}\n{marks}"


def indent(text: str, prefix: str) -> str:
    if not prefix:
        return text
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def _attr(text: str) -> str:
    return text.replace('"', "'")
