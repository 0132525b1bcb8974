"""Request counts of `enforce check` in CI against the local GitLab and GitHub servers.

    python benchmarks/requests.py

A first failing run and an unchanged re-run on each platform, as separate processes, counted
by the servers' request logs (the budgets: 7 and 4 on GitLab, 6 and 3 on GitHub; the tests in
tests/gitlab/test_gitlab_cli.py and tests/github/test_github_cli.py hold them).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "gitlab"), str(ROOT / "tests" / "github")]

import gitlab_support  # noqa: E402 - the local servers live beside the tests
from github_support import REPO, TOKEN, FakeGitHub, env_for, webhook, write_event  # noqa: E402


def enforce(env: dict[str, str]) -> int:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), **env}
    command = [sys.executable, "-m", "enforcer", "check"]
    return subprocess.run(command, env=clean, capture_output=True, check=False, cwd=ROOT).returncode


def gitlab() -> str:
    with gitlab_support.GitLabServer() as server:
        gitlab_support.seed(server.state)
        code = enforce(gitlab_support.ci_env(server))
        first = len(server.state.log)
        server.state.log.clear()
        enforce(gitlab_support.ci_env(server))
        again, writes = len(server.state.log), len(server.state.writes())
    return f"GitLab: first failing run {first} requests (exit {code}); unchanged re-run {again}, {writes} writes"


def github() -> str:
    fake = FakeGitHub().serve()
    fake.token = TOKEN
    try:
        payload = webhook("pull_request", "opened")
        number = payload["pull_request"]["number"]
        body = "## Rollback plan\nDisable the flag and redeploy.\n"
        fake.add_pull(REPO, number, body, base_sha=payload["pull_request"]["base"]["sha"])
        env = env_for(fake, "pull_request", write_event(Path(tempfile.mkdtemp()), payload))
        code = enforce(env)
        first = len(fake.log)
        fake.reset_log()
        enforce(env)
        again, writes = len(fake.log), len(fake.writes)
    finally:
        fake.close()
    return f"GitHub: first failing run {first} requests (exit {code}); unchanged re-run {again}, {writes} writes"


if __name__ == "__main__":
    print(gitlab())
    print(github())
