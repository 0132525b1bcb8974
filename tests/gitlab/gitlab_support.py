"""Shared by the GitLab tests: the seeded data, the fake tokens and small helpers.

The server lives in ``gitlab_server.py``: a name of its own, since pytest puts every test
folder on ``sys.path`` and a bare ``server`` module would clash with the other platform's.
"""

from __future__ import annotations

import gitlab_server as server  # a test module beside this one

from enforcer.model import Config, Report, RequirementResult
from enforcer.platforms.gitlab import RetryPolicy

GitLabServer = server.GitLabServer
GitLabState = server.GitLabState
DEVELOPER = server.DEVELOPER
REPORTER = server.REPORTER

# Fake tokens shaped like real ones, so the cassette scan would notice a leak.
DEV_TOKEN = "glpat-localdeveloper00000000"
READ_TOKEN = "glpat-localreadapi0000000000"
REPORTER_TOKEN = "glpat-localreporter000000000"
JOB_TOKEN = "glcbt-localjobtoken00000000"
CONFIG = "extends: handbook\n"
PROJECT = 42
OTHER_PROJECT = 43
MR = 7
FAST = RetryPolicy(total_seconds=2.0, base_seconds=0.01, timeout_seconds=2.0)

DESCRIPTION = """\
## What changes

We move the billing worker to the new queue.

Closes #12
"""


def seed(state: GitLabState) -> None:
    bot = state.add_user("enforcer-bot", 1)
    alice = state.add_user("alice", 2)
    state.add_token(DEV_TOKEN, bot, scopes=("api",), role=DEVELOPER)
    state.add_token(READ_TOKEN, bot, scopes=("read_api",), role=DEVELOPER)
    state.add_token(REPORTER_TOKEN, bot, scopes=("api",), role=REPORTER)
    state.add_token(JOB_TOKEN, bot, job=True)
    state.add_project("group/sub/app", PROJECT)
    state.add_project("other/tracker", OTHER_PROJECT)
    state.add_file(PROJECT, "main", ".rollout-plan.yml", CONFIG)
    state.add_file(
        PROJECT, "feature", ".rollout-plan.yml", "requirements: {}\n# the change's own copy\n"
    )
    state.add_issue(
        PROJECT, 12, description="## Rollback\n\nRevert the deploy.\n", title="Billing queue"
    )
    state.add_issue(OTHER_PROJECT, 3, description=None, title="Tracker item")
    state.add_merge_request(
        PROJECT,
        MR,
        description=DESCRIPTION,
        labels=("backend",),
        author=alice,
        diffs=(("billing/worker.py", "billing/worker.py"), ("old/name.txt", "new/name.txt")),
        closes=((PROJECT, 12), (OTHER_PROJECT, 3)),
    )


def ci_env(server: GitLabServer, **extra: str) -> dict[str, str]:
    env = {
        "GITLAB_CI": "true",
        "CI_API_V4_URL": server.api_url,
        "CI_SERVER_URL": server.url,
        "CI_PROJECT_ID": str(PROJECT),
        "CI_MERGE_REQUEST_PROJECT_ID": str(PROJECT),
        "CI_MERGE_REQUEST_IID": str(MR),
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_JOB_TOKEN": JOB_TOKEN,
        "GITLAB_TOKEN": DEV_TOKEN,
        "ROLLOUT_ENFORCER_RETRY_SECONDS": "2",
        "ROLLOUT_ENFORCER_RETRY_BASE_SECONDS": "0.01",
        "ROLLOUT_ENFORCER_TIMEOUT_SECONDS": "2",
    }
    env.update(extra)
    return {key: value for key, value in env.items() if value != ""}


def failing_report(target: str = "mr") -> Report:
    return Report(
        target=target,
        ruleset="handbook",
        status="failed",
        requirements=(RequirementResult("rollback", "Rollback plan", "error", "missing"),),
    )


def passing_report(target: str = "mr") -> Report:
    return Report(
        target=target,
        ruleset="handbook",
        status="passed",
        requirements=(
            RequirementResult("rollback", "Rollback plan", "error", "ok", "Rollback", 3),
        ),
    )


CONFIG_OBJECT = Config("handbook", requirements=())


def run_once(
    adapter,
    report: Report,
    text: str = "Rollout plan: incomplete",
    *,
    config: Config = CONFIG_OBJECT,
    status: bool = False,
):
    """What ``enforcer.run`` does with a platform, minus parsing: read, then write back
    through ``enforcer.writeback``. Returns its Result. The closing issues are read when the
    report is failing (the description holds no plan), as the run does."""
    from enforcer.publish import MARKER
    from enforcer.writeback import carry_out

    subject = adapter.subject()
    adapter.config_text()
    if report.status == "failed" and not report.plan_found:
        list(adapter.linked_issues())
    return carry_out(
        adapter.writer(), report, config, subject, MARKER + "\n" + text, status=status
    )
