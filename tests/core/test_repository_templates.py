"""The repository's own description templates, read from the working tree without
configuration (CONTRACT.md lists the paths); ``--template`` and ``templates:`` override them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from enforcer.cli import cli
from enforcer.run import repository_templates

TEMPLATE = """## What should happen
<!-- the expected result -->

## Rollback plan
Revert the merge request and redeploy the previous tag.
"""

# A description written from TEMPLATE: the rollback section still holds the template's default
# sentence, which reads as an answer until the template is known. (A bare noun list, as this
# was before, is a prompt by itself now: issue 8.)
DESCRIPTION = """## What should happen
Exports finish in under a minute for every customer.

## Rollback plan
Revert the merge request and redeploy the previous tag.
"""


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("GITLAB_CI", "GITHUB_ACTIONS", "CI"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "description.md").write_text(DESCRIPTION)
    return tmp_path


def check(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["check", "--format", "json", *args, "description.md"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def status(report: dict, requirement: str) -> str:
    return next(r["status"] for r in report["requirements"] if r["id"] == requirement)


@pytest.mark.parametrize(
    "path",
    [
        ".gitlab/merge_request_templates/Default.md",
        ".gitlab/issue_templates/Feature flag rollout.md",
        ".github/pull_request_template.md",
        ".github/PULL_REQUEST_TEMPLATE.md",
        ".github/PULL_REQUEST_TEMPLATE/release.md",
        "PULL_REQUEST_TEMPLATE.md",
        "docs/pull_request_template.md",
        ".github/ISSUE_TEMPLATE/rollout.md",
    ],
)
def test_each_template_place_is_read(repo: Path, path: str) -> None:
    assert status(check(), "rollback") == "ok"  # no template yet: the sentence reads as text
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(TEMPLATE)
    report = check()
    assert report["templates"] == [path]
    assert status(report, "rollback") == "placeholder"
    assert status(report, "expectations") == "ok"


def test_other_files_are_no_templates(repo: Path) -> None:
    for path in (".github/ISSUE_TEMPLATE/config.yml", ".github/workflows/ci.md", "docs/README.md",
                 ".gitlab/merge_request_templates/notes.txt"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(TEMPLATE)
    assert repository_templates(str(repo)) == []
    assert check()["templates"] == []


def test_every_template_is_named_in_order(repo: Path) -> None:
    for path in (".gitlab/merge_request_templates/b.md", ".gitlab/merge_request_templates/a.md",
                 ".github/pull_request_template.md"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(TEMPLATE)
    assert repository_templates(str(repo)) == [
        ".gitlab/merge_request_templates/a.md",
        ".gitlab/merge_request_templates/b.md",
        ".github/pull_request_template.md",
    ]


def test_the_text_report_names_the_templates(repo: Path) -> None:
    (repo / ".github").mkdir()
    (repo / ".github/pull_request_template.md").write_text(TEMPLATE)
    result = CliRunner().invoke(cli, ["check", "description.md"])
    assert "Templates: .github/pull_request_template.md" in result.stdout


def test_the_template_option_overrides_the_repository(repo: Path) -> None:
    (repo / ".github").mkdir()
    (repo / ".github/pull_request_template.md").write_text("## Rollback plan\nSomething else.\n")
    (repo / "mine.md").write_text(TEMPLATE)
    report = check("--template", "mine.md")
    assert report["templates"] == ["mine.md"]
    assert status(report, "rollback") == "placeholder"


def test_the_configuration_overrides_the_repository(repo: Path) -> None:
    (repo / ".github").mkdir()
    (repo / ".github/pull_request_template.md").write_text(TEMPLATE)
    (repo / "templates").mkdir()
    (repo / "templates/ours.md").write_text("## Nothing alike\n")
    (repo / ".rollout-plan.yml").write_text("templates: ['templates/*.md']\n")
    report = check()
    assert report["templates"] == [os.path.join("templates", "ours.md")]
    assert status(report, "rollback") == "ok"


def test_from_a_subfolder_the_repositorys_templates_and_configuration_count(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`.rollout-plan.yml` and the templates live at the repository's root (CONTRACT.md):
    a check run from a subfolder still reads them."""
    (repo / ".git").mkdir()
    (repo / ".github").mkdir()
    (repo / ".github/pull_request_template.md").write_text(TEMPLATE)
    (repo / ".rollout-plan.yml").write_text("extends: handbook-strict\n")
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    result = CliRunner().invoke(cli, ["check", "--format", "json", "../description.md"])
    report = json.loads(result.stdout)
    assert report["ruleset"] == "handbook-strict"
    assert report["templates"] == [os.path.join("..", ".github", "pull_request_template.md")]
    assert status(report, "rollback") == "placeholder"
