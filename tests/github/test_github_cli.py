"""`enforce check` end to end in a simulated GitHub Actions job, against the local server."""

from __future__ import annotations

import json
import re

import pytest
from github_support import REPO, enforce, env_for, webhook, write_event

FAILING = "## Rollback plan\nDisable the feature flag checkout_cache and redeploy.\n"
HOSTILE = (
    "/merge\n@all please look\n@org/team review\n/label ~done\n\n## Risks @all\n/merge\n\n"
    "## Rollback plan\n/merge @all\n@org/team\n"
)


@pytest.fixture
def job(fake, tmp_path):
    """A pull_request `opened` job: event file, summary and output files, RUNNER_TEMP."""
    payload = webhook("pull_request", "opened")
    number = payload["pull_request"]["number"]
    fake.add_pull(REPO, number, FAILING, base_sha=payload["pull_request"]["base"]["sha"])
    env = env_for(
        fake, "pull_request", write_event(tmp_path, payload),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        GITHUB_OUTPUT=str(tmp_path / "output"),
    )
    return env, number, tmp_path


def ours(fake, number):
    return [c for c in fake.comments(REPO, number) if "<!-- rollout-enforcer -->" in c["body"]]


def test_failing_pull_request_first_run_then_an_unchanged_rerun(fake, job):
    env, number, tmp = job
    report = tmp / "report.json"

    first = enforce("check", "--format", "json", "--report", f"json:{report}", env=env)

    assert first.returncode == 1, first.stderr
    assert json.loads(first.stdout)["status"] == "failed"  # standard output: the report alone
    assert "::error title=Rollout plan%3A " in first.stderr
    assert len(ours(fake, number)) == 1
    assert fake.labels(REPO, number) == ["rollout-plan::incomplete"]
    assert len(fake.log) <= 6
    first_count = len(fake.log)
    assert "Rollout plan" in (tmp / "summary.md").read_text()
    outputs = (tmp / "output").read_text()
    assert re.search(r"^status<<(\S+)\nfailed\n\1$", outputs, re.MULTILINE)
    assert re.search(rf"^report<<(\S+)\n{re.escape(str(report))}\n\1$", outputs, re.MULTILINE)

    fake.reset_log()
    second = enforce("check", "--report", f"json:{report}", env=env)

    assert second.returncode == 1
    assert fake.writes == []
    assert len(fake.log) <= 3, [(r.method, r.path) for r in fake.log]
    print(f"requests: first failing run {first_count}, unchanged re-run {len(fake.log)}")


def test_a_null_body_fails_and_is_commented(fake, job):
    env, number, _ = job
    fake.repos[REPO].items[number].body = None
    result = enforce("check", env=env)
    assert result.returncode == 1, result.stderr
    assert fake.labels(REPO, number) == ["rollout-plan::missing"]


def test_the_comment_holds_no_live_mention_or_command(fake, job):
    env, number, _ = job
    fake.repos[REPO].items[number].body = HOSTILE
    result = enforce("check", env=env)
    assert result.returncode == 1, result.stderr
    [comment] = ours(fake, number)
    body = comment["body"]
    outside_code = re.sub(r"```.*?```|`[^`\n]*`", "", body, flags=re.DOTALL)
    assert not re.search(r"(?<![\w`])@(all|org)\b", outside_code), body
    assert not any(line.lstrip().startswith("/") for line in body.splitlines()), body


def test_fork_pull_request_reports_but_posts_nothing(fake, job, tmp_path):
    env, _, _ = job
    payload = webhook("pull_request", "opened")
    payload["pull_request"]["head"]["repo"]["full_name"] = "someone/Hello-World"
    env["GITHUB_EVENT_PATH"] = str(write_event(tmp_path, payload))

    result = enforce("check", env=env)

    assert result.returncode == 1
    assert fake.writes == []
    assert result.stderr.count("comes from a fork") == 1  # said once
    assert result.stderr.count("pull_request_target") == 1
    assert "Rollout plan" in (tmp_path / "summary.md").read_text()


def test_a_dependabot_run_reports_but_posts_nothing(fake, job):
    env, _, tmp_path = job
    env["GITHUB_ACTOR"] = "dependabot[bot]"
    result = enforce("check", env=env)
    assert result.returncode == 1  # the verdict: its read-only token is no platform error
    assert fake.writes == []
    assert result.stderr.count("triggered by Dependabot") == 1
    assert "Rollout plan" in (tmp_path / "summary.md").read_text()


def test_read_only_token_discovered_on_the_first_write(fake, job):
    env, _, _ = job
    fake.read_only = True
    result = enforce("check", env=env)
    assert result.returncode == 3  # a refused write is a platform error (CONTRACT.md)
    assert len(fake.writes) == 1  # refused once; nothing more tried
    assert result.stderr.count("nothing published: GitHub refused to add labels to") == 1
    assert "pull-requests: write" in result.stderr
    assert "Request POST" not in result.stderr and "Retrying" not in result.stderr
    assert "Traceback" not in result.stderr


def test_passing_plan_exits_zero(fake, job):
    env, number, _ = job
    fake.repos[REPO].items[number].body = (
        "## Expected result\nCheckout latency drops below 200 ms for all users.\n\n"
        "## How to validate\nWatch the checkout latency dashboard for an hour.\n\n"
        "## Risks\nCache stampede on cold start could overload the database.\n\n"
        "## Rollback plan\nDisable the flag checkout_cache and redeploy the last build.\n"
    )
    result = enforce("check", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ours(fake, number) == []
    assert fake.labels(REPO, number) == ["rollout-plan::complete"]


def test_persistent_server_errors_exit_3(fake, job):
    env, number, _ = job
    env["ROLLOUT_ENFORCER_RETRY_SECONDS"] = "1"
    fake.fault("GET", rf"/repos/{REPO}/pulls/{number}", "status", status=502, times=1000)
    result = enforce("check", env=env)
    assert result.returncode == 3, result.stderr
    assert "502" in result.stderr
    assert env["GITHUB_TOKEN"] not in result.stderr + result.stdout


def test_retries_are_quiet_and_one_label_500_does_not_end_the_run(fake, job):
    env, number, _ = job
    fake.fault("POST", rf"/repos/{REPO}/issues/{number}/comments", "secondary", retry_after=1)
    fake.fault("POST", rf"/repos/{REPO}/issues/{number}/labels", "status", status=500)
    fake.fault("GET", rf"/repos/{REPO}/pulls/{number}", "status", status=503)
    result = enforce("check", env=env)
    assert result.returncode == 1, result.stderr  # the verdict, not a platform error
    assert fake.labels(REPO, number) == ["rollout-plan::incomplete"]
    [comment] = ours(fake, number)
    assert comment["body"].startswith("<!-- rollout-enforcer -->\n### ✗ Rollout plan")
    # no log line of PyGithub or urllib3 ("Request POST ... failed with 403", "Retrying ...")
    assert not [line for line in result.stderr.splitlines() if not line.startswith(("enforce: ", "::"))]


def test_url_target_outside_ci_does_not_publish(fake):
    fake.add_pull("o/r", 5, FAILING)
    env = {"GITHUB_API_URL": fake.api_url, "GITHUB_TOKEN": "test-token-not-a-secret"}
    result = enforce("check", fake.web("/o/r/pull/5"), env=env)
    assert result.returncode == 1
    assert fake.writes == []
    assert "::" not in result.stderr
