# render: turns a snippet's code and real output into Markdown that cannot be broken by what it prints.
from __future__ import annotations

import base64
import hashlib
import html
import re
import struct
from typing import Any

from . import figurelang
from .markup import Claim, Reference
from .runner import FileResult
from .sections import SnippetFile

LABELS = {
    "zh": {"output": "输出", "source": "源代码", "notebook": "下载本页的 Jupyter notebook（含构建时的输出）", "claim": "构建时已核对", "failed": "代码片段运行失败",
           "failed_lead": "本页用到的代码片段在构建时出了问题（构建因此失败）：", "unchecked": "构建时核对失败",
           "file": "代码文件", "sections": "小节", "status": "状态", "seconds": "运行时间（秒）", "cache": "缓存",
           "pages": "页面", "page": "页面", "statements": "每页在构建时核对的陈述", "stale": "过期的翻译",
           "none_stale": "没有：每一节的英文翻译都与中文原文同步。", "produced": "输出由以下环境产生", "dynamic": "运行时间与缓存命中来自本次构建的",
           "colon": "：", "stop": "。", "varies": "（每次运行都不同，不作比较）", "ok": "通过", "failed_status": "失败", "hit": "命中", "miss": "未命中"},
    "en": {"output": "Output", "source": "Source", "notebook": "Download this page as a Jupyter notebook (with the build's outputs)", "claim": "checked by the build", "failed": "Snippet failed",
           "failed_lead": "A snippet this page uses failed when the site was built (the build fails):", "unchecked": "failed the build's check",
           "file": "Snippet file", "sections": "Sections", "status": "Status", "seconds": "Run time (s)", "cache": "Cache",
           "pages": "Pages", "page": "Page", "statements": "Statements checked by the build, per page", "stale": "Stale translations",
           "none_stale": "None: every section's English translation is in step with the Chinese original.", "produced": "Outputs produced with", "dynamic": "Run times and cache hits come from this build's",
           "colon": ": ", "stop": ".", "varies": " (varies, not compared)", "ok": "ok", "failed_status": "failed", "hit": "hit", "miss": "miss"},
}


def labels(language: str | None) -> dict[str, str]:
    return LABELS.get((language or "en").split("_")[0], LABELS["en"])


def reference(ref: Reference, file: SnippetFile, result: FileResult | None, language: str | None,
              snippets_dir: str, to_root: str = "") -> tuple[str, dict[str, bytes]]:
    """The Markdown for one reference, and the figure files it links to (site path -> PNG)."""
    shown = file.sections if ref.target.section is None else tuple(s for s in file.sections if s.name == ref.target.section)
    title = ref.target.label[len(snippets_dir) + 1:]
    if ref.target.section is None:
        code, first = file.text.rstrip() + "\n", 1
    else:
        code, first = shown[0].code, shown[0].line
    blocks = []
    source = fence(code, f'python title="{_attr(title)}" linenums="{first}"')
    mode = ref.options.get("source", "show")
    if mode == "show":
        blocks.append(source)
    elif mode == "fold":
        text = labels(language)
        blocks.append(f'??? quote "{_attr(text["source"])}{text["colon"]}{_attr(title)}"\n\n' + indent(source, "    "))
    images: dict[str, bytes] = {}
    if result is not None:
        names = {x.name for x in shown}
        output = "".join(s.output for s in result.sections if s.name in names)
        shown_as = ref.options.get("output", "text")
        if output.strip() and shown_as != "hide":
            heading = ref.options.get("title") or labels(language)["output"]
            if any(x.varies for x in shown):  # the reader must not take it for a checked output
                heading += labels(language)["varies"]
            title = _quoted(heading)
            kind = " .docexec-source" if shown_as == "python" else ""  # code: kept as written, not wrapped
            blocks.append(fence(output, f'{{ .{shown_as} .docexec-output{kind} title={title} }}'))
        for picture in (f for s in result.sections if s.name in names for f in figurelang.shown(s.figures, language)):
            data = base64.b64decode(picture)
            path = f"assets/figures/{hashlib.sha256(data).hexdigest()[:20]}.png"
            images[path] = data
            blocks.append(_figure(to_root + path, data, ref.options))
    return indent("\n\n".join(blocks), ref.indent), images


def _figure(src: str, data: bytes, options: dict[str, str]) -> str:
    width, height = struct.unpack(">II", data[16:24])  # from the PNG header
    alt = html.escape(options.get("alt", ""), quote=True)
    caption = options.get("caption")
    lines = ['<figure class="docexec-figure">',
             f'<img src="{src}" alt="{alt}" width="{width}" height="{height}">']
    if caption:
        lines.append(f"<figcaption>{html.escape(caption)}</figcaption>")
    return "\n".join(lines + ["</figure>"])


