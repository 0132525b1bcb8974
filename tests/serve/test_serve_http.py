"""Every answer of the receiver, over loopback HTTP, and what each costs: nothing but a 202
reaches the platform's API."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import gitlab_support as gl
import pytest
from serve_support import ROOT, SECRET, gitlab_mr_hook, label_change, poll

from enforcer.serve.verify import github_signature


@pytest.fixture
def receiver(start):  # type: ignore[no-untyped-def]
    return start(ROLLOUT_ENFORCER_MAX_BODY_BYTES="65536")


def open_hook(gitlab) -> dict:  # type: ignore[no-untyped-def]
    state = gitlab.state
    return gitlab_mr_hook(
        state.projects[gl.PROJECT], state.merge_requests[(gl.PROJECT, gl.MR)], "open"
    )


def test_health_and_metrics(receiver) -> None:  # type: ignore[no-untyped-def]
    status, body = receiver.get("/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, body = receiver.get("/metrics")
    assert status == 200
    text = body.decode()
    for name in (
        "rollout_enforcer_queue_depth",
        "rollout_enforcer_checks_total",
        "rollout_enforcer_coalesced_total",
        "rollout_enforcer_check_failures_total",
        "rollout_enforcer_stage_seconds",
    ):
        assert name in text


@pytest.mark.parametrize("token", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
def test_gitlab_bad_secret_401_and_no_request(receiver, gitlab, token) -> None:  # type: ignore[no-untyped-def]
    status, answer = receiver.gitlab(open_hook(gitlab), token=token)
    assert status == 401, answer
    assert gitlab.state.log == []


def test_a_secret_beyond_ascii_matches_as_gitlab_sends_it(start, gitlab) -> None:  # type: ignore[no-untyped-def]
    """GitLab sends the token's UTF-8 bytes; the ASGI server decodes headers as latin-1."""
    receiver = start(ROLLOUT_ENFORCER_WEBHOOK_SECRET="sécret")
    as_sent = "sécret".encode().decode("latin-1")  # urllib sends str headers as latin-1
    status, answer = receiver.gitlab(open_hook(gitlab), token="sécret")  # other bytes
    assert status == 401, answer
    status, answer = receiver.gitlab(open_hook(gitlab), token=as_sent)
    assert status == 202, answer


@pytest.mark.parametrize("signature", ["", "sha1=abc", "sha256=" + "0" * 64, "sha256=zz"])
def test_github_bad_signature_401(receiver, github, signature) -> None:  # type: ignore[no-untyped-def]
    status, _ = receiver.github("pull_request", {"action": "opened"}, signature=signature)
    assert status == 401
    assert github.log == []


def test_github_signature_of_another_secret_401(receiver, github) -> None:  # type: ignore[no-untyped-def]
    status, _ = receiver.github("pull_request", {"action": "opened"}, secret="another")
    assert status == 401
    assert github.log == []


def test_secret_checked_before_the_body_bound(receiver, gitlab) -> None:  # type: ignore[no-untyped-def]
    status, _ = receiver.gitlab(None, token="wrong", raw=b"x" * 70_000)
    assert status == 401


def test_body_past_the_bound_413(receiver, gitlab, github) -> None:  # type: ignore[no-untyped-def]
    big = json.dumps({"object_kind": "merge_request", "padding": "x" * 70_000}).encode()
    status, answer = receiver.gitlab(None, raw=big)
    assert status == 413, answer
    status, _ = receiver.github("pull_request", None, raw=big)
    assert status == 413
    assert gitlab.state.log == [] and github.log == []


def test_413_without_reading_a_body_that_never_ends(receiver) -> None:  # type: ignore[no-untyped-def]
    """Chunked, with no Content-Length: refused once past the bound, the rest unread."""
    parts = urlsplit(receiver.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as conn:
        conn.sendall(
            b"POST /webhooks/gitlab HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/json\r\nX-Gitlab-Token: " + SECRET.encode() + b"\r\n\r\n"
        )
        chunk = b"x" * 16384
        answer = b""
        for _ in range(64):  # up to 1 MiB offered; the answer comes long before
            try:
                conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                break
            conn.settimeout(0.05)
            try:
                answer += conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if answer:
                break
        conn.settimeout(30)
        if not answer:
            answer = conn.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]


MALFORMED = [
    b"not json",
    b"\xff\xfe",
    b"[]",
    b'{"object_kind": "merge_request"}',
    b'{"object_kind": "merge_request", "project": {"id": 42}, "object_attributes": {"iid": "7"}}',
    b'{"object_kind": 5}',
    b"[" * 5000 + b"]" * 5000,  # nested past json's recursion limit
]


@pytest.mark.parametrize("raw", MALFORMED)
def test_gitlab_malformed_400_and_no_request(receiver, gitlab, raw) -> None:  # type: ignore[no-untyped-def]
    status, answer = receiver.gitlab(None, raw=raw)
    assert status == 400, answer
    assert answer["error"]
    assert gitlab.state.log == []


