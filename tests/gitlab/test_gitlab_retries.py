"""Faults: 429 with Retry-After, 5xx, slow answers and dropped connections, over real HTTP."""

from __future__ import annotations

import re
import time

import pytest
from gitlab_support import DESCRIPTION, MR, PROJECT, failing_report, run_once

from enforcer.platforms.base import PlatformError
from enforcer.platforms.gitlab import RetryPolicy
from enforcer.publish import MARKER
from enforcer.writeback import Uncertain

NOTES = rf"/merge_requests/{MR}/notes$"
MR_PATH = rf"/merge_requests/{MR}$"


def test_429_honours_retry_after(make_adapter, state):
    waits: list[float] = []
    state.fault("GET", MR_PATH, status=429, headers={"Retry-After": "1"})
    adapter = make_adapter(sleep=waits.append)
    assert adapter.subject().description == DESCRIPTION
    assert waits == [1.0]
    assert [e.status for e in state.log] == [429, 200]


def test_retry_after_longer_than_the_budget_gives_up_at_once(make_adapter, state):
    waits: list[float] = []
    state.fault("GET", MR_PATH, status=429, headers={"Retry-After": "120"})
    with pytest.raises(
        PlatformError,
        match=r"kept failing to read .*/merge_requests/7: answered 429 Too Many Requests; "
        r"gave up after 0\.\d s and 1 attempt \(the next wait of 120 s would pass the retry "
        r"budget of 2 s, ROLLOUT_ENFORCER_RETRY_SECONDS\)",
    ):
        make_adapter(sleep=waits.append).subject()
    assert waits == []


@pytest.mark.parametrize("status", [500, 502])
def test_5xx_then_success(make_adapter, state, status):
    state.fault("GET", MR_PATH, status=status, times=2)
    assert make_adapter().subject().description == DESCRIPTION
    assert [e.status for e in state.log] == [status, status, 200]


def test_429_on_a_page_of_notes_is_retried(make_adapter, state):
    state.max_per_page = 2
    for number in range(5):
        state.add_note(PROJECT, MR, f"note {number}")
    ours = state.add_note(PROJECT, MR, f"{MARKER}\nours")
    state.fault("GET", NOTES, status=429, headers={"Retry-After": "0"}, times=1)
    adapter = make_adapter()
    adapter.subject()
    state.faults[-1].times = 0
    state.fault("GET", NOTES, status=502, times=1)  # on the first page
    assert [n.id for n in adapter.comments()][-1] == ours["id"]


def test_persistent_failure_gives_up_within_the_bound(make_adapter, state):
    state.fault("GET", MR_PATH, status=502, times=1000)
    policy = RetryPolicy(total_seconds=0.5, base_seconds=0.02, timeout_seconds=1.0)
    started = time.monotonic()
    with pytest.raises(PlatformError) as raised:
        make_adapter(policy=policy).subject()
    elapsed = time.monotonic() - started
    assert elapsed < 1.5
    message = str(raised.value)
    assert "502" in message and f"/projects/{PROJECT}/merge_requests/{MR}" in message
    assert "kept failing" in message
    assert len(state.log) >= 3


def test_slow_answer_times_out_and_is_retried(make_adapter, state):
    state.fault("GET", MR_PATH, delay=0.6)
    policy = RetryPolicy(total_seconds=3.0, base_seconds=0.01, timeout_seconds=0.3)
    assert make_adapter(policy=policy).subject().description == DESCRIPTION
    assert len(state.requests("GET")) == 2


def test_dropped_connection_on_read_is_retried(make_adapter, state):
    state.fault("GET", MR_PATH, drop="before")
    assert make_adapter().subject().description == DESCRIPTION


def test_dropped_connection_after_creating_the_note_does_not_duplicate(make_adapter, state):
    state.fault("POST", NOTES, drop="after")  # GitLab created it, the answer was lost
    run_once(make_adapter(), failing_report(), "plan incomplete")
    assert len(state.marker_notes(PROJECT, MR, MARKER)) == 1
    assert len(state.requests("POST")) == 1


def test_timeout_after_creating_the_note_does_not_duplicate(make_adapter, state):
    state.fault("POST", NOTES, delay=0.6)  # created, then too slow to answer
    policy = RetryPolicy(total_seconds=3.0, base_seconds=0.01, timeout_seconds=0.3)
    run_once(make_adapter(policy=policy), failing_report(), "plan incomplete")
    time.sleep(0.4)  # let the slow answer finish
    assert len(state.marker_notes(PROJECT, MR, MARKER)) == 1


