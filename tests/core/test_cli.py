"""The command line: golden output, exit codes, standard streams, and a light import.

To regenerate the golden files after an intended change, run
    UPDATE_GOLDEN=1 python -m pytest tests/core/test_cli.py
and review the diff of tests/core/golden/ before committing it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import plans
import pytest
from click.testing import CliRunner, Result

from enforcer.cli import cli

GOLDEN = Path(__file__).parent / "golden"
RULESETS = ["handbook", "handbook-strict", "product-launch"]

# CONTRACT.md's report shape, shared with tests/report ("more keys may be added, none removed").
REPORT_SCHEMA = json.loads((Path(__file__).parents[1] / "report-schema.json").read_text(encoding="utf-8"))


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1 to create it"
    assert text == path.read_bytes().decode("utf-8")


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory (no .rollout-plan.yml) outside any CI."""
    monkeypatch.chdir(tmp_path)
    for name in ("GITLAB_CI", "GITHUB_ACTIONS", "CI", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "complete.md").write_text(plans.HANDBOOK_COMPLETE)
    (tmp_path / "incomplete.md").write_text(plans.HANDBOOK_INCOMPLETE)
    return tmp_path


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


# --- golden output ----------------------------------------------------------------------------

CHECK_FORMATS = {"text": "txt", "json": "json", "markdown": "md"}


@pytest.mark.parametrize("plan", ["complete", "incomplete"])
@pytest.mark.parametrize("fmt", CHECK_FORMATS)
def test_check_golden(workdir: Path, plan: str, fmt: str) -> None:
    done = run("check", f"{plan}.md", "--format", fmt)
    assert done.exit_code == (0 if plan == "complete" else 1)
    assert "\x1b[" not in done.stdout  # no colour when not a terminal
    golden(f"check-{plan}.{CHECK_FORMATS[fmt]}", done.stdout)


def test_explain_golden(workdir: Path) -> None:
    """--explain: per requirement, how its section was found and each line, answer or prompt."""
    done = run("check", "incomplete.md", "--explain")
    assert done.exit_code == 1
    assert "- line 13: prompt, a TODO: \"TBD\"" in done.stdout
    golden("check-incomplete-explain.txt", done.stdout)


def test_explain_reads_prompts_of_every_class(workdir: Path) -> None:
    (workdir / "prompts.md").write_text(
        "## Risks\n- [ ] Minor\n- [ ] Major\n\nSeverity: minor / major / critical\n\n"
        "What could break?\n\n> Describe the abort criteria\n\n"
        "## Rollback plan\nIf the new path misbehaves we turn off the `fast_export` flag.\n"
    )
    report = json.loads(run("check", "prompts.md", "--format", "json").stdout)
    jsonschema.validate(report, REPORT_SCHEMA)
    risks = next(r for r in report["requirements"] if r["id"] == "risks")
    assert risks["status"] == "placeholder"
    assert [(e["line"], e["kind"], e["reason"]) for e in risks["evidence"]] == [
        (2, "prompt", "options in unticked boxes, nothing chosen"),
        (3, "prompt", "options in unticked boxes, nothing chosen"),
        (5, "prompt", "alternatives left open"),
        (7, "prompt", "a question"),
        (9, "prompt", "an instruction to the author"),
    ]
    rollback = next(r for r in report["requirements"] if r["id"] == "rollback")
    assert (rollback["status"], rollback["matched"]) == ("ok", "heading")
    assert rollback["evidence"][0]["kind"] == "answer"


@pytest.mark.parametrize("plan", ["complete", "incomplete"])
def test_json_matches_the_contract(workdir: Path, plan: str) -> None:
    report = json.loads(run("check", f"{plan}.md", "--format", "json").stdout)
    jsonschema.validate(report, REPORT_SCHEMA)
    assert report["target"] == f"{plan}.md"
    assert report["ruleset"] == "handbook"


def test_product_launch_golden(workdir: Path) -> None:
    (workdir / "launch.md").write_text(plans.PRODUCT_LAUNCH_GUIDE)
    done = run("check", "launch.md", "--ruleset", "product-launch")
    assert done.exit_code == 1
    golden("check-product-launch-guide.txt", done.stdout)


@pytest.mark.parametrize("ruleset", RULESETS)
def test_rules_golden(workdir: Path, ruleset: str) -> None:
    done = run("rules", "--ruleset", ruleset)
    assert done.exit_code == 0
    golden(f"rules-{ruleset}.txt", done.stdout)


@pytest.mark.parametrize("ruleset", RULESETS)
def test_template_golden(workdir: Path, ruleset: str) -> None:
    done = run("template", "--ruleset", ruleset)
    assert done.exit_code == 0
    golden(f"template-{ruleset}.md", done.stdout)


@pytest.mark.parametrize("ruleset", RULESETS)
def test_the_template_is_not_a_plan(workdir: Path, ruleset: str) -> None:
    template = run("template", "--ruleset", ruleset).stdout
    done = run("check", "-", "--ruleset", ruleset, "--format", "json", input=template)
    assert done.exit_code == 1
    report = json.loads(done.stdout)
    assert {r["status"] for r in report["requirements"]} <= {"placeholder", "empty"}
    assert all(r["heading"] is not None for r in report["requirements"]), "every heading is found"


def test_the_template_is_not_a_plan_with_template_option(workdir: Path) -> None:
    (workdir / "Default.md").write_text(run("template").stdout)
    done = run("check", "Default.md", "--template", "Default.md", "--format", "json")
    assert {r["status"] for r in json.loads(done.stdout)["requirements"]} <= {"placeholder", "empty"}


def test_rules_json(workdir: Path) -> None:
    data = json.loads(run("rules", "--format", "json").stdout)
    assert data["ruleset"] == "handbook"
    assert [r["id"] for r in data["requirements"]][:4] == ["expectations", "validation", "risks", "rollback"]


