"""A local, stateful GitHub REST API for the adapter's tests.

Enough of GitHub for rollout-enforcer, answered the way GitHub answers: repositories, pull
requests, issues, issue comments (paginated with ``Link``), labels (POST and DELETE; PUT is
served but recorded, so tests can assert it is never used), contents at a ref and pull
request files (paginated). Every object carries self-referential URLs (``url``,
``html_url`` ...) pointing back here, since PyGithub follows them. Answers are shaped to
GitHub's own REST description (``test_server_schema.py`` checks them against
@octokit/openapi).

Faults on demand (``FakeGitHub.fault``): a 403 secondary rate limit with ``Retry-After``, any
status (5xx, 429 with ``Retry-After``), a slow answer, a write carried out and then answered
with an error, or a connection dropped before or after carrying the request out.
Every request is logged for counting.

Who the token is: ``token_user`` (a personal token's login, answered by ``GET /user``) or,
when None, a workflow's ``GITHUB_TOKEN``: ``GET /user`` answers 403 "Resource not accessible by
integration" and comments are written by ``github-actions[bot]``. Editing or deleting a
comment of someone else needs ``maintainer`` (write access), as on GitHub.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

STAMP = "2024-05-01T12:00:00Z"
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


@dataclass
class Request:
    method: str
    path: str  # without the API prefix and query
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Fault:
    """Answer matching requests badly, ``times`` times.

    kind: ``secondary`` (403 rate limit with Retry-After; ``secondary_bare`` without it), ``status`` (answer ``status``
    without doing anything; with ``retry_after`` set for 429), ``after`` (do it, then answer
    ``status``: the ambiguous failure), ``slow`` (do it, then wait ``delay`` seconds before
    answering), ``drop`` (close the connection without doing anything), ``drop_after`` (do it,
    then close the connection: the answer is lost).
    """

    method: str
    path: str  # a regular expression, matched in full against the path
    kind: str
    times: int = 1
    status: int = 502
    retry_after: int = 1
    delay: float = 0.0


@dataclass
class Item:
    """An issue or a pull request (GitHub numbers them from one sequence)."""

    number: int
    title: str
    body: str | None
    labels: list[str]
    is_pull: bool
    state: str = "open"
    user: str = "octocat"
    base_sha: str = "b" * 40
    base_ref: str = "main"
    head_repo: str | None = None  # None: the same repository
    head_sha: str = "h" * 40
    files: list[dict[str, Any]] = field(default_factory=list)
    merged: bool = False
    draft: bool = False


@dataclass
class Repo:
    full_name: str
    id: int
    default_branch: str = "main"
    items: dict[int, Item] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[tuple[str, str], str] = field(default_factory=dict)  # (ref, path) -> text
    statuses: list[dict[str, Any]] = field(default_factory=list)  # commit statuses, in order


class FakeGitHub:
    """State and behaviour; ``serve()`` puts it on 127.0.0.1 in a thread."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix.rstrip("/")  # "/api/v3" for GitHub Enterprise Server
        self.repos: dict[str, Repo] = {}
        self.log: list[Request] = []
        self.faults: list[Fault] = []
        self.token: str | None = None  # when set, requests must carry it
        self.read_only = False  # writes answered 403 "Resource not accessible by integration"
        self.token_user: str | None = None  # None: a workflow's GITHUB_TOKEN (the Actions bot)
        # a GitHub App's installation token: GET /user refused, comments written by its bot
        self.app_bot: str | None = None
        self.maintainer = True  # whether the token may edit and delete others' comments
        self.lock = threading.RLock()
        self._ids = 1000
        self.httpd: ThreadingHTTPServer | None = None

    # -- addresses

    @property
    def root(self) -> str:
        assert self.httpd is not None, "serve() first"
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.root + self.prefix

    def api(self, path: str) -> str:
        return f"{self.api_url}{path}"

    def web(self, path: str) -> str:
        return f"{self.root}{path}"

    # -- running

    def serve(self) -> FakeGitHub:
        fake = self

        class Handler(_Handler):
            github = fake

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def close(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()

    # -- building state

    def next_id(self) -> int:
        with self.lock:
            self._ids += 1
            return self._ids

    def add_repo(self, full_name: str, default_branch: str = "main") -> Repo:
        repo = Repo(full_name, self.next_id(), default_branch)
        self.repos[full_name] = repo
        return repo

    def repo(self, full_name: str) -> Repo:
        return self.repos.get(full_name) or self.add_repo(full_name)

    def add_pull(
        self,
        repo: str,
        number: int,
        body: str | None,
        *,
        title: str = "Add the thing",
        labels: tuple[str, ...] = (),
        base_sha: str = "b" * 40,
        head_repo: str | None = None,
        files: tuple[str, ...] = ("src/app.py",),
    ) -> Item:
        item = Item(number, title, body, list(labels), True, base_sha=base_sha, head_repo=head_repo)
        item.files = [{"filename": name, "status": "modified"} for name in files]
        self._add_item(repo, item)
        return item

    def add_issue(
        self, repo: str, number: int, body: str | None, *, title: str = "An issue",
        labels: tuple[str, ...] = (),
    ) -> Item:
        item = Item(number, title, body, list(labels), False)
        self._add_item(repo, item)
        return item

    def _add_item(self, repo: str, item: Item) -> None:
        state = self.repo(repo)
        state.items[item.number] = item
        state.comments.setdefault(item.number, [])
        for name in item.labels:
            self._label(state, name)

    def add_comment(self, repo: str, number: int, body: str, user: str = "someone") -> dict:
        state = self.repo(repo)
        comment = {"id": self.next_id(), "body": body, "user": user, "number": number}
        state.comments[number].append(comment)
        return comment

    def set_file(self, repo: str, ref: str, path: str, text: str) -> None:
        self.repo(repo).files[(ref, path)] = text

    def fault(self, method: str, path: str, kind: str, **options: Any) -> Fault:
        fault = Fault(method, path, kind, **options)
        self.faults.append(fault)
        return fault

    # -- reading state in tests

    def comments(self, repo: str, number: int) -> list[dict]:
        return self.repos[repo].comments[number]

    def labels(self, repo: str, number: int) -> list[str]:
        return self.repos[repo].items[number].labels

    def requests(self, method: str | None = None) -> list[Request]:
        return [r for r in self.log if method is None or r.method == method]

    @property
    def writes(self) -> list[Request]:
        return [r for r in self.log if r.method != "GET"]

    def reset_log(self) -> None:
        self.log.clear()

    # -- JSON shapes (GitHub's, trimmed to the required fields and those PyGithub reads)

    def user_json(self, login: str) -> dict[str, Any]:
        api = self.api(f"/users/{login}")
        return {
            "login": login,
            "id": int(hashlib.sha1(login.encode()).hexdigest()[:6], 16),
            "node_id": f"U_{login}",
            "avatar_url": self.web(f"/avatars/{login}"),
            "gravatar_id": "",
            "url": api,
            "html_url": self.web(f"/{login}"),
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": "User",
            "site_admin": False,
        }

    def repo_json(self, full_name: str) -> dict[str, Any]:
        repo = self.repo(full_name)
        owner, name = full_name.split("/", 1)
        api = self.api(f"/repos/{full_name}")
        templated = {
            "archive_url": "/{archive_format}{/ref}",
            "assignees_url": "/assignees{/user}",
            "blobs_url": "/git/blobs{/sha}",
            "branches_url": "/branches{/branch}",
            "collaborators_url": "/collaborators{/collaborator}",
            "comments_url": "/comments{/number}",
            "commits_url": "/commits{/sha}",
            "compare_url": "/compare/{base}...{head}",
            "contents_url": "/contents/{+path}",
            "contributors_url": "/contributors",
            "deployments_url": "/deployments",
            "downloads_url": "/downloads",
            "events_url": "/events",
            "forks_url": "/forks",
            "git_commits_url": "/git/commits{/sha}",
            "git_refs_url": "/git/refs{/sha}",
            "git_tags_url": "/git/tags{/sha}",
            "hooks_url": "/hooks",
            "issue_comment_url": "/issues/comments{/number}",
            "issue_events_url": "/issues/events{/number}",
            "issues_url": "/issues{/number}",
            "keys_url": "/keys{/key_id}",
            "labels_url": "/labels{/name}",
            "languages_url": "/languages",
            "merges_url": "/merges",
            "milestones_url": "/milestones{/number}",
            "notifications_url": "/notifications{?since,all,participating}",
            "pulls_url": "/pulls{/number}",
            "releases_url": "/releases{/id}",
            "stargazers_url": "/stargazers",
            "statuses_url": "/statuses/{sha}",
            "subscribers_url": "/subscribers",
            "subscription_url": "/subscription",
            "tags_url": "/tags",
            "teams_url": "/teams",
            "trees_url": "/git/trees{/sha}",
        }
        data: dict[str, Any] = {key: api + suffix for key, suffix in templated.items()}
        data.update(
            id=repo.id,
            node_id=f"R_{repo.id}",
            name=name,
            full_name=full_name,
            owner=self.user_json(owner),
            private=False,
            html_url=self.web(f"/{full_name}"),
            description=None,
            fork=False,
            url=api,
            clone_url=self.web(f"/{full_name}.git"),
            git_url=f"git://127.0.0.1/{full_name}.git",
            ssh_url=f"git@127.0.0.1:{full_name}.git",
            svn_url=self.web(f"/{full_name}"),
            mirror_url=None,
            homepage=None,
            language="Python",
            forks=0,
            forks_count=0,
            stargazers_count=0,
            watchers=0,
            watchers_count=0,
            size=1,
            default_branch=repo.default_branch,
            open_issues=len(repo.items),
            open_issues_count=len(repo.items),
            has_issues=True,
            has_projects=False,
            has_wiki=False,
            has_pages=False,
            has_downloads=False,
            archived=False,
            disabled=False,
            license=None,
            pushed_at=STAMP,
            created_at=STAMP,
            updated_at=STAMP,
        )
        return data

    def label_json(self, repo: Repo, name: str) -> dict[str, Any]:
        return self._label(repo, name)

    def _label(self, repo: Repo, name: str) -> dict[str, Any]:
        if name not in repo.labels:
            number = self.next_id()
            repo.labels[name] = {
                "id": number,
                "node_id": f"LA_{number}",
                "url": self.api(f"/repos/{repo.full_name}/labels/{_quote(name)}"),
                "name": name,
                "description": None,
                "color": "ededed",
                "default": False,
            }
        return repo.labels[name]

    def issue_json(self, repo: Repo, item: Item) -> dict[str, Any]:
        api = self.api(f"/repos/{repo.full_name}/issues/{item.number}")
        web_kind = "pull" if item.is_pull else "issues"
        data = {
            "id": repo.id * 10_000 + item.number,
            "node_id": f"I_{repo.id}_{item.number}",
            "url": api,
            "repository_url": self.api(f"/repos/{repo.full_name}"),
            "labels_url": f"{api}/labels{{/name}}",
            "comments_url": f"{api}/comments",
            "events_url": f"{api}/events",
            "html_url": self.web(f"/{repo.full_name}/{web_kind}/{item.number}"),
            "number": item.number,
            "state": item.state,
            "title": item.title,
            "body": item.body,
            "user": self.user_json(item.user),
            "labels": [self._label(repo, name) for name in item.labels],
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "comments": len(repo.comments.get(item.number, [])),
            "closed_at": None,
            "created_at": STAMP,
            "updated_at": STAMP,
            "author_association": "OWNER",
        }
        if item.is_pull:
            pull = self.api(f"/repos/{repo.full_name}/pulls/{item.number}")
            data["pull_request"] = {
                "url": pull,
                "html_url": data["html_url"],
                "diff_url": data["html_url"] + ".diff",
                "patch_url": data["html_url"] + ".patch",
                "merged_at": None,
            }
        return data

    def pull_json(self, repo: Repo, item: Item) -> dict[str, Any]:
        api = self.api(f"/repos/{repo.full_name}/pulls/{item.number}")
        issue = self.issue_json(repo, item)
        head_repo = item.head_repo or repo.full_name
        html = issue["html_url"]

        def part(full_name: str, ref: str, sha: str) -> dict[str, Any]:
            owner = full_name.split("/")[0]
            return {
                "label": f"{owner}:{ref}",
                "ref": ref,
                "sha": sha,
                "user": self.user_json(owner),
                "repo": self.repo_json(full_name),
            }

        return {
            "url": api,
            "id": repo.id * 10_000 + item.number + 5_000,
            "node_id": f"PR_{repo.id}_{item.number}",
            "html_url": html,
            "diff_url": html + ".diff",
            "patch_url": html + ".patch",
            "issue_url": issue["url"],
            "commits_url": f"{api}/commits",
            "review_comments_url": f"{api}/comments",
            "review_comment_url": self.api(f"/repos/{repo.full_name}/pulls/comments{{/number}}"),
            "comments_url": issue["comments_url"],
            "statuses_url": self.api(f"/repos/{repo.full_name}/statuses/{item.head_sha}"),
            "number": item.number,
            "state": item.state,
            "locked": False,
            "title": item.title,
            "user": issue["user"],
            "body": item.body,
            "labels": issue["labels"],
            "milestone": None,
            "active_lock_reason": None,
            "created_at": STAMP,
            "updated_at": STAMP,
            "closed_at": None,
            "merged_at": None,
            "merge_commit_sha": None,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "head": part(head_repo, "feature", item.head_sha),
            "base": part(repo.full_name, item.base_ref, item.base_sha),
            "_links": {
                "self": {"href": api},
                "html": {"href": html},
                "issue": {"href": issue["url"]},
                "comments": {"href": issue["comments_url"]},
                "review_comments": {"href": f"{api}/comments"},
                "review_comment": {"href": self.api(f"/repos/{repo.full_name}/pulls/comments{{/number}}")},
                "commits": {"href": f"{api}/commits"},
                "statuses": {"href": self.api(f"/repos/{repo.full_name}/statuses/{item.head_sha}")},
            },
            "author_association": "OWNER",
            "auto_merge": None,
            "draft": item.draft,
            "merged": item.merged,
            "mergeable": True,
            "rebaseable": True,
            "mergeable_state": "clean",
            "merged_by": None,
            "comments": issue["comments"],
            "review_comments": 0,
            "maintainer_can_modify": False,
            "commits": 1,
            "additions": 1,
            "deletions": 0,
            "changed_files": len(item.files),
        }

    def comment_json(self, repo: Repo, comment: dict[str, Any]) -> dict[str, Any]:
        number = comment["number"]
        item = repo.items[number]
        web_kind = "pull" if item.is_pull else "issues"
        return {
            "id": comment["id"],
            "node_id": f"IC_{comment['id']}",
            "url": self.api(f"/repos/{repo.full_name}/issues/comments/{comment['id']}"),
            "html_url": self.web(
                f"/{repo.full_name}/{web_kind}/{number}#issuecomment-{comment['id']}"
            ),
            "issue_url": self.api(f"/repos/{repo.full_name}/issues/{number}"),
            "body": comment["body"],
            "user": self.user_json(comment["user"]),
            "created_at": STAMP,
            "updated_at": STAMP,
            "author_association": "NONE",
        }

    def content_json(self, repo: Repo, path: str, ref: str, text: str) -> dict[str, Any]:
        raw = text.encode()
        sha = hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()
        api = self.api(f"/repos/{repo.full_name}/contents/{path}?ref={ref}")
        html = self.web(f"/{repo.full_name}/blob/{ref}/{path}")
        git = self.api(f"/repos/{repo.full_name}/git/blobs/{sha}")
        encoded = base64.encodebytes(raw).decode()  # GitHub wraps at 60 columns with newlines
        return {
            "type": "file",
            "encoding": "base64",
            "size": len(raw),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": encoded,
            "sha": sha,
            "url": api,
            "git_url": git,
            "html_url": html,
            "download_url": self.web(f"/raw/{repo.full_name}/{ref}/{path}"),
            "_links": {"self": api, "git": git, "html": html},
        }

    def file_json(self, repo: Repo, item: Item, entry: dict[str, Any]) -> dict[str, Any]:
        name = entry["filename"]
        data = {
            "sha": hashlib.sha1(name.encode()).hexdigest(),
            "filename": name,
            "status": entry["status"],
            "additions": 1,
            "deletions": 0,
            "changes": 1,
            "blob_url": self.web(f"/{repo.full_name}/blob/{item.head_sha}/{name}"),
            "raw_url": self.web(f"/{repo.full_name}/raw/{item.head_sha}/{name}"),
            "contents_url": self.api(f"/repos/{repo.full_name}/contents/{name}?ref={item.head_sha}"),
            "patch": "@@ -1 +1 @@",
        }
        if entry.get("previous_filename"):
            data["previous_filename"] = entry["previous_filename"]
        return data


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


Answer = tuple[int, Any, dict[str, str]]


def _error(status: int, message: str, **headers: str) -> Answer:
    body = {"message": message, "documentation_url": "https://docs.github.com/rest"}
    return status, body, dict(headers)


class _Handler(BaseHTTPRequestHandler):
    github: FakeGitHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        fake = self.github
        split = urlsplit(self.path)
        path = unquote(split.path)
        if fake.prefix and path.startswith(fake.prefix + "/"):
            path = path[len(fake.prefix) :]
        elif fake.prefix:
            self._send(*_error(404, "Not Found"))
            return
        query = {key: values[-1] for key, values in parse_qs(split.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        request = Request(method, path, query, dict(self.headers.items()), body)
        with fake.lock:
            fake.log.append(request)
            fault = self._fault(method, path)

        if fault is not None and fault.kind == "secondary":
            self._send(*_error(403, SECONDARY_MESSAGE, **{"Retry-After": str(fault.retry_after)}))
            return
        if fault is not None and fault.kind == "secondary_bare":  # GitHub names no wait at times
            self._send(*_error(403, SECONDARY_MESSAGE))
            return
        if fault is not None and fault.kind == "status":
            extra = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
            self._send(*_error(fault.status, "Server Error", **extra))
            return
        if fault is not None and fault.kind == "drop":
            self._drop()
            return

        with fake.lock:
            answer = self._authorised(method) or self._route(method, path, query, body)
        if fault is not None and fault.kind == "after":
            answer = _error(fault.status, "Server Error")
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        if fault is not None and fault.kind == "drop_after":
            self._drop()
            return
        try:
            self._send(*answer)
        except OSError:
            pass  # the client gave up waiting: that was the point

    def _drop(self) -> None:
        import socket

        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _fault(self, method: str, path: str) -> Fault | None:
        for fault in self.github.faults:
            if fault.times > 0 and fault.method == method and re.fullmatch(fault.path, path):
                fault.times -= 1
                return fault
        return None

    def _authorised(self, method: str) -> Answer | None:
        fake = self.github
        if fake.token is not None:
            given = self.headers.get("Authorization", "")
            if given not in (f"token {fake.token}", f"Bearer {fake.token}"):
                return _error(401, "Bad credentials")
        if fake.read_only and method != "GET":
            return _error(403, "Resource not accessible by integration")
        return None

    def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-RateLimit-Limit", "5000")
        self.send_header("X-RateLimit-Remaining", "4999")
        self.send_header("X-RateLimit-Reset", str(int(time.time()) + 3600))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    # -- routing

    REPO = r"/repos/(?P<repo>[^/]+/[^/]+)"
    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("POST", REPO + r"/statuses/(?P<sha>[^/]+)", "create_status"),
        ("GET", REPO + r"/commits/(?P<sha>[^/]+)/statuses", "list_statuses"),
        ("GET", REPO + r"/statuses/(?P<sha>[^/]+)", "list_statuses"),  # the older path PyGithub asks
        ("GET", REPO, "get_repo"),
        ("GET", REPO + r"/pulls/(?P<n>\d+)", "get_pull"),
        ("GET", REPO + r"/pulls/(?P<n>\d+)/files", "list_files"),
        ("GET", REPO + r"/issues/(?P<n>\d+)", "get_issue"),
        ("GET", REPO + r"/issues/(?P<n>\d+)/comments", "list_comments"),
        ("POST", REPO + r"/issues/(?P<n>\d+)/comments", "create_comment"),
        ("GET", REPO + r"/issues/comments/(?P<id>\d+)", "get_comment"),
        ("PATCH", REPO + r"/issues/comments/(?P<id>\d+)", "edit_comment"),
        ("DELETE", REPO + r"/issues/comments/(?P<id>\d+)", "delete_comment"),
        ("GET", REPO + r"/issues/(?P<n>\d+)/labels", "list_labels"),
        ("POST", REPO + r"/issues/(?P<n>\d+)/labels", "add_labels"),
        ("PUT", REPO + r"/issues/(?P<n>\d+)/labels", "set_labels"),
        ("DELETE", REPO + r"/issues/(?P<n>\d+)/labels/(?P<name>.+)", "remove_label"),
        ("GET", REPO + r"/contents/(?P<path>.+)", "get_contents"),
    ]

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> Answer:
        if path == "/user" and method == "GET":
            login = self.github.token_user
            if login is None or self.github.app_bot is not None:
                return _error(403, "Resource not accessible by integration")
            user = self.github.user_json(login)
            user.update(  # GET /user answers a public-user: the profile fields too
                name=None, company=None, blog="", location=None, email=None, hireable=None,
                bio=None, public_repos=0, public_gists=0, followers=0, following=0,
                created_at=STAMP, updated_at=STAMP,
            )
            return 200, user, {}
        for verb, pattern, name in self.ROUTES:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                repo = self.github.repos.get(match["repo"])
                if repo is None:
                    return _error(404, "Not Found")
                return getattr(self, f"_{name}")(repo, match.groupdict(), query, body)
        return _error(404, "Not Found")

    def _item(self, repo: Repo, args: dict[str, str], pull: bool = False) -> Item | None:
        item = repo.items.get(int(args["n"]))
        if item is None or (pull and not item.is_pull):
            return None
        return item

    def _page(self, items: list[Any], query: dict[str, str]) -> Answer:
        per_page = min(int(query.get("per_page", 30)), 100)
        page = max(int(query.get("page", 1)), 1)
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        base = self.github.api(urlsplit(self.path).path[len(self.github.prefix) :])
        links = []

        def link(number: int, rel: str) -> str:
            params = dict(query, page=str(number), per_page=str(per_page))
            return f'<{base}?{urlencode(params)}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        return 200, chunk, ({"Link": ", ".join(links)} if links else {})

    def _get_repo(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        return 200, self.github.repo_json(repo.full_name), {}

    def _get_pull(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        item = self._item(repo, args, pull=True)
        if item is None:
            return _error(404, "Not Found")
        return 200, self.github.pull_json(repo, item), {}

    def _list_files(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        item = self._item(repo, args, pull=True)
        if item is None:
            return _error(404, "Not Found")
        files = [self.github.file_json(repo, item, entry) for entry in item.files]
        return self._page(files, query)

    def _get_issue(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        item = self._item(repo, args)
        if item is None:
            return _error(404, "Not Found")
        return 200, self.github.issue_json(repo, item), {}

    def _list_comments(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        item = self._item(repo, args)
        if item is None:
            return _error(404, "Not Found")
        comments = [self.github.comment_json(repo, c) for c in repo.comments[item.number]]
        return self._page(comments, query)

    def _create_comment(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        item = self._item(repo, args)
        if item is None:
            return _error(404, "Not Found")
        if not isinstance(body, dict) or not isinstance(body.get("body"), str):
            return _error(422, "Invalid request.\n\n\"body\" wasn't supplied.")
        author = self.github.app_bot or self.github.token_user or "github-actions[bot]"
        comment = self.github.add_comment(repo.full_name, item.number, body["body"], author)
        return 201, self.github.comment_json(repo, comment), {}

    def _may_change(self, comment: dict) -> bool:
        me = self.github.app_bot or self.github.token_user or "github-actions[bot]"
        return comment["user"] == me or self.github.maintainer

    def _find_comment(self, repo: Repo, args: dict) -> dict | None:
        for comments in repo.comments.values():
            for comment in comments:
                if comment["id"] == int(args["id"]):
                    return comment
        return None

    def _get_comment(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        comment = self._find_comment(repo, args)
        if comment is None:
            return _error(404, "Not Found")
        return 200, self.github.comment_json(repo, comment), {}

    def _edit_comment(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        comment = self._find_comment(repo, args)
        if comment is None:
            return _error(404, "Not Found")
        if not self._may_change(comment):
            return _error(403, "You must have write access to edit this comment")
        comment["body"] = body["body"]
        return 200, self.github.comment_json(repo, comment), {}

    def _delete_comment(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        comment = self._find_comment(repo, args)
        if comment is None:
            return _error(404, "Not Found")
        if not self._may_change(comment):
            return _error(403, "You must have write access to delete this comment")
        repo.comments[comment["number"]].remove(comment)
        return 204, None, {}

    def _labels_of(self, repo: Repo, item: Item) -> list[dict]:
        return [self.github.label_json(repo, name) for name in item.labels]

    def _list_labels(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        item = self._item(repo, args)
        if item is None:
            return _error(404, "Not Found")
        return self._page(self._labels_of(repo, item), query)

    def _add_labels(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        item = self._item(repo, args)
        if item is None:
            return _error(404, "Not Found")
        names = body.get("labels") if isinstance(body, dict) else body
        for name in names or []:
            if name not in item.labels:
                item.labels.append(name)
        return 200, self._labels_of(repo, item), {}

    def _set_labels(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        item = self._item(repo, args)
        if item is None:
            return _error(404, "Not Found")
        names = body.get("labels") if isinstance(body, dict) else body
        item.labels = list(names or [])
        return 200, self._labels_of(repo, item), {}

    def _remove_label(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        item = self._item(repo, args)
        if item is None:
            return _error(404, "Not Found")
        if args["name"] not in item.labels:
            return _error(404, "Label does not exist")
        item.labels.remove(args["name"])
        return 200, self._labels_of(repo, item), {}

    def _status_json(self, repo: Repo, status: dict) -> dict:
        return {
            "url": self.github.api(f"/repos/{repo.full_name}/statuses/{status['sha']}"),
            "avatar_url": None,
            "id": status["id"],
            "node_id": f"SC_{status['id']}",
            "state": status["state"],
            "description": status["description"],
            "target_url": status["target_url"],
            "context": status["context"],
            "created_at": STAMP,
            "updated_at": STAMP,
            "creator": self.github.user_json(status.get("creator") or "github-actions[bot]"),
        }

    def _list_statuses(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        """GET /repos/{owner}/{repo}/commits/{ref}/statuses: newest first."""
        found = [s for s in reversed(repo.statuses) if s["sha"] == args["sha"]]
        return 200, [self._status_json(repo, s) for s in found], {}

    def _create_status(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        if not isinstance(body, dict) or body.get("state") not in ("error", "failure", "pending", "success"):
            return _error(422, "Validation Failed")
        status = {
            "id": self.github.next_id(),
            "sha": args["sha"],
            "state": body["state"],
            "context": body.get("context", "default"),
            "description": body.get("description"),
            "target_url": body.get("target_url"),
            "creator": self.github.app_bot or self.github.token_user or "github-actions[bot]",
        }
        repo.statuses.append(status)
        return 201, self._status_json(repo, status), {}

    def _get_contents(self, repo: Repo, args: dict, query: dict, body: Any) -> Answer:
        ref = query.get("ref", repo.default_branch)
        text = repo.files.get((ref, args["path"]))
        if text is None:
            return _error(404, "Not Found")
        return 200, self.github.content_json(repo, args["path"], ref, text), {}
