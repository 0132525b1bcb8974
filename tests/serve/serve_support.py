"""Shared by the receiver's tests and the load benchmark: the receiver as a real process, and
webhook payloads shaped like the platforms' own.

The receiver runs as ``python -m enforcer serve --port 0`` (the real CLI, uvicorn and
signals); its first JSON log line says where it listens. GitLab's "Merge Request Hook" and
"Issue Hook" bodies follow GitLab's documented examples (doc/user/project/integrations/
webhook_events.md); GitHub's come from @octokit/webhooks-examples (node_modules), with ids
adjusted to the local server's data.
"""

from __future__ import annotations

import copy
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "gitlab"), str(ROOT / "tests" / "github")]

SECRET = "serve-test-secret-not-real"
GITHUB_REPO = "Codertocat/Hello-World"  # the repository of the octokit examples
EVIL = "http://127.0.0.1:9"  # replaced by a fake server's address in the forged-URL tests


class Receiver:
    """``enforce serve`` in a subprocess; ``with Receiver(env) as r: r.url``."""

    def __init__(
        self, env: dict[str, str], *, ready_timeout: float = 30.0, log_path: Path | None = None
    ) -> None:
        """``log_path``: the receiver writes its log there instead of to a pipe this process
        reads (the load benchmark: a busy reader must not slow the receiver down)."""
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
        self.env.update(env)
        self.ready_timeout = ready_timeout
        self.lines: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self.log_path = log_path

    def __enter__(self) -> Receiver:  # noqa: PYI034
        log = open(self.log_path, "w") if self.log_path else subprocess.PIPE
        self.process = subprocess.Popen(
            [sys.executable, "-m", "enforcer", "serve", "--port", "0"],
            env=self.env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + self.ready_timeout
        while not self.url:
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                raise RuntimeError("the receiver did not start:\n" + "".join(self.raw))
            try:
                self._lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                pass
            for line in self.lines:
                if line.get("event") == "listening":
                    self.url = line["url"]
        poll(lambda: self.get("/healthz")[0] == 200, what="/healthz answers 200")
        return self

    def _read(self) -> None:
        assert self.process is not None
        if self.log_path is not None:
            self._follow(self.log_path)
            return
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            self._take(raw)

    def _follow(self, path: Path) -> None:
        with open(path) as handle:
            while self.process is not None:
                raw = handle.readline()
                if raw:
                    self._take(raw)
                    if self.url:
                        return  # the rest is read once, at the end (read_log)
                elif self.process.poll() is not None:
                    return
                else:
                    time.sleep(0.05)

    def read_log(self) -> None:
        """With ``log_path``: read the whole log now (after the receiver stopped)."""
        assert self.log_path is not None
        self.raw, self.lines = [], []
        for raw in self.log_path.read_text().splitlines(keepends=True):
            self._take(raw)

    def _take(self, raw: str) -> None:
        self.raw.append(raw)
        try:
            self.lines.append(json.loads(raw))
        except ValueError:
            pass
        self._lines.put(raw)

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM, then the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    # --- talking to it

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(
            self.url + path, data=body, method=method, headers=headers or {}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, dict(answer.headers.items()), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers.items()), error.read()

    def get(self, path: str) -> tuple[int, bytes]:
        status, _, body = self.request("GET", path)
        return status, body

    def gitlab(
        self,
        payload: Any,
        *,
        token: str | None = SECRET,
        delivery: str | None = None,
        event: str = "Merge Request Hook",
        raw: bytes | None = None,
    ) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json", "X-Gitlab-Event": event}
        if token is not None:
            headers["X-Gitlab-Token"] = token
        if delivery:
            headers["X-Gitlab-Event-UUID"] = delivery
        body = raw if raw is not None else json.dumps(payload).encode()
        status, _, answer = self.request("POST", "/webhooks/gitlab", body, headers)
        return status, json.loads(answer or b"{}")

    def github(
        self,
        event: str,
        payload: Any,
        *,
        secret: str | None = SECRET,
        delivery: str | None = None,
        raw: bytes | None = None,
        signature: str | None = None,
    ) -> tuple[int, dict]:
        from enforcer.serve.verify import github_signature

        body = raw if raw is not None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "X-GitHub-Event": event}
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        elif secret is not None:
            headers["X-Hub-Signature-256"] = github_signature(body, secret.encode())
        if delivery:
            headers["X-GitHub-Delivery"] = delivery
        status, _, answer = self.request("POST", "/webhooks/github", body, headers)
        return status, json.loads(answer or b"{}")

    def metric(self, name: str, **labels: str) -> float:
        """One sample of /metrics (0 when absent)."""
        _, text = self.get("/metrics")
        return metric(text.decode(), name, **labels)

    def logged(self, event: str) -> list[dict[str, Any]]:
        return [line for line in self.lines if line.get("event") == event]


def metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = re.match(r"^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[3] or ""))
        if all(found.get(key) == value for key, value in labels.items()):
            total += float(match[4])
    return total


def poll(condition, *, timeout: float = 60.0, what: str = "the condition") -> None:  # type: ignore[no-untyped-def]
    """Wait until ``condition()`` is true; generous, so a slow machine does not flake."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


# --- GitLab payloads ---------------------------------------------------------------------


def gitlab_mr_hook(
    project: dict[str, Any],
    mr: dict[str, Any],
    action: str,
    *,
    changes: dict[str, Any] | None = None,
    oldrev: str | None = None,
    web_url: str | None = None,
) -> dict[str, Any]:
    """A "Merge Request Hook" body as GitLab documents it, for ``mr`` of the local server.

    ``web_url`` replaces every URL in the payload (the forged-URL tests point them at a
    server that must receive nothing)."""
    base = (
        web_url or project["web_url"].rsplit("/", project["path_with_namespace"].count("/") + 1)[0]
    )
    path = project["path_with_namespace"]
    mr_url = f"{web_url or project['web_url']}/-/merge_requests/{mr['iid']}"
    attrs = {
        "assignee_id": None,
        "author_id": mr["author"]["id"],
        "created_at": "2024-05-01 09:00:01 UTC",
        "description": mr["description"],
        "draft": False,
        "head_pipeline_id": None,
        "id": mr["id"],
        "iid": mr["iid"],
        "last_edited_at": None,
        "last_edited_by_id": None,
        "merge_commit_sha": None,
        "merge_error": None,
        "merge_params": {"force_remove_source_branch": "0"},
        "merge_status": "can_be_merged",
        "merge_user_id": None,
        "merge_when_pipeline_succeeds": False,
        "milestone_id": None,
        "source_branch": mr["source_branch"],
        "source_project_id": project["id"],
        "state_id": 1,
        "target_branch": mr["target_branch"],
        "target_project_id": project["id"],
        "time_estimate": 0,
        "title": mr["title"],
        "updated_at": "2024-05-01 09:00:02 UTC",
        "updated_by_id": None,
        "url": mr_url,
        "source": {"name": project["name"], "web_url": web_url or project["web_url"]},
        "target": {
            "name": project["name"],
            "web_url": web_url or project["web_url"],
            "path_with_namespace": path,
        },
        "last_commit": {
            "id": mr["sha"],
            "message": "Change something",
            "title": "Change something",
            "timestamp": "2024-05-01T09:00:00+00:00",
            "url": f"{web_url or project['web_url']}/-/commit/{mr['sha']}",
            "author": {"name": "Alice", "email": "alice@example.com"},
        },
        "work_in_progress": False,
        "total_time_spent": 0,
        "human_total_time_spent": None,
        "human_time_estimate": None,
        "assignee_ids": [],
        "reviewer_ids": [],
        "labels": [
            {
                "id": 1,
                "title": t,
                "color": "#ededed",
                "project_id": project["id"],
                "type": "ProjectLabel",
                "group_id": None,
            }
            for t in mr["labels"]
        ],
        "state": mr["state"],
        "blocking_discussions_resolved": True,
        "first_contribution": False,
        "detailed_merge_status": "mergeable",
        "action": action,
    }
    if oldrev:
        attrs["oldrev"] = oldrev
    return {
        "object_kind": "merge_request",
        "event_type": "merge_request",
        "user": {
            "id": 2,
            "name": "Alice",
            "username": "alice",
            "avatar_url": f"{base}/uploads/alice.png",
            "email": "[REDACTED]",
        },
        "project": {
            "id": project["id"],
            "name": project["name"],
            "description": "",
            "web_url": web_url or project["web_url"],
            "avatar_url": None,
            "git_ssh_url": f"git@127.0.0.1:{path}.git",
            "git_http_url": f"{web_url or project['web_url']}.git",
            "namespace": path.rsplit("/", 1)[0],
            "visibility_level": 0,
            "path_with_namespace": path,
            "default_branch": project["default_branch"],
            "ci_config_path": "",
            "homepage": web_url or project["web_url"],
            "url": f"{web_url or project['web_url']}.git",
            "ssh_url": f"git@127.0.0.1:{path}.git",
            "http_url": f"{web_url or project['web_url']}.git",
        },
        "object_attributes": attrs,
        "labels": attrs["labels"],
        "changes": changes or {},
        "repository": {
            "name": project["name"],
            "url": f"git@127.0.0.1:{path}.git",
            "description": "",
            "homepage": web_url or project["web_url"],
        },
    }


def gitlab_issue_hook(
    project: dict[str, Any],
    issue: dict[str, Any],
    action: str,
    *,
    changes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An "Issue Hook" body as GitLab documents it."""
    hook = gitlab_mr_hook(
        project,
        {
            **issue,
            "author": issue["author"],
            "source_branch": "",
            "target_branch": "",
            "sha": "0" * 40,
        },
        action,
        changes=changes,
    )
    hook["object_kind"] = hook["event_type"] = "issue"
    attrs = hook["object_attributes"]
    for key in (
        "source_branch",
        "target_branch",
        "last_commit",
        "merge_status",
        "source",
        "target",
        "merge_params",
        "detailed_merge_status",
    ):
        attrs.pop(key, None)
    attrs["url"] = f"{project['web_url']}/-/issues/{issue['iid']}"
    return hook


def label_change(before: list[str], after: list[str]) -> dict[str, Any]:
    def labels(names: list[str]) -> list[dict[str, Any]]:
        return [
            {"id": index + 1, "title": name, "color": "#ededed"} for index, name in enumerate(names)
        ]

    return {"labels": {"previous": labels(before), "current": labels(after)}}


def field_change(name: str, before: Any, after: Any) -> dict[str, Any]:
    return {name: {"previous": before, "current": after}}


# --- GitHub payloads ---------------------------------------------------------------------


def octokit(event: str, action: str) -> dict[str, Any]:
    """A real payload of @octokit/webhooks-examples (skips the test when it is missing)."""
    from github_support import webhook

    return webhook(event, action)


def github_event(
    event: str,
    action: str,
    repo: str,
    number: int,
    *,
    head_sha: str | None = None,
    forged: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An octokit example, with its repository and number changed to the local server's.

    ``forged``: every URL in the payload points there instead."""
    if action == "edited" and event == "pull_request":
        # @octokit/webhooks-examples has no pull_request.edited: GitHub's shape is the pull
        # request's payload with the action and `changes.body.from`
        from github_support import edited

        payload = edited(octokit(event, "opened"), "the description before")
    else:
        payload = copy.deepcopy(octokit(event, action))
    payload["action"] = action
    payload["repository"]["full_name"] = repo
    payload["repository"]["name"] = repo.split("/")[1]
    item = payload["pull_request" if event == "pull_request" else "issue"]
    item["number"] = number
    if event == "pull_request":
        payload["number"] = number
        if head_sha:
            item["head"]["sha"] = head_sha
    payload.update(extra)
    if forged:
        payload = _replace_urls(payload, forged)
    return payload


def _replace_urls(value: Any, root: str) -> Any:
    if isinstance(value, dict):
        return {key: _replace_urls(item, root) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_urls(item, root) for item in value]
    if isinstance(value, str):
        return re.sub(r"^https?://[^/\s]+", root, value)
    return value
