"""Bursts, replicas and shutdown: coalescing, two receivers on one merge request, SIGTERM."""

from __future__ import annotations

import threading

import gitlab_support as gl
import pytest
from serve_support import ROOT, field_change, gitlab_mr_hook, poll

from enforcer.publish import MARKER

COMPLETE = (ROOT / "docs" / "examples" / "complete-plan.md").read_text()


def test_a_burst_is_coalesced_and_ends_on_the_latest_state(start, gitlab) -> None:  # type: ignore[no-untyped-def]
    state = gitlab.state
    project, mr = state.projects[gl.PROJECT], state.merge_requests[(gl.PROJECT, gl.MR)]
    # the first check's read is slow, so the burst lands while it runs
    state.fault("GET", rf"^/projects/{gl.PROJECT}/merge_requests/{gl.MR}$", delay=3.0)
    receiver = start()
    assert receiver.gitlab(gitlab_mr_hook(project, mr, "open"))[0] == 202
    poll(lambda: receiver.metric("rollout_enforcer_checks_running") == 1, what="the first check")
    burst = 20
    for number in range(burst):
        before = mr["description"]
        mr["description"] = (
            COMPLETE if number == burst - 1 else f"{gl.DESCRIPTION}\nedit {number}\n"
        )
        payload = gitlab_mr_hook(
            project, mr, "update", changes=field_change("description", before, mr["description"])
        )
        assert receiver.gitlab(payload)[0] == 202
    deliveries = burst + 1
    poll(
        lambda: (
            receiver.metric("rollout_enforcer_queue_depth") == 0
            and receiver.metric("rollout_enforcer_checks_running") == 0
        ),
        what="the queue to empty",
    )
    checks = receiver.metric("rollout_enforcer_checks_total")
    coalesced = receiver.metric("rollout_enforcer_coalesced_total")
    assert checks < deliveries / 4, (checks, coalesced)
    assert checks + coalesced == deliveries  # every delivery is a check or merged into one
    # the last check read the last description
    assert "rollout-plan::complete" in mr["labels"]
    # (the local server serialises the slow answer after the burst: even the first check may
    # have read the complete plan, and a plan passing on the first run gets no comment)
    assert len(state.marker_notes(gl.PROJECT, gl.MR, MARKER)) <= 1
    assert state.statuses[-1]["status"] == "success"
    merged = [line for line in receiver.logged("delivery") if line.get("queue") == "merged"]
    assert len(merged) == coalesced


