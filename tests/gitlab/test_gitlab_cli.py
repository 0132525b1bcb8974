"""`enforce check` in a GitLab merge request pipeline, end to end against the local GitLab."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from gitlab_support import DEV_TOKEN, JOB_TOKEN, MR, PROJECT, READ_TOKEN, ci_env

from enforcer.platforms.gitlab import JOB_TOKEN_BLOCKER
from enforcer.publish import MARKER

ROOT = Path(__file__).resolve().parents[2]

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


def enforce(server, tmp_path, *args, **env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GITLAB_", "GITHUB_"))}
    env.update(ci_env(server, **env_extra))
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "enforcer", "check", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def our_notes(state):
    return state.marker_notes(PROJECT, MR, MARKER)


def labels(state):
    return state.merge_requests[(PROJECT, MR)]["labels"]


def test_incomplete_then_fixed(gitlab_server, state, tmp_path):
    first = enforce(
        gitlab_server,
        tmp_path,
        "--report",
        f"junit:{tmp_path}/junit.xml",
        "--report",
        f"json:{tmp_path}/report.json",
    )
    assert first.returncode == 1, first.stderr
    assert len(state.log) <= 7, [(e.method, e.path) for e in state.log]
    [note] = our_notes(state)
    first_id, first_body = note["id"], note["body"]
    assert first_body.startswith(MARKER + "\n")
    assert f"{state.base_url}/group/sub/app/-/merge_requests/{MR}/pipelines" in note["body"]
    assert labels(state) == ["backend", "rollout-plan::incomplete"]
    assert json.loads((tmp_path / "report.json").read_text())["status"] == "failed"
    assert (tmp_path / "junit.xml").read_text().startswith("<?xml")

    state.log.clear()
    again = enforce(gitlab_server, tmp_path)
    assert again.returncode == 1
    assert not state.writes()
    assert len(state.log) <= 4, [(e.method, e.path) for e in state.log]

    state.merge_requests[(PROJECT, MR)]["description"] = PLAN
    fixed = enforce(gitlab_server, tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    [edited] = our_notes(state)
    assert edited["id"] == first_id and edited["body"] != first_body
    assert labels(state) == ["backend", "rollout-plan::complete"]

    state.log.clear()
    assert enforce(gitlab_server, tmp_path).returncode == 0
    assert not state.writes() and len(state.log) <= 4


def test_passing_first_run_posts_no_comment(gitlab_server, state, tmp_path):
    state.merge_requests[(PROJECT, MR)]["description"] = PLAN
    result = enforce(gitlab_server, tmp_path)
    assert result.returncode == 0
    assert our_notes(state) == []
    assert labels(state) == ["backend", "rollout-plan::complete"]
    assert len(state.log) <= 5  # MR, config, notes, labels


def test_warn_only_still_publishes(gitlab_server, state, tmp_path):
    result = enforce(gitlab_server, tmp_path, "--warn-only")
    assert result.returncode == 0
    assert len(our_notes(state)) == 1


def test_job_token_only_checks_and_says_so_once(gitlab_server, state, tmp_path):
    result = enforce(gitlab_server, tmp_path, GITLAB_TOKEN="")
    assert result.returncode == 1
    assert result.stderr.count(JOB_TOKEN_BLOCKER) == 1
    assert not state.writes()
    assert JOB_TOKEN not in result.stdout + result.stderr


def test_read_only_token_is_exit_3_naming_the_scope(gitlab_server, state, tmp_path):
    result = enforce(gitlab_server, tmp_path, GITLAB_TOKEN=READ_TOKEN)
    assert result.returncode == 3, result.stderr
    assert "api scope" in result.stderr and "Developer role" in result.stderr
    assert result.stderr.count("nothing published: GitLab refused to") == 1
    assert len(state.writes()) == 1  # refused once; nothing more tried
    assert READ_TOKEN not in result.stdout + result.stderr


def test_unknown_merge_request_is_exit_3_with_the_url(gitlab_server, tmp_path):
    result = enforce(gitlab_server, tmp_path, CI_MERGE_REQUEST_IID="404")
    assert result.returncode == 3
    assert f"{gitlab_server.api_url}/projects/{PROJECT}/merge_requests/404" in result.stderr
    assert DEV_TOKEN not in result.stdout + result.stderr


def test_gitlab_down_is_exit_3_within_the_bound(gitlab_server, state, tmp_path):
    state.fault(None, r".", status=502, times=10_000)
    result = enforce(gitlab_server, tmp_path, ROLLOUT_ENFORCER_RETRY_SECONDS="0.3")
    assert result.returncode == 3
    assert "502" in result.stderr and "kept failing" in result.stderr


def test_rate_limited_then_fine(gitlab_server, state, tmp_path):
    state.fault("GET", rf"/merge_requests/{MR}$", status=429, headers={"Retry-After": "0"})
    state.fault("POST", r"/notes$", drop="after")
    result = enforce(gitlab_server, tmp_path)
    assert result.returncode == 1, result.stderr
    assert len(our_notes(state)) == 1
    # quiet: the client libraries log nothing of their retries on standard error
    assert all(line.startswith("enforce: ") for line in result.stderr.splitlines()), result.stderr


def test_exempt_label_removes_our_labels(gitlab_server, state, tmp_path):
    assert enforce(gitlab_server, tmp_path).returncode == 1
    labels(state).append("rollout-plan::not-needed")
    result = enforce(gitlab_server, tmp_path)
    assert result.returncode == 0
    assert labels(state) == ["backend", "rollout-plan::not-needed"]


def test_applies_when_paths_reads_the_diffs(gitlab_server, state, tmp_path):
    state.add_file(PROJECT, "main", ".rollout-plan.yml", "applies_when:\n  paths: ['db/**']\n")
    result = enforce(gitlab_server, tmp_path)
    assert result.returncode == 0, result.stderr
    assert any(e.path.endswith("/diffs") for e in state.log)
    assert not state.writes()  # not required: no label noise, no comment


def test_url_target_does_not_publish_without_the_flag(gitlab_server, state, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GITLAB_", "GITHUB_"))}
    env.update({"GITLAB_TOKEN": DEV_TOKEN, "PYTHONPATH": str(ROOT)})
    url = f"{gitlab_server.url}/group/sub/app/-/merge_requests/{MR}"
    result = subprocess.run(
        [sys.executable, "-m", "enforcer", "check", url, "--format", "json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["target"] == url
    assert not state.writes()


QUICK = """\
/merge
@all please look
/close

