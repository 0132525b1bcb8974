"""The component and our own pipeline validate against GitLab's CI schema."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPONENT = ROOT / "templates" / "rollout-plan.yml"
PIPELINE = ROOT / ".gitlab-ci.yml"


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    command = shutil.which("check-jsonschema")
    args = [command] if command else [sys.executable, "-m", "check_jsonschema"]
    return subprocess.run(
        [*args, "--builtin-schema", "vendor.gitlab-ci", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def component_documents() -> tuple[str, str]:
    """A component file is a ``spec:`` header document, ``---``, then the jobs."""
    header, jobs = COMPONENT.read_text(encoding="utf-8").split("\n---\n")
    return header, jobs


@pytest.mark.parametrize("part", ["header", "jobs"])
def test_component_validates(tmp_path, part):
    header, jobs = component_documents()
    path = tmp_path / f"rollout-plan-{part}.yml"
    path.write_text(header if part == "header" else jobs, encoding="utf-8")
    result = check_jsonschema(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pipeline_validates():
    result = check_jsonschema(PIPELINE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_is_real(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text("job:\n  script: [x]\n  artifacts:\n    when: sometimes\n", encoding="utf-8")
    assert check_jsonschema(path).returncode != 0


def test_component_inputs_and_job_shape():
    header, jobs = (yaml.safe_load(part) for part in component_documents())
    inputs = header["spec"]["inputs"]
    assert set(inputs) == {
        "stage",
        "ruleset",
        "config",
        "warn_only",
        "commit_status",
        "python_image",
        "package",
        "python",
        "token_variable",
    }
    assert inputs["warn_only"]["type"] == inputs["commit_status"]["type"] == "boolean"
    assert all(spec.get("description") for spec in inputs.values())
    used = {name for name in inputs if f"inputs.{name} ]]" in component_documents()[1]}
    assert used == set(inputs), "every input is used"
    [job] = jobs.values()
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["resource_group"] == "rollout-plan-mr-$CI_MERGE_REQUEST_IID"  # one per MR
    assert job["artifacts"]["when"] == "always"
    assert set(job["artifacts"]["reports"]) == {"junit", "codequality"}
    script = "\n".join(job["script"])
    for report in ("junit:", "codequality:", "json:"):
        assert f"--report {report}" in script


def test_docs_describe_every_input():
    docs = (ROOT / "docs" / "gitlab.md").read_text(encoding="utf-8")
    header = yaml.safe_load(component_documents()[0])
    for name in header["spec"]["inputs"]:
        assert f"`{name}`" in docs, name


def test_our_pipeline_applies_the_component_to_our_merge_requests():
    pipeline = yaml.safe_load(PIPELINE.read_text(encoding="utf-8"))
    [include] = [i for i in pipeline["include"] if i.get("local") == "templates/rollout-plan.yml"]
    assert include["inputs"]["package"] == "."
    assert "bash scripts/test" in "\n".join(pipeline["test"]["script"])
