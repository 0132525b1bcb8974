"""The report as JSON, in CONTRACT.md's shape (schema 1), keys in the contract's order.

Added keys, which the contract allows: ``source`` and ``notes`` on the report, ``hint`` and
``matched`` (how its section was found: heading, field, title line, table cell, sentence,
learned sentence) on each requirement, and ``text`` on each line of ``evidence``.
Pretty-printed (indent 2), UTF-8 kept as is, with a trailing newline.
"""

from __future__ import annotations

import json
from typing import Any

from enforcer.model import Report

SCHEMA = 1


def as_dict(report: Report) -> dict[str, Any]:
    """The report as plain data, ready for ``json.dumps``."""
    return {
        "schema": SCHEMA,
        "target": report.target,
        "ruleset": report.ruleset,
        "status": report.status,
        "requirements": [
            {
                "id": r.id,
                "title": r.title,
                "severity": r.severity,
                "status": r.status,
                "heading": r.heading,
                "line": r.line,
                "hint": r.hint,
                "matched": r.matched,
                "evidence": [
                    {"line": e.line, "kind": e.kind, "reason": e.reason, "text": e.text} for e in r.evidence
                ],
            }
            for r in report.requirements
        ],
        "templates": list(report.templates),
        "findings": [
            {
                "rule": f.rule,
                "requirement": f.requirement,
                "severity": f.severity,
                "message": f.message,
                "line": f.line,
            }
            for f in report.findings
        ],
        "source": report.source,
        "notes": list(report.notes),
    }


def render(report: Report, *, color: bool = False) -> str:
    """The report as pretty JSON text ending in a newline (``color`` is ignored)."""
    text = json.dumps(as_dict(report), indent=2, ensure_ascii=False)
    # valid JSON either way, but line-oriented tools and JavaScript treat these as line ends
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"
