"""Publishing: the one marker comment, labels by POST and DELETE, the request budget, forks."""

from __future__ import annotations

import pytest
from github_support import FAST, REPO, TOKEN

from enforcer import run
from enforcer.platforms import github as adapter
from enforcer.publish import MARKER
from enforcer.report import render

NUMBER = 2
PASSING = """## Expected result
Checkout latency drops below 200 ms for all users after the rollout.

## How to validate
Watch the checkout latency dashboard for an hour after each stage.

## Risks
Cache stampede on cold start could overload the database.

## Rollback plan
Disable the feature flag checkout_cache and redeploy the previous build.
"""
FAILING = "## Rollback plan\nDisable the feature flag checkout_cache and redeploy.\n"


def platform_for(fake, *, kind="pull_request", fork=None, number=NUMBER, token=TOKEN):
    target = adapter.Target(fake.api_url, REPO, number, kind, fork=fork)
    return adapter.GitHub(target, token, publish=True, env={}, tuning=FAST)


def one_run(fake, **kwargs) -> run.Outcome:
    """What `enforce check` does in CI, minus the process: check, then publish."""
    platform = platform_for(fake, **kwargs)
    logged: list[str] = []
    outcome = run.check(platform, run.Options(), logged.append)
    run.publish(platform, outcome, render("markdown", outcome.report), logged.append)
    return outcome


def ours(fake, number=NUMBER):
    return [c for c in fake.comments(REPO, number) if MARKER in c["body"]]


def test_first_failing_run_labels_and_comments_within_six_requests(fake):
    """pull, config, comments, label, comment, comments again (did a racing run post too?)"""
    fake.add_pull(REPO, NUMBER, FAILING, labels=("bug",))
    for i in range(3):
        fake.add_comment(REPO, NUMBER, f"a review remark {i}")

    outcome = one_run(fake)

    assert outcome.report.status == "failed"
    assert fake.labels(REPO, NUMBER) == ["bug", "rollout-plan::incomplete"]
    [comment] = ours(fake)
    assert comment["body"].startswith(MARKER + "\n")
    assert comment["user"] == "github-actions[bot]"
    assert len(fake.log) <= 6, [(r.method, r.path) for r in fake.log]
    assert not any(r.path == "/user" for r in fake.log)
    assert [(r.method, r.path) for r in fake.writes] == [
        ("POST", f"/repos/{REPO}/issues/{NUMBER}/labels"),
        ("POST", f"/repos/{REPO}/issues/{NUMBER}/comments"),
    ]


def test_second_run_with_nothing_changed_writes_nothing_within_three_requests(fake):
    fake.add_pull(REPO, NUMBER, FAILING)
    one_run(fake)
    [before] = [dict(c) for c in ours(fake)]
    fake.reset_log()

    one_run(fake)

    assert fake.writes == []
    assert len(fake.log) <= 3, [(r.method, r.path) for r in fake.log]
    assert ours(fake) == [before]


def test_a_plan_that_passes_on_the_first_run_gets_a_label_and_no_comment(fake):
    fake.add_pull(REPO, NUMBER, PASSING)
    one_run(fake)
    assert fake.labels(REPO, NUMBER) == ["rollout-plan::complete"]
    assert ours(fake) == []


def test_fixing_the_plan_edits_the_comment_in_place_and_swaps_the_label(fake):
    item = fake.add_pull(REPO, NUMBER, FAILING, labels=("keep-me",))
    one_run(fake)
    [before] = [dict(c) for c in ours(fake)]
    item.body = PASSING
    fake.reset_log()

    one_run(fake)

    [after] = ours(fake)
    assert after["id"] == before["id"] and after["body"] != before["body"]
    assert fake.labels(REPO, NUMBER) == ["keep-me", "rollout-plan::complete"]
    methods = [(r.method, r.path.rsplit("/", 2)[-2:]) for r in fake.writes]
    assert ("DELETE", ["labels", "rollout-plan::incomplete"]) in methods
    assert ("PATCH", ["comments", str(before["id"])]) in methods
    assert fake.requests("PUT") == []


def test_our_comment_is_found_on_a_later_page(fake):
    fake.add_pull(REPO, NUMBER, FAILING, labels=("rollout-plan::incomplete",))
    for i in range(230):
        fake.add_comment(REPO, NUMBER, f"remark {i}")
    platform = platform_for(fake)
    outcome = run.check(platform, run.Options(), lambda _: None)
    body = run.comment_body(render("markdown", outcome.report))
    fake.add_comment(REPO, NUMBER, body, user="github-actions[bot]")  # on page 3
    fake.reset_log()

    found = platform.comments()

    assert [(n.body, n.author) for n in found][-1] == (body, "github-actions[bot]")
    assert [r.query.get("page", "1") for r in fake.log] == ["1", "2", "3"]
    run.publish(platform, outcome, render("markdown", outcome.report), lambda _: None)
    assert fake.writes == []


