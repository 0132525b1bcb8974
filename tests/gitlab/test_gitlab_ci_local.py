"""The component's job, run by gitlab-ci-local (shell executor) against the local GitLab.

The job is the real one from ``templates/rollout-plan.yml``, included with inputs by a
pipeline in a scratch Git repository; the CI variables point at the local server.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gitlab_support import MR, PROJECT, ci_env

from enforcer.publish import MARKER

ROOT = Path(__file__).resolve().parents[2]
GITLAB_CI_LOCAL = ROOT / "node_modules" / ".bin" / "gitlab-ci-local"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not GITLAB_CI_LOCAL.exists(),
        reason="node_modules/.bin/gitlab-ci-local is missing: run `npm install` (scripts/test does)",
    ),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is missing"),
    pytest.mark.skipif(
        shutil.which("rsync") is None,
        reason="rsync is missing: gitlab-ci-local's shell executor needs it",
    ),
]

PLAN = """\
## Expectations

Billing jobs finish within five minutes on the new queue.

## Validation

Watch the queue latency dashboard for an hour after the deploy.

## Risks

Jobs could be picked up twice; the worker is idempotent.

## Rollback

Point the worker back at the old queue and redeploy.
"""


def project(tmp_path: Path, inputs: dict[str, object], extra: str = "") -> Path:
    """A scratch repository whose pipeline includes the component with ``inputs``."""
    repo = tmp_path / "app"
    (repo / "templates").mkdir(parents=True)
    shutil.copy(ROOT / "templates" / "rollout-plan.yml", repo / "templates" / "rollout-plan.yml")
    lines = ["stages: [test]", "include:", "  - local: templates/rollout-plan.yml", "    inputs:"]
    lines += [f"      {key}: {json.dumps(value)}" for key, value in inputs.items()]
    lines += extra.splitlines()
    (repo / ".gitlab-ci.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    git = [
        "git",
        "-c",
        "user.email=ci@example.com",
        "-c",
        "user.name=ci",
        "-c",
        "init.defaultBranch=main",
    ]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=repo, check=True)
    subprocess.run(
        ["git", "remote", "add", "origin", "https://gitlab.example.com/group/sub/app.git"],
        cwd=repo,
        check=True,
    )
    return repo


def run_job(server, repo: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    variables = ci_env(server, CI_PIPELINE_SOURCE="merge_request_event", **extra)
    args = [str(GITLAB_CI_LOCAL), "--force-shell-executor", "--no-color"]
    for key, value in variables.items():
        args += ["--variable", f"{key}={value}"]
    # Inside a real CI job (our own pipeline) the host's CI_* and tokens must not leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GITLAB_", "GITHUB_"))}
    return subprocess.run(
        [*args, "rollout-plan"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def check_runs(server, repo: Path, **extra: str) -> None:
    state = server.state
    first = run_job(server, repo, **extra)
    assert first.returncode != 0, first.stdout + first.stderr  # an incomplete plan fails the job
    assert "published: label rollout-plan::incomplete added, comment posted" in first.stdout
    [note] = state.marker_notes(PROJECT, MR, MARKER)
    first_id, first_body = note["id"], note["body"]
    assert f"{state.base_url}/group/sub/app/-/merge_requests/{MR}/pipelines" in first_body
    assert state.merge_requests[(PROJECT, MR)]["labels"] == ["backend", "rollout-plan::incomplete"]
    for name in ("rollout-plan-junit.xml", "rollout-plan-codequality.json", "rollout-plan.json"):
        assert (repo / name).is_file(), name
    assert json.loads((repo / "rollout-plan.json").read_text())["status"] == "failed"

    state.log.clear()
    second = run_job(server, repo, **extra)
    assert second.returncode != 0
    assert not state.writes(), [(e.method, e.path) for e in state.writes()]
    assert len(state.log) <= 4

    state.merge_requests[(PROJECT, MR)]["description"] = PLAN  # the author edits, then re-runs
    third = run_job(server, repo, **extra)
    assert third.returncode == 0, third.stdout + third.stderr
    [edited] = state.marker_notes(PROJECT, MR, MARKER)
    assert edited["id"] == first_id and edited["body"] != first_body
    assert state.merge_requests[(PROJECT, MR)]["labels"] == ["backend", "rollout-plan::complete"]


def test_component_job_with_the_checkout_on_pythonpath(gitlab_server, tmp_path):
    repo = project(tmp_path, {"python": sys.executable, "package": ""})
    check_runs(gitlab_server, repo, PYTHONPATH=str(ROOT))


def test_component_job_installs_the_checkout_into_a_venv(gitlab_server, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    repo = project(tmp_path, {"python": str(venv / "bin" / "python"), "package": str(ROOT)})
    check_runs(gitlab_server, repo)
    shown = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import enforcer; print(enforcer.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(venv) in shown


def test_warn_only_and_another_token_variable(gitlab_server, tmp_path):
    repo = project(
        tmp_path,
        {
            "python": sys.executable,
            "package": "",
            "warn_only": True,
            "token_variable": "ROLLOUT_BOT_TOKEN",
        },
    )
    token = ci_env(gitlab_server)["GITLAB_TOKEN"]
    result = run_job(
        gitlab_server, repo, PYTHONPATH=str(ROOT), GITLAB_TOKEN="", ROLLOUT_BOT_TOKEN=token
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(gitlab_server.state.marker_notes(PROJECT, MR, MARKER)) == 1
    assert token not in result.stdout + result.stderr


def test_job_token_only_publishes_nothing(gitlab_server, tmp_path):
    repo = project(tmp_path, {"python": sys.executable, "package": ""})
    result = run_job(gitlab_server, repo, PYTHONPATH=str(ROOT), GITLAB_TOKEN="")
    assert result.returncode != 0
    assert "CI_JOB_TOKEN" in result.stdout
    assert not gitlab_server.state.writes()


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory):
    """This checkout's wheel, where pip finds it as the release it would get from an index."""
    out = tmp_path_factory.mktemp("wheelhouse")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True, check=False, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def fresh_venv(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return venv / "bin" / "python"


def test_the_default_installs_the_pinned_release(gitlab_server, tmp_path, wheelhouse):
    """No package input: the job pip-installs rollout-enforcer of the component's version."""
    python = fresh_venv(tmp_path)
    repo = project(tmp_path, {"python": str(python)})
    check_runs(gitlab_server, repo, PIP_FIND_LINKS=str(wheelhouse))
    shown = subprocess.run(
        [str(python), "-m", "pip", "show", "rollout-enforcer"], capture_output=True, text=True, check=True
    ).stdout
    assert "Version: 0.1.0" in shown
    assert "Location: " + str(tmp_path / "venv") in shown  # the wheel, not this checkout


@pytest.mark.parametrize(
    ("inputs", "says"),
    [
        ({"package": "rollout-enforcer==0.0.0"}, "pip install rollout-enforcer==0.0.0 failed (input package)"),
        ({"python": "/nonexistent/python3"}, "/nonexistent/python3 is missing or older than Python 3.10 (inputs python and python_image)"),
        ({"package": ""}, "rollout-enforcer is not installed in the image (inputs package and python_image)"),
    ],
    ids=["pip fails", "no python", "image without it"],
)
def test_an_install_failure_is_exit_4_with_its_own_message(gitlab_server, tmp_path, inputs, says):
    python = str(fresh_venv(tmp_path)) if "python" not in inputs else inputs["python"]
    # gitlab-ci-local prints no exit code; a job allowed to fail with 4 alone tells it
    allowed = "rollout-plan:\n  allow_failure:\n    exit_codes: [4]\n"
    repo = project(tmp_path, {"python": python, **{k: v for k, v in inputs.items() if k != "python"}}, allowed)
    result = run_job(gitlab_server, repo, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(tmp_path))
    assert f"rollout-plan: could not install the checker: {says}. The plan was not checked (exit 4)." in result.stdout
    assert result.returncode == 0, result.stdout[-1500:]  # exit 4, the one allowed
    assert " WARN  rollout-plan" in result.stdout
    assert not gitlab_server.state.log  # nothing was asked of GitLab
