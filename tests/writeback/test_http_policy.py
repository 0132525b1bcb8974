"""The one HTTP policy as a table: what asks to wait, what each refusal says, the budget."""

from __future__ import annotations

import pytest

from enforcer.platforms import http

ACCESS = http.Access("GitLab", "GITLAB_TOKEN", "read scope", "write scope")


@pytest.mark.parametrize(
    ("status", "headers", "waits"),
    [
        (429, {}, True),  # refused outright: nothing happened, whatever the method
        (403, {"Retry-After": "1"}, True),  # GitHub's secondary rate limit
        (403, {"X-RateLimit-Remaining": "0"}, True),  # a primary rate limit
        (403, {}, False),  # a plain refusal: no retry
        (403, None, False),
        (500, {"Retry-After": "1"}, False),  # a 5xx is retried, but not as "asked to wait"
    ],
)
def test_asks_to_wait(status, headers, waits):
    assert http.asks_to_wait(status, headers) is waits


@pytest.mark.parametrize(
    ("status", "write", "sentence"),
    [
        (401, True, "GitLab refused the token (401 Unauthorized) to post on https://h/x: "
         "GITLAB_TOKEN is missing, wrong, expired or revoked"),
        (403, False, "GitLab refused to post on https://h/x (403 Forbidden): the token needs read scope"),
        (403, True, "GitLab refused to post on https://h/x (403 Forbidden): the token needs write scope"),
        (404, True, "GitLab found nothing at https://h/x (404 Not Found) when trying to post on it: "
         "check the URL, and that the token can see the project"),
        (500, True, None),
    ],
)
def test_one_table_of_wordings(status, write, sentence):
    assert http.worded(status, ACCESS, "post on", "https://h/x?private=1", write=write) == sentence


def test_the_budget_pays_every_wait_and_says_the_time_really_spent():
    slept: list[float] = []
    budget = http.Budget(http.Policy(total_seconds=1.0, base_seconds=0.25), slept.append)
    assert [budget.policy.backoff(n) for n in range(3)] == [0.25, 0.5, 1.0]
    budget.wait(0.25)
    budget.wait(0.5)
    assert slept == [0.25, 0.5] and budget.spent == 0.75
    assert budget.affords(0.25) and not budget.affords(0.5)
    import time

    sentence = budget.give_up("answered 502 Bad Gateway", time.monotonic() - 0.75, 3, 0.5)
    assert sentence == (
        "answered 502 Bad Gateway; gave up after 0.8 s and 3 attempts (the next wait of 0.5 s "
        "would pass the retry budget of 1 s, ROLLOUT_ENFORCER_RETRY_SECONDS)"
    )
    assert budget.has_given_up() and budget.take_gave_up() == sentence
    assert not budget.has_given_up()


def test_the_policy_comes_from_the_environment():
    policy = http.Policy.from_env({"ROLLOUT_ENFORCER_RETRY_SECONDS": "7", "ROLLOUT_ENFORCER_TIMEOUT_SECONDS": "4"})
    assert policy == http.Policy(7.0, 1.0, 4.0)
    assert http.Policy.from_env({}) == http.Policy(60.0, 1.0, 30.0)
