"""Which deliveries need a check: a webhook payload -> a ``Job``, or the reason none is needed.

Pure: no I/O, no clock. Only ids are taken from a payload (project id, repository
``OWNER/REPO``, iid, number); the API root comes from the receiver's settings, so a URL in a
payload (``project.web_url``, ``repository.url`` ...) never receives a request.

What makes a check (everything else is answered 200 with the reason, at no API cost):

GitLab "Merge Request Hook"
    ``open``, ``reopen``; ``update`` with a new head commit (``oldrev``: a push), or a change
    of ``description``, ``title``, ``target_branch`` (the rules are read there), ``draft``
    (nothing is published on a draft) or of labels other than the status labels this tool
    sets itself. ``close``, ``merge``, approvals and a
    closed or merged merge request: left alone.
GitLab "Issue Hook" (plans kept in issues)
    ``open``, ``reopen``; ``update`` changing ``description``, ``title`` or labels. The
    worker then re-checks the open merge requests that close the issue.
GitHub ``pull_request``
    ``opened``, ``reopened``, ``edited``, ``synchronize`` (a push), ``labeled``,
    ``unlabeled``, ``ready_for_review``; of an open pull request.
GitHub ``issues``
    ``opened``, ``reopened``, ``edited``, ``labeled``, ``unlabeled``; of an open issue.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from enforcer.model import Labels

# The labels the receiver sets itself: a change of only these is our own write coming back.
OWN_LABELS = frozenset(Labels().family())

GITLAB_MR_ACTIONS = frozenset({"open", "reopen", "update"})
GITLAB_ISSUE_ACTIONS = frozenset({"open", "reopen", "update"})
GITLAB_MR_FIELDS = ("description", "title", "target_branch", "draft")
GITLAB_ISSUE_FIELDS = ("description", "title")
GITHUB_PULL_ACTIONS = frozenset(
    {"opened", "reopened", "edited", "synchronize", "labeled", "unlabeled", "ready_for_review"}
)
GITHUB_ISSUE_ACTIONS = frozenset({"opened", "reopened", "edited", "labeled", "unlabeled"})
GITHUB_EVENTS = ("pull_request", "issues")
REPO_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")
SHA = re.compile(r"^[0-9a-f]{7,64}$")


class BadPayload(Exception):
    """The body is not the event it says it is (answered 400, nothing done)."""


class Job(NamedTuple):
    """One merge request, pull request or issue to check, as named by a delivery."""

    platform: str  # "gitlab" or "github"
    project: str  # GitLab: the project id; GitHub: OWNER/REPO
    kind: str  # "merge_request", "pull_request" or "issue"
    number: int  # iid or number
    reason: str  # why it needs a check, for the log
    head: str | None = None  # the head commit the delivery names, when it names one

    @property
    def key(self) -> tuple[str, str, str, int]:
        """What a burst is coalesced on: one merge request, pull request or issue."""
        return (self.platform, self.project, self.kind, self.number)

    @property
    def name(self) -> str:
        sign = "!" if self.kind == "merge_request" else "#"
        return f"{self.platform}:{self.project}{sign}{self.number}"


class Skip(NamedTuple):
    """A well-formed delivery that needs no check, and why."""

    reason: str


Decision = Job | Skip


# --- small readers that say where a payload went wrong ------------------------------------


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadPayload(f"{where}: expected an object, got {_kind(value)}")
    return value


def _positive(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        return value
    raise BadPayload(f"{where}: expected a positive whole number, got {_kind(value)}")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise BadPayload(f"{where}: expected a string, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )


def _sha(value: Any) -> str | None:
    return value if isinstance(value, str) and SHA.match(value) else None


# --- GitLab --------------------------------------------------------------------------------


def _label_titles(value: Any, where: str) -> set[str]:
    if value is None:
        return set()
    if not isinstance(value, list):
        raise BadPayload(f"{where}: expected a list of labels, got {_kind(value)}")
    titles = set()
    for index, label in enumerate(value):
        label = _object(label, f"{where}[{index}]")
        titles.add(_text(label.get("title"), f"{where}[{index}].title"))
    return titles


def _gitlab_labels_changed(changes: dict[str, Any]) -> bool:
    """Whether labels changed other than the status labels we set ourselves."""
    if "labels" not in changes:
        return False
    labels = _object(changes["labels"], "changes.labels")
    before = _label_titles(labels.get("previous"), "changes.labels.previous")
    after = _label_titles(labels.get("current"), "changes.labels.current")
    return bool((before ^ after) - OWN_LABELS)


def gitlab(payload: Any) -> Decision:
    """A GitLab webhook body -> what to do. ``object_kind`` says which hook it is."""
    payload = _object(payload, "body")
    kind = payload.get("object_kind")
    if kind not in ("merge_request", "issue"):
        if isinstance(kind, str):
            return Skip(f"a {kind} event: only merge request and issue events are checked")
        raise BadPayload("object_kind: expected the kind of event (merge_request, issue)")
    project = _object(payload.get("project"), "project")
    project_id = _positive(project.get("id"), "project.id")
    attrs = _object(payload.get("object_attributes"), "object_attributes")
    iid = _positive(attrs.get("iid"), "object_attributes.iid")
    state = attrs.get("state")
    action = attrs.get("action")
    changes = payload.get("changes") or {}
    changes = _object(changes, "changes")
    noun = "merge request" if kind == "merge_request" else "issue"
    if state is not None and not isinstance(state, str):
        raise BadPayload(f"object_attributes.state: expected a string, got {_kind(state)}")
    if action is not None and not isinstance(action, str):
        raise BadPayload(f"object_attributes.action: expected a string, got {_kind(action)}")
    allowed = GITLAB_MR_ACTIONS if kind == "merge_request" else GITLAB_ISSUE_ACTIONS
    if action not in allowed:
        return Skip(f"{noun} action {action or '(none)'}: nothing to check")
    if state in ("closed", "merged", "locked"):
        return Skip(f"the {noun} is {state}: left alone")
    last_commit = attrs.get("last_commit")
    head = _sha(last_commit.get("id")) if isinstance(last_commit, dict) else None
    job_kind = "merge_request" if kind == "merge_request" else "issue"

    def job(reason: str) -> Job:
        return Job("gitlab", str(project_id), job_kind, iid, reason, head)

    if action in ("open", "reopen"):
        return job(f"{action}ed" if action == "reopen" else "opened")
    fields = GITLAB_MR_FIELDS if kind == "merge_request" else GITLAB_ISSUE_FIELDS
    changed = [name for name in fields if name in changes]
    if kind == "merge_request" and attrs.get("oldrev"):
        changed.insert(0, "head commit")
    if _gitlab_labels_changed(changes):
        changed.append("labels")
    if changed:
        return job(", ".join(changed) + " changed")
    return Skip(f"{noun} update changes nothing that is judged")


# --- GitHub --------------------------------------------------------------------------------


def github(event: str | None, payload: Any) -> Decision:
    """A GitHub webhook (``X-GitHub-Event`` and body) -> what to do."""
    if not event:
        raise BadPayload("X-GitHub-Event: missing; GitHub names the event in this header")
    payload = _object(payload, "body")
    if event not in GITHUB_EVENTS:
        return Skip(f"a {event} event: only pull_request and issues events are checked")
    action = _text(payload.get("action"), "action")
    repository = _object(payload.get("repository"), "repository")
    repo = _text(repository.get("full_name"), "repository.full_name")
    if not REPO_NAME.match(repo) or repo.split("/")[1] in (".", ".."):
        raise BadPayload(f"repository.full_name: expected OWNER/REPO, got {repo[:100]!r}")
    if event == "pull_request":
        item = _object(payload.get("pull_request"), "pull_request")
        number = _positive(item.get("number"), "pull_request.number")
        head_part = item.get("head")
        head = _sha(head_part.get("sha")) if isinstance(head_part, dict) else None
        allowed, kind, noun = GITHUB_PULL_ACTIONS, "pull_request", "pull request"
    else:
        item = _object(payload.get("issue"), "issue")
        number = _positive(item.get("number"), "issue.number")
        head = None
        allowed, kind, noun = GITHUB_ISSUE_ACTIONS, "issue", "issue"
        if isinstance(item.get("pull_request"), dict):
            kind, noun = "pull_request", "pull request"  # an issues event about a pull
    if action not in allowed:
        return Skip(f"{event} action {action}: nothing to check")
    state = item.get("state")
    if state is not None and state != "open":
        return Skip(f"the {noun} is {state}: left alone")
    if action in ("labeled", "unlabeled"):
        label = payload.get("label")
        name = label.get("name") if isinstance(label, dict) else None
        if isinstance(name, str) and name in OWN_LABELS:
            return Skip(f"label {name} is one the receiver sets itself")
    return Job("github", repo, kind, number, action, head)
