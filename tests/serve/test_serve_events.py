"""Which deliveries make a check: a table of payload shapes -> a job or the reason for none."""

from __future__ import annotations

import pytest

from enforcer.serve import events
from enforcer.serve.events import BadPayload, Job, Skip


def mr(
    action: str | None,
    *,
    state: str = "opened",
    changes: dict | None = None,
    oldrev: str | None = None,
    kind: str = "merge_request",
) -> dict:
    attrs: dict = {"iid": 7, "state": state, "last_commit": {"id": "a" * 40}}
    if action is not None:
        attrs["action"] = action
    if oldrev:
        attrs["oldrev"] = oldrev
    return {
        "object_kind": kind,
        "project": {"id": 42, "web_url": "https://evil.example"},
        "object_attributes": attrs,
        "changes": changes or {},
    }


def labels(before: list[str], after: list[str]) -> dict:
    return {
        "labels": {
            "previous": [{"title": t} for t in before],
            "current": [{"title": t} for t in after],
        }
    }


GITLAB = [
    ("open", mr("open"), "opened"),
    ("reopen", mr("reopen"), "reopened"),
    ("description edited", mr("update", changes={"description": {}}), "description changed"),
    ("title edited", mr("update", changes={"title": {}}), "title changed"),
    ("target branch", mr("update", changes={"target_branch": {}}), "target_branch changed"),
    ("push", mr("update", oldrev="b" * 40), "head commit changed"),
    (
        "marked ready",
        mr("update", changes={"draft": {"previous": True, "current": False}}),
        "draft changed",
    ),
    (
        "exempt label",
        mr("update", changes=labels([], ["rollout-plan::not-needed"])),
        "labels changed",
    ),
    ("other label", mr("update", changes=labels(["a"], [])), "labels changed"),
    (
        "issue edited",
        mr("update", kind="issue", changes={"description": {}}),
        "description changed",
    ),
    (
        "only our labels",
        mr("update", changes=labels(["rollout-plan::missing"], ["rollout-plan::complete"])),
        None,
    ),
    ("assignee", mr("update", changes={"assignees": {}}), None),
    ("no changes", mr("update"), None),
    ("close", mr("close", state="closed"), None),
    ("merge", mr("merge", state="merged"), None),
    ("approved", mr("approved"), None),
    ("update of a closed one", mr("update", state="closed", changes={"description": {}}), None),
    ("a push event", {"object_kind": "push"}, None),
    ("a note", {"object_kind": "note"}, None),
]


@pytest.mark.parametrize(("name", "payload", "reason"), GITLAB, ids=[row[0] for row in GITLAB])
def test_gitlab_decisions(name: str, payload: dict, reason: str | None) -> None:
    decision = events.gitlab(payload)
    if reason is None:
        assert isinstance(decision, Skip), decision
    else:
        assert isinstance(decision, Job), decision
        assert decision.reason == reason
        assert decision.project == "42" and decision.number == 7  # ids only, never a URL
        assert decision.platform == "gitlab"


BAD_GITLAB = [
    ("not an object", [], "body: expected an object"),
    ("no kind", {"project": {}}, "object_kind"),
    ("no project", {"object_kind": "merge_request"}, "project: expected an object"),
    ("project id a string", {**mr("open"), "project": {"id": "42"}}, "project.id"),
    ("project id negative", {**mr("open"), "project": {"id": -1}}, "project.id"),
    (
        "iid missing",
        {**mr("open"), "object_attributes": {"action": "open"}},
        "object_attributes.iid",
    ),
    ("iid a bool", {**mr("open"), "object_attributes": {"iid": True}}, "object_attributes.iid"),
    (
        "labels not a list",
        mr("update", changes={"labels": {"previous": "x"}}),
        "changes.labels.previous",
    ),
]


@pytest.mark.parametrize(
    ("name", "payload", "message"), BAD_GITLAB, ids=[row[0] for row in BAD_GITLAB]
)
def test_gitlab_malformed(name: str, payload: object, message: str) -> None:
    with pytest.raises(BadPayload, match=message.replace(".", r"\.")):
        events.gitlab(payload)


def pull(action: str, *, state: str = "open", label: str | None = None) -> dict:
    payload: dict = {
        "action": action,
        "repository": {"full_name": "o/r", "url": "https://evil"},
        "pull_request": {"number": 5, "state": state, "head": {"sha": "c" * 40}},
    }
    if label:
        payload["label"] = {"name": label}
    return payload


GITHUB = [
    ("pull_request", pull("opened"), True),
    ("pull_request", pull("reopened"), True),
    ("pull_request", pull("edited"), True),
    ("pull_request", pull("synchronize"), True),
    ("pull_request", pull("ready_for_review"), True),
    ("pull_request", pull("labeled", label="rollout-plan::not-needed"), True),
    ("pull_request", pull("unlabeled", label="backend"), True),
    ("pull_request", pull("labeled", label="rollout-plan::complete"), False),
    ("pull_request", pull("closed", state="closed"), False),
    ("pull_request", pull("assigned"), False),
    ("pull_request", pull("edited", state="closed"), False),
    (
        "issues",
        {
            "action": "edited",
            "repository": {"full_name": "o/r"},
            "issue": {"number": 3, "state": "open"},
        },
        True,
    ),
    (
        "issues",
        {
            "action": "closed",
            "repository": {"full_name": "o/r"},
            "issue": {"number": 3, "state": "closed"},
        },
        False,
    ),
    ("star", {"action": "created"}, False),
]


@pytest.mark.parametrize(("event", "payload", "checks"), GITHUB)
def test_github_decisions(event: str, payload: dict, checks: bool) -> None:
    decision = events.github(event, payload)
    assert isinstance(decision, Job) is checks, decision
    if checks:
        assert decision.project == "o/r" and decision.platform == "github"


BAD_GITHUB = [
    (None, pull("opened"), "X-GitHub-Event"),
    ("pull_request", "[]", "body: expected an object"),
    (
        "pull_request",
        {"action": "opened", "repository": {"full_name": "o/r"}},
        "pull_request: expected",
    ),
    (
        "pull_request",
        {**pull("opened"), "repository": {"full_name": "../../x"}},
        "repository.full_name",
    ),
    (
        "pull_request",
        {**pull("opened"), "repository": {"full_name": "o/r/extra"}},
        "repository.full_name",
    ),
    ("pull_request", {**pull("opened"), "pull_request": {"number": "5"}}, "pull_request.number"),
    (
        "issues",
        {"action": "opened", "repository": {"full_name": "o/r"}, "issue": {}},
        "issue.number",
    ),
]


@pytest.mark.parametrize(("event", "payload", "message"), BAD_GITHUB)
def test_github_malformed(event: str | None, payload: object, message: str) -> None:
    with pytest.raises(BadPayload, match=message.replace(".", r"\.")):
        events.github(event, payload)
