"""Fixtures: a seeded local GitLab, and the adapter pointed at it through python-gitlab."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from gitlab_support import (
    DEV_TOKEN,
    FAST,
    JOB_TOKEN,
    MR,
    PROJECT,
    GitLabServer,
    GitLabState,
    ci_env,
    seed,
)

from enforcer.platforms.gitlab import GitLab, RetryPolicy, Target, from_ci


@pytest.fixture
def gitlab_server() -> Iterator[GitLabServer]:
    with GitLabServer() as server:
        seed(server.state)
        yield server


@pytest.fixture
def state(gitlab_server: GitLabServer) -> GitLabState:
    return gitlab_server.state


@pytest.fixture
def make_adapter(gitlab_server: GitLabServer) -> Callable[..., GitLab]:
    def make(
        *,
        token: str | None = DEV_TOKEN,
        job_token: str | None = JOB_TOKEN,
        iid: int = MR,
        kind: str = "merge_request",
        project: str = str(PROJECT),
        policy: RetryPolicy = FAST,
        sleep: Callable[[float], None] | None = None,
        target_branch: str | None = "main",
    ) -> GitLab:
        target = Target(gitlab_server.api_url, project, kind, iid, target_branch)
        options: dict[str, Any] = {}
        if sleep is not None:
            options["sleep"] = sleep
        return GitLab(
            target, token=token, job_token=job_token, publish=True, policy=policy, **options
        )

    return make


@pytest.fixture
def ci_adapter(gitlab_server: GitLabServer) -> GitLab:
    return from_ci(ci_env(gitlab_server), publish=True)
