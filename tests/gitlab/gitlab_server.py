"""A local, stateful GitLab API v4 server for the adapter's tests.

It answers the endpoints rollout-enforcer uses with the shapes GitLab documents
(``doc/api/merge_requests.md``, ``notes.md``, ``repository_files.md``), paginates like
GitLab (``x-page``, ``x-next-page``, ``x-total``, ``x-per-page``, ``Link``), records every
request, runs the quick actions GitLab would run from a note (so a test sees a ``/close``
that slipped into a comment), and injects faults on demand: a status with headers
(429 + ``Retry-After``, 500, 502), a slow answer, or a dropped connection before or after
the request was carried out.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

GUEST, REPORTER, DEVELOPER, MAINTAINER = 10, 20, 30, 40
EPOCH = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
QUICK_ACTION = re.compile(r"^/([a-z_]+)\b(.*)$", re.MULTILINE)


@dataclass
class Token:
    user: dict[str, Any]
    scopes: tuple[str, ...] = ("api",)
    role: int = DEVELOPER
    job: bool = False  # a CI_JOB_TOKEN: reads only

    def can_read(self) -> bool:
        return self.job or bool({"api", "read_api"} & set(self.scopes))

    def can_write(self) -> bool:
        return not self.job and "api" in self.scopes and self.role >= DEVELOPER


@dataclass
class Fault:
    """What to do instead of (or on top of) answering a matching request."""

    method: str | None  # None: any method
    path: str  # regular expression, searched in the path after /api/v4
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drop: str | None = None  # "before": close without doing anything; "after": do it, then close
    times: int = 1
    # run once the answer is decided and before it is sent (someone edits the merge request
    # while a check is reading it): the client gets the old state, the next request the new
    then: Callable[[], None] | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and re.search(
            self.path, path
        ) is not None


@dataclass
class Logged:
    method: str
    path: str  # after /api/v4, decoded segment by segment
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]
    status: int | None = None

    @property
    def write(self) -> bool:
        return self.method != "GET"


class HttpError(Exception):
    def __init__(self, status: int, message: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class GitLabState:
    """Projects, merge requests, issues, notes and files, mutated by the API like GitLab does."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.base_url = ""  # set by the server: http://127.0.0.1:PORT
        self.max_per_page = 100
        self.public = False  # whether requests without a token may read
        self.users: dict[int, dict[str, Any]] = {}
        self.tokens: dict[tuple[str, str], Token] = {}  # (header, value) -> token
        self.projects: dict[int, dict[str, Any]] = {}
        self.files: dict[tuple[int, str, str], str] = {}  # (project, ref, path) -> text
        self.merge_requests: dict[tuple[int, int], dict[str, Any]] = {}
        self.issues: dict[tuple[int, int], dict[str, Any]] = {}
        self.notes: dict[tuple[int, str, int], list[dict[str, Any]]] = {}
        self.diffs: dict[tuple[int, int], list[dict[str, Any]]] = {}
        self.closes: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self.faults: list[Fault] = []
        self.log: list[Logged] = []
        self.quick_actions: list[str] = []  # every quick action a note carried
        self.statuses: list[dict[str, Any]] = []  # commit statuses, in the order set
        self._ids = itertools.count(1001)
        self._clock = itertools.count(1)

    # --- seeding ----------------------------------------------------------------------

    def add_user(self, username: str, user_id: int | None = None) -> dict[str, Any]:
        user_id = user_id or next(self._ids)
        user = {
            "id": user_id,
            "username": username,
            "name": username.title(),
            "state": "active",
            "locked": False,
            "avatar_url": None,
            "web_url": f"{self.base_url}/{username}",
        }
        self.users[user_id] = user
        return user

    def add_token(
        self,
        value: str,
        user: dict[str, Any],
        *,
        scopes: tuple[str, ...] = ("api",),
        role: int = DEVELOPER,
        job: bool = False,
    ) -> None:
        header = "job-token" if job else "private-token"
        self.tokens[(header, value)] = Token(user, scopes, role, job)

    def add_project(
        self, path: str, project_id: int, *, default_branch: str = "main"
    ) -> dict[str, Any]:
        project = {
            "id": project_id,
            "name": path.rsplit("/", 1)[-1],
            "path": path.rsplit("/", 1)[-1],
            "path_with_namespace": path,
            "default_branch": default_branch,
            "visibility": "private",
            "web_url": f"{self.base_url}/{path}",
        }
        self.projects[project_id] = project
        return project

    def add_file(self, project_id: int, ref: str, path: str, text: str) -> None:
        self.files[(project_id, ref, path)] = text

    def _stamp(self) -> str:
        moment = EPOCH + timedelta(seconds=next(self._clock))
        return moment.isoformat().replace("+00:00", "Z")

    def add_merge_request(
        self,
        project_id: int,
        iid: int,
        *,
        description: str | None = "",
        title: str = "Change something",
        labels: tuple[str, ...] = (),
        state: str = "opened",
        target_branch: str = "main",
        source_branch: str = "feature",
        author: dict[str, Any] | None = None,
        diffs: tuple[tuple[str, str], ...] = (),
        closes: tuple[tuple[int, int], ...] = (),
    ) -> dict[str, Any]:
        project = self.projects[project_id]
        stamp = self._stamp()
        author = author or next(iter(self.users.values()))
        mr = {
            "id": next(self._ids),
            "iid": iid,
            "project_id": project_id,
            "title": title,
            "description": description,
            "state": state,
            "created_at": stamp,
            "updated_at": stamp,
            "merged_by": None,
            "merged_at": None,
            "closed_by": None,
            "closed_at": None,
            "target_branch": target_branch,
            "source_branch": source_branch,
            "user_notes_count": 0,
            "upvotes": 0,
            "downvotes": 0,
            "author": author,
            "assignees": [],
            "assignee": None,
            "reviewers": [],
            "source_project_id": project_id,
            "target_project_id": project_id,
            "labels": list(labels),
            "draft": False,
            "work_in_progress": False,
            "milestone": None,
            "merge_when_pipeline_succeeds": False,
            "merge_status": "can_be_merged",
            "detailed_merge_status": "mergeable",
            "sha": hashlib.sha1(f"{project_id}/{iid}".encode()).hexdigest(),
            "merge_commit_sha": None,
            "squash_commit_sha": None,
            "discussion_locked": None,
            "should_remove_source_branch": None,
            "force_remove_source_branch": False,
            "reference": f"!{iid}",
            "references": {
                "short": f"!{iid}",
                "relative": f"!{iid}",
                "full": f"{project['path_with_namespace']}!{iid}",
            },
            "web_url": f"{self.base_url}/{project['path_with_namespace']}/-/merge_requests/{iid}",
            "time_stats": {"time_estimate": 0, "total_time_spent": 0},
            "squash": False,
            "task_completion_status": {"count": 0, "completed_count": 0},
            "has_conflicts": False,
            "blocking_discussions_resolved": True,
        }
        self.merge_requests[(project_id, iid)] = mr
        self.diffs[(project_id, iid)] = [_diff(old, new) for old, new in diffs]
        self.closes[(project_id, iid)] = list(closes)
        self.notes.setdefault((project_id, "merge_requests", iid), [])
        return mr

    def add_issue(
        self,
        project_id: int,
        iid: int,
        *,
        description: str | None = "",
        title: str = "Plan something",
        labels: tuple[str, ...] = (),
        state: str = "opened",
    ) -> dict[str, Any]:
        project = self.projects[project_id]
        stamp = self._stamp()
        issue = {
            "id": next(self._ids),
            "iid": iid,
            "project_id": project_id,
            "title": title,
            "description": description,
            "state": state,
            "created_at": stamp,
            "updated_at": stamp,
            "closed_at": None,
            "closed_by": None,
            "labels": list(labels),
            "milestone": None,
            "assignees": [],
            "author": next(iter(self.users.values())),
            "type": "ISSUE",
            "issue_type": "issue",
            "assignee": None,
            "user_notes_count": 0,
            "upvotes": 0,
            "downvotes": 0,
            "due_date": None,
            "confidential": False,
            "discussion_locked": None,
            "web_url": f"{self.base_url}/{project['path_with_namespace']}/-/issues/{iid}",
            "references": {
                "short": f"#{iid}",
                "relative": f"#{iid}",
                "full": f"{project['path_with_namespace']}#{iid}",
            },
            "time_stats": {"time_estimate": 0, "total_time_spent": 0},
            "task_completion_status": {"count": 0, "completed_count": 0},
        }
        self.issues[(project_id, iid)] = issue
        self.notes.setdefault((project_id, "issues", iid), [])
        return issue

    def add_note(
        self,
        project_id: int,
        iid: int,
        body: str,
        *,
        kind: str = "merge_requests",
        system: bool = False,
        author: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        noteable = (self.merge_requests if kind == "merge_requests" else self.issues)[
            (project_id, iid)
        ]
        stamp = self._stamp()
        note = {
            "id": next(self._ids),
            "type": None,
            "body": body,
            "attachment": None,
            "author": author or next(iter(self.users.values())),
            "created_at": stamp,
            "updated_at": stamp,
            "system": system,
            "noteable_id": noteable["id"],
            "noteable_type": "MergeRequest" if kind == "merge_requests" else "Issue",
            "project_id": project_id,
            "resolvable": False,
            "confidential": False,
            "internal": False,
            "imported": False,
            "imported_from": "none",
            "noteable_iid": iid,
            "commands_changes": {},
        }
        self.notes[(project_id, kind, iid)].append(note)
        return note

    def fault(self, method: str | None, path: str, **options: Any) -> Fault:
        fault = Fault(method, path, **options)
        self.faults.append(fault)
        return fault

    # --- reading the log --------------------------------------------------------------

    def requests(self, method: str | None = None) -> list[Logged]:
        return [entry for entry in self.log if method is None or entry.method == method]

    def writes(self) -> list[Logged]:
        return [entry for entry in self.log if entry.write]

    def marker_notes(
        self, project_id: int, iid: int, marker: str, kind: str = "merge_requests"
    ) -> list[dict[str, Any]]:
        return [n for n in self.notes[(project_id, kind, iid)] if marker in (n["body"] or "")]

    # --- routing ----------------------------------------------------------------------

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(method, path):
                    fault.times -= 1
                    return fault
        return None

    def project(self, ref: str) -> dict[str, Any]:
        if ref.isdigit() and int(ref) in self.projects:
            return self.projects[int(ref)]
        for project in self.projects.values():
            if project["path_with_namespace"] == ref:
                return project
        raise HttpError(404, "404 Project Not Found")

    def authorize(self, headers: dict[str, str], write: bool) -> Token | None:
        token = None
        for header in ("private-token", "job-token"):
            if header in headers:
                token = self.tokens.get((header, headers[header]))
                if token is None:
                    raise HttpError(401, "401 Unauthorized")
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = self.tokens.get(("private-token", auth[7:]))
            if token is None:
                raise HttpError(401, "401 Unauthorized")
        if token is None:
            if write or not self.public:
                raise HttpError(401, "401 Unauthorized")
            return None
        if write and "api" not in token.scopes and not token.job:
            raise HttpError(
                403,
                {
                    "error": "insufficient_scope",
                    "error_description": "The request requires higher privileges than provided by the access token.",
                    "scope": "api",
                },
            )
        if write and not token.can_write():
            raise HttpError(403, "403 Forbidden")
        if not token.can_read():
            raise HttpError(403, "403 Forbidden")
        return token

    def handle(
        self,
        method: str,
        segments: list[str],
        query: dict[str, list[str]],
        body: Any,
        headers: dict[str, str],
    ) -> tuple[int, Any, dict[str, str]]:
        write = method != "GET"
        token = self.authorize(headers, write)
        arg = {key: values[-1] for key, values in query.items()}
        if isinstance(body, dict):
            arg.update({key: value for key, value in body.items()})
        if segments == ["user"]:
            if token is None or token.job:
                raise HttpError(401, "401 Unauthorized")
            return 200, token.user, {}
        if len(segments) < 2 or segments[0] != "projects":
            raise HttpError(404, "404 Not Found")
        project = self.project(segments[1])
        pid = project["id"]
        rest = segments[2:]
        if not rest and method == "GET":
            return 200, project, {}
        if rest[:1] == ["statuses"] and len(rest) == 2 and method == "POST":
            return 201, self.commit_status(pid, rest[1], arg, token), {}
        if rest[:2] == ["repository", "commits"] and rest[3:] == ["statuses"] and method == "GET":
            return 200, self.commit_statuses(pid, rest[2], arg), {}
        if rest[:2] == ["repository", "files"] and len(rest) in (3, 4) and method == "GET":
            return self.file(pid, rest[2], arg.get("ref"), raw=len(rest) == 4 and rest[3] == "raw")
        if (
            rest
            and rest[0] in ("merge_requests", "issues")
            and len(rest) >= 2
            and rest[1].isdigit()
        ):
            kind, iid = rest[0], int(rest[1])
            table = self.merge_requests if kind == "merge_requests" else self.issues
            item = table.get((pid, iid))
            if item is None:
                raise HttpError(
                    404,
                    "404 Merge Request Not Found"
                    if kind == "merge_requests"
                    else "404 Issue Not Found",
                )
            tail = rest[2:]
            if not tail and method == "GET":
                return 200, item, {}
            if not tail and method == "PUT":
                return 200, self.update(item, arg, token), {}
            if tail == ["notes"] and method == "GET":
                notes = sorted(
                    self.notes[(pid, kind, iid)],
                    key=lambda n: (n[arg.get("order_by", "created_at")], n["id"]),
                    reverse=arg.get("sort", "desc") == "desc",
                )
                return self.page(notes, segments, query)
            if tail == ["notes"] and method == "POST":
                return 201, self.create_note(pid, kind, iid, item, arg.get("body"), token), {}
            if len(tail) == 2 and tail[0] == "notes" and tail[1].isdigit():
                notes = self.notes[(pid, kind, iid)]
                note = next((n for n in notes if n["id"] == int(tail[1])), None)
                if note is None:
                    raise HttpError(404, "404 Note Not Found")
                if method == "GET":
                    return 200, note, {}
                if note["author"]["id"] != token.user["id"] and token.role < MAINTAINER:
                    raise HttpError(403, "403 Forbidden")
                if method == "PUT":
                    note["body"] = arg.get("body", note["body"])
                    note["updated_at"] = self._stamp()
                    return 200, note, {}
                if method == "DELETE":
                    notes.remove(note)
                    return 204, None, {}
            if kind == "issues" and tail == ["closed_by"] and method == "GET":
                closing = [
                    mr
                    for key, refs in sorted(self.closes.items())
                    if (pid, iid) in refs and (mr := self.merge_requests.get(key)) is not None
                ]
                return self.page(closing, segments, query)
            if kind == "merge_requests" and tail == ["closes_issues"] and method == "GET":
                issues = [self.issues[ref] for ref in self.closes[(pid, iid)] if ref in self.issues]
                return self.page(issues, segments, query)
            if kind == "merge_requests" and tail == ["diffs"] and method == "GET":
                return self.page(self.diffs[(pid, iid)], segments, query)
        raise HttpError(404, "404 Not Found")

    def file(
        self, pid: int, path: str, ref: str | None, *, raw: bool
    ) -> tuple[int, Any, dict[str, str]]:
        if not ref:
            raise HttpError(400, {"error": "ref is missing"})
        if (
            not any(key[0] == pid and key[1] == ref for key in self.files)
            and ref != self.projects[pid]["default_branch"]
        ):
            raise HttpError(404, "404 Commit Not Found")
        text = self.files.get((pid, ref, path))
        if text is None:
            raise HttpError(404, "404 File Not Found")
        data = text.encode()
        if raw:
            return 200, data, {"Content-Type": "text/plain; charset=utf-8"}
        sha = hashlib.sha1(data).hexdigest()
        return (
            200,
            {
                "file_name": path.rsplit("/", 1)[-1],
                "file_path": path,
                "size": len(data),
                "encoding": "base64",
                "content": base64.b64encode(data).decode(),
                "content_sha256": hashlib.sha256(data).hexdigest(),
                "ref": ref,
                "blob_id": sha,
                "commit_id": sha,
                "last_commit_id": sha,
                "execute_filemode": False,
            },
            {},
        )

    def commit_statuses(self, pid: int, sha: str, arg: dict[str, Any]) -> list[dict[str, Any]]:
        """GET /projects/:id/repository/commits/:sha/statuses (doc/api/commits.md#list-the-statuses-of-a-commit):
        newest first; ``name`` filters; without ``all=true`` only the newest of each name."""
        found = [s for s in reversed(self.statuses) if s["project_id"] == pid and s["sha"] == sha]
        if arg.get("name"):
            found = [s for s in found if s["name"] == arg["name"]]
        if str(arg.get("all", "false")).lower() != "true":
            seen: set[str] = set()
            found = [s for s in found if not (s["name"] in seen or seen.add(s["name"]))]
        return found

    def commit_status(
        self, pid: int, sha: str, arg: dict[str, Any], token: Token | None
    ) -> dict[str, Any]:
        """POST /projects/:id/statuses/:sha (doc/api/commits.md#set-the-pipeline-status-of-a-commit)."""
        if arg.get("state") not in ("pending", "running", "success", "failed", "canceled", "skipped"):
            raise HttpError(400, {"message": "state does not have a valid value"})
        assert token is not None
        stamp = self._stamp()
        status = {
            "id": next(self._ids),
            "sha": sha,
            "ref": None,
            "status": arg["state"],
            "name": arg.get("name") or arg.get("context") or "default",
            "target_url": arg.get("target_url"),
            "description": arg.get("description"),
            "created_at": stamp,
            "started_at": None,
            "finished_at": stamp,
            "allow_failure": False,
            "coverage": None,
            "author": token.user,
            "project_id": pid,
        }
        self.statuses.append(status)
        return status

    def update(
        self, item: dict[str, Any], arg: dict[str, Any], token: Token | None
    ) -> dict[str, Any]:
        labels = list(item["labels"])
        if "labels" in arg:
            labels = _split(arg["labels"])
        for label in _split(arg.get("add_labels", "")):
            if label not in labels:
                labels.append(label)
        removed = set(_split(arg.get("remove_labels", "")))
        labels = [label for label in labels if label not in removed]
        item["labels"] = sorted(labels)
        for key in ("title", "description", "target_branch"):
            if key in arg:
                item[key] = arg[key]
        if arg.get("state_event") == "close":
            item["state"] = "closed"
        elif arg.get("state_event") == "reopen":
            item["state"] = "opened"
        item["updated_at"] = self._stamp()
        return item

    def create_note(
        self, pid: int, kind: str, iid: int, item: dict[str, Any], body: Any, token: Token | None
    ) -> dict[str, Any]:
        if not isinstance(body, str) or not body.strip():
            raise HttpError(400, {"message": {"note": ["can't be blank"]}})
        assert token is not None
        note = self.add_note(pid, iid, body, kind=kind, author=token.user)
        # GitLab runs quick actions found at the start of note lines, outside code blocks.
        outside_code = re.sub(r"^```.*?^```", "", body, flags=re.MULTILINE | re.DOTALL)
        for match in QUICK_ACTION.finditer(outside_code):
            command = match.group(1)
            self.quick_actions.append(match.group(0))
            if command == "close":
                item["state"] = "closed"
            elif command == "merge" and kind == "merge_requests":
                item["state"] = "merged"
        return note

    def page(
        self, items: list[Any], segments: list[str], query: dict[str, list[str]]
    ) -> tuple[int, Any, dict[str, str]]:
        arg = {key: values[-1] for key, values in query.items()}
        per_page = max(1, min(int(arg.get("per_page", 20)), self.max_per_page))
        page = max(1, int(arg.get("page", 1)))
        total = len(items)
        pages = max(1, -(-total // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        path = "/api/v4/" + "/".join(quote(segment, safe="") for segment in segments)

        def link(number: int) -> str:
            params = {**arg, "page": str(number), "per_page": str(per_page)}
            return f"{self.base_url}{path}?{urlencode(params)}"

        links = []
        if page < pages:
            links.append(f'<{link(page + 1)}>; rel="next"')
        if page > 1:
            links.append(f'<{link(page - 1)}>; rel="prev"')
        links.append(f'<{link(1)}>; rel="first"')
        links.append(f'<{link(pages)}>; rel="last"')
        headers = {
            "x-page": str(page),
            "x-per-page": str(per_page),
            "x-total": str(total),
            "x-total-pages": str(pages),
            "x-next-page": str(page + 1) if page < pages else "",
            "x-prev-page": str(page - 1) if page > 1 else "",
            "Link": ", ".join(links),
        }
        return 200, chunk, headers


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _diff(old: str, new: str) -> dict[str, Any]:
    return {
        "old_path": old,
        "new_path": new,
        "a_mode": "100644",
        "b_mode": "100644",
        "diff": "@@ -1 +1 @@\n-a\n+b\n",
        "new_file": False,
        "renamed_file": old != new,
        "deleted_file": False,
        "generated_file": False,
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each answer waits on a delayed ACK
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = None
        if raw:
            kind = self.headers.get("Content-Type", "")
            if "json" in kind:
                body = json.loads(raw)
            else:
                body = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
        headers = {key.lower(): value for key, value in self.headers.items()}
        query = parse_qs(parts.query, keep_blank_values=True)
        if not parts.path.startswith("/api/v4/"):
            self._send(404, {"message": "404 Not Found"}, {})
            return
        segments = [unquote(s) for s in parts.path[len("/api/v4/") :].split("/") if s]
        logged = Logged(method, "/" + "/".join(segments), query, body, headers)
        with state.lock:
            state.log.append(logged)
        fault = state.take_fault(method, logged.path)
        if fault is not None and fault.drop == "before":
            self._drop()
            return
        if fault is not None and fault.status is not None:
            if fault.delay:
                time.sleep(fault.delay)
            logged.status = fault.status
            self._send(fault.status, {"message": f"{fault.status} injected"}, fault.headers)
            return
        try:
            with state.lock:
                status, payload, extra = state.handle(method, segments, query, body, headers)
        except HttpError as error:
            status, payload, extra = (
                error.status,
                (error.message if isinstance(error.message, dict) else {"message": error.message}),
                {},
            )
        logged.status = status
        if fault is not None and fault.then is not None:
            payload = json.loads(json.dumps(payload))  # the answer as it was, not the state it points to
            fault.then()
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.drop == "after":
            self._drop()
            return
        self._send(status, payload, extra)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        if isinstance(payload, bytes):
            data = payload
        elif payload is None:
            data = b""
        else:
            data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            if "Content-Type" not in headers:
                self.send_header("Content-Type", "application/json")
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: GitLabState


class GitLabServer:
    """The server in a thread: ``with GitLabServer() as server: server.url, server.state``."""

    def __init__(self, state: GitLabState | None = None) -> None:
        self.state = state or GitLabState()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = self.state
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.state.base_url = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )

    def __enter__(self) -> GitLabServer:  # noqa: PYI034 - Self needs 3.11
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v4"


if __name__ == "__main__":  # a server to poke at by hand: python tests/gitlab/gitlab_server.py
    with GitLabServer() as running:
        print(running.api_url, flush=True)
        threading.Event().wait()