@pytest.mark.parametrize("trial", range(3))
def test_two_replicas_leave_one_comment(start, gitlab, trial) -> None:  # type: ignore[no-untyped-def]
    """Two receivers hear the same merge requests at once (as behind a load balancer): one
    comment each, the right label and status, whichever replica ran last."""
    state = gitlab.state
    project = state.projects[gl.PROJECT]
    iids = list(range(31, 37))
    for iid in iids:
        state.add_merge_request(gl.PROJECT, iid, description=gl.DESCRIPTION)
    replicas = [start(), start()]

    def send(replica, iid: int, payload: dict) -> None:  # type: ignore[no-untyped-def]
        assert replica.gitlab(payload)[0] == 202

    def both(payloads: dict[int, dict]) -> None:
        threads = [
            threading.Thread(target=send, args=(replica, iid, payload))
            for iid, payload in payloads.items()
            for replica in replicas
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def idle() -> bool:
        return all(
            r.metric("rollout_enforcer_queue_depth") == 0
            and r.metric("rollout_enforcer_checks_running") == 0
            for r in replicas
        )

    both(
        {
            iid: gitlab_mr_hook(project, state.merge_requests[(gl.PROJECT, iid)], "open")
            for iid in iids
        }
    )
    poll(
        lambda: (
            sum(r.metric("rollout_enforcer_checks_total") for r in replicas) >= 2 * len(iids)
            and idle()
        ),
        what="every check on both replicas",
    )
    for iid in iids:
        assert len(state.marker_notes(gl.PROJECT, iid, MARKER)) == 1, iid
    # half the plans get written; both replicas hear it
    payloads = {}
    for iid in iids[::2]:
        mr = state.merge_requests[(gl.PROJECT, iid)]
        mr["description"] = COMPLETE
        payloads[iid] = gitlab_mr_hook(
            project, mr, "update", changes=field_change("description", gl.DESCRIPTION, COMPLETE)
        )
    done_before = sum(r.metric("rollout_enforcer_checks_total") for r in replicas)
    both(payloads)
    poll(
        lambda: (
            sum(r.metric("rollout_enforcer_checks_total") for r in replicas)
            >= done_before + 2 * len(payloads)
            and idle()
        ),
        what="the re-checks",
    )
    for iid in iids:
        mr = state.merge_requests[(gl.PROJECT, iid)]
        notes = state.marker_notes(gl.PROJECT, iid, MARKER)
        assert len(notes) == 1, (iid, notes)
        mine = [s for s in state.statuses if s["sha"] == mr["sha"]]
        if iid in payloads:
            assert "rollout-plan::complete" in mr["labels"]
            assert mine[-1]["status"] == "success"
            assert "passes" in notes[0]["body"].lower() or "complete" in notes[0]["body"].lower()
        else:
            assert "rollout-plan::complete" not in mr["labels"]
            assert {"rollout-plan::incomplete", "rollout-plan::missing"} & set(mr["labels"])
            assert mine[-1]["status"] == "failed"


def test_sigterm_drains_the_queue_and_exits_0(start, gitlab) -> None:  # type: ignore[no-untyped-def]
    state = gitlab.state
    project = state.projects[gl.PROJECT]
    iids = list(range(41, 46))
    for iid in iids:
        state.add_merge_request(gl.PROJECT, iid, description=gl.DESCRIPTION)
    state.fault("GET", rf"^/projects/{gl.PROJECT}/merge_requests/41$", delay=2.0)
    receiver = start(ROLLOUT_ENFORCER_WORKERS="1")
    for iid in iids:
        assert (
            receiver.gitlab(
                gitlab_mr_hook(project, state.merge_requests[(gl.PROJECT, iid)], "open")
            )[0]
            == 202
        )
    assert receiver.metric("rollout_enforcer_checks_total") == 0  # all still waiting or running
    assert receiver.stop() == 0
    for iid in iids:
        assert len(state.marker_notes(gl.PROJECT, iid, MARKER)) == 1, iid
    [drained] = receiver.logged("drained")
    assert drained["left_undone"] == 0
    assert "Traceback" not in "".join(receiver.raw)


def test_sigterm_drain_is_bounded(start, gitlab) -> None:  # type: ignore[no-untyped-def]
    state = gitlab.state
    project = state.projects[gl.PROJECT]
    state.fault("GET", rf"^/projects/{gl.PROJECT}/merge_requests/{gl.MR}$", delay=30.0)
    receiver = start(
        ROLLOUT_ENFORCER_WORKERS="1",
        ROLLOUT_ENFORCER_DRAIN_SECONDS="1",
        ROLLOUT_ENFORCER_TIMEOUT_SECONDS="60",
    )
    receiver.gitlab(gitlab_mr_hook(project, state.merge_requests[(gl.PROJECT, gl.MR)], "open"))
    poll(lambda: receiver.metric("rollout_enforcer_checks_running") == 1, what="the stuck check")
    assert receiver.stop(timeout=25) == 0  # long before the 30 s answer
    [drained] = receiver.logged("drained")
    assert drained["left_undone"] == 1


def test_two_replicas_on_github(start, github) -> None:  # type: ignore[no-untyped-def]
    from serve_support import GITHUB_REPO, github_event

    numbers = list(range(2, 8))
    for number in numbers:
        github.add_pull(GITHUB_REPO, number, gl.DESCRIPTION)
    replicas = [start(), start()]

    def send(replica, payload) -> None:  # type: ignore[no-untyped-def]
        assert replica.github("pull_request", payload)[0] == 202

    def both(action: str) -> None:
        threads = [
            threading.Thread(
                target=send, args=(r, github_event("pull_request", action, GITHUB_REPO, n))
            )
            for n in numbers
            for r in replicas
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def done(total: int) -> bool:
        return sum(r.metric("rollout_enforcer_checks_total") for r in replicas) >= total and all(
            r.metric("rollout_enforcer_queue_depth") == 0
            and r.metric("rollout_enforcer_checks_running") == 0
            for r in replicas
        )

    both("opened")
    poll(lambda: done(2 * len(numbers)), what="the first checks")
    repo = github.repos[GITHUB_REPO]
    for number in numbers[::2]:
        repo.items[number].body = COMPLETE
    both("edited")
    poll(lambda: done(4 * len(numbers)), what="the re-checks")
    for number in numbers:
        ours = [c for c in github.comments(GITHUB_REPO, number) if c["body"].startswith(MARKER)]
        assert len(ours) == 1, (number, ours)
        complete = number in numbers[::2]
        labels = github.labels(GITHUB_REPO, number)
        assert ("rollout-plan::complete" in labels) is complete
        last = [s for s in repo.statuses if s["context"] == "rollout-plan"][-1:]
        mine = [
            s
            for s in repo.statuses
            if s["context"] == "rollout-plan"
            and s["target_url"]
            and f"/pull/{number}#" in s["target_url"]
        ]
        assert last and mine and mine[-1]["state"] == ("success" if complete else "failure")
