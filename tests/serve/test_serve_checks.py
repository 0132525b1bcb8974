"""What a check does on each platform: the comment, the labels, the commit status on the head
commit, driven by the platforms' own payload shapes; and a payload's URLs never reached."""

from __future__ import annotations

import gitlab_server
import gitlab_support as gl
import pytest
from github_support import TOKEN, FakeGitHub
from serve_support import (
    GITHUB_REPO,
    ROOT,
    field_change,
    github_event,
    gitlab_issue_hook,
    gitlab_mr_hook,
    label_change,
    poll,
)

from enforcer.publish import MARKER

COMPLETE = (ROOT / "docs" / "examples" / "complete-plan.md").read_text()
INCOMPLETE = gl.DESCRIPTION


def checks(receiver) -> float:  # type: ignore[no-untyped-def]
    return receiver.metric("rollout_enforcer_checks_total")


def statuses(state, sha: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return [s for s in state.statuses if s["sha"] == sha and s["name"] == "rollout-plan"]


def test_gitlab_merge_request_lifecycle(start, gitlab) -> None:  # type: ignore[no-untyped-def]
    receiver = start()
    state = gitlab.state
    project = state.projects[gl.PROJECT]
    mr = state.merge_requests[(gl.PROJECT, gl.MR)]
    first_head = mr["sha"]

    # opened without a plan: comment, incomplete label, failed status on the head
    assert receiver.gitlab(gitlab_mr_hook(project, mr, "open"))[0] == 202
    poll(lambda: checks(receiver) == 1, what="the first check")
    notes = state.marker_notes(gl.PROJECT, gl.MR, MARKER)
    assert len(notes) == 1
    assert "rollout-plan::incomplete" in mr["labels"] or "rollout-plan::missing" in mr["labels"]
    assert "backend" in mr["labels"]  # never touched
    [failed] = statuses(state, first_head)
    assert failed["status"] == "failed"
    assert failed["target_url"].endswith(f"#note_{notes[0]['id']}")
    assert failed["description"]

    # the author writes the plan: no pipeline runs, the receiver re-checks
    mr["description"] = COMPLETE
    payload = gitlab_mr_hook(
        project, mr, "update", changes=field_change("description", INCOMPLETE, COMPLETE)
    )
    assert receiver.gitlab(payload)[0] == 202
    poll(lambda: checks(receiver) == 2, what="the re-check")
    assert "rollout-plan::complete" in mr["labels"]
    assert not {"rollout-plan::incomplete", "rollout-plan::missing"} & set(mr["labels"])
    assert len(state.marker_notes(gl.PROJECT, gl.MR, MARKER)) == 1  # edited, not a second
    assert statuses(state, first_head)[-1]["status"] == "success"

    # a push: the new head gets its own status
    mr["sha"] = "c" * 40
    payload = gitlab_mr_hook(project, mr, "update", oldrev=first_head)
    assert receiver.gitlab(payload)[0] == 202
    poll(lambda: checks(receiver) == 3, what="the check after the push")
    assert [s["status"] for s in statuses(state, "c" * 40)] == ["success"]

    # the plan emptied after it passed: the label and the status follow
    mr["description"] = ""
    payload = gitlab_mr_hook(
        project, mr, "update", changes=field_change("description", COMPLETE, "")
    )
    receiver.gitlab(payload)
    poll(lambda: checks(receiver) == 4, what="the check after emptying")
    assert "rollout-plan::complete" not in mr["labels"]
    assert statuses(state, "c" * 40)[-1]["status"] == "failed"

    # the exemption label: exempt, success
    mr["labels"] = sorted([*mr["labels"], "rollout-plan::not-needed"])
    receiver.gitlab(
        gitlab_mr_hook(
            project, mr, "update", changes=label_change([], ["rollout-plan::not-needed"])
        )
    )
    poll(lambda: checks(receiver) == 5, what="the check after the exemption label")
    assert statuses(state, "c" * 40)[-1]["status"] == "success"
    assert not {
        "rollout-plan::incomplete",
        "rollout-plan::missing",
        "rollout-plan::complete",
    } & set(mr["labels"])
    assert receiver.metric("rollout_enforcer_checks_total", verdict="exempt") == 1


def test_gitlab_issue_hook_checks_the_issue(start, gitlab) -> None:  # type: ignore[no-untyped-def]
    receiver = start()
    state = gitlab.state
    issue = state.issues[(gl.PROJECT, 12)]
    issue["description"] = "## Rollout plan\n\nNothing yet.\n"
    receiver.gitlab(
        gitlab_issue_hook(
            state.projects[gl.PROJECT],
            issue,
            "update",
            changes=field_change("description", "", issue["description"]),
        ),
        event="Issue Hook",
    )
    # the issue, then !7 that closes it
    poll(lambda: checks(receiver) == 2, what="the issue's check and its merge request's")
    assert len(state.marker_notes(gl.PROJECT, 12, MARKER, kind="issues")) == 1
    targets = [line["target"] for line in receiver.logged("check")]
    assert targets == [f"gitlab:{gl.PROJECT}#12", f"gitlab:{gl.PROJECT}!{gl.MR}"]
    assert {s["sha"] for s in state.statuses} == {state.merge_requests[(gl.PROJECT, gl.MR)]["sha"]}


def test_github_pull_request_from_octokit_payloads(start, github) -> None:  # type: ignore[no-untyped-def]
    receiver = start()
    item = github.add_pull(GITHUB_REPO, 2, "no plan here", labels=("backend",))
    github.set_file(GITHUB_REPO, item.base_sha, ".rollout-plan.yml", "extends: handbook\n")

    status, answer = receiver.github(
        "pull_request", github_event("pull_request", "opened", GITHUB_REPO, 2), delivery="gh-1"
    )
    assert status == 202, answer
    poll(lambda: checks(receiver) == 1, what="the pull request's check")
    comments = [c for c in github.comments(GITHUB_REPO, 2) if c["body"].startswith(MARKER)]
    assert len(comments) == 1
    assert "backend" in github.labels(GITHUB_REPO, 2)
    repo = github.repos[GITHUB_REPO]
    [failure] = [s for s in repo.statuses if s["context"] == "rollout-plan"]
    assert failure["state"] == "failure" and failure["sha"] == item.head_sha
    assert failure["target_url"].endswith(f"#issuecomment-{comments[0]['id']}")

    item.body = COMPLETE
    item.head_sha = "d" * 40
    receiver.github(
        "pull_request",
        github_event("pull_request", "synchronize", GITHUB_REPO, 2, head_sha="d" * 40),
    )
    poll(lambda: checks(receiver) == 2, what="the check after the push")
    assert "rollout-plan::complete" in github.labels(GITHUB_REPO, 2)
    assert [s["state"] for s in repo.statuses if s["sha"] == "d" * 40] == ["success"]
    assert len([c for c in github.comments(GITHUB_REPO, 2) if c["body"].startswith(MARKER)]) == 1


def test_github_issues_event(start, github) -> None:  # type: ignore[no-untyped-def]
    receiver = start()
    github.add_issue(GITHUB_REPO, 1, "## Rollout plan\n\nTBD\n")
    receiver.github("issues", github_event("issues", "opened", GITHUB_REPO, 1))
    poll(lambda: checks(receiver) == 1, what="the issue's check")
    assert len([c for c in github.comments(GITHUB_REPO, 1) if c["body"].startswith(MARKER)]) == 1


@pytest.fixture
def evil_gitlab():  # type: ignore[no-untyped-def]
    with gitlab_server.GitLabServer() as server:
        gl.seed(server.state)  # answers like the real one, so a leak would go unnoticed otherwise
        yield server


@pytest.fixture
def evil_github():  # type: ignore[no-untyped-def]
    server = FakeGitHub().serve()
    server.token = TOKEN
    yield server
    server.close()


def test_forged_urls_receive_no_request(start, gitlab, github, evil_gitlab, evil_github) -> None:  # type: ignore[no-untyped-def]
    """Every URL of the payload points at another server: it hears nothing, the token goes
    only to the configured API root."""
    receiver = start()
    state = gitlab.state
    forged = gitlab_mr_hook(
        state.projects[gl.PROJECT],
        state.merge_requests[(gl.PROJECT, gl.MR)],
        "open",
        web_url=f"{evil_gitlab.url}/group/sub/app",
    )
    assert evil_gitlab.url in forged["project"]["web_url"]
    assert receiver.gitlab(forged)[0] == 202
    github.add_pull(GITHUB_REPO, 2, "no plan")
    payload = github_event("pull_request", "opened", GITHUB_REPO, 2, forged=evil_github.root)
    assert payload["repository"]["url"].startswith(evil_github.root)
    assert receiver.github("pull_request", payload)[0] == 202
    poll(lambda: checks(receiver) == 2, what="both checks")
    assert evil_gitlab.state.log == []
    assert evil_github.log == []
    assert state.marker_notes(gl.PROJECT, gl.MR, MARKER)
    assert all(entry.headers.get("private-token") == gl.DEV_TOKEN for entry in state.log)


def test_a_failing_platform_is_retried_within_the_budget(start, gitlab) -> None:  # type: ignore[no-untyped-def]
    state = gitlab.state
    # more 502s than the adapter's own retry budget absorbs: the worker tries again
    state.fault("GET", rf"^/projects/{gl.PROJECT}/merge_requests/{gl.MR}$", status=502, times=400)
    receiver = start(ROLLOUT_ENFORCER_RETRY_SECONDS="0.3")
    receiver.gitlab(
        gitlab_mr_hook(
            state.projects[gl.PROJECT], state.merge_requests[(gl.PROJECT, gl.MR)], "open"
        )
    )
    poll(
        lambda: receiver.metric("rollout_enforcer_check_failures_total") >= 1,
        what="a failed attempt",
    )
    state.faults.clear()
    poll(lambda: checks(receiver) == 1, what="the retried check")
    assert len(state.marker_notes(gl.PROJECT, gl.MR, MARKER)) == 1
    retrying = [line for line in receiver.logged("check") if line["outcome"] == "retrying"]
    assert retrying and "502" in retrying[0]["error"]


def test_a_plan_kept_in_an_issue_re_checks_the_merge_requests_closing_it(start, gitlab) -> None:  # type: ignore[no-untyped-def]
    """MR !7 says "Closes #12" and has no plan of its own; writing the plan in issue #12
    turns !7's label and status to complete, with no event on !7 itself."""
    receiver = start()
    state = gitlab.state
    project, mr = state.projects[gl.PROJECT], state.merge_requests[(gl.PROJECT, gl.MR)]
    receiver.gitlab(gitlab_mr_hook(project, mr, "open"))
    poll(lambda: checks(receiver) == 1, what="the merge request's check")
    assert statuses(state, mr["sha"])[-1]["status"] == "failed"

    issue = state.issues[(gl.PROJECT, 12)]
    before, issue["description"] = issue["description"], COMPLETE
    hook = gitlab_issue_hook(
        project, issue, "update", changes=field_change("description", before, COMPLETE)
    )
    assert receiver.gitlab(hook, event="Issue Hook")[0] == 202
    poll(lambda: checks(receiver) == 3, what="the issue's check and the merge request's re-check")
    assert "rollout-plan::complete" in mr["labels"]
    assert statuses(state, mr["sha"])[-1]["status"] == "success"
    [issue_check] = [
        line for line in receiver.logged("check") if line["target"] == f"gitlab:{gl.PROJECT}#12"
    ]
    assert issue_check["follow_ups"] == [f"gitlab:{gl.PROJECT}!{gl.MR}: queued"]
