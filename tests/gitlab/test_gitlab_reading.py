"""Reading a merge request or issue through python-gitlab, against the local GitLab."""

from __future__ import annotations

import pytest
from gitlab_support import CONFIG, DESCRIPTION, DEV_TOKEN, MR, OTHER_PROJECT, PROJECT, ci_env

from enforcer.platforms.base import PlatformError, TargetError
from enforcer.platforms.gitlab import JOB_TOKEN_BLOCKER, from_ci, from_url
from enforcer.publish import MARKER


def test_subject_is_the_live_merge_request(ci_adapter, state):
    subject = ci_adapter.subject()
    assert subject.kind == "merge_request"
    assert subject.description == DESCRIPTION
    assert subject.title == "Change something"
    assert subject.labels == frozenset({"backend"})
    assert subject.state == "opened"
    assert subject.web_url == f"{state.base_url}/group/sub/app/-/merge_requests/{MR}"
    assert subject.ref == subject.web_url


def test_subject_is_fetched_once(ci_adapter, state):
    ci_adapter.subject()
    ci_adapter.subject()
    ci_adapter.comments()
    assert [entry.path for entry in state.requests("GET")].count(
        f"/projects/{PROJECT}/merge_requests/{MR}"
    ) == 1


@pytest.mark.parametrize("description", [None, ""])
def test_null_or_empty_description_reads_as_empty(ci_adapter, state, description):
    state.merge_requests[(PROJECT, MR)]["description"] = description
    assert ci_adapter.subject().description == ""


def test_one_mib_description_is_read_whole(ci_adapter, state):
    big = ("## Rollback\n\n" + "Revert the deploy step by step. " * 40 + "\n\n") * 820
    assert len(big.encode()) > 1024 * 1024
    state.merge_requests[(PROJECT, MR)]["description"] = big
    assert ci_adapter.subject().description == big


def test_config_comes_from_the_target_branch_never_the_source_branch(ci_adapter, state):
    ci_adapter.subject()
    assert ci_adapter.config_text() == CONFIG
    files = [entry for entry in state.requests("GET") if "/repository/files/" in entry.path]
    assert len(files) == 1
    assert files[0].query["ref"] == ["main"]


def test_config_follows_a_retargeted_merge_request(ci_adapter, state):
    state.merge_requests[(PROJECT, MR)]["target_branch"] = "release"
    state.add_file(PROJECT, "release", ".rollout-plan.yml", "extends: handbook-strict\n")
    assert ci_adapter.config_text() == "extends: handbook-strict\n"


def test_absent_config_is_none(ci_adapter, state):
    del state.files[(PROJECT, "main", ".rollout-plan.yml")]
    assert ci_adapter.config_text() is None


def test_changed_paths_are_lazy_and_paginated(ci_adapter, state):
    state.max_per_page = 1
    paths = ci_adapter.changed_paths()
    assert not [e for e in state.log if e.path.endswith("/diffs")], "no request before iterating"
    assert list(paths) == ["billing/worker.py", "old/name.txt", "new/name.txt"]
    assert len([e for e in state.log if e.path.endswith("/diffs")]) == 2


def test_linked_issues_include_other_projects(ci_adapter, state):
    issues = list(ci_adapter.linked_issues())
    assert [issue.web_url for issue in issues] == [
        f"{state.base_url}/group/sub/app/-/issues/12",
        f"{state.base_url}/other/tracker/-/issues/3",
    ]
    assert issues[0].description == "## Rollback\n\nRevert the deploy.\n"
    assert issues[0].kind == "issue"
    assert issues[1].description == ""  # null in the API