def test_502_before_creating_the_note_looks_then_posts_once(make_adapter, state):
    state.fault("POST", NOTES, status=502)  # nothing was created
    run_once(make_adapter(), failing_report(), "plan incomplete")
    assert len(state.marker_notes(PROJECT, MR, MARKER)) == 1
    methods = [(e.method, e.status) for e in state.log if e.path.endswith("/notes")]
    # list, post (502: not made), look again, post, list again (a racing run's duplicate?)
    assert methods == [("GET", 200), ("POST", 502), ("GET", 200), ("POST", 201), ("GET", 200)]


def test_dropped_connection_before_creating_the_note_posts_once(make_adapter, state):
    state.fault("POST", NOTES, drop="before")
    run_once(make_adapter(), failing_report(), "plan incomplete")
    assert len(state.marker_notes(PROJECT, MR, MARKER)) == 1


def test_429_on_create_is_simply_retried(make_adapter, state):
    waits: list[float] = []
    state.fault("POST", NOTES, status=429, headers={"Retry-After": "1"})
    make_adapter(sleep=waits.append).create_comment(f"{MARKER}\nx")
    assert waits == [1.0]
    assert [n["body"] for n in state.marker_notes(PROJECT, MR, MARKER)] == [f"{MARKER}\nx"]
    assert [e.method for e in state.log if e.path.endswith("/notes")] == ["POST", "POST"]


def test_create_that_keeps_failing_gives_up_without_a_duplicate(make_adapter, state):
    state.fault("POST", NOTES, status=500, times=1000)
    policy = RetryPolicy(total_seconds=0.3, base_seconds=0.02, timeout_seconds=1.0)
    started = time.monotonic()
    with pytest.raises(PlatformError, match=r"500.*the comment is not there") as raised:
        run_once(make_adapter(policy=policy), failing_report(), "x")
    assert state.marker_notes(PROJECT, MR, MARKER) == []
    spent = time.monotonic() - started
    assert spent < 2.0
    message = str(raised.value)
    assert "retry budget of 0.3 s" in message
    said = float(re.search(r"gave up after (\d+\.\d) s", message)[1])
    assert said <= spent + 0.05  # the time really spent, not the budget


def test_a_single_500_on_create_is_uncertain_to_the_carrier(make_adapter, state):
    state.fault("POST", NOTES, status=500)
    with pytest.raises(Uncertain, match="500"):
        make_adapter().create_comment(f"{MARKER}\nx")
    assert len(state.requests("POST")) == 1  # never retried blindly


def test_label_put_is_retried_on_502(make_adapter, state):
    state.fault("PUT", MR_PATH, status=502)
    adapter = make_adapter()
    adapter.subject()
    adapter.add_labels(("rollout-plan::missing",))
    assert "rollout-plan::missing" in state.merge_requests[(PROJECT, MR)]["labels"]


def test_one_retry_budget_for_the_whole_run(make_adapter, state):
    """Waits of every request come out of one budget: after the first request spent most of
    it, the second gives up at its first failure instead of starting a budget of its own."""
    waits: list[float] = []
    state.fault("GET", MR_PATH, status=502, times=2)
    state.fault("GET", r"/repository/files/", status=503, times=1000)
    policy = RetryPolicy(total_seconds=0.35, base_seconds=0.1, timeout_seconds=1.0)
    adapter = make_adapter(policy=policy, sleep=waits.append)
    assert adapter.subject().description == DESCRIPTION
    with pytest.raises(PlatformError, match=r"answered 503 .*gave up after \d+\.\d s and 1 attempt"):
        adapter.config_text()
    assert waits == [0.1, 0.2]
    assert adapter.budget.spent == pytest.approx(0.3)


def test_a_rate_limit_past_the_budget_on_a_write_is_no_refusal(make_adapter, state):
    """A 403 that asks to wait is a rate limit: past the budget it is a platform error that
    says so, not a read-only token."""
    waits: list[float] = []
    state.fault("PUT", MR_PATH, status=403, headers={"Retry-After": "30"}, times=1000)
    adapter = make_adapter(sleep=waits.append)
    adapter.subject()
    with pytest.raises(PlatformError, match=r"kept failing .*answered 403 .*next wait of 30 s"):
        adapter.add_labels(("rollout-plan::missing",))
    assert waits == []