def test_github_malformed_400(receiver, github) -> None:  # type: ignore[no-untyped-def]
    status, _ = receiver.github("pull_request", None, raw=b"{")
    assert status == 400
    status, _ = receiver.github(
        "pull_request", {"action": "opened", "repository": {"full_name": "o/r"}}
    )
    assert status == 400
    assert github.log == []


def test_events_needing_no_check_200_and_no_request(receiver, gitlab, github) -> None:  # type: ignore[no-untyped-def]
    state = gitlab.state
    project, mr = state.projects[gl.PROJECT], state.merge_requests[(gl.PROJECT, gl.MR)]
    for payload in (
        gitlab_mr_hook(project, {**mr, "state": "closed"}, "close"),
        gitlab_mr_hook(project, {**mr, "state": "merged"}, "merge"),
        gitlab_mr_hook(project, mr, "approved"),
        gitlab_mr_hook(
            project, mr, "update", changes={"assignees": {"previous": [], "current": []}}
        ),
        gitlab_mr_hook(
            project,
            mr,
            "update",
            changes=label_change(["rollout-plan::missing"], ["rollout-plan::complete"]),
        ),
        {"object_kind": "push", "project": {"id": gl.PROJECT}},
    ):
        status, answer = receiver.gitlab(payload)
        assert status == 200, answer
        assert answer["status"] == "ignored" and answer["reason"]
    status, _ = receiver.github("ping", {"zen": "Design for failure.", "hook_id": 1})
    assert status == 200
    status, _ = receiver.github("star", {"action": "created"})
    assert status == 200
    assert gitlab.state.log == [] and github.log == []


def test_accepted_202_then_checked(receiver, gitlab) -> None:  # type: ignore[no-untyped-def]
    status, answer = receiver.gitlab(open_hook(gitlab), delivery="d-1")
    assert status == 202 and answer["status"] == "accepted"
    poll(lambda: receiver.metric("rollout_enforcer_checks_total") == 1, what="the check")
    line = next(line for line in receiver.logged("delivery") if line["delivery"] == "d-1")
    assert line["code"] == 202 and line["target"] == f"gitlab:{gl.PROJECT}!{gl.MR}"


def test_logs_one_json_line_per_delivery_and_never_a_token(receiver, gitlab) -> None:  # type: ignore[no-untyped-def]
    receiver.gitlab(open_hook(gitlab), delivery="d-ok")
    receiver.gitlab(open_hook(gitlab), token="wrong", delivery="d-bad")
    receiver.gitlab(None, raw=b"nope", delivery="d-400")
    poll(lambda: receiver.metric("rollout_enforcer_checks_total") == 1, what="the check")
    deliveries = [line["delivery"] for line in receiver.logged("delivery")]
    assert deliveries == ["d-ok", "d-bad", "d-400"]
    text = "".join(receiver.raw)
    assert SECRET not in text and gl.DEV_TOKEN not in text


def test_queue_full_503_with_retry_after(start, gitlab) -> None:  # type: ignore[no-untyped-def]
    state = gitlab.state
    project = state.projects[gl.PROJECT]
    for iid in (21, 22, 23):
        state.add_merge_request(gl.PROJECT, iid, description="no plan")
    # the one worker is held by a slow answer, one check waits: the third is refused
    state.fault("GET", rf"^/projects/{gl.PROJECT}/merge_requests/21$", delay=3.0)
    receiver = start(ROLLOUT_ENFORCER_QUEUE_SIZE="1", ROLLOUT_ENFORCER_WORKERS="1")

    def hook(iid: int) -> dict:
        return gitlab_mr_hook(project, state.merge_requests[(gl.PROJECT, iid)], "open")

    assert receiver.gitlab(hook(21))[0] == 202
    poll(lambda: receiver.metric("rollout_enforcer_checks_running") == 1, what="a running check")
    assert receiver.gitlab(hook(22))[0] == 202
    status, headers, _ = receiver.request(
        "POST",
        "/webhooks/gitlab",
        json.dumps(hook(23)).encode(),
        {"X-Gitlab-Token": SECRET, "Content-Type": "application/json"},
    )
    assert status == 503 and headers.get("retry-after", headers.get("Retry-After")) == "30"
    # a delivery for a merge request already waiting still merges into its check
    assert receiver.gitlab(hook(22))[0] == 202
    poll(lambda: receiver.metric("rollout_enforcer_checks_total") == 2, what="both checks")


def test_refuses_to_start_without_a_secret() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "enforcer", "serve", "--port", "0"],
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "GITLAB_URL": "http://127.0.0.1:9",
            "GITLAB_TOKEN": "glpat-x",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "ROLLOUT_ENFORCER_WEBHOOK_SECRET is not set" in done.stderr
    assert "Traceback" not in done.stderr


def test_github_form_encoded_payload(receiver, github) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import urlencode

    body = urlencode({"payload": json.dumps({"zen": "Keep it logically awesome."})}).encode()
    status, _, _ = receiver.request(
        "POST",
        "/webhooks/github",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-GitHub-Event": "ping",
            "X-Hub-Signature-256": github_signature(body, SECRET.encode()),
        },
    )
    assert status == 200
