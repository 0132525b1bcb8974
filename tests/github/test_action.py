"""The Action: valid against GitHub's schemas, safe from script injection, and its own steps
run with bash in a simulated runner against the local GitHub server."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from github_support import REPO, ROOT, TOKEN, env_for, webhook, write_event

ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def action() -> dict:
    return yaml.safe_load(ACTION.read_text())


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("check-jsonschema")
    if tool is None:
        pytest.skip("check-jsonschema is not installed (pip install '.[test]')")
    return subprocess.run(
        [tool, "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True,
        check=False,
    )


def test_action_is_valid_against_the_github_actions_schema():
    result = check_jsonschema("vendor.github-actions", ACTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_are_valid_against_the_github_workflows_schema():
    assert WORKFLOWS
    result = check_jsonschema("vendor.github-workflows", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_inputs_outputs_and_branding():
    data = action()
    assert set(data["inputs"]) == {
        "token", "ruleset", "config", "publish", "warn-only", "commit-status", "python-version"
    }
    assert data["inputs"]["token"]["default"] == "${{ github.token }}"
    assert set(data["outputs"]) == {"status", "report"}
    assert data["branding"]["icon"] and data["branding"]["color"]
    assert data["runs"]["using"] == "composite"


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda p: p.name)
def test_no_expression_inside_a_run_script(path):
    """Script injection: values reach scripts through `env:` only."""
    data = yaml.safe_load(path.read_text())
    steps = data.get("runs", {}).get("steps", [])
    for job in data.get("jobs", {}).values():
        steps += job.get("steps", [])
    for step in steps:
        assert "${{" not in step.get("run", ""), step
    assert "event.pull_request.body" not in path.read_text()
    assert "event.issue.body" not in path.read_text()


def test_our_pull_requests_use_the_action_from_this_checkout():
    data = yaml.safe_load((ROOT / ".github/workflows/rollout-plan.yml").read_text())
    uses = [step.get("uses") for job in data["jobs"].values() for step in job["steps"]]
    assert "./" in uses
    triggers = data[True] if True in data else data["on"]  # YAML 1.1 reads `on` as true
    assert {"edited", "ready_for_review"} <= set(triggers["pull_request"]["types"])
    # one run per pull request at a time; a newer event cancels the older run
    assert data["concurrency"]["group"] == "rollout-plan-${{ github.event.pull_request.number }}"


# --- the smoke test: the action's own steps, with bash, in a simulated runner ----------


def evaluate(value: str, context: dict[str, str]) -> str:
    """The few `${{ }}` expressions our action uses, resolved as the runner would."""

    def one(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression not in context:
            raise AssertionError(f"unexpected expression in action.yml: {expression}")
        return context[expression]

    return EXPRESSION.sub(one, value)


def read_outputs(path: Path) -> dict[str, str]:
    outputs, lines = {}, iter(path.read_text().split("\n") if path.exists() else [])
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            value = []
            for item in lines:
                if item == delimiter:
                    break
                value.append(item)
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def run_action(runner: dict[str, str], inputs: dict[str, str], tmp: Path, venv_cache: Path):
    """Run each `run:` step like the runner: env from `env:`, a fresh GITHUB_OUTPUT per step."""
    data = action()
    context = {f"inputs.{name}": spec.get("default", "") for name, spec in data["inputs"].items()}
    context["inputs.token"] = runner["GITHUB_TOKEN"]
    context.update({f"inputs.{name}": value for name, value in inputs.items()})
    context["github.action_path"] = str(ROOT)
    context["steps.python.outputs.python-path"] = ""  # setup-python skipped: no python-version
    results = []
    for step in data["runs"]["steps"]:
        if "run" not in step:
            # actions/setup-python, only with a python-version input (none here)
            assert step["if"] == "inputs.python-version != ''" and not inputs.get("python-version")
            continue
        if step["id"] == "install" and installed(venv_cache).exists():
            context["steps.install.outputs.enforce"] = str(installed(venv_cache))
            continue  # installed once for the module; the step itself ran in the first test
        output = tmp / f"output-{step['id']}"
        output.write_text("")
        env = {**runner, "GITHUB_OUTPUT": str(output)}
        env.update({key: evaluate(str(value), context) for key, value in step.get("env", {}).items()})
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )
        results.append(result)
        for name, value in read_outputs(output).items():
            context[f"steps.{step['id']}.outputs.{name}"] = value
        if result.returncode != 0:
            break
    return results, context


def installed(runner_temp: Path) -> Path:
    return runner_temp / "rollout-enforcer-venv" / "bin" / "enforce"


@pytest.fixture(scope="module")
def venv_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("runner-temp")


@pytest.mark.e2e
def test_the_actions_steps_in_a_simulated_runner(fake, tmp_path, venv_cache):
    payload = webhook("pull_request", "opened")
    number = payload["pull_request"]["number"]
    fake.add_pull(REPO, number, "## Rollback plan\nDisable the flag and redeploy.\n")
    runner = env_for(fake, "pull_request", write_event(tmp_path, payload))
    runner.update(
        PATH=os.environ["PATH"],
        HOME=str(tmp_path),
        RUNNER_TEMP=str(venv_cache),
        GITHUB_ACTION_PATH=str(ROOT),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        GITHUB_WORKSPACE=str(tmp_path),
    )
    for key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE"):
        if key in os.environ:
            runner[key] = os.environ[key]

    results, context = run_action(runner, {"ruleset": "handbook"}, tmp_path, venv_cache)

    install, check = results
    if install.returncode != 0:
        pytest.skip(f"could not install the package into a venv (offline?): {install.stderr[-500:]}")
    assert check.returncode == 1, check.stdout + check.stderr
    assert context["steps.check.outputs.status"] == "failed"
    report = json.loads(Path(context["steps.check.outputs.report"]).read_text())
    assert report["status"] == "failed"
    assert Path(context["steps.check.outputs.report"]) == venv_cache / "rollout-plan.json"
    assert "::error title=Rollout plan%3A " in check.stderr
    assert "Rollout plan" in (tmp_path / "summary.md").read_text()
    assert fake.labels(REPO, number) == ["rollout-plan::incomplete"]
    assert len([c for c in fake.comments(REPO, number) if "rollout-enforcer" in c["body"]]) == 1
    assert all(r.headers.get("Authorization") == f"token {TOKEN}" for r in fake.log)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("inputs", "code", "status"),
    [({"warn-only": "true"}, 0, "failed"), ({"publish": "false"}, 1, "failed"), ({"publish": "maybe"}, 2, None)],
)
def test_inputs_reach_the_command(fake, tmp_path, venv_cache, inputs, code, status):
    if not installed(venv_cache).exists():
        pytest.skip("the install step did not run (see the smoke test)")
    payload = webhook("pull_request", "opened")
    number = payload["pull_request"]["number"]
    fake.add_pull(REPO, number, "$(touch pwned) `id` ${{ github.token }}\n## Rollback plan\nRevert it all now.\n")
    runner = env_for(fake, "pull_request", write_event(tmp_path, payload))
    runner.update(PATH=os.environ["PATH"], HOME=str(tmp_path), RUNNER_TEMP=str(venv_cache))

    results, context = run_action(runner, inputs, tmp_path, venv_cache)

    [check] = results
    assert check.returncode == code, check.stdout + check.stderr
    assert context.get("steps.check.outputs.status") == status
    if inputs.get("publish") == "false":
        assert fake.writes == []
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
