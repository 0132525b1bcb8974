"""CI outputs: job summary, step outputs, annotations (escaped as @actions/core escapes them)."""

from __future__ import annotations

import io
import re

from enforcer.model import Finding, Report, RequirementResult
from enforcer.platforms import github as adapter


def report(n_errors=2, n_warnings=1, status="failed") -> Report:
    results = [
        RequirementResult(f"e{i}", f"Error part {i}", "error", "missing", hint="Add it.")
        for i in range(n_errors)
    ]
    results += [
        RequirementResult(
            f"w{i}", f"Warning part {i}", "warning", "empty", heading="Metrics", line=4,
            hint="Fill it in.",
        )
        for i in range(n_warnings)
    ]
    results.append(RequirementResult("ok", "Fine part", "error", "ok", heading="Risks", line=1))
    return Report("https://github.com/o/r/pull/1", "handbook", status, requirements=tuple(results))


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT as the runner reads it: name<<DELIMITER ... DELIMITER."""
    values = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if not line:
            continue
        name, delimiter = line.split("<<", 1)
        body = []
        for value_line in lines:
            if value_line == delimiter:
                break
            body.append(value_line)
        values[name] = "\n".join(body)
    return values


def test_summary_outputs_and_annotations(tmp_path):
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    summary.write_text("earlier step\n")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output)}
    stream = io.StringIO()

    adapter.finish_actions(report(), "### Rollout plan\n", "/tmp/r t/rollout-plan.json", env, stream=stream)

    assert summary.read_text() == "earlier step\n### Rollout plan\n"  # appended
    assert parse_outputs(output.read_text()) == {"status": "failed", "report": "/tmp/r t/rollout-plan.json"}
    lines = stream.getvalue().splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::error", "::warning"]
    # the comment's words: what was found, then what to fix (a prompt-only section: the hint)
    assert lines[0] == "::error title=Rollout plan%3A Error part 0::Error part 0: not found. Add it."
    assert lines[2] == (
        "::warning title=Rollout plan%3A Warning part 0::"
        "Warning part 0: section is empty (under 'Metrics', line 4). Fill it in."
    )


def test_outputs_are_safe_for_multiline_values(tmp_path):
    output = tmp_path / "output"
    env = {"GITHUB_OUTPUT": str(output)}
    adapter.finish_actions(report(), "x", "a\nstatus=passed", env, stream=io.StringIO())
    assert parse_outputs(output.read_text())["report"] == "a\nstatus=passed"
    assert parse_outputs(output.read_text())["status"] == "failed"


def test_at_most_ten_annotations_of_each_kind():
    lines = adapter.annotation_lines(report(n_errors=14, n_warnings=3))
    errors = [line for line in lines if line.startswith("::error")]
    assert len(errors) == 10
    assert errors[-1].endswith("::5 more; see the job summary")
    assert len([line for line in lines if line.startswith("::warning")]) == 3


def test_findings_without_a_requirement_are_annotated_too():
    extra = Finding("config", None, "warning", "unknown heading level")
    lines = adapter.annotation_lines(Report("t", "h", "passed", findings=(extra,)))
    assert lines == ["::warning title=Rollout plan::unknown heading level"]


def test_escaping_follows_the_toolkit():
    line = adapter.workflow_command("error", "50% done\r\nnext::x", title="a:b,c%\n")
    assert line == "::error title=a%3Ab%2Cc%25%0A::50%25 done%0D%0Anext::x"
    assert "\n" not in line


def test_no_annotations_outside_actions_and_nothing_on_standard_output(tmp_path, capsys):
    adapter.finish_actions(report(), "x", None, {})
    assert capsys.readouterr() == ("", "")
    adapter.finish_actions(report(), "x", None, {"GITHUB_ACTIONS": "true"})
    out, err = capsys.readouterr()
    assert out == ""  # only the report goes to standard output
    assert re.match(r"::error ", err)
