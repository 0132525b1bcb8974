"""Both local servers behind one small harness, so every write-back test runs on both platforms.

A ``World`` is one merge request (GitLab) or pull request (GitHub) on its local, stateful
server, with the adapter pointed at it through the real client library over real HTTP. Tests
speak in the world's words (our comments, someone else's comment, a fault on "the comment
POST"); each platform translates them into its server's API.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
for folder in ("gitlab", "github"):
    path = str(HERE.parent / folder)
    if path not in sys.path:
        sys.path.insert(0, path)

import github_server  # noqa: E402 - a test module of tests/github
import gitlab_support  # noqa: E402 - a test module of tests/gitlab

from enforcer.model import Config, Report, RequirementResult  # noqa: E402
from enforcer.platforms import github as github_adapter  # noqa: E402
from enforcer.platforms.gitlab import GitLab, Target  # noqa: E402
from enforcer.platforms.http import Policy  # noqa: E402
from enforcer.publish import MARKER  # noqa: E402
from enforcer.writeback import Result, carry_out  # noqa: E402

FAST = Policy(total_seconds=3.0, base_seconds=0.01, timeout_seconds=1.0)
CONFIG = Config("handbook", requirements=())
REPO = "Codertocat/Hello-World"
NUMBER = 2
GITHUB_TOKEN = "test-token-not-a-secret"

# The kinds of write, and the faults injected on them.
WRITES = ("add_label", "remove_label", "create", "edit", "delete", "status")
FAULTS = ("500", "429", "403", "drop", "lost")


def failing(*missing: str) -> Report:
    missing = missing or ("rollback",)
    return Report(
        "mr",
        "handbook",
        "failed",
        requirements=tuple(
            RequirementResult(req, req.title(), "error", "missing") for req in missing
        ),
    )


def passing() -> Report:
    return Report(
        "mr",
        "handbook",
        "passed",
        requirements=(RequirementResult("rollback", "Rollback", "error", "ok", "Rollback", 3),),
    )


class World:
    """One merge request or pull request, as the tests see it."""

    platform: str
    me: str  # the identity the token writes as

    def adapter(self, sleep: Callable[[float], None] | None = None) -> Any:
        raise NotImplementedError

    def comments(self) -> list[tuple[str, str]]:
        """(author, body) of every comment, oldest first."""
        raise NotImplementedError

    def add_comment(self, body: str, author: str | None = None) -> None:
        raise NotImplementedError

    def labels(self) -> set[str]:
        raise NotImplementedError

    def add_label(self, name: str) -> None:
        raise NotImplementedError

    def statuses(self) -> list[tuple[str, str]]:
        """(state, name) of every commit status set, in order."""
        raise NotImplementedError

    def fault(self, write: str, fault: str) -> None:
        raise NotImplementedError

    def requests(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def clear_log(self) -> None:
        raise NotImplementedError

    # -- shared

    def ours(self) -> list[str]:
        return [body for author, body in self.comments() if author == self.me and body.startswith(MARKER)]

    def run(
        self,
        report: Report,
        text: str,
        *,
        status: bool = False,
        sleep: Callable[[float], None] | None = None,
        config: Config = CONFIG,
    ) -> Result:
        """What ``enforce check`` does with the platform, minus parsing."""
        adapter = self.adapter(sleep)
        subject = adapter.subject()
        return carry_out(adapter, report, config, subject, f"{MARKER}\n{text}", status=status)


class GitLabWorld(World):
    platform = "gitlab"
    me = "enforcer-bot"
    PATHS = {
        "add_label": ("PUT", rf"/merge_requests/{gitlab_support.MR}$"),
        "remove_label": ("PUT", rf"/merge_requests/{gitlab_support.MR}$"),
        "create": ("POST", r"/notes$"),
        "edit": ("PUT", r"/notes/\d+$"),
        "delete": ("DELETE", r"/notes/\d+$"),
        "status": ("POST", r"/statuses/"),
    }

    def __init__(self, server: gitlab_support.GitLabServer) -> None:
        self.server = server
        self.state = server.state
        self.users = {user["username"]: user for user in self.state.users.values()}

    def adapter(self, sleep: Callable[[float], None] | None = None) -> GitLab:
        target = Target(self.server.api_url, str(gitlab_support.PROJECT), "merge_request", gitlab_support.MR, "main")
        options: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
        return GitLab(target, token=gitlab_support.DEV_TOKEN, publish=True, policy=FAST, **options)

    def _notes(self) -> list[dict[str, Any]]:
        return self.state.notes[(gitlab_support.PROJECT, "merge_requests", gitlab_support.MR)]

    def comments(self) -> list[tuple[str, str]]:
        with self.state.lock:
            notes = sorted(self._notes(), key=lambda n: n["id"])
            return [(n["author"]["username"], n["body"]) for n in notes]

    def add_comment(self, body: str, author: str | None = None) -> None:
        if author is not None and author not in self.users:
            self.users[author] = self.state.add_user(author)
        user = self.users[author or self.me]
        self.state.add_note(gitlab_support.PROJECT, gitlab_support.MR, body, author=user)

    def labels(self) -> set[str]:
        return set(self.state.merge_requests[(gitlab_support.PROJECT, gitlab_support.MR)]["labels"])

    def add_label(self, name: str) -> None:
        self.state.merge_requests[(gitlab_support.PROJECT, gitlab_support.MR)]["labels"].append(name)

    def statuses(self) -> list[tuple[str, str]]:
        return [(s["status"], s["name"]) for s in self.state.statuses]

    def fault(self, write: str, fault: str) -> None:
        method, path = self.PATHS[write]
        if fault == "500":
            self.state.fault(method, path, status=500)
        elif fault in ("429", "403"):
            self.state.fault(method, path, status=int(fault), headers={"Retry-After": "1"})
        elif fault == "drop":
            self.state.fault(method, path, drop="before")
        else:  # lost: carried out, then the connection dropped before the answer
            self.state.fault(method, path, drop="after")

    def requests(self) -> list[tuple[str, str]]:
        return [(e.method, e.path) for e in self.state.log]

    def clear_log(self) -> None:
        self.state.log.clear()


class GitHubWorld(World):
    platform = "github"
    me = "github-actions[bot]"
    PATHS = {
        "add_label": ("POST", rf"/repos/{REPO}/issues/{NUMBER}/labels"),
        "remove_label": ("DELETE", rf"/repos/{REPO}/issues/{NUMBER}/labels/.+"),
        "create": ("POST", rf"/repos/{REPO}/issues/{NUMBER}/comments"),
        "edit": ("PATCH", rf"/repos/{REPO}/issues/comments/\d+"),
        "delete": ("DELETE", rf"/repos/{REPO}/issues/comments/\d+"),
        "status": ("POST", rf"/repos/{REPO}/statuses/.+"),
    }

    def __init__(self, fake: github_server.FakeGitHub) -> None:
        self.fake = fake
        self.item = fake.add_pull(REPO, NUMBER, "## Rollback\nRevert.\n")

    def adapter(self, sleep: Callable[[float], None] | None = None) -> github_adapter.GitHub:
        target = github_adapter.Target(self.fake.api_url, REPO, NUMBER, "pull_request")
        options: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
        return github_adapter.GitHub(target, GITHUB_TOKEN, publish=True, env={}, tuning=FAST, **options)

    def comments(self) -> list[tuple[str, str]]:
        with self.fake.lock:
            return [(c["user"], c["body"]) for c in sorted(self.fake.comments(REPO, NUMBER), key=lambda c: c["id"])]

    def add_comment(self, body: str, author: str | None = None) -> None:
        self.fake.add_comment(REPO, NUMBER, body, user=author or self.me)

    def labels(self) -> set[str]:
        return set(self.fake.labels(REPO, NUMBER))

    def add_label(self, name: str) -> None:
        self.item.labels.append(name)

    def statuses(self) -> list[tuple[str, str]]:
        return [(s["state"], s["context"]) for s in self.fake.repos[REPO].statuses]

    def fault(self, write: str, fault: str) -> None:
        method, path = self.PATHS[write]
        if fault == "500":
            self.fake.fault(method, path, "status", status=500)
        elif fault == "429":
            self.fake.fault(method, path, "status", status=429, retry_after=1)
        elif fault == "403":
            self.fake.fault(method, path, "secondary", retry_after=1)
        elif fault == "drop":
            self.fake.fault(method, path, "drop")
        else:
            self.fake.fault(method, path, "drop_after")

    def requests(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.fake.log]

    def clear_log(self) -> None:
        self.fake.reset_log()


@pytest.fixture(params=["gitlab", "github"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    if request.param == "gitlab":
        with gitlab_support.GitLabServer() as server:
            gitlab_support.seed(server.state)
            # no plan sought in a closing issue here: the world is about writing
            server.state.closes[(gitlab_support.PROJECT, gitlab_support.MR)] = []
            yield GitLabWorld(server)
    else:
        fake = github_server.FakeGitHub().serve()
        fake.token = GITHUB_TOKEN
        try:
            yield GitHubWorld(fake)
        finally:
            fake.close()
