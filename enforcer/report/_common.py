"""What the renderers share: counting a report's problems and cleaning untrusted text.

Text taken from the description (a requirement's ``heading``, finding messages, which may
quote headings, ``Report.source`` and ``Report.target``) is untrusted: it may hold line
breaks, terminal escape sequences, bidi overrides or Markdown. Each renderer cleans it with
``one_line`` first and then applies its own format's escaping.
"""

from __future__ import annotations

from typing import NamedTuple

from enforcer.model import Finding, Report, RequirementResult

# C0/C1 controls that are not whitespace (str.split takes care of those), DEL, and the
# invisible direction marks that can make text read differently from what it is.
_INVISIBLE = dict.fromkeys(
    [*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0x85), *range(0x86, 0xA0),
     0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF]
)  # code points -> None: str.translate drops them

STATUS_PHRASES: dict[str, str] = {
    "ok": "complete",
    "missing": "not found",
    "empty": "section is empty",
    "placeholder": "template text only",
    "insufficient": "not enough detail",
}


def one_line(text: str | None) -> str:
    """``text`` on one line: control and direction characters dropped, every run of
    whitespace (including every kind of line break) turned into one space."""
    if not text:
        return ""
    return " ".join(text.translate(_INVISIBLE).split())


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, marked with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def findings_for(report: Report, requirement: str | None) -> tuple[Finding, ...]:
    """The findings attached to one requirement id (None: the document-level ones)."""
    return tuple(f for f in report.findings if f.requirement == requirement)


def what_to_fix(report: Report, result: RequirementResult) -> str:
    """What to do about one requirement, in plain sentences; "" when it is met.

    For a section holding only prompts or template text (``empty``, ``placeholder``), the
    requirement's hint: what a real answer contains. Otherwise the findings' messages,
    without the requirement's title in front (the reader sees it beside them). Messages may
    quote a heading from the description: untrusted, each renderer escapes the whole.
    Shared by the comment and the GitHub annotations, so both say the same thing.
    """
    if result.status == "ok":
        return ""
    hint = one_line(result.hint)
    if result.status in ("empty", "placeholder") and hint:
        return hint
    prefix = f"{one_line(result.title)}: "
    sentences = []
    for finding in findings_for(report, result.id):
        message = one_line(finding.message)
        if message.startswith(prefix):
            message = message[len(prefix) :]
        if message:
            sentences.append(message[0].upper() + message[1:])
    if not sentences and hint:
        sentences.append(hint)
    return " ".join(sentences)


def is_problem(result: RequirementResult) -> bool:
    return result.status != "ok"


class Tally(NamedTuple):
    required: int  # error-severity requirements
    incomplete: int  # of those, not ok
    warnings: int  # warning requirements not ok, plus warning findings not counted there
    other_errors: int  # error findings that belong to no incomplete requirement


def tally(report: Report) -> Tally:
    """Count a report's problems the way a reader would: once per requirement."""
    required = [r for r in report.requirements if r.severity == "error"]
    incomplete = [r for r in required if is_problem(r)]
    warn_reqs = [r for r in report.requirements if r.severity == "warning" and is_problem(r)]
    counted = {r.id for r in incomplete} | {r.id for r in warn_reqs}

    loose = [f for f in report.findings if f.requirement not in counted]
    other_errors = sum(1 for f in loose if f.severity == "error")
    loose_warnings = sum(1 for f in loose if f.severity == "warning")
    # a warning finding on an ok requirement, or on no requirement, is a warning of its own
    return Tally(
        required=len(required),
        incomplete=len(incomplete),
        warnings=len(warn_reqs) + loose_warnings,
        other_errors=other_errors,
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary(report: Report) -> str:
    """The verdict in one sentence, e.g. ``Failed: 1 of 4 required parts incomplete; 2
    warnings.`` Built from counts and trusted words only."""
    t = tally(report)
    if report.status == "exempt":
        notes = "; ".join(n.rstrip(".") for n in map(one_line, report.notes) if n)
        return f"Exempt: {notes}." if notes else "Exempt."
    parts: list[str] = []
    if report.status == "passed":
        if t.required:
            parts.append(
                f"all {t.required} required parts complete"
                if t.required > 1
                else "the required part is complete"
            )
        head = "Passed"
    else:
        head = "Failed"
        if t.incomplete:
            parts.append(f"{t.incomplete} of {t.required} required parts incomplete")
    if t.other_errors:
        parts.append(plural(t.other_errors, "error"))
    if t.warnings:
        parts.append(plural(t.warnings, "warning"))
    return f"{head}: {'; '.join(parts)}." if parts else f"{head}."
