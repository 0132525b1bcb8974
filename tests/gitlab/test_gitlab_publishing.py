"""Publishing: the one comment, labels one by one, no write when nothing changed, budgets."""

from __future__ import annotations

import pytest
from gitlab_support import (
    MR,
    PROJECT,
    READ_TOKEN,
    REPORTER_TOKEN,
    ci_env,
    failing_report,
    passing_report,
    run_once,
)

from enforcer.platforms.base import PlatformError
from enforcer.platforms.gitlab import GitLab, from_ci
from enforcer.publish import MARKER


def fresh(server):
    return from_ci(ci_env(server), publish=True)


def test_first_failing_run_posts_one_comment_and_a_label_within_seven_requests(gitlab_server, state):
    result = run_once(fresh(gitlab_server), failing_report(), "plan incomplete")
    assert result.done == ("label rollout-plan::missing added", "comment posted")
    # MR, config, closing issues, notes, label PUT, note POST, notes again (a racing run?)
    assert len(state.log) <= 7, [(e.method, e.path) for e in state.log]
    assert not any(e.path == "/user" for e in state.log)  # the new note says who we are
    notes = state.marker_notes(PROJECT, MR, MARKER)
    assert [n["body"] for n in notes] == [f"{MARKER}\nplan incomplete"]
    assert state.merge_requests[(PROJECT, MR)]["labels"] == ["backend", "rollout-plan::missing"]
    puts = state.requests("PUT")
    assert len(puts) == 1
    assert puts[0].body == {"add_labels": "rollout-plan::missing"}


def test_second_run_writes_nothing_within_four_requests(gitlab_server, state):
    run_once(fresh(gitlab_server), failing_report(), "plan incomplete")
    state.log.clear()
    result = run_once(fresh(gitlab_server), failing_report(), "plan incomplete")
    assert result.done == () and result.blocked is None
    assert not state.writes()
    assert len(state.log) <= 4, [(e.method, e.path) for e in state.log]
    assert [n["body"] for n in state.marker_notes(PROJECT, MR, MARKER)] == [
        f"{MARKER}\nplan incomplete"
    ]


def test_passing_plan_on_first_run_gets_a_label_and_no_comment(gitlab_server, state):
    run_once(fresh(gitlab_server), passing_report())
    assert state.marker_notes(PROJECT, MR, MARKER) == []
    assert "rollout-plan::complete" in state.merge_requests[(PROJECT, MR)]["labels"]
    state.log.clear()
    assert run_once(fresh(gitlab_server), passing_report()).done == ()
    assert len(state.log) <= 3 and not state.writes()  # no plan sought in a closing issue


def test_fixed_plan_edits_the_comment_in_place_and_swaps_labels_one_by_one(gitlab_server, state):
    run_once(fresh(gitlab_server), failing_report(), "plan incomplete")
    [note] = state.marker_notes(PROJECT, MR, MARKER)
    state.log.clear()
    run_once(fresh(gitlab_server), passing_report(), "plan complete")
    [edited] = state.marker_notes(PROJECT, MR, MARKER)
    assert edited["id"] == note["id"]
    assert edited["body"] == f"{MARKER}\nplan complete"
    assert state.merge_requests[(PROJECT, MR)]["labels"] == ["backend", "rollout-plan::complete"]
    puts = [e.body for e in state.requests("PUT") if e.path.endswith(f"merge_requests/{MR}")]
    assert puts == [
        {"add_labels": "rollout-plan::complete"},
        {"remove_labels": "rollout-plan::missing"},
    ]


def test_a_label_added_between_read_and_write_survives(gitlab_server, state):
    adapter = fresh(gitlab_server)
    read = adapter.subject()
    state.merge_requests[(PROJECT, MR)]["labels"].append("needs-review")  # a human, meanwhile
    adapter.add_labels(("rollout-plan::incomplete",))
    assert "needs-review" not in read.labels
    assert sorted(state.merge_requests[(PROJECT, MR)]["labels"]) == [
        "backend",
        "needs-review",
        "rollout-plan::incomplete",
    ]


