"""The terminal verdict: what a good reviewer would say, one requirement a line.

```
Rollout plan: docs/examples/incomplete-plan.md  (ruleset handbook)

  ✓ Expected result     "Expectations", line 5
  ✗ Rollback plan       template text only: "Rollback", line 12
      The section holds only template text.
      Say how to undo the change: turn off the feature flag, revert the merge request ...
  ⚠ Metrics to observe  not found
      Add a heading such as "## Metrics" ...

Failed: 1 of 4 required parts incomplete; 1 warning.
```

Colour (ANSI) only when asked. Text from the description is shown on one line with control
characters removed, so a heading cannot move the cursor or recolour the terminal.
"""

from __future__ import annotations

from enforcer.model import Finding, Report, RequirementResult
from enforcer.report._common import STATUS_PHRASES, findings_for, one_line, summary

_RESET = "\x1b[0m"
_STYLES = {
    "green": "\x1b[32m",
    "red": "\x1b[31m",
    "yellow": "\x1b[33m",
    "dim": "\x1b[2m",
    "bold": "\x1b[1m",
}
_WIDTH = 96
_DETAIL_INDENT = "      "


class _Paint:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        return f"{_STYLES[style]}{text}{_RESET}" if self.color and text else text


def _mark(severity: str, ok: bool, paint: _Paint) -> str:
    if ok:
        return paint("green", "✓")
    return paint("red", "✗") if severity == "error" else paint("yellow", "⚠")


def _where(result: RequirementResult) -> str:
    found = []
    if result.matched in ("sentence", "learned sentence"):  # a part written inside another section
        found.append(f'a sentence in "{one_line(result.heading)}"' if result.heading else "a sentence")
    elif result.heading:
        found.append(f'"{one_line(result.heading)}"')
    if result.line is not None:
        found.append(f"line {result.line}")
    where = ", ".join(found)
    if result.status == "ok":
        return where or "found"
    phrase = STATUS_PHRASES.get(result.status, result.status)
    return f"{phrase}: {where}" if where else phrase


def _wrap(text: str, indent: str, width: int) -> list[str]:
    """One-line ``text`` filled into lines of at most ``width`` characters, each indented.
    A word longer than a line (a URL) keeps a line of its own, whole, so it stays usable."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(indent) + len(line) + 1 + len(word) > width:
            lines.append(indent + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(indent + line)
    return lines


def _details(lines: list[str], texts: list[str], paint: _Paint) -> None:
    for text in texts:
        for piece in _wrap(one_line(text), _DETAIL_INDENT, _WIDTH):
            lines.append(paint("dim", piece))


def _finding_line(finding: Finding, paint: _Paint) -> str:
    mark = _mark(finding.severity, False, paint)
    where = f" (line {finding.line})" if finding.line is not None else ""
    return f"  {mark} {one_line(finding.message)}{paint('dim', where)}"


_EVIDENCE_LINES = 40  # per requirement under --explain; the JSON report holds them all


def _explained(result: RequirementResult, paint: _Paint) -> list[str]:
    """Under --explain: how the section was found, and each line read, answer or prompt."""
    lines = []
    if result.matched in ("sentence", "learned sentence"):
        where = f' in "{one_line(result.heading)}"' if result.heading else " before the first heading"
        how = " by its words, as the learned model weighs them" if result.matched == "learned sentence" else ""
        lines.append(paint("dim", f"{_DETAIL_INDENT}no section of its own: read from a sentence{where}{how}"))
    elif result.matched:
        where = f' "{one_line(result.heading)}"' if result.heading else ""
        lines.append(paint("dim", f"{_DETAIL_INDENT}found as a {result.matched}{where}"))
    for evidence in result.evidence[:_EVIDENCE_LINES]:
        mark = "+" if evidence.kind == "answer" else "-"
        text = one_line(evidence.text)
        if len(text) > 60:
            text = text[:57] + "..."
        lines.append(f"{_DETAIL_INDENT}{mark} line {evidence.line}: {evidence.kind}, {evidence.reason}: \"{text}\"")
    if len(result.evidence) > _EVIDENCE_LINES:
        lines.append(f"{_DETAIL_INDENT}  ... {len(result.evidence) - _EVIDENCE_LINES} more lines (see --format json)")
    return lines


def render(report: Report, *, color: bool = False, explain: bool = False) -> str:
    """The report as terminal text, ending in a newline; ANSI colour only when ``color``;
    under ``explain``, each requirement's lines read as answers (+) and prompts (-), and why."""
    paint = _Paint(color)
    lines = [
        paint("bold", f"Rollout plan: {one_line(report.target) or '-'}")
        + f"  (ruleset {one_line(report.ruleset)})"
    ]
    if report.source:
        lines.append(f"Plan found in: {one_line(report.source)}")
    if report.templates:
        lines.append("Templates: " + ", ".join(one_line(t) for t in report.templates))
    lines.append("")

    width = max((len(one_line(r.title)) for r in report.requirements), default=0)
    for result in report.requirements:
        ok = result.status == "ok"
        title = one_line(result.title).ljust(width)
        where = _where(result)
        lines.append(
            f"  {_mark(result.severity, ok, paint)} {title}  "
            + (paint("dim", where) if ok else where)
        )
        texts = [f.message for f in findings_for(report, result.id)]
        if not ok and result.hint:
            texts.append(result.hint)
        _details(lines, texts, paint)
        if explain:
            lines.extend(_explained(result, paint))

    loose = findings_for(report, None)
    # findings naming a requirement the report does not list still deserve a line
    known = {r.id for r in report.requirements}
    loose += tuple(
        f for f in report.findings if f.requirement is not None and f.requirement not in known
    )
    if loose:
        if report.requirements:
            lines.append("")
        lines.extend(_finding_line(f, paint) for f in loose)

    if report.requirements or loose:
        lines.append("")
    if report.status != "exempt" and report.notes:
        for note in report.notes:
            if one_line(note):
                lines.append(paint("dim", f"Note: {one_line(note)}"))
        lines.append("")

    verdict = summary(report)
    style = {"passed": "green", "failed": "red", "exempt": "yellow"}[report.status]
    lines.append(paint(style, verdict))
    return "\n".join(lines) + "\n"