def report(rows: list[dict[str, Any]], statements: list[tuple[str, int, int]], stale: list[str],
           versions: dict[str, str], language: str | None, to_root: str) -> str:
    """The snippet table, the checked statements per page and the stale translations. Run time
    and cache hit change from build to build, so the page holds only what the sources decide and
    fills those two cells from docexec-report.json: two builds of one commit stay byte-identical."""
    text = labels(language)
    lines = [f"| {text['file']} | {text['pages']} | {text['status']} | {text['seconds']} | {text['cache']} |",
             "| --- | --- | --- | --- | --- |"]
    for row in rows:
        cell = html.escape(row["path"], quote=True)
        pages = "<br>".join(f'<a href="{to_root}{url}">{html.escape(title)}</a>' for title, url in row["pages"]) or "—"
        lines.append(f"| `{row['path'].removeprefix('snippets/')}`<br><small>{html.escape(row['sections'])}</small> | {pages} "
                     f'| {text["ok"] if row["status"] == "ok" else text["failed_status"]} | <span data-docexec-seconds="{cell}">…</span> | <span data-docexec-cache="{cell}">…</span> |')
    lines += ["", f"### {text['statements']}", "", f"| {text['page']} | 中文 | English |", "| --- | --- | --- |"]
    lines += [f"| {html.escape(title)} | {zh} | {en} |" for title, zh, en in statements]
    lines += ["", f"### {text['stale']}", ""]
    if not stale:
        lines.append(text["none_stale"])
    for item in stale:
        head, _, rest = item.partition("\n")
        lines += [f"??? warning \"{_attr(head)}\"", "", indent(fence(rest, "diff"), "    "), ""]
    produced = " · ".join(f"{k} {v}" for k, v in versions.items() if k in ("torch", "numpy", "python", "platform"))
    lines += ["", f"{text['produced']}{text['colon']}{produced}{text['stop']}", "",
              f'{text["dynamic"]} <a href="{to_root}docexec-report.json"><code>docexec-report.json</code></a>{text["stop"]}', "",
              "<script>",
              f'fetch("{to_root}docexec-report.json").then(r => r.json()).then(report => {{',
              "  for (const s of report.snippets) {",
              f'    const cache = {{hit: "{text["hit"]}", miss: "{text["miss"]}"}}[s.cache] || s.cache;',
              '    for (const [field, value] of [["seconds", s.seconds.toFixed(2)], ["cache", cache]])',
              "      document.querySelectorAll(`[data-docexec-${field}=\"${CSS.escape(s.path)}\"]`).forEach(e => { e.textContent = value; });",
              "  }",
              "});",
              "</script>"]
    return "\n".join(lines)


def notebook_link(name: str, language: str | None) -> str:
    # Raw HTML: the notebook is written into the site after the build, so MkDocs' link check
    # would not find it among the documentation files.
    return f'<a class="md-button docexec-notebook" href="{name}" download>{html.escape(labels(language)["notebook"])}</a>\n'


def failures(messages: list[str], language: str | None, indentation: str = "") -> str:
    """Serve mode shows a failure on the page as well as in the terminal."""
    text = labels(language)
    body = fence("\n\n".join(messages), "text")
    box = f'!!! failure docexec-failure "{text["failed"]}"\n\n    {text["failed_lead"]}\n\n' + indent(body, "    ")
    return indent(box, indentation)


def failures_html(messages: list[str], language: str | None) -> str:
    """The same box as HTML, for pages that are not Markdown (notebook pages)."""
    text = labels(language)
    body = html.escape("\n\n".join(messages))
    return (f'<div class="admonition failure docexec-failure"><p class="admonition-title">{html.escape(text["failed"])}</p>'
            f'<p>{html.escape(text["failed_lead"])}</p><pre><code>{body}</code></pre></div>\n')


def claim(found: Claim, shown: str, language: str | None, problem: str | None = None) -> str:
    """The claim's words; under `mkdocs serve` a claim that does not hold, or could not be
    checked, is marked in place. ``|`` is written as an entity: a claim may stand in a table."""
    words = _pipes(html.escape(found.text))
    if found.expected.kind in ("string", "raises"):
        words = f"<code>{words}</code>"
    if problem is not None:
        title = f'{labels(language)["unchecked"]}{labels(language)["colon"]}{problem}'
        return f'<span class="docexec-claim docexec-claim-failed" title="{_pipes(html.escape(title, quote=True))}">{words} ✗</span>'
    head = labels(language)["claim"] + labels(language)["colon"]
    note = f"{head}{found.expression} = {shown}" if not shown.startswith("raises ") else f"{head}{found.expression} {shown}"
    return f'<span class="docexec-claim" title="{_pipes(html.escape(note, quote=True))}">{words}</span>'


def _pipes(text: str) -> str:
    # A value printed on several lines (a 3-D tensor) holds blank and indented lines, which would
    # end the paragraph and open a code block: the title keeps its lines as entities instead.
    return text.replace("|", "&#124;").replace("\n", "&#10;")


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


def _quoted(text: str) -> str:
    """A fence attribute's value: attr_list has no escapes, so it is quoted with the quote it
    does not hold (a title holding both is refused where the page is read)."""
    return f"'{text}'" if '"' in text else f'"{text}"'


def _attr(text: str) -> str:
    return text.replace('"', "'")
