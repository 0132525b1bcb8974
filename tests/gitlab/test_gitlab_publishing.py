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
from enforcer.platforms.gitlab import from_ci
from enforcer.publish import MARKER, Writes


def fresh(server):
    return from_ci(ci_env(server), publish=True)


def test_first_failing_run_posts_one_comment_and_a_label_within_six_requests(gitlab_server, state):
    writes = run_once(fresh(gitlab_server), failing_report(), "plan incomplete")
    assert writes.create_comment is not None
    assert len(state.log) <= 6, [(e.method, e.path) for e in state.log]
    notes = state.marker_notes(PROJECT, MR, MARKER)
    assert [n["body"] for n in notes] == [f"{MARKER}\nplan incomplete"]
    assert state.merge_requests[(PROJECT, MR)]["labels"] == ["backend", "rollout-plan::missing"]
    puts = state.requests("PUT")
    assert len(puts) == 1
    assert puts[0].body == {"add_labels": "rollout-plan::missing"}


def test_second_run_writes_nothing_within_four_requests(gitlab_server, state):
    run_once(fresh(gitlab_server), failing_report(), "plan incomplete")
    state.log.clear()
    writes = run_once(fresh(gitlab_server), failing_report(), "plan incomplete")
    assert writes.empty
    assert not state.writes()
    assert len(state.log) <= 4, [(e.method, e.path) for e in state.log]


def test_passing_plan_on_first_run_gets_a_label_and_no_comment(gitlab_server, state):
    run_once(fresh(gitlab_server), passing_report())
    assert state.marker_notes(PROJECT, MR, MARKER) == []
    assert "rollout-plan::complete" in state.merge_requests[(PROJECT, MR)]["labels"]
    state.log.clear()
    assert run_once(fresh(gitlab_server), passing_report()).empty
    assert len(state.log) <= 4 and not state.writes()


def test_fixed_plan_edits_the_comment_in_place_and_swaps_labels_in_one_put(gitlab_server, state):
    run_once(fresh(gitlab_server), failing_report(), "plan incomplete")
    [note] = state.marker_notes(PROJECT, MR, MARKER)
    state.log.clear()
    run_once(fresh(gitlab_server), passing_report(), "plan complete")
    [edited] = state.marker_notes(PROJECT, MR, MARKER)
    assert edited["id"] == note["id"]
    assert edited["body"] == f"{MARKER}\nplan complete"
    assert state.merge_requests[(PROJECT, MR)]["labels"] == ["backend", "rollout-plan::complete"]
    [put_labels] = [e for e in state.requests("PUT") if e.path.endswith(f"merge_requests/{MR}")]
    assert put_labels.body == {
        "add_labels": "rollout-plan::complete",
        "remove_labels": "rollout-plan::missing",
    }


def test_a_label_added_between_read_and_write_survives(gitlab_server, state):
    adapter = fresh(gitlab_server)
    adapter.subject()
    read = adapter.read_state()
    state.merge_requests[(PROJECT, MR)]["labels"].append("needs-review")  # a human, meanwhile
    adapter.apply(Writes(add_labels=("rollout-plan::incomplete",)))
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
    first = state.add_note(PROJECT, MR, f"{MARKER}\nplan incomplete", author=state.users[1])
    state.add_note(PROJECT, MR, f"{MARKER}\nplan incomplete", author=state.users[1])
    state.merge_requests[(PROJECT, MR)]["labels"].append("rollout-plan::missing")
    run_once(fresh(gitlab_server), failing_report(), "plan incomplete")
    assert [n["id"] for n in state.marker_notes(PROJECT, MR, MARKER)] == [first["id"]]


def test_a_deleted_comment_is_posted_again_when_editing_finds_it_gone(gitlab_server, state):
    adapter = fresh(gitlab_server)
    note = state.add_note(PROJECT, MR, f"{MARKER}\nold", author=state.users[1])
    adapter.subject()
    adapter.read_state()
    state.notes[(PROJECT, "merge_requests", MR)].remove(note)
    adapter.apply(Writes(edit_comment=(note["id"], f"{MARKER}\nnew")))
    assert [n["body"] for n in state.marker_notes(PROJECT, MR, MARKER)] == [f"{MARKER}\nnew"]


@pytest.mark.parametrize(
    ("token", "code", "needs"),
    [(READ_TOKEN, "403", "api scope"), (REPORTER_TOKEN, "403", "Developer role")],
)
def test_refused_write_names_scope_and_role(gitlab_server, state, token, code, needs):
    adapter = from_ci(ci_env(gitlab_server, GITLAB_TOKEN=token), publish=True)
    with pytest.raises(PlatformError) as raised:
        run_once(adapter, failing_report())
    message = str(raised.value)
    assert code in message and needs in message
    assert f"{gitlab_server.api_url}/projects/{PROJECT}/merge_requests/{MR}/notes" in message
    assert token not in message


def test_unauthorized_write_names_the_token(gitlab_server, state):
    adapter = fresh(gitlab_server)
    adapter.subject()
    adapter.read_state()
    state.tokens.clear()  # revoked between the read and the write
    with pytest.raises(PlatformError, match=r"401 Unauthorized.*GITLAB_TOKEN.*api scope"):
        adapter.apply(Writes(add_labels=("rollout-plan::missing",)))


def test_issue_target_publishes_on_the_issue(gitlab_server, state):
    from enforcer.platforms.gitlab import from_url

    url = f"{gitlab_server.url}/group/sub/app/-/issues/12"
    adapter = from_url(url, {"GITLAB_TOKEN": "glpat-localdeveloper00000000"}, publish=True)
    run_once(adapter, failing_report())
    assert len(state.marker_notes(PROJECT, 12, MARKER, kind="issues")) == 1
    assert "rollout-plan::missing" in state.issues[(PROJECT, 12)]["labels"]
