"""The Action: valid against GitHub's schemas, safe from script injection, and its own steps
run with bash in a simulated runner against the local GitHub server."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from github_support import REPO, ROOT, TOKEN, env_for, webhook, write_event

ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def action() -> dict:
    return yaml.safe_load(ACTION.read_text())


def schema_tool() -> list[str]:
    """check-jsonschema: beside this Python (the .venv scripts/test makes), else on PATH.
    Missing, the test is skipped on a developer's machine and fails in CI."""
    beside = Path(sys.executable).with_name("check-jsonschema")
    tool = str(beside) if beside.exists() else shutil.which("check-jsonschema")
    if tool is not None:
        return [tool]
    if importlib.util.find_spec("check_jsonschema") is not None:
        return [sys.executable, "-m", "check_jsonschema"]
    message = "check-jsonschema is not installed (pip install '.[test]'; scripts/test does)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*schema_tool(), "--builtin-schema", schema, *map(str, files)], capture_output=True,
        text=True, check=False, timeout=120,
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
    assert set(data["inputs"]) == {"token", "ruleset", "config", "publish", "warn-only", "python-version"}
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
    assert "edited" in triggers["pull_request"]["types"]


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


def run_action(runner: dict[str, str], inputs: dict[str, str], tmp: Path, venv_cache: Path,
               python_path: str = ""):
    """Run each `run:` step like the runner: env from `env:`, a fresh GITHUB_OUTPUT per step."""
    data = action()
    context = {f"inputs.{name}": spec.get("default", "") for name, spec in data["inputs"].items()}
    context["inputs.token"] = runner["GITHUB_TOKEN"]
    context.update({f"inputs.{name}": value for name, value in inputs.items()})
    context["github.action_path"] = str(ROOT)
    context["steps.python.outputs.python-path"] = python_path  # setup-python's, when it ran
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    for step in data["runs"]["steps"]:
        if step.get("uses", "").startswith("actions/setup-python@"):
            # only with a python-version input (none here)
            assert step["if"] == "inputs.python-version != ''" and not inputs.get("python-version")
            continue
        if step.get("uses", "").startswith("actions/cache@"):
            # The runner restores the path when an earlier run saved it under the same key:
            # here, when an earlier test of the module left the environment in RUNNER_TEMP.
            path = Path(evaluate(step["with"]["path"], context))
            assert path == Path(runner["RUNNER_TEMP"]) / "rollout-enforcer-venv"
            assert evaluate(step["with"]["key"], context) == context["steps.prepare.outputs.key"]
            hit = (path / "bin" / "enforce").exists()
            context[f"steps.{step['id']}.outputs.cache-hit"] = "true" if hit else ""
            continue
        output = tmp / f"output-{step['id']}"
        output.write_text("")
        env = {**runner, "GITHUB_OUTPUT": str(output)}
        env.update({key: evaluate(str(value), context) for key, value in step.get("env", {}).items()})
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )
        results[step["id"]] = result
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

    install, check = results["install"], results["check"]
    assert install.returncode == 0, install.stderr[-2000:]
    version = re.search(r'^version = "(.*)"$', (ROOT / "pyproject.toml").read_text(), re.M)[1]
    assert context["steps.prepare.outputs.key"].startswith(f"rollout-enforcer-{version}-")
    # only what a GitHub run needs: no python-gitlab, nothing but the pinned requirements
    venv_python = venv_cache / "rollout-enforcer-venv" / "bin" / "python"
    listed = subprocess.run([str(venv_python), "-m", "pip", "list", "--format", "json"],
                            capture_output=True, text=True, check=True).stdout
    names = {item["name"].lower().replace("_", "-") for item in json.loads(listed)}
    pinned = {line.split("==")[0].lower().replace("_", "-")
              for line in (ROOT / "requirements" / "github-action.txt").read_text().splitlines()
              if line and not line.startswith("#")}
    assert "python-gitlab" not in names
    assert names - pinned <= {"pip", "setuptools", "rollout-enforcer"}, names - pinned
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

    assert "reusing the environment cached for this version" in results["install"].stderr
    check = results["check"]
    assert check.returncode == code, check.stdout + check.stderr
    assert context.get("steps.check.outputs.status") == status
    if inputs.get("publish") == "false":
        assert fake.writes == []
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


@pytest.mark.e2e
@pytest.mark.parametrize("breakage", ["old python", "pip fails"])
def test_an_install_failure_is_exit_4_with_its_own_message(fake, tmp_path, breakage):
    """Never exit 1, which means "the plan is incomplete"."""
    payload = webhook("pull_request", "opened")
    runner = env_for(fake, "pull_request", write_event(tmp_path, payload))
    runner.update(PATH=os.environ["PATH"], HOME=str(tmp_path), RUNNER_TEMP=str(tmp_path / "temp"),
                  PIP_NO_INDEX="1")
    (tmp_path / "temp").mkdir()
    inputs: dict[str, str] = {}
    if breakage == "old python":
        fake_python = tmp_path / "python2"
        fake_python.write_text("#!/bin/sh\nexit 1\n")
        fake_python.chmod(0o755)
        context_python = str(fake_python)
    else:
        context_python = ""
    results, _ = run_action(runner, inputs, tmp_path, tmp_path / "temp", python_path=context_python)
    failed = results.get("install") or results["prepare"]
    assert failed.returncode == 4, failed.stderr[-1000:]
    assert "::error title=rollout-enforcer::could not install" in failed.stderr
    assert "check" not in results
