"""Fixtures for the receiver's tests: the local GitLab and GitHub, and receivers against them."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE), str(HERE.parent / "gitlab"), str(HERE.parent / "github")]

import gitlab_server
import gitlab_support
from github_support import TOKEN, FakeGitHub
from serve_support import SECRET, Receiver


@pytest.fixture
def gitlab() -> Iterator[gitlab_server.GitLabServer]:
    with gitlab_server.GitLabServer() as server:
        gitlab_support.seed(server.state)
        yield server


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub().serve()
    server.token = TOKEN
    yield server
    server.close()


def receiver_env(gitlab_url: str | None, github_url: str | None, **extra: str) -> dict[str, str]:
    env = {
        "ROLLOUT_ENFORCER_WEBHOOK_SECRET": SECRET,
        "ROLLOUT_ENFORCER_RETRY_SECONDS": "5",
        "ROLLOUT_ENFORCER_RETRY_BASE_SECONDS": "0.05",
        "ROLLOUT_ENFORCER_TIMEOUT_SECONDS": "10",
        "ROLLOUT_ENFORCER_CHECK_RETRY_SECONDS": "20",
        "ROLLOUT_ENFORCER_CHECK_RETRY_BASE_SECONDS": "0.1",
    }
    if gitlab_url:
        env.update(GITLAB_URL=gitlab_url, GITLAB_TOKEN=gitlab_support.DEV_TOKEN)
    if github_url:
        env.update(GITHUB_API_URL=github_url, GITHUB_TOKEN=TOKEN)
    env.update(extra)
    return env


@pytest.fixture
def start(gitlab, github) -> Iterator[Callable[..., Receiver]]:  # type: ignore[no-untyped-def]
    """start(**env) -> a running receiver against the local GitLab and GitHub."""
    running: list[Receiver] = []

    def make(**extra: str) -> Receiver:
        receiver = Receiver(receiver_env(gitlab.url, github.api_url, **extra)).__enter__()
        running.append(receiver)
        return receiver

    yield make
    for receiver in running:
        receiver.__exit__(None, None, None)
