"""GitHub misbehaving: rate limits, 5xx, slow answers. Retried within one bound, then exit 3."""

from __future__ import annotations

import re
import time

import pytest
from github_support import REPO, TOKEN

from enforcer.platforms import github as adapter
from enforcer.platforms.base import PlatformError
from enforcer.writeback import Uncertain

PULL = rf"/repos/{REPO}/pulls/1"


def platform_for(fake, retry_seconds=3.0, timeout=1):
    tuning = adapter.Tuning(total_seconds=retry_seconds, base_seconds=0.05, timeout_seconds=timeout)
    target = adapter.Target(fake.api_url, REPO, 1, "pull_request")
    return adapter.GitHub(target, TOKEN, publish=True, env={}, tuning=tuning)


@pytest.fixture
def pull(fake):
    return fake.add_pull(REPO, 1, "## Rollback\nRevert.\n")


def test_secondary_rate_limit_with_retry_after_then_success(fake, pull):
    fake.fault("GET", PULL, "secondary", retry_after=1)
    started = time.monotonic()

    subject = platform_for(fake).subject()

    assert subject.description == "## Rollback\nRevert.\n"
    assert 1.0 <= time.monotonic() - started < 2.5  # waited as told, once
    assert [r.path for r in fake.log] == [PULL, PULL]


def test_secondary_rate_limit_on_a_write_is_retried(fake, pull):
    fake.fault("POST", rf"/repos/{REPO}/issues/1/comments", "secondary", retry_after=1)
    platform = platform_for(fake)
    platform.create_comment("<!-- rollout-enforcer -->\nhi")
    assert [c["body"] for c in fake.comments(REPO, 1)] == ["<!-- rollout-enforcer -->\nhi"]
    assert len(fake.requests("POST")) == 2


def test_a_500_on_a_post_is_uncertain_and_not_retried_blindly(fake, pull):
    fake.fault("POST", rf"/repos/{REPO}/issues/1/comments", "status", status=500)
    with pytest.raises(Uncertain, match="500"):
        platform_for(fake).create_comment("<!-- rollout-enforcer -->\nhi")
    assert len(fake.requests("POST")) == 1


def test_a_retry_after_longer_than_the_budget_is_not_waited_for(fake, pull):
    fake.fault("GET", PULL, "secondary", retry_after=3600)
    started = time.monotonic()
    with pytest.raises(
        PlatformError,
        match=r"kept failing to read .*: answered 403 Forbidden; gave up after 0\.\d s and 1 "
        r"attempt \(the next wait of 3600 s would pass the retry budget of 2 s",
    ):
        platform_for(fake, retry_seconds=2).subject()
    assert time.monotonic() - started < 1.0


def test_a_passing_5xx_is_retried(fake, pull):
    fake.fault("GET", PULL, "status", status=502, times=2)
    assert platform_for(fake).subject().title == "Add the thing"
    assert len(fake.log) == 3


def test_persistent_5xx_is_a_platform_error_within_the_bound(fake, pull):
    fake.fault("GET", PULL, "status", status=503, times=1000)
    started = time.monotonic()
    with pytest.raises(PlatformError, match="503") as error:
        platform_for(fake, retry_seconds=2).subject()
    assert time.monotonic() - started < 2.5
    assert 2 <= len(fake.log) <= 6
    assert TOKEN not in str(error.value)


def test_a_slow_answer_times_out_and_is_retried(fake, pull):
    fake.fault("GET", PULL, "slow", delay=1.5)
    started = time.monotonic()
    assert platform_for(fake, timeout=1).subject().title == "Add the thing"
    assert time.monotonic() - started < 3
    assert len(fake.log) == 2


def test_persistent_timeouts_are_a_platform_error_within_the_bound(fake, pull):
    fake.fault("GET", PULL, "slow", delay=1.5, times=1000)
    started = time.monotonic()
    with pytest.raises(PlatformError, match=r"timed out; gave up after (\d+\.\d) s") as raised:
        platform_for(fake, retry_seconds=2, timeout=1).subject()
    spent = time.monotonic() - started
    said = float(re.search(r"gave up after (\d+\.\d) s", str(raised.value))[1])
    assert abs(said - spent) < 0.5  # the time really spent, not the budget
    # the budget, plus at most one request's timeout in flight when it ran out
    assert time.monotonic() - started < 2 + 1 + 0.5


def test_an_unreachable_api_is_a_platform_error():
    target = adapter.Target("http://127.0.0.1:9", REPO, 1, "pull_request")
    tuning = adapter.Tuning(total_seconds=1, base_seconds=0.05, timeout_seconds=1)
    started = time.monotonic()
    with pytest.raises(PlatformError, match=r"got no answer \(connection dropped or refused\); gave up after"):
        adapter.GitHub(target, TOKEN, publish=False, env={}, tuning=tuning).subject()
    assert time.monotonic() - started < 2.5


def test_the_retry_budget_comes_from_the_environment():
    tuning = adapter.tuning_from({"ROLLOUT_ENFORCER_RETRY_SECONDS": "7", "ROLLOUT_ENFORCER_TIMEOUT_SECONDS": "4"})
    assert (tuning.total_seconds, tuning.timeout_seconds) == (7.0, 4.0)
    default = adapter.tuning_from({})
    assert default.total_seconds == 60 and default.timeout_seconds == 30  # as on GitLab


def test_a_rate_limit_without_retry_after_is_no_missing_permission(fake, pull):
    """GitHub may answer a secondary rate limit without Retry-After: not retried (no time
    named), and said as what it is, not as a token lacking permissions."""
    fake.fault("GET", PULL, "secondary_bare")
    with pytest.raises(PlatformError) as raised:
        platform_for(fake).subject()
    message = str(raised.value)
    assert "secondary rate limit" in message and "could not read" in message
    assert "permission" not in message
    assert len(fake.log) == 1
