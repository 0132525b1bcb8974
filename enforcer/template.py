"""Config -> a description template holding every heading of the ruleset.

Prompts are HTML comments, so a description left as the template is judged "placeholder"
and a filled one needs no clean-up.
"""

from __future__ import annotations

from enforcer.model import Config, Requirement


def _table(requirements: list[Requirement]) -> list[str]:
    rows: list[str] = []
    columns: list[str] = []
    for requirement in requirements:
        assert requirement.table is not None
        row, column = requirement.title.split(": ", 1) if ": " in requirement.title else (
            requirement.table.row[0], requirement.table.column[0].lstrip("=")
        )
        if row not in rows:
            rows.append(row)
        if column not in columns:
            columns.append(column)
    lines = ["| Workstream | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for row in rows:
        lines.append(f"| {row} | " + " | ".join("<!-- your tasks -->" for _ in columns) + " |")
    return lines


def render_template(config: Config) -> str:
    lines = [f"## {config.plan_heading}", ""]
    tables = [r for r in config.requirements if r.table is not None]
    if tables:
        lines += _table(tables) + [""]
    for requirement in config.requirements:
        if requirement.table is not None:
            continue
        optional = "" if requirement.severity == "error" else " (recommended)"
        lines.append(f"### {requirement.suggested_heading}")
        lines.append("")
        lines.append(f"<!-- {requirement.title}{optional}: {requirement.hint} -->")
        lines.append("")
    return "\n".join(lines)