def test_comments_come_with_their_authors_in_one_request(ci_adapter, state):
    ci_adapter.subject()
    lgtm = state.add_note(PROJECT, MR, "LGTM", author=state.users[2])
    ours = state.add_note(PROJECT, MR, f"{MARKER}\nRollout plan: incomplete", author=state.users[1])
    before = len(state.log)
    found = ci_adapter.comments()
    assert [(n.id, n.author, n.body) for n in found] == [
        (lgtm["id"], "alice", "LGTM"),
        (ours["id"], "enforcer-bot", f"{MARKER}\nRollout plan: incomplete"),
    ]
    assert found[1].url == f"{state.base_url}/group/sub/app/-/merge_requests/{MR}#note_{ours['id']}"
    assert len(state.log) - before == 1


def test_comments_on_page_three_are_found_and_system_notes_skipped(ci_adapter, state):
    state.max_per_page = 3
    for number in range(7):
        state.add_note(PROJECT, MR, f"comment {number}")
    state.add_note(PROJECT, MR, f"{MARKER}\nadded label by a system note", system=True)
    ours = state.add_note(PROJECT, MR, f"{MARKER}\nours")
    found = ci_adapter.comments()
    assert [n.body for n in found][-1] == f"{MARKER}\nours"
    assert ours["id"] in [n.id for n in found]
    assert f"{MARKER}\nadded label by a system note" not in [n.body for n in found]
    pages = [e.query.get("page", ["1"])[0] for e in state.log if e.path.endswith("/notes")]
    assert pages == ["1", "2", "3"]


def test_identity_is_the_token_user_read_once(ci_adapter, state):
    assert ci_adapter.identity() == "enforcer-bot"
    assert ci_adapter.identity() == "enforcer-bot"
    assert [e.path for e in state.log] == ["/user"]


def test_rerun_url_is_the_pipelines_page(ci_adapter, state):
    assert (
        ci_adapter.rerun_url() == f"{state.base_url}/group/sub/app/-/merge_requests/{MR}/pipelines"
    )


@pytest.mark.parametrize(("state_name", "draft"), [("opened", True), ("closed", False), ("locked", False)])
def test_closed_locked_or_draft_merge_request_is_read_but_not_published(ci_adapter, state, state_name, draft):
    from gitlab_support import failing_report, run_once

    state.merge_requests[(PROJECT, MR)].update(state=state_name, draft=draft)
    subject = ci_adapter.subject()
    assert (subject.state, subject.draft) == (state_name, draft)
    result = run_once(ci_adapter, failing_report())
    assert result.blocked == (
        f"the merge request is a draft; the verdict is published once it is marked ready "
        "(publish_on_drafts: true publishes on drafts too)"
        if draft
        else f"the merge request is {state_name}"
    )
    assert not state.writes()


def test_a_draft_is_published_on_with_publish_on_drafts(ci_adapter, state):
    from gitlab_support import CONFIG_OBJECT, failing_report, run_once

    state.merge_requests[(PROJECT, MR)]["draft"] = True
    config = CONFIG_OBJECT._replace(publish_on_drafts=True)
    result = run_once(ci_adapter, failing_report(), "plan incomplete", config=config)
    assert result.blocked is None and "comment posted" in result.done
    assert [n["body"] for n in state.marker_notes(PROJECT, MR, MARKER)] == [f"{MARKER}\nplan incomplete"]


def test_with_gitlab_token_nothing_blocks(ci_adapter):
    assert ci_adapter.blocker() is None


def test_job_token_reads_and_blocks_publishing(gitlab_server, state):
    adapter = from_ci(ci_env(gitlab_server, GITLAB_TOKEN=""), publish=True)
    assert adapter.subject().description == DESCRIPTION
    assert adapter.config_text() == CONFIG
    assert adapter.subject().labels == frozenset({"backend"})
    assert adapter.blocker() == JOB_TOKEN_BLOCKER
    assert "\n" not in JOB_TOKEN_BLOCKER
    assert all("job-token" in e.headers and "private-token" not in e.headers for e in state.log)
    assert not state.writes()


