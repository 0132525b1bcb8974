"""Each format on its own: JSON against the contract's shape, JUnit parsed back, Code
Quality fingerprints, terminal text and colour, and the dispatcher."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from report_samples import EXEMPT, FAILING, HOSTILE, PASSING, SAMPLES

from enforcer.model import Finding, Report, RequirementResult
from enforcer.report import FORMATS, codequality, render

ALL = {**SAMPLES, "hostile": HOSTILE}

# CONTRACT.md, "Report shape": every key it names, with its type; more keys are allowed
CONTRACT_SCHEMA = json.loads((Path(__file__).parents[1] / "report-schema.json").read_text(encoding="utf-8"))


# --- dispatcher --------------------------------------------------------------------------


def test_formats_are_the_contract_ones() -> None:
    assert FORMATS == ("text", "json", "markdown", "junit", "codequality")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_every_report(fmt: str) -> None:
    for report in ALL.values():
        out = render(fmt, report)
        assert out.endswith("\n") and not out.endswith("\n\n")


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="yaml.*text, json, markdown, junit, codequality"):
        render("yaml", PASSING)


def test_import_is_light() -> None:
    code = (
        "import sys, enforcer.report; "
        "print(sorted(m for m in sys.modules if m.startswith('enforcer.report.') "
        "or m.split('.')[0] in ('gitlab', 'github', 'hashlib', 'xml')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --- json --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_json_matches_the_contract(name: str) -> None:
    data = json.loads(render("json", ALL[name]))
    jsonschema.validate(data, CONTRACT_SCHEMA)
    assert list(data)[:7] == ["schema", "target", "ruleset", "status", "requirements", "templates", "findings"]
    for item in data["requirements"]:
        assert list(item)[:6] == ["id", "title", "severity", "status", "heading", "line"]
    for item in data["findings"]:
        assert list(item) == ["rule", "requirement", "severity", "message", "line"]


def test_json_carries_every_value() -> None:
    data = json.loads(render("json", FAILING))
    assert data["target"] == FAILING.target
    assert data["source"] == FAILING.source
    assert data["notes"] == list(FAILING.notes)
    assert [r["status"] for r in data["requirements"]] == [
        "ok",
        "empty",
        "ok",
        "placeholder",
        "missing",
        "insufficient",
    ]
    metrics = data["requirements"][4]
    assert metrics["heading"] is None and metrics["line"] is None
    assert data["requirements"][3]["hint"] == FAILING.requirements[3].hint
    assert data["findings"][4] == {
        "rule": "plan-heading",
        "requirement": None,
        "severity": "warning",
        "message": 'No "Rollout plan" heading.',
        "line": None,
    }


def test_json_keeps_unicode_and_round_trips_hostile_text() -> None:
    out = render("json", HOSTILE)
    assert "\u2028" not in out.replace("\\u2028", "")  # JSON escapes it, as it must
    data = json.loads(out)
    assert [r["heading"] for r in data["requirements"]] == [r.heading for r in HOSTILE.requirements]
    assert "✓" in render("json", PASSING._replace(notes=("✓ done",)))


# --- junit -------------------------------------------------------------------------------


def parse(report: Report) -> ET.Element:
    return ET.fromstring(render("junit", report).encode("utf-8"))


def test_junit_failing() -> None:
    root = parse(FAILING)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "rollout-plan"
    cases = suite.findall("testcase")
    # six requirements and the document-level finding
    assert len(cases) == 7
    assert suite.get("tests") == "7" and suite.get("failures") == "2"
    assert root.get("failures") == "2"
    by_name = {c.get("name"): c for c in cases}
    assert {c.get("classname") for c in cases} == {"rollout-plan.handbook"}

    rollback = by_name["rollback: Rollback plan"].find("failure")
    assert rollback is not None and rollback.get("type") == "placeholder"
    assert rollback.get("message") == 'The section holds only template text ("TODO").'
    assert FAILING.requirements[3].hint in (rollback.text or "")

    validation = by_name["validation: How to validate"].find("failure")
    assert validation is not None and validation.get("type") == "empty"

    metrics = by_name["metrics: Metrics to observe"]
    assert metrics.find("failure") is None
    assert "No section found." in (metrics.findtext("system-out") or "")

    assert list(by_name["expectations: Expected result"]) == []
    plan = by_name["plan: plan-heading"]
    assert plan.find("failure") is None and "Rollout plan" in plan.findtext("system-out")


def test_junit_passing_has_no_failures() -> None:
    root = parse(PASSING)
    assert root.get("tests") == "5" and root.get("failures") == "0"
    assert root.find(".//failure") is None


def test_junit_exempt_is_skipped() -> None:
    root = parse(EXEMPT)
    skipped = root.findall(".//skipped")
    assert len(skipped) == 1 and skipped[0].get("message") == EXEMPT.notes[0]
    assert root.get("skipped") == "1" and root.get("failures") == "0"


def test_junit_escapes_everything() -> None:
    report = HOSTILE._replace(
        ruleset="a\"b<c>&'d",
        findings=HOSTILE.findings
        + (Finding("x", "req1", "error", "]]> <![CDATA[ \x00\x1b &amp; \ud800 \n two", 2),),
    )
    root = parse(report)  # would raise on a bad character or a broken escape
    assert {c.get("classname") for c in root.iter("testcase")} == {"rollout-plan.a\"b<c>&'d"}
    texts = "".join(root.itertext())
    assert "]]> <![CDATA[" in texts and "&amp;" in texts


def test_junit_is_deterministic() -> None:
    assert render("junit", FAILING) == render("junit", FAILING._replace())


# --- codequality -------------------------------------------------------------------------


def test_codequality_issues() -> None:
    issues = json.loads(render("codequality", FAILING))
    # five findings, and every incomplete requirement has one, so nothing is added
    assert len(issues) == 5
    first = issues[0]
    assert set(first) == {
        "type",
        "check_name",
        "description",
        "categories",
        "severity",
        "fingerprint",
        "location",
    }
    assert first["type"] == "issue"
    assert first["check_name"] == "rollout-plan/content"
    assert first["description"] == "How to validate: The section is empty."
    assert first["categories"] == ["Style"]
    assert first["severity"] == "major"
    assert first["location"] == {"path": ".rollout-plan.yml", "lines": {"begin": 9}}
    assert [i["severity"] for i in issues] == ["major", "major", "minor", "minor", "minor"]
    assert issues[4]["location"]["lines"]["begin"] == 1
    assert issues[4]["description"] == 'No "Rollout plan" heading.'
    assert len({i["fingerprint"] for i in issues}) == 5


def test_codequality_names_the_requirement_once() -> None:
    report = FAILING._replace(
        findings=(Finding("empty", "validation", "error", "How to validate: the section 'V' is empty.", 3),)
    )
    descriptions = [i["description"] for i in json.loads(render("codequality", report))]
    assert descriptions[0] == "How to validate: the section 'V' is empty."


def test_codequality_points_at_a_local_file() -> None:
    local = FAILING._replace(target="./docs/plan.md")
    assert {i["location"]["path"] for i in json.loads(render("codequality", local))} == {
        "docs/plan.md"
    }
    for target in ("-", "https://github.com/o/r/pull/1", ""):
        assert codequality.location_path(target) == ".rollout-plan.yml"


def test_codequality_reports_an_incomplete_requirement_without_finding() -> None:
    report = FAILING._replace(findings=())
    issues = json.loads(render("codequality", report))
    assert [i["description"] for i in issues] == [
        "How to validate: section is empty",
        "Rollback plan: template text only",
        "Metrics to observe: not found",
        "Testing: not enough detail",
    ]
    assert {i["check_name"] for i in issues} == {"rollout-plan/requirement"}


def test_codequality_exempt_is_empty() -> None:
    assert json.loads(render("codequality", EXEMPT)) == []
    assert json.loads(render("codequality", PASSING)) == []


def fingerprints(report: Report) -> list[str]:
    return [i["fingerprint"] for i in json.loads(render("codequality", report))]


def test_fingerprint_stable_across_edits_of_message_and_line() -> None:
    edited = FAILING._replace(
        findings=tuple(
            f._replace(message=f.message + " (edited)", line=(f.line or 0) + 7)
            for f in FAILING.findings
        ),
        requirements=tuple(
            r._replace(heading="Other", line=99) for r in FAILING.requirements
        ),
        target="https://gitlab.example.com/group/project/-/merge_requests/43",
    )
    assert fingerprints(edited) == fingerprints(FAILING)


def test_fingerprint_follows_ruleset_requirement_and_rule() -> None:
    base = codequality.fingerprint("handbook", "rollback", "placeholders")
    assert len(base) == 64 and int(base, 16) >= 0
    assert base != codequality.fingerprint("handbook-strict", "rollback", "placeholders")
    assert base != codequality.fingerprint("handbook", "risks", "placeholders")
    assert base != codequality.fingerprint("handbook", "rollback", "content")
    # the separator keeps ("ab", "c") apart from ("a", "bc")
    assert codequality.fingerprint("a", "bc", "d") != codequality.fingerprint("ab", "c", "d")


def test_repeated_finding_gets_its_own_fingerprint() -> None:
    twice = Finding("content", "rollback", "error", "one", 3)
    report = Report("plan.md", "handbook", "failed", findings=(twice, twice))
    first, second = fingerprints(report)
    assert first != second
    assert first == codequality.fingerprint("handbook", "rollback", "content")


# --- text --------------------------------------------------------------------------------


def test_text_has_no_ansi_unless_asked() -> None:
    for report in ALL.values():
        assert "\x1b" not in render("text", report)
    coloured = render("text", FAILING, color=True)
    assert "\x1b[32m✓\x1b[0m" in coloured
    assert "\x1b[31m✗\x1b[0m" in coloured
    assert "\x1b[33m⚠\x1b[0m" in coloured
    assert "\x1b[2m" in coloured


def test_text_strips_terminal_controls_from_description_text() -> None:
    report = Report(
        target="plan\x1b]0;pwned\x07.md",
        ruleset="handbook",
        status="failed",
        requirements=(
            RequirementResult(
                "rollback", "Rollback plan", "error", "empty", "Roll\x1b[2Jback\u202e\nnext line", 4
            ),
        ),
        findings=(Finding("content", "rollback", "error", "empty\rsection\x9b31m", 4),),
    )
    out = render("text", report)
    assert all(ch not in out for ch in "\x1b\x07\x9b\r\u202e")
    assert '"Roll[2Jback next line", line 4' in out
    assert out.count("\n") == len(out.splitlines())


def test_text_verdict_lines() -> None:
    assert render("text", PASSING).endswith("\nPassed: all 4 required parts complete.\n")
    assert render("text", FAILING).endswith(
        "\nFailed: 2 of 4 required parts incomplete; 3 warnings.\n"
    )
    assert render("text", EXEMPT).endswith("\nExempt: labelled rollout-plan::not-needed.\n")
    doc_only = Report(
        "x.md",
        "handbook",
        "failed",
        findings=(Finding("plan-heading", None, "error", "No plan heading."),),
    )
    out = render("text", doc_only)
    assert "  ✗ No plan heading." in out and out.endswith("\nFailed: 1 error.\n")


def test_text_lists_findings_and_hint_under_their_requirement() -> None:
    lines = render("text", FAILING).splitlines()
    at = next(i for i, line in enumerate(lines) if "Rollback plan" in line)
    assert lines[at].startswith("  ✗ Rollback plan")
    assert lines[at + 1].strip() == 'The section holds only template text ("TODO").'
    assert lines[at + 2].strip().startswith("Say how to undo the change")
    assert "Plan found in: https://gitlab.example.com/group/project/-/issues/7" in lines
    assert "Note: Text copied unchanged from the description template is not content." in lines


def test_text_wraps_long_hints_and_keeps_long_urls_whole() -> None:
    url = "https://grafana.example.com/d/" + "x" * 120
    hint = "Link the dashboards you will watch " * 6 + url + " and say what to look for."
    result = RequirementResult("metrics", "Metrics", "error", "missing", hint=hint)
    lines = render("text", Report("x", "handbook", "failed", requirements=(result,))).splitlines()
    details = [line for line in lines if line.startswith("      ")]
    assert len(details) > 3
    assert all(len(line) <= 96 for line in details if url not in line)
    assert "      " + url in details  # on a line of its own, not cut
    assert " ".join(line.strip() for line in details) == " ".join(hint.split())


# --- markdown (its safety has its own file) ----------------------------------------------


def test_markdown_headlines() -> None:
    assert render("markdown", PASSING).startswith("### ✓ Rollout plan complete\n")
    assert render("markdown", FAILING).startswith("### ✗ Rollout plan incomplete\n")
    assert render("markdown", EXEMPT).startswith("### Rollout plan check: exempt\n")
    nothing = Report(
        "x",
        "handbook",
        "failed",
        requirements=(RequirementResult("rollback", "Rollback plan", "error", "missing"),),
    )
    assert render("markdown", nothing).startswith("### ✗ Rollout plan missing\n")


def test_markdown_headings_to_add_sit_under_the_plan_heading() -> None:
    missing = RequirementResult("rollback", "Rollback plan", "error", "missing", suggested_heading="Rollback plan")
    filled_in = RequirementResult("risks", "Risks", "error", "placeholder", "Risks", 4, suggested_heading="Risks")
    report = Report("x", "handbook", "failed", (missing, filled_in), plan_heading="Rollout plan", heading_level=3)
    body = render("markdown", report)
    block = body[body.index("```markdown") : body.rindex("```")]
    assert block.split("\n")[1:4] == ["## Rollout plan", "", "### Rollback plan"]
    assert "Risks" not in block  # it has its heading: the fix is to fill it in


def test_markdown_rerun_line() -> None:
    without = FAILING._replace(rerun_url=None)
    assert render("markdown", without).endswith("\nEdit the description, then re-run the check.\n")
    assert "re-run" not in render("markdown", PASSING)
    assert "re-run" not in render("markdown", EXEMPT)


def test_markdown_passing_with_warning_offers_its_heading() -> None:
    report = PASSING._replace(
        requirements=PASSING.requirements[:4]
        + (PASSING.requirements[4]._replace(status="missing", heading=None, line=None),),
    )
    body = render("markdown", report)
    assert body.startswith(
        "### ✓ Rollout plan complete\n\nPassed: all 4 required parts complete; 1 warning.\n"
    )
    assert "| ⚠ | Metrics to observe | not found | Add a heading such as" in body
    assert "\n## Metrics\n<!-- Add a heading" in body
