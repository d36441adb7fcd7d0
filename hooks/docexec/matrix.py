# matrix: what readers see of the records of other torch versions: the page's line, diffs in place, claim marks, the report's table.
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Protocol

from . import compare, expected, markup
from .cache import versions as build_versions
from .docnotebooks import Cell
from .versions import ABSENT, CHANGED, DIFFERS, SAME, Record, Verdicts, worst

LABELS = {
    "zh": {"also": "本页的代码也在 PyTorch {versions} 上运行并核对过：输出与本次构建相同，核对的陈述也都成立。",
           "and": "、", "comma": "、",
           "prints": "PyTorch {torch} 上的输出不同（“-”为本次构建，“+”为 PyTorch {torch}）",
           "claim": "在 PyTorch {torch} 上这一陈述不成立：{expression} = {value}",
           "heading": "在各个 PyTorch 版本上的核对",
           "lead": "每个代码文件在各个 PyTorch 版本上运行的结果（记录在 <code>verified/</code> 中，由 <code>make check TORCH=版本</code> 生成），"
                   "与本次构建记录的输出和核对的陈述相比。每个文件下方可展开它的各小节与陈述。",
           "file": "代码文件", "parts": "<code>{file}</code> 的各小节与陈述", "section": "小节", "statement": "陈述",
           SAME: "相同", DIFFERS: "不同", CHANGED: "改动后未核对", ABSENT: "未核对",
           "changed_title": "自该文件改动以来，尚未在 PyTorch {torch} 上核对", "absent_title": "尚未在 PyTorch {torch} 上核对",
           "recorded": "{date} 记录；Python {python}，NumPy {numpy}，{platform}"},
    "en": {"also": "This page's code was also run and checked on PyTorch {versions}: the outputs are the same as this build's, "
                   "and the checked statements hold there too.",
           "and": " and ", "comma": ", ",
           "prints": "PyTorch {torch} prints something else ('-' this build, '+' PyTorch {torch})",
           "claim": "On PyTorch {torch} this statement does not hold: {expression} = {value}",
           "heading": "Checked on each PyTorch version",
           "lead": "What each snippet file gives on each recorded PyTorch version (recorded in <code>verified/</code> by "
                   "<code>make check TORCH=version</code>), against this build's recorded outputs and checked statements. "
                   "Under each file, its sections and statements unfold.",
           "file": "Snippet file", "parts": "sections and statements of <code>{file}</code>", "section": "section", "statement": "statement",
           SAME: "same", DIFFERS: "differs", CHANGED: "not checked since a change", ABSENT: "not checked",
           "changed_title": "not checked on PyTorch {torch} since this file changed", "absent_title": "never checked on PyTorch {torch}",
           "recorded": "recorded {date}; Python {python}, NumPy {numpy}, {platform}"},
}


class Session(Protocol):
    root: Path
    docs: str
    marked: dict[str, markup.Markup]
    cells: dict[str, list[Cell]]
    records: list[Record]
    verdicts: Verdicts | None


def labels(language: str | None) -> dict[str, str]:
    return LABELS.get((language or "en").split("_")[0], LABELS["en"])


def others(session: Session) -> list[Record]:
    """The records of torch versions other than the build's own (which the page names already)."""
    own = build_versions().get("torch", "")
    return [r for r in session.records if r.torch != own]


def also(session: Session, label: str, language: str | None) -> str | None:
    """The provenance line's addition: each other torch on which every output this page shows
    and every statement it makes were checked and found the same. A version with anything
    unchecked (a file changed since its record) or different is not named."""
    verdicts, found = session.verdicts, session.marked.get(label)
    if verdicts is None or found is None:
        return None
    shown = [(r.target.path, r.target.section) for r in found.references if r.options.get("output") != "hide"]
    shown += [(c.target.path, c.target.section) for c in session.cells.get(label, [])]
    if not shown and not found.claims:
        return None
    named = []
    for record in others(session):
        states = [verdicts.file(record, path) for path, _ in shown]
        states += [verdicts.section(record, path, name)[0] for path, section in shown for name in verdicts.sections(path, section)]
        states += [verdicts.claim(record, item)[0] for item in found.claims]
        if worst(states) == SAME:
            named.append(record.torch)
    if not named:
        return None
    text = labels(language)
    listed = named[0] if len(named) == 1 else text["comma"].join(named[:-1]) + text["and"] + named[-1]
    return html.escape(text["also"].format(versions=listed), quote=False)  # the theme prints it as it is


def differences(session: Session, ref: markup.Reference, language: str | None) -> str:
    """Under a section's output: for each torch that printed something else, the difference,
    folded. One line of raw HTML: nothing in it is read as Markdown."""
    verdicts = session.verdicts
    if verdicts is None or ref.options.get("output") == "hide":
        return ""
    blocks = []
    for record in others(session):
        diffs = []
        for name in verdicts.sections(ref.target.path, ref.target.section):
            state, printed = verdicts.section(record, ref.target.path, name)
            if state != DIFFERS:
                continue
            found = verdicts.files[ref.target.path].section(name)
            options = found.options if found is not None else {}
            mine = expected.read(session.root, ref.target.path, name) or ""
            diff = compare.check(mine, printed, options.get("rtol"), options.get("atol")) or printed
            diffs.append((f"# {name}\n" if ref.target.section is None else "") + diff)
        if diffs:
            summary = html.escape(labels(language)["prints"].format(torch=record.torch))
            body = html.escape("\n".join(diffs)).replace("\n", "&#10;")
            blocks.append(f'<details class="docexec-version-diff"><summary>{summary}</summary>'
                          f'<pre><code>{body}</code></pre></details>')
    return "\n\n".join(blocks)