# --- exit codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", "complete.md"], 0),
        (["check", "incomplete.md"], 1),
        (["check", "incomplete.md", "--warn-only"], 0),
        (["check", "no-such-file.md"], 2),
        (["check", "complete.md", "--report", "bad:x"], 2),
        (["check", "complete.md", "--report", "json"], 2),
        (["check", "complete.md", "--ruleset", "no-such-ruleset"], 2),
        (["check", "complete.md", "--format", "yaml"], 2),
        (["check", "complete.md", "--template", "no-such-template.md"], 2),
        (["rules", "--ruleset", "no-such-ruleset"], 2),
        (["template", "--ruleset", "no-such-ruleset"], 2),
    ],
)
def test_exit_codes(workdir: Path, args: list[str], code: int) -> None:
    assert run(*args).exit_code == code


def test_missing_file_message(workdir: Path) -> None:
    done = run("check", "no-such-file.md")
    assert (done.stdout, done.stderr) == ("", "enforce: no-such-file.md: no such file\n")


def test_a_directory_is_no_description(workdir: Path) -> None:
    (workdir / "dir").mkdir()
    done = run("check", "dir")
    assert done.exit_code == 2
    assert done.stderr == "enforce: dir: is a directory, expected a Markdown file\n"


def test_bad_report_format_message(workdir: Path) -> None:
    done = run("check", "complete.md", "--report", "bad:x")
    assert done.stdout == ""
    assert "expected FORMAT:PATH with FORMAT one of json, markdown, junit, codequality, got \"bad:x\"" in done.stderr


def test_report_files(workdir: Path) -> None:
    done = run(
        "check", "incomplete.md",
        "--report", "junit:out/junit.xml",
        "--report", "json:out/report.json",
        "--report", "codequality:out/cq.json",
        "--report", "markdown:out/comment.md",
    )
    assert done.exit_code == 1
    suite = ET.parse(workdir / "out" / "junit.xml").getroot()
    cases = suite.findall(".//testcase")
    assert len(cases) == 10
    assert sum(1 for case in cases if case.find("failure") is not None) == 3  # validation, risks, rollback
    jsonschema.validate(json.loads((workdir / "out" / "report.json").read_text()), REPORT_SCHEMA)
    assert isinstance(json.loads((workdir / "out" / "cq.json").read_text()), list)
    assert (workdir / "out" / "comment.md").read_text() == run("check", "incomplete.md", "--format", "markdown").stdout


def test_unwritable_report_path_stops_before_any_output(workdir: Path) -> None:
    (workdir / "taken").write_text("a file, not a folder")
    done = run("check", "complete.md", "--report", "json:taken/report.json")
    assert done.exit_code == 2
    assert done.stdout == ""
    assert done.stderr.startswith("enforce: --report: cannot write taken/report.json: ")


def test_stdin(workdir: Path) -> None:
    done = run("check", "-", "--format", "json", input=plans.HANDBOOK_COMPLETE)
    assert done.exit_code == 0
    report = json.loads(done.stdout)
    assert (report["target"], report["status"]) == ("-", "passed")


def test_only_the_report_on_stdout(workdir: Path) -> None:
    done = run("check", "incomplete.md", "--format", "json", "--report", "junit:j.xml")
    json.loads(done.stdout)  # nothing else mixed in
    assert done.stderr == ""


def test_no_colour_even_with_force(workdir: Path) -> None:
    assert "\x1b[" not in run("check", "incomplete.md").stdout


# --- a local check stays light ------------------------------------------------------------------


def test_platform_libraries_are_not_imported_for_a_local_check(workdir: Path) -> None:
    code = (
        "import sys\n"
        "from enforcer.cli import cli\n"
        "try:\n"
        "    cli(['check', 'complete.md', '--format', 'json'], prog_name='enforce')\n"
        "except SystemExit as done:\n"
        "    code = done.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('gitlab', 'github', 'requests', 'urllib3'))\n"
        "print(repr((code, heavy)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False, cwd=workdir)
    assert done.stderr.strip().splitlines()[-1] == "(0, [])"


def test_python_m_enforcer(workdir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "enforcer", "check", "incomplete.md"],
        capture_output=True, text=True, timeout=60, check=False, cwd=workdir,
    )
    assert done.returncode == 1
    assert done.stderr == ""
    assert "\x1b[" not in done.stdout  # a pipe is not a terminal
    assert done.stdout == (GOLDEN / "check-incomplete.txt").read_text(encoding="utf-8")


# --- help and version -------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["-h"], ["--help"], ["check", "-h"], ["rules", "--help"], ["template", "-h"]])
def test_help(args: list[str]) -> None:
    done = run(*args)
    assert done.exit_code == 0
    assert done.stdout.startswith("Usage: ")
    # the last option, as click puts it
    assert re.search(r"\n  -h, --help +Show this message and exit\.\n(\n|$)", done.stdout)


def test_version() -> None:
    from importlib.metadata import version

    done = run("--version")
    assert (done.exit_code, done.stdout) == (0, f"enforce, version {version('rollout-enforcer')}\n")


def test_a_check_loads_no_translations() -> None:
    """click's own --help and --version would import locale to look up translations."""
    code = (
        "import sys; sys.argv = ['enforce', 'check', '-']; from enforcer.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('locale' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], input="## Rollback\nRevert it.\n",
                          capture_output=True, text=True, check=False)
    assert done.stderr.strip().endswith("False"), done.stderr


def test_a_usage_error_points_to_help() -> None:
    done = run("check", "--format", "bogus", "x.md")
    assert done.exit_code == 2
    assert "Try 'cli check --help' for help." in done.output  # "enforce" when run as the command