def test_unknown_merge_request_names_the_url(gitlab_server):
    adapter = from_ci(ci_env(gitlab_server, CI_MERGE_REQUEST_IID="999"), publish=True)
    with pytest.raises(PlatformError) as raised:
        adapter.subject()
    message = str(raised.value)
    assert f"{gitlab_server.api_url}/projects/{PROJECT}/merge_requests/999" in message
    assert "404" in message
    assert DEV_TOKEN not in message


def test_unknown_project_names_the_url(gitlab_server):
    adapter = from_url(
        f"{gitlab_server.url}/nobody/nothing/-/merge_requests/1",
        {"GITLAB_TOKEN": DEV_TOKEN},
        publish=False,
    )
    with pytest.raises(PlatformError, match=r"/projects/nobody%2Fnothing/merge_requests/1 \(404"):
        adapter.subject()


def test_bad_token_on_read_is_a_platform_error(gitlab_server):
    adapter = from_ci(ci_env(gitlab_server, GITLAB_TOKEN="glpat-wrongwrongwrong0000"), publish=True)
    with pytest.raises(PlatformError, match="401") as raised:
        adapter.subject()
    assert "glpat-wrong" not in str(raised.value)
    assert "glpat-wrong" not in repr(adapter)


def test_url_target_of_a_merge_request(gitlab_server, state):
    url = f"{gitlab_server.url}/group/sub/app/-/merge_requests/{MR}"
    adapter = from_url(url, {"GITLAB_TOKEN": DEV_TOKEN}, publish=False)
    assert adapter.subject().description == DESCRIPTION
    assert adapter.config_text() == CONFIG
    assert state.log[0].path == f"/projects/group/sub/app/merge_requests/{MR}"


def test_url_target_of_an_issue_reads_the_default_branch_config(gitlab_server, state):
    adapter = from_url(
        f"{gitlab_server.url}/group/sub/app/-/issues/12", {"GITLAB_TOKEN": DEV_TOKEN}, publish=False
    )
    subject = adapter.subject()
    assert subject.kind == "issue"
    assert subject.title == "Billing queue"
    assert adapter.config_text() == CONFIG
    assert list(adapter.changed_paths()) == []
    assert list(adapter.linked_issues()) == []
    assert adapter.rerun_url() is None


def test_gitlab_api_url_overrides_the_root_and_strips_a_relative_root(gitlab_server, state):
    url = f"https://gitlab.example.com/gitlab/group/sub/app/-/merge_requests/{MR}"
    env = {"GITLAB_TOKEN": DEV_TOKEN, "GITLAB_API_URL": gitlab_server.url + "/gitlab/api/v4"}
    adapter = from_url(url, env, publish=False)
    assert adapter.target.project == "group/sub/app"
    assert adapter.target.api_url == gitlab_server.url + "/gitlab/api/v4"


def test_ci_falls_back_to_server_url_and_project_id(gitlab_server):
    env = ci_env(gitlab_server, CI_API_V4_URL="", CI_MERGE_REQUEST_PROJECT_ID="")
    adapter = from_ci(env, publish=True)
    assert adapter.target.api_url == gitlab_server.api_url
    assert adapter.subject().description == DESCRIPTION


def test_ci_without_a_merge_request_is_a_target_error(gitlab_server):
    with pytest.raises(TargetError, match="CI_MERGE_REQUEST_IID"):
        from_ci(ci_env(gitlab_server, CI_MERGE_REQUEST_IID=""), publish=True)


def test_bad_retry_setting_names_the_variable(gitlab_server):
    with pytest.raises(
        TargetError,
        match="ROLLOUT_ENFORCER_RETRY_SECONDS: expected a number of seconds, got 'soon'",
    ):
        from_ci(ci_env(gitlab_server, ROLLOUT_ENFORCER_RETRY_SECONDS="soon"), publish=True)


def test_other_project_issue_is_linked(ci_adapter, state):
    state.issues[(OTHER_PROJECT, 3)]["description"] = "## Risks\n\nNone known."
    assert [i.description for i in ci_adapter.linked_issues()][1] == "## Risks\n\nNone known."