def notebook_differences(session: Session, label: str, html_text: str, language: str | None) -> str:
    """A notebook page (rendered by mkdocs-jupyter): each bound cell's differences go right
    after that cell, found by its id."""
    for cell in reversed(session.cells.get(label, [])):  # from the end: earlier offsets stay valid
        block = differences(session, markup.Reference(cell.index, "", cell.target), language)
        anchor = html_text.find(f'id="cell-id={cell.id}"') if block and cell.id else -1
        start = html_text.rfind("<div", 0, anchor) if anchor >= 0 else -1
        end = _element_end(html_text, start) if start >= 0 else -1
        if end >= 0:
            html_text = html_text[:end] + block + html_text[end:]
    return html_text


def _element_end(text: str, start: int) -> int:
    """Where the <div> opened at ``start`` closes (just after its </div>); -1 if it never does."""
    depth = 0
    for tag in re.finditer(r"<(/?)div\b[^>]*>", text[start:]):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return start + tag.end()
    return -1


def claim_marks(session: Session, item: markup.Claim, language: str | None) -> str:
    """After a claim: "≠ X" for each torch on which it does not hold, with that torch's value."""
    verdicts = session.verdicts
    if verdicts is None:
        return ""
    marks = []
    for record in others(session):
        state, value = verdicts.claim(record, item)
        if state == DIFFERS:
            title = labels(language)["claim"].format(torch=record.torch, expression=item.expression, value=value)
            marks.append(f'<span class="docexec-claim-version" title="{_attr(title)}">≠ {html.escape(record.torch)}</span>')
    return "".join(marks)


def table(session: Session, language: str | None) -> str:
    """The report's matrix: one row per snippet file, its sections and statements folded below;
    raw HTML, so it needs no Markdown extension. Nothing when there are no records."""
    verdicts = session.verdicts
    if verdicts is None or not session.records:
        return ""
    text = labels(language)
    records = session.records
    claims: dict[str, dict[tuple[str, str, str], markup.Claim]] = {}
    for found in session.marked.values():
        for item in found.claims:
            claims.setdefault(item.target.path, {}).setdefault((item.target.section or "", item.expression, item.expected.describe()), item)
    heads = "".join(f'<th title="{_attr(text["recorded"].format(**r.data))}">PyTorch {html.escape(r.torch)}</th>' for r in records)
    lines = [f"### {text['heading']}", "", f'<p>{text["lead"]}</p>', "",
             f'<div class="docexec-matrix"><table><thead><tr><th>{text["file"]}</th>{heads}</tr></thead><tbody>']
    for path in sorted(verdicts.files):
        rows: list[tuple[str, list[tuple[str, str]]]] = []
        for name in verdicts.sections(path, None):
            rows.append((f'{text["section"]} <code>{html.escape(name)}</code>',
                         [_section_cell(verdicts, r, path, name, text) for r in records]))
        for key, item in sorted(claims.get(path, {}).items()):
            rows.append((f'{text["statement"]} <code>{html.escape(item.expression)}</code> {html.escape(key[2].removeprefix("[[").removesuffix("]]"))}',
                         [_claim_cell(verdicts, r, item, text) for r in records]))
        states = [worst([verdicts.file(r, path)] + [cells[n][0] for _, cells in rows]) for n, r in enumerate(records)]
        top = "".join(_cell(state, _title(state, r, text), text) for state, r in zip(states, records))
        inner = "".join(f"<tr><td>{what}</td>{''.join(_cell(s, t, text) for s, t in cells)}</tr>" for what, cells in rows)
        shown = html.escape(path.removeprefix(markup.SNIPPETS + "/"))
        lines.append(f'<tr class="docexec-matrix-file"><td><code>{shown}</code></td>{top}</tr>')
        lines.append(f'<tr class="docexec-matrix-parts"><td colspan="{len(records) + 1}"><details><summary>'
                     f'{text["parts"].format(file=shown)}</summary><table><thead><tr><th></th>{heads}</tr></thead>'
                     f'<tbody>{inner}</tbody></table></details></td></tr>')
    lines.append("</tbody></table></div>")
    return "\n".join(lines)


def _section_cell(verdicts: Verdicts, record: Record, path: str, name: str, text: dict[str, str]) -> tuple[str, str]:
    state, _ = verdicts.section(record, path, name)
    return state, _title(state, record, text)


def _claim_cell(verdicts: Verdicts, record: Record, item: markup.Claim, text: dict[str, str]) -> tuple[str, str]:
    state, value = verdicts.claim(record, item)
    if state == DIFFERS:
        return state, text["claim"].format(torch=record.torch, expression=item.expression, value=value)
    return state, (f"{item.expression} = {value}" if state == SAME else _title(state, record, text))


def _title(state: str, record: Record, text: dict[str, str]) -> str:
    if state == CHANGED:
        return text["changed_title"].format(torch=record.torch)
    if state == ABSENT:
        return text["absent_title"].format(torch=record.torch)
    return ""


def _cell(state: str, title: str, text: dict[str, str]) -> str:
    words = f"<strong>{text[state]}</strong>" if state == DIFFERS else text[state]
    hover = f' title="{_attr(title)}"' if title else ""
    return f'<td class="docexec-matrix-{state}"{hover}>{words}</td>'


def _attr(text: str) -> str:
    return html.escape(text, quote=True).replace("|", "&#124;").replace("\n", "&#10;")
