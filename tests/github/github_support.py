"""Helpers for the GitHub adapter's tests: the local server, event payloads, the CLI.

The server lives in ``github_server.py``: a name of its own, since pytest puts every test
folder on ``sys.path`` and a bare ``server`` module would clash with the other platform's.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import github_server  # a test module beside this one
import pytest

from enforcer.platforms import github as adapter

FakeGitHub = github_server.FakeGitHub

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
EXAMPLES = NODE_MODULES / "@octokit" / "webhooks-examples" / "api.github.com" / "index.json"
OPENAPI = NODE_MODULES / "@octokit" / "openapi" / "generated" / "api.github.com.json"
REPO = "Codertocat/Hello-World"  # the repository of @octokit/webhooks-examples' payloads
TOKEN = "test-token-not-a-secret"
FAST = adapter.Tuning(total_seconds=3.0, base_seconds=0.05, timeout_seconds=2.0)


def env_for(fake: FakeGitHub, event: str, event_path: Path, **more: str) -> dict[str, str]:
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_API_URL": fake.api_url,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_TOKEN": TOKEN,
        "ROLLOUT_ENFORCER_RETRY_SECONDS": "3",
        "ROLLOUT_ENFORCER_TIMEOUT_SECONDS": "2",
    }
    env.update(more)
    return env


def _examples() -> list[dict[str, Any]]:
    if not EXAMPLES.is_file():
        pytest.skip(
            "node_modules/@octokit/webhooks-examples is missing: run `npm ci` "
            "(scripts/test does) to get GitHub's real webhook payloads"
        )
    return json.loads(EXAMPLES.read_text())


def webhook(event: str, action: str, *, with_body: bool = True) -> dict[str, Any]:
    """A real payload of @octokit/webhooks-examples, deep-copied so tests may change it."""
    for group in _examples():
        if group["name"] != event:
            continue
        for example in group["examples"]:
            item = example.get("pull_request") or example.get("issue") or {}
            if example.get("action") == action and (item.get("body") is not None) == with_body:
                if "changes" in example and action == "opened":
                    continue  # a transferred issue
                return copy.deepcopy(example)
    raise LookupError(f"no {event}.{action} example")


def edited(payload: dict[str, Any], old_body: str) -> dict[str, Any]:
    """The ``edited`` event GitHub sends after a body change: ``changes.body.from``."""
    event = copy.deepcopy(payload)
    event["action"] = "edited"
    event["changes"] = {"body": {"from": old_body}}
    return event


def write_event(tmp_path: Path, payload: dict[str, Any]) -> Path:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return path


def enforce(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m enforcer ARGS` in a clean environment: only what the test gives, plus PATH."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-m", "enforcer", *args],
        capture_output=True, text=True, env=clean, cwd=ROOT, timeout=60, check=False,
    )