def test_duplicates_from_a_race_are_removed_keeping_the_oldest(fake):
    fake.add_pull(REPO, NUMBER, FAILING)
    first = fake.add_comment(REPO, NUMBER, f"{MARKER}\nfrom run A", user="github-actions[bot]")
    fake.add_comment(REPO, NUMBER, "a human")
    fake.add_comment(REPO, NUMBER, f"{MARKER}\nfrom run B", user="github-actions[bot]")

    outcome = one_run(fake)

    [kept] = ours(fake)
    assert kept["id"] == first["id"]
    assert kept["body"] == run.comment_body(render("markdown", outcome.report))
    assert [c["body"] for c in fake.comments(REPO, NUMBER)] == [kept["body"], "a human"]


def test_labels_go_one_by_one_and_a_label_already_gone_is_fine(fake):
    fake.add_pull(REPO, NUMBER, FAILING, labels=("x",))
    platform = platform_for(fake)
    platform.subject()

    platform.add_labels(("a::b",))
    platform.remove_labels(("never-there", "x"))

    assert fake.labels(REPO, NUMBER) == ["a::b"]
    assert [r.method for r in fake.writes] == ["POST", "DELETE", "DELETE"]
    assert fake.writes[0].body == ["a::b"]
    assert fake.requests("PUT") == []


def test_a_retried_create_never_leaves_a_second_comment(fake):
    """GitHub made the comment, then answered 502: we look again instead of posting again."""
    fake.add_pull(REPO, NUMBER, FAILING)
    fake.fault("POST", rf"/repos/{REPO}/issues/{NUMBER}/comments", "after", status=502)

    outcome = one_run(fake)

    assert [c["body"] for c in ours(fake)] == [
        run.comment_body(render("markdown", outcome.report))
    ]
    assert len(fake.requests("POST")) == 2  # the label and the one comment; no second try


def test_a_create_that_failed_outright_is_tried_again(fake):
    fake.add_pull(REPO, NUMBER, FAILING)
    fake.fault("POST", rf"/repos/{REPO}/issues/{NUMBER}/comments", "status", status=503)

    one_run(fake)

    assert len(ours(fake)) == 1


def test_a_fork_pull_request_under_pull_request_publishes_nothing(fake):
    fake.add_pull(REPO, NUMBER, FAILING, head_repo="someone/Hello-World")
    platform = platform_for(fake, fork="someone/Hello-World")

    blocker = platform.blocker()

    assert blocker is not None and "fork" in blocker and "pull_request_target" in blocker
    one_run(fake, fork="someone/Hello-World")
    assert fake.writes == []


def test_a_read_only_token_stops_at_the_first_refused_write(fake):
    fake.add_pull(REPO, NUMBER, FAILING)
    fake.read_only = True
    platform = platform_for(fake)
    outcome = run.check(platform, run.Options(), lambda _: None)
    logged: list[str] = []

    result = run.publish(platform, outcome, render("markdown", outcome.report), logged.append)

    assert len(fake.writes) == 1  # refused once; nothing more tried
    assert result.refused and "not accessible by integration" in result.blocked
    assert logged == [f"nothing published: {result.blocked}"]  # said once


def test_without_a_token_nothing_is_published(fake):
    fake.token = None
    fake.add_pull(REPO, NUMBER, FAILING)
    one_run(fake, token=None)
    assert fake.writes == []


@pytest.mark.parametrize("labels", [("rollout-plan::not-needed",), ()])
def test_exempt_removes_our_status_labels(fake, labels):
    fake.add_pull(REPO, NUMBER, FAILING, labels=("rollout-plan::incomplete", *labels))
    if not labels:
        fake.set_file(REPO, "b" * 40, ".rollout-plan.yml", "applies_when:\n  paths: [db/]\n")
    outcome = one_run(fake)
    assert outcome.report.status == "exempt"
    assert "rollout-plan::incomplete" not in fake.labels(REPO, NUMBER)


def test_an_issue_can_be_published_to(fake):
    fake.add_issue(REPO, 7, FAILING)
    one_run(fake, kind="issue", number=7)
    assert fake.labels(REPO, 7) == ["rollout-plan::incomplete"]
    assert len(ours(fake, 7)) == 1
