"""The comment posted on the merge request or pull request (the caller prepends the marker).

```
### ✗ Rollout plan incomplete

Failed: 1 of 4 required parts incomplete; 1 warning.

| | Requirement | Found | What to fix |
|---|---|---|---|
| ✓ | Expected result | `Expectations`, line 5 | |
| ✗ | Rollback plan | `Rollback`, line 12: template text only | `The section holds ...` |

<details><summary>Headings to add</summary> ... a fenced block ready to paste ... </details>

Edit the description, then [re-run the check](https://...).
```

Safety. Text from the description (a requirement's heading, finding messages, the source
and the target) is untrusted; it goes only into code spans, built by ``code``:
- flattened to one line, so it never starts a line: GitLab runs quick actions such as
  ``/merge`` written at the start of a note line;
- fenced by a backtick run longer than any inside it, so it cannot close its span early;
- ``|`` escaped in table cells, so a cell cannot spill into the next one and out of its span;
- inside a code span ``@all`` does not ping anyone.
Trusted text (titles, hints, notes) still passes through ``plain``, which flattens it and
breaks every ``@mention`` with a zero-width joiner. The fenced block of headings to paste
holds only trusted text. No time stamps or run ids: the same verdict gives the same bytes.
"""

from __future__ import annotations

import re

from enforcer.model import Report, RequirementResult
from enforcer.report._common import STATUS_PHRASES, findings_for, one_line, shorten, summary

ZWJ = "\u200d"
_MENTION = re.compile(r"@(?=[\w.\-/])")
_BACKTICKS = re.compile(r"`+")
_HEADING_LIMIT = 80
_MESSAGE_LIMIT = 240
_MARKS = {"ok": "✓", "error": "✗", "warning": "⚠"}


def _escape_pipes(text: str) -> str:
    # GFM splits cells on an unescaped "|", and a backslash escapes the next punctuation
    # character, so "\" right before "|" would turn our "\|" back into a live "|". A
    # zero-width space between them keeps the backslash literal.
    text = re.sub(r"\\(?=\|)", "\\\\\u200b", text)
    return text.replace("|", "\\|")


def code(text: str | None, *, table: bool = False, limit: int = _MESSAGE_LIMIT) -> str:
    """Untrusted ``text`` as one inline code span, safe anywhere on a line.

    ``table``: the span sits in a table cell, so ``|`` is escaped as well.
    """
    text = shorten(one_line(text), limit)
    if not text:
        return "(empty)"
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space on each side when both are there: pad when the text
    # starts or ends with a backtick (which would join the fence) or a space
    if text[0] in "` " or text[-1] in "` ":
        text = f" {text} "
    if table:
        text = _escape_pipes(text)
    return f"{fence}{text}{fence}"


def plain(text: str | None, *, table: bool = False) -> str:
    """Trusted ``text`` (titles, hints, notes) on one line, with every ``@`` defused."""
    text = _MENTION.sub("@" + ZWJ, one_line(text))
    if table:
        text = _escape_pipes(text)
    return text


def _found(result: RequirementResult) -> str:
    parts = []
    if result.heading:
        parts.append(code(result.heading, table=True, limit=_HEADING_LIMIT))
    if result.line is not None:
        parts.append(f"line {result.line}")
    where = ", ".join(parts)
    if result.status == "ok":
        return where or "found"
    phrase = STATUS_PHRASES.get(result.status, plain(result.status, table=True))
    return f"{where}: {phrase}" if where else phrase


def _fix(report: Report, result: RequirementResult) -> str:
    messages = [f.message for f in findings_for(report, result.id) if one_line(f.message)]
    if messages:
        fix = "; ".join(code(m, table=True) for m in messages)
        if result.status == "placeholder" and result.hint:
            # only prompts there: say what a real answer looks like
            fix += " " + plain(f"A real answer: {result.hint}", table=True)
        return fix
    if result.status != "ok" and result.hint:
        return plain(result.hint, table=True)
    return ""


def _mark(result: RequirementResult) -> str:
    return _MARKS["ok"] if result.status == "ok" else _MARKS[result.severity]


def _headline(report: Report) -> str:
    if report.status == "exempt":
        return "### Rollout plan check: exempt"
    if report.status == "passed":
        return "### ✓ Rollout plan complete"
    return "### ✗ Rollout plan incomplete" if report.plan_found else "### ✗ Rollout plan missing"


def _comment_text(hint: str) -> str:
    """A hint made safe for an HTML comment: no ``--`` (which could end it)."""
    text = one_line(hint)
    while "--" in text:
        text = text.replace("--", "-\u200b-")
    return text


def _paste_block(report: Report, missing: list[RequirementResult]) -> list[str]:
    body: list[str] = []
    level = max(1, min(report.heading_level, 6))
    if report.plan_heading:
        body.append(f"{'#' * max(1, level - 1)} {one_line(report.plan_heading)}")
    for result in missing:
        heading = one_line(result.suggested_heading) or one_line(result.title)
        if body:
            body.append("")
        body.append(f"{'#' * level} {heading}")
        if one_line(result.hint):
            body.append(f"<!-- {_comment_text(result.hint)} -->")
    longest = max((len(run) for line in body for run in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [
        "<details><summary>Headings to add</summary>",
        "",
        f"{fence}markdown",
        *body,
        fence,
        "",
        "</details>",
    ]


def render(report: Report, *, color: bool = False) -> str:
    """The comment body (without the marker), ending in a newline; ``color`` is ignored."""
    lines = [_headline(report), "", plain(summary(report))]

    if report.source:
        lines += ["", f"The plan was read from {code(report.source)}, linked to this change."]
    if report.status != "exempt":
        notes = [plain(n) for n in report.notes if one_line(n)]
        if notes:
            lines.append("")
            lines += [f"- {note}" for note in notes]

    if report.requirements:
        lines += ["", "| | Requirement | Found | What to fix |", "|---|---|---|---|"]
        for result in report.requirements:
            cells = [
                _mark(result),
                plain(result.title, table=True),
                _found(result),
                _fix(report, result),
            ]
            lines.append("|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|")

    known = {r.id for r in report.requirements}
    loose = [f for f in report.findings if f.requirement is None or f.requirement not in known]
    if loose:
        lines.append("")
        for finding in loose:
            where = f" (line {finding.line})" if finding.line is not None else ""
            lines.append(f"- {_MARKS[finding.severity]} {code(finding.message)}{where}")

    # only what is missing: the other problems have their heading already, to fill in
    missing = [r for r in report.requirements if r.status == "missing"]
    if missing and report.status != "exempt":
        lines += ["", *_paste_block(report, missing)]

    if report.status == "failed":
        rerun = "re-run the check"
        if report.rerun_url:
            rerun = f"[re-run the check]({_link(report.rerun_url)})"
        lines += ["", f"Edit the description, then {rerun}."]
    return "\n".join(lines) + "\n"


def _link(url: str) -> str:
    """A URL safe inside ``[...](...)``: no spaces, parentheses or angle brackets."""
    url = one_line(url)
    for char, escaped in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, escaped)
    return url