def test_labels_are_never_replaced_wholesale(gitlab_server, state):
    run_once(fresh(gitlab_server), failing_report())
    run_once(fresh(gitlab_server), passing_report())
    for entry in state.writes():
        assert "labels" not in (entry.body or {}), entry
        assert "labels" not in entry.query, entry


def test_duplicates_from_a_race_are_deleted_keeping_the_oldest(gitlab_server, state):
    first = state.add_note(PROJECT, MR, f"{MARKER}\nold verdict", author=state.users[1])
    state.add_note(PROJECT, MR, f"{MARKER}\nplan incomplete", author=state.users[1])
    state.merge_requests[(PROJECT, MR)]["labels"].append("rollout-plan::missing")
    run_once(fresh(gitlab_server), failing_report(), "plan incomplete")
    [kept] = state.marker_notes(PROJECT, MR, MARKER)
    assert (kept["id"], kept["body"]) == (first["id"], f"{MARKER}\nplan incomplete")
    assert [e.path for e in state.log].count("/user") == 1  # whose they are, asked once


class _DeletedMeanwhile(GitLab):
    """The adapter, with our note deleted by a human right after the run listed the notes."""

    deleted = False

    def comments(self):
        notes = super().comments()
        if not self.deleted:
            store = self.state.notes[(PROJECT, "merge_requests", MR)]
            store[:] = [n for n in store if not n["body"].startswith(MARKER)]
            self.deleted = True
        return notes


def test_a_deleted_comment_is_posted_again_when_editing_finds_it_gone(gitlab_server, state):
    state.add_note(PROJECT, MR, f"{MARKER}\nold", author=state.users[1])
    base = fresh(gitlab_server)
    adapter = _DeletedMeanwhile(base.target, token=base._token, job_token=None, policy=base.policy)
    adapter.state = state
    result = run_once(adapter, failing_report(), "new")
    assert "comment updated" in result.done
    assert [n["body"] for n in state.marker_notes(PROJECT, MR, MARKER)] == [f"{MARKER}\nnew"]


@pytest.mark.parametrize(
    ("token", "code", "needs"),
    [(READ_TOKEN, "403", "api scope"), (REPORTER_TOKEN, "403", "Developer role")],
)
def test_refused_write_blocks_and_names_scope_and_role(gitlab_server, state, token, code, needs):
    adapter = from_ci(ci_env(gitlab_server, GITLAB_TOKEN=token), publish=True)
    result = run_once(adapter, failing_report())
    message = result.blocked
    assert code in message and needs in message
    assert f"{gitlab_server.api_url}/projects/{PROJECT}/merge_requests/{MR}" in message
    assert token not in message
    assert len(state.writes()) == 1  # refused once; nothing more tried
    assert state.marker_notes(PROJECT, MR, MARKER) == []


def test_unauthorized_write_names_the_token(gitlab_server, state):
    adapter = fresh(gitlab_server)
    adapter.subject()
    state.tokens.clear()  # revoked between the read and the write
    with pytest.raises(PlatformError, match=r"401 Unauthorized.*GITLAB_TOKEN is missing, wrong"):
        adapter.add_labels(("rollout-plan::missing",))


def test_issue_target_publishes_on_the_issue(gitlab_server, state):
    from enforcer.platforms.gitlab import from_url

    url = f"{gitlab_server.url}/group/sub/app/-/issues/12"
    adapter = from_url(url, {"GITLAB_TOKEN": "glpat-localdeveloper00000000"}, publish=True)
    run_once(adapter, failing_report())
    assert len(state.marker_notes(PROJECT, 12, MARKER, kind="issues")) == 1
    assert "rollout-plan::missing" in state.issues[(PROJECT, 12)]["labels"]