## /close

## Risks @all
/label ~urgent
Things can break. cc @alice

## Rollback @group/team
/merge
Revert it.
"""


@pytest.mark.parametrize("description", [QUICK, QUICK.replace("\n", "\r\n")])
def test_quick_actions_and_mentions_never_reach_the_note(
    gitlab_server, state, tmp_path, description
):
    state.merge_requests[(PROJECT, MR)]["description"] = description
    result = enforce(gitlab_server, tmp_path)
    assert result.returncode == 1, result.stderr
    [note] = our_notes(state)
    assert state.quick_actions == [], note["body"]
    assert state.merge_requests[(PROJECT, MR)]["state"] == "opened"
    assert not re.search(r"^\s*/", note["body"], re.MULTILINE)
    prose = re.sub(r"```.*?```", "", note["body"], flags=re.DOTALL)
    prose = re.sub(r"`[^`\n]*`", "", prose)
    assert not re.search(r"(?<![\w`])@[\w-]", prose), prose


@pytest.mark.parametrize("description", [None, ""])
def test_null_or_empty_description(gitlab_server, state, tmp_path, description):
    state.merge_requests[(PROJECT, MR)]["description"] = description
    state.closes[(PROJECT, MR)] = []
    result = enforce(gitlab_server, tmp_path)
    assert result.returncode == 1, result.stderr
    assert labels(state) == ["backend", "rollout-plan::missing"]


def test_one_mib_description(gitlab_server, state, tmp_path):
    state.merge_requests[(PROJECT, MR)]["description"] = PLAN + ("filler text " * 90_000)
    result = enforce(gitlab_server, tmp_path)
    assert result.returncode == 0, result.stderr
    assert labels(state) == ["backend", "rollout-plan::complete"]


def test_closed_merge_request_is_checked_not_published(gitlab_server, state, tmp_path):
    state.merge_requests[(PROJECT, MR)]["state"] = "closed"
    result = enforce(gitlab_server, tmp_path)
    assert result.returncode == 1
    assert "is closed" in result.stderr
    assert not state.writes()
