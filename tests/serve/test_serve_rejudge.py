"""A description edited while a check reads it: the check reads it again just before writing
and judges again, so the verdict written is of the latest text (two replicas checking two
versions at once end on the newer one, whichever writes last)."""

from __future__ import annotations

from types import MappingProxyType

import gitlab_support as gl

from enforcer.serve.events import Job
from enforcer.serve.settings import Settings
from enforcer.serve.worker import check_and_publish

def settings(server) -> Settings:  # type: ignore[no-untyped-def]
    env = {"ROLLOUT_ENFORCER_RETRY_SECONDS": "5", "ROLLOUT_ENFORCER_TIMEOUT_SECONDS": "10"}
    return Settings(b"s", gitlab_url=server.url, gitlab_token=gl.DEV_TOKEN, env=MappingProxyType(env))


def complete_plan() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[2] / "docs" / "examples" / "complete-plan.md").read_text(encoding="utf-8")


def test_an_edit_during_the_check_is_judged_before_anything_is_written(gitlab) -> None:  # type: ignore[no-untyped-def]
    state = gitlab.state
    mr = state.merge_requests[(gl.PROJECT, gl.MR)]
    assert "Rollback" not in (mr["description"] or "")  # the seeded plan fails

    def author_finishes_the_plan() -> None:
        with state.lock:
            mr["description"] = complete_plan()

    # the check's first read of the merge request gets the old text; right after, it changes
    state.fault("GET", rf"/projects/{gl.PROJECT}/merge_requests/{gl.MR}$", then=author_finishes_the_plan)
    checked = check_and_publish(Job("gitlab", str(gl.PROJECT), "merge_request", gl.MR, "edited"), settings(gitlab))

    assert checked.verdict == "passed", checked
    assert any("checked again" in note for note in checked.notes), checked.notes
    assert "rollout-plan::complete" in mr["labels"] and "rollout-plan::incomplete" not in mr["labels"]
    assert [s["status"] for s in state.statuses] == ["success"]
    assert state.notes[(gl.PROJECT, "merge_requests", gl.MR)] == [] or all(
        "rollout-enforcer" not in note["body"] for note in state.notes[(gl.PROJECT, "merge_requests", gl.MR)]
    )


def test_no_edit_costs_one_read_more_and_no_second_check(gitlab) -> None:  # type: ignore[no-untyped-def]
    state = gitlab.state
    checked = check_and_publish(Job("gitlab", str(gl.PROJECT), "merge_request", gl.MR, "edited"), settings(gitlab))
    assert checked.verdict == "failed"
    assert not any("checked again" in note for note in checked.notes)
    assert [s["status"] for s in state.statuses] == ["failed"]
