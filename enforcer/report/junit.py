"""The report as JUnit XML, for the test widgets of GitLab and CI dashboards.

One ``<testcase>`` per requirement (``classname="rollout-plan.<ruleset>"``, ``name="<id>:
<title>"``). An error requirement that is not ok fails (``<failure type="<status>">`` with
the findings and the hint); a warning requirement that is not ok passes and says why in
``<system-out>``. Document-level findings get a test case of their own (``plan: <rule>``), so
a failed report always shows a failing test. An exempt report with no requirements is one
skipped test case; with requirements, each is skipped. No time stamps: the same report gives the same bytes.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from enforcer.model import Finding, Report, RequirementResult
from enforcer.report._common import STATUS_PHRASES, findings_for, one_line

# characters XML 1.0 cannot hold at all, not even as references
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str | None) -> str:
    return _NOT_XML.sub("\ufffd", text or "")


def _attr(text: str | None) -> str:
    """A quoted attribute value; line breaks kept as references so parsers keep them."""
    return quoteattr(_clean(text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _body(text: str) -> str:
    return escape(_clean(text))


class _Case:
    def __init__(self, classname: str, name: str) -> None:
        self.classname = classname
        self.name = name
        self.failure: tuple[str, str, str] | None = None  # message, type, text
        self.skipped: str | None = None
        self.out: str | None = None

    def xml(self) -> list[str]:
        head = f"    <testcase classname={_attr(self.classname)} name={_attr(self.name)}"
        inner: list[str] = []
        if self.failure is not None:
            message, kind, text = self.failure
            inner.append(
                f"      <failure message={_attr(message)} type={_attr(kind)}>"
                f"{_body(text)}</failure>"
            )
        if self.skipped is not None:
            inner.append(f"      <skipped message={_attr(self.skipped)}/>")
        if self.out:
            inner.append(f"      <system-out>{_body(self.out)}</system-out>")
        if not inner:
            return [head + "/>"]
        return [head + ">", *inner, "    </testcase>"]


def _explain(result: RequirementResult | None, findings: tuple[Finding, ...]) -> str:
    lines = []
    if result is not None:
        where = []
        if result.heading:
            where.append(f'heading "{one_line(result.heading)}"')
        if result.line is not None:
            where.append(f"line {result.line}")
        status = STATUS_PHRASES.get(result.status, result.status)
        lines.append(f"{result.title}: {status}" + (f" ({', '.join(where)})" if where else ""))
    for finding in findings:
        at = f" (line {finding.line})" if finding.line is not None else ""
        lines.append(f"{finding.severity}: {finding.message}{at}")
    if result is not None and result.hint and result.status != "ok":
        lines.append(f"How to fix: {result.hint}")
    return "\n".join(lines)


def _cases(report: Report) -> list[_Case]:
    classname = f"rollout-plan.{report.ruleset}"
    cases: list[_Case] = []
    for result in report.requirements:
        case = _Case(classname, f"{result.id}: {result.title}")
        findings = findings_for(report, result.id)
        failing = result.status != "ok" and result.severity == "error"
        failing = failing or any(f.severity == "error" for f in findings)
        if failing:
            first = next((f.message for f in findings if f.severity == "error"), None)
            message = one_line(first) or (
                f"{result.title}: {STATUS_PHRASES.get(result.status, result.status)}"
            )
            case.failure = (message, result.status, _explain(result, findings))
        elif result.status != "ok" or findings:
            case.out = _explain(result, findings)
        cases.append(case)

    known = {r.id for r in report.requirements}
    for finding in report.findings:
        if finding.requirement is not None and finding.requirement in known:
            continue
        case = _Case(classname, f"plan: {finding.rule}")
        if finding.severity == "error":
            case.failure = (one_line(finding.message), finding.rule, _explain(None, (finding,)))
        else:
            case.out = _explain(None, (finding,))
        cases.append(case)

    if report.status == "exempt":
        # an exempt change needs no plan: nothing fails, every case says why it was skipped
        why = "; ".join(one_line(n) for n in report.notes if one_line(n)) or "exempt"
        if not cases:
            cases.append(_Case(classname, "exempt"))
        for case in cases:
            case.failure = None
            case.skipped = why
    return cases


def render(report: Report, *, color: bool = False) -> str:
    """The report as a JUnit XML document ending in a newline (``color`` is ignored)."""
    cases = _cases(report)
    counts = (
        f'tests="{len(cases)}" '
        f'failures="{sum(1 for c in cases if c.failure)}" errors="0" '
        f'skipped="{sum(1 for c in cases if c.skipped is not None)}"'
    )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="rollout-enforcer" {counts}>',
        f'  <testsuite name="rollout-plan" {counts}>',
        "    <properties>",
        f'      <property name="target" value={_attr(report.target)}/>',
        f'      <property name="ruleset" value={_attr(report.ruleset)}/>',
        f'      <property name="status" value={_attr(report.status)}/>',
    ]
    if report.source:
        lines.append(f'      <property name="source" value={_attr(report.source)}/>')
    lines.append("    </properties>")
    for case in cases:
        lines += case.xml()
    lines += ["  </testsuite>", "</testsuites>"]
    return "\n".join(lines) + "\n"
