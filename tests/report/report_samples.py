"""Reports built straight from the model, shared by the renderer tests."""

from __future__ import annotations

from enforcer.model import Finding, Report, RequirementResult

ROLLBACK_HINT = (
    "Say how to undo the change: turn off the feature flag, revert the merge request, "
    "restore the backup, and how long that takes."
)
METRICS_HINT = (
    'Add a heading such as "## Metrics" that names the dashboards and the numbers to watch.'
)

PASSING = Report(
    target="docs/examples/complete-plan.md",
    ruleset="handbook",
    status="passed",
    requirements=(
        RequirementResult("expectations", "Expected result", "error", "ok", "Expectations", 3),
        RequirementResult("validation", "How to validate", "error", "ok", "Validation", 9),
        RequirementResult("risks", "Risks", "error", "ok", "Risks and mitigations", 15),
        RequirementResult("rollback", "Rollback plan", "error", "ok", "Rollback", 21),
        RequirementResult(
            "metrics",
            "Metrics to observe",
            "warning",
            "ok",
            "Metrics",
            27,
            hint=METRICS_HINT,
            suggested_heading="Metrics",
        ),
    ),
)

FAILING = Report(
    target="https://gitlab.example.com/group/project/-/merge_requests/42",
    ruleset="handbook",
    status="failed",
    requirements=(
        RequirementResult("expectations", "Expected result", "error", "ok", "Expectations", 5),
        RequirementResult(
            "validation",
            "How to validate",
            "error",
            "empty",
            "Validation",
            9,
            hint="Describe how you will know the change works in production.",
            suggested_heading="Validation",
        ),
        RequirementResult("risks", "Risks", "error", "ok", "Risks", 11),
        RequirementResult(
            "rollback",
            "Rollback plan",
            "error",
            "placeholder",
            "Rollback",
            12,
            hint=ROLLBACK_HINT,
            suggested_heading="Rollback plan",
        ),
        RequirementResult(
            "metrics",
            "Metrics to observe",
            "warning",
            "missing",
            hint=METRICS_HINT,
            suggested_heading="Metrics",
        ),
        RequirementResult(
            "testing",
            "Testing",
            "warning",
            "insufficient",
            "Tests",
            20,
            hint="List the tests that cover the change.",
            suggested_heading="Testing",
        ),
    ),
    findings=(
        Finding("content", "validation", "error", "The section is empty.", 9),
        Finding(
            "placeholders",
            "rollback",
            "error",
            'The section holds only template text ("TODO").',
            12,
        ),
        Finding("headings", "metrics", "warning", "No section found.", None),
        Finding("content", "testing", "warning", "3 words, expected at least 10.", 20),
        Finding("plan-heading", None, "warning", 'No "Rollout plan" heading.', None),
    ),
    source="https://gitlab.example.com/group/project/-/issues/7",
    notes=("Text copied unchanged from the description template is not content.",),
    rerun_url="https://gitlab.example.com/group/project/-/pipelines/1234",
)

EXEMPT = Report(
    target="https://github.com/octo/repo/pull/9",
    ruleset="handbook-strict",
    status="exempt",
    notes=("labelled rollout-plan::not-needed",),
    rerun_url="https://github.com/octo/repo/actions/runs/5",
)

SAMPLES = {"passing": PASSING, "failing": FAILING, "exempt": EXEMPT}

# Text an author controls, built to break out of wherever it is placed.
HOSTILE_HEADINGS = (
    "/merge",
    "Rollback\n/close\n@all please",
    "`tick` and ``double`` and ```triple",
    "`",
    "a | b | c",
    "ends with backslash \\",
    "back\\|slash pipe",
    "@org/team ping",
    "line\r\n/label ~urgent",
    "unicode\u2028/merge\u2029@all",
    " spaced `code` ",
    "cc @everyone and @here <!-- x --> [link](javascript:alert(1))",
)

HOSTILE = Report(
    target="/merge\n@all `x` | y",
    ruleset="handbook",
    status="failed",
    requirements=tuple(
        RequirementResult(
            f"req{i}",
            f"Requirement {i}",
            "error" if i % 2 else "warning",
            ("ok", "missing", "placeholder")[i % 3],
            heading,
            i + 1,
            hint="Ask @ops-team before you /merge -- see the runbook --> now",
            suggested_heading=f"Section {i}",
        )
        for i, heading in enumerate(HOSTILE_HEADINGS)
    ),
    findings=tuple(
        Finding(
            "placeholders", f"req{i}", "error", f"Heading {heading!s} holds template text", i + 1
        )
        for i, heading in enumerate(HOSTILE_HEADINGS)
    )
    + (
        Finding("plan-heading", None, "error", "/close\n@all `no` | plan", None),
        Finding("plan-heading", None, "warning", "\x1b[31m@org/team\x00\x07", 3),
    ),
    source="/merge @all `x`\n/close | y",
    notes=("note with @someone\n/unassign",),
    rerun_url="https://gitlab.example.com/g/p/-/pipelines/1 (x)",
)
