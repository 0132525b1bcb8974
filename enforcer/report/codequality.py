"""The report as a GitLab Code Quality report: a JSON array of issues.

One issue per finding, and one per incomplete requirement that has no finding of its own::

    {"type": "issue", "check_name": "rollout-plan/<rule>",
     "description": "<requirement title>: <message>", "categories": ["Style"],
     "severity": "major" (error) | "minor" (warning), "fingerprint": "<sha256 hex>",
     "location": {"path": "<file>", "lines": {"begin": <line or 1>}}}

The fingerprint hashes the ruleset, the requirement id and the rule only, never the message
or the line, so GitLab sees the same issue across edits of the description and can say
"fixed" or "new" correctly. GitLab keeps one issue per fingerprint, so a second finding with
the same three keys gets its occurrence number mixed in. The path is the target when it is
a local file; a merge request has no file, so issues point at ``.rollout-plan.yml``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from enforcer.model import Report
from enforcer.report._common import STATUS_PHRASES, one_line

CONFIG_PATH = ".rollout-plan.yml"
_SEVERITY = {"error": "major", "warning": "minor"}
# check name for an incomplete requirement the engine gave no finding of its own
REQUIREMENT_RULE = "requirement"


def fingerprint(ruleset: str, requirement: str | None, rule: str, occurrence: int = 0) -> str:
    """A stable id for one issue: sha256 of the ruleset, requirement id and rule."""
    parts = [ruleset, requirement or "", rule]
    if occurrence:
        parts.append(str(occurrence))
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def location_path(target: str) -> str:
    """The target when it names a local file, else the config file's path."""
    target = target.strip()
    if not target or target == "-" or "://" in target or target.startswith("<"):
        return CONFIG_PATH
    if "\n" in target or "\r" in target:
        return CONFIG_PATH
    while target.startswith("./"):
        target = target[2:]
    return target or CONFIG_PATH


def issues(report: Report) -> list[dict[str, Any]]:
    """The Code Quality issues of ``report``, in the report's order (none when exempt)."""
    if report.status == "exempt":
        return []
    titles = {r.id: r.title for r in report.requirements}
    path = location_path(report.target)
    seen: dict[tuple[str | None, str], int] = {}
    found: list[dict[str, Any]] = []

    def add(
        requirement: str | None, rule: str, severity: str, message: str, line: int | None
    ) -> None:
        key = (requirement, rule)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        title = titles.get(requirement or "", requirement or "")
        text = one_line(message)
        found.append(
            {
                "type": "issue",
                "check_name": f"rollout-plan/{rule}",
                # the engine's messages name their requirement already
                "description": f"{title}: {text}" if title and not text.startswith(f"{title}:") else text,
                "categories": ["Style"],
                "severity": _SEVERITY.get(severity, "minor"),
                "fingerprint": fingerprint(report.ruleset, requirement, rule, occurrence),
                "location": {"path": path, "lines": {"begin": line if line and line > 0 else 1}},
            }
        )

    for finding in report.findings:
        add(finding.requirement, finding.rule, finding.severity, finding.message, finding.line)
    with_findings = {f.requirement for f in report.findings}
    for result in report.requirements:
        if result.status != "ok" and result.id not in with_findings:
            add(
                result.id,
                REQUIREMENT_RULE,
                result.severity,
                STATUS_PHRASES.get(result.status, result.status),
                result.line,
            )
    return found


def render(report: Report, *, color: bool = False) -> str:
    """The Code Quality JSON array, pretty-printed, ending in a newline."""
    text = json.dumps(issues(report), indent=2, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"
