"""GitLab: the merge request of a merge request pipeline, or a merge request or issue URL.

The only module that imports python-gitlab, and only when a GitLab target is checked. It
reads the live description, the target branch's ``.rollout-plan.yml``, the changed paths and
the issues the merge request closes, and offers ``enforcer.writeback`` the few writes it
needs (``Writer``): API translation only, no rule of its own.

Requests go through one ``requests`` session whose retries follow the one HTTP policy of
``enforcer.platforms.http`` (one budget per run); python-gitlab's own retries stay off.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote, urlsplit

from enforcer.model import Report
from enforcer.platforms import GITLAB_PATH, http
from enforcer.platforms.base import Environ, PlatformError, Subject, TargetError
from enforcer.platforms.local import CONFIG_NAME, read_text
from enforcer.writeback import Note, NotFound, ReadOnly, Status, Uncertain, Writer

if TYPE_CHECKING:  # only for annotations: python-gitlab is imported when first used
    import gitlab

PER_PAGE = 100  # GitLab's largest page: fewest requests
RetryPolicy = http.Policy  # the name the tests and older callers know

# Printed after "nothing published: " by the run, once, on standard error.
JOB_TOKEN_BLOCKER = (
    "GITLAB_TOKEN is not set, and CI_JOB_TOKEN can read but cannot post comments or set "
    "labels; store a project access token with the api scope and the Developer role as the "
    "masked CI/CD variable GITLAB_TOKEN (docs/gitlab.md)"
)
NO_TOKEN_BLOCKER = (
    "GITLAB_TOKEN is not set; set it to an access token with the api scope and the Developer "
    "role to post the comment and set labels"
)
ACCESS = http.Access(
    platform="GitLab",
    token="GITLAB_TOKEN",
    read="the read_api or api scope and at least the Reporter role",
    write="the api scope (read_api only reads) and at least the Developer role in the project",
)
JOB_ACCESS = http.Access(
    platform="GitLab",
    token="CI_JOB_TOKEN (set GITLAB_TOKEN to an access token with the api scope instead)",
    read="GITLAB_TOKEN: an access token with the read_api or api scope",
    write="GITLAB_TOKEN: an access token with the api scope and the Developer role",
)


class Target(NamedTuple):
    """Which merge request or issue, on which GitLab."""

    api_url: str  # https://HOST/api/v4
    project: str  # numeric id or group/sub/project
    kind: str  # "merge_request" or "issue"
    iid: int
    target_branch: str | None = None  # known in a merge request pipeline

    @property
    def noun(self) -> str:
        return (
            f"merge request !{self.iid}" if self.kind == "merge_request" else f"issue #{self.iid}"
        )

    @property
    def api_path(self) -> str:
        plural = "merge_requests" if self.kind == "merge_request" else "issues"
        return f"{self.api_url}/projects/{quote(self.project, safe='')}/{plural}/{self.iid}"


class GitLab:
    """A GitLab merge request or issue, read and written through python-gitlab."""

    name = "gitlab"

    def __init__(
        self,
        target: Target,
        *,
        token: str | None = None,
        job_token: str | None = None,
        publish: bool = False,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.target = target
        self.publish = publish
        self._token = token
        self._job_token = job_token
        self.policy = policy or RetryPolicy()
        self.budget = http.Budget(self.policy, sleep)
        self._me: str | None = None
        self._gl: gitlab.Gitlab | None = None
        self._item: Any = None  # the merge request or issue, fetched once

    def __repr__(self) -> str:  # never show a token
        return f"GitLab({self.target.api_path})"

    # --- reading ----------------------------------------------------------------------

    def _client(self) -> gitlab.Gitlab:
        if self._gl is None:
            self._gl = _gitlab_class()(
                _base_url(self.target.api_url),
                private_token=self._token,
                job_token=None if self._token else self._job_token,
                timeout=self.policy.timeout_seconds,
                retry_transient_errors=False,
                keep_base_url=True,
                user_agent="rollout-enforcer",
                session=_session(self.budget),
            )
        return self._gl

    def _project(self) -> Any:
        return self._client().projects.get(self.target.project, lazy=True)

    def _fetch(self) -> Any:
        if self._item is None:
            project = self._project()
            manager = (
                project.mergerequests if self.target.kind == "merge_request" else project.issues
            )
            self._item = self._call(
                lambda: manager.get(self.target.iid), "read", self.target.api_path
            )
        return self._item

    def subject(self) -> Subject:
        item = self._fetch()
        web_url = item.attributes.get("web_url")
        return Subject(
            kind=self.target.kind,
            ref=web_url or self.target.api_path,
            description=item.attributes.get("description") or "",
            title=item.attributes.get("title") or "",
            labels=frozenset(item.attributes.get("labels") or ()),
            state=item.attributes.get("state") or "opened",
            web_url=web_url,
            draft=bool(item.attributes.get("draft") or item.attributes.get("work_in_progress")),
        )

    def _config_ref(self) -> str | None:
        if self.target.kind == "merge_request":
            return self._fetch().attributes.get("target_branch") or self.target.target_branch
        # An issue has no target branch: its project's default branch holds the rules.
        projects = self._client().projects
        url = f"{self.target.api_url}/projects/{quote(self.target.project, safe='')}"
        project = self._call(lambda: projects.get(self.target.project), "read", url)
        return project.attributes.get("default_branch")

    def config_text(self) -> str | None:
        return self.file_text(CONFIG_NAME)

    def file_text(self, path: str) -> str | None:
        """A file of the repository at the target branch (the files API); None when missing."""
        ref = self._config_ref()
        if not ref:
            return None  # an empty repository: no file, the defaults apply
        project = self._project()
        url = f"{self.target.api_url}/projects/{quote(self.target.project, safe='')}/repository/files/{quote(path, safe='')}/raw?ref={ref}"
        import gitlab

        try:
            data = project.files.raw(file_path=path, ref=ref)
        except gitlab.GitlabError as error:
            if error.response_code == 404:
                return None
            raise self._failed(error, "read", url) from None
        return read_text(data)

    def changed_paths(self) -> Iterable[str]:
        if self.target.kind != "merge_request":
            return ()
        return self._diff_paths()

    def _diff_paths(self) -> Iterator[str]:
        path = f"/projects/{quote(self.target.project, safe='')}/merge_requests/{self.target.iid}/diffs"
        gl = self._client()
        diffs = self._call(
            lambda: gl.http_list(path, iterator=True, per_page=PER_PAGE),
            "read",
            self.target.api_url + path,
        )
        for diff in self._paged(diffs, self.target.api_url + path):
            yield diff["old_path"]
            if diff["new_path"] != diff["old_path"]:
                yield diff["new_path"]

    def linked_issues(self) -> Iterable[Subject]:
        if self.target.kind != "merge_request":
            return ()
        item = self._fetch()
        url = self.target.api_path + "/closes_issues"
        issues = self._call(lambda: item.closes_issues(per_page=PER_PAGE), "read", url)
        subjects = []
        for issue in self._paged(issues, url):
            attrs = issue.attributes if hasattr(issue, "attributes") else issue
            web_url = attrs.get("web_url")
            subjects.append(
                Subject(
                    kind="issue",
                    ref=web_url or f"#{attrs.get('iid')}",
                    description=attrs.get("description") or "",
                    title=attrs.get("title") or "",
                    labels=frozenset(attrs.get("labels") or ()),
                    state=attrs.get("state") or "opened",
                    web_url=web_url,
                )
            )
        return subjects

    def closing_merge_requests(self) -> list[tuple[str, int]]:
        """(project id, iid) of the open merge requests that close this issue, where a plan
        kept in the issue counts: ``enforce serve`` re-checks them when the issue changes."""
        if self.target.kind != "issue":
            return []
        item = self._fetch()
        url = self.target.api_path + "/closed_by"
        found = self._call(lambda: item.closed_by(), "read", url)
        return [
            (str(mr["project_id"]), int(mr["iid"]))
            for mr in found or ()
            if isinstance(mr, dict) and mr.get("state") == "opened"
        ]

    def _paged(self, items: Iterable[Any], url: str) -> Iterator[Any]:
        """Iterate a python-gitlab list whose later pages may fail like any request."""
        iterator = iter(items)
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                return
            except Exception as error:  # noqa: BLE001 - sorted by _failed
                raise self._failed(error, "read", url) from None
            yield item

    # --- writing back: enforcer.writeback.Writer ----------------------------------------

    @property
    def _job_only(self) -> bool:
        return not self._token and bool(self._job_token)

    def writer(self) -> Writer:
        return self

    def blocker(self) -> str | None:
        if not self._token:
            return JOB_TOKEN_BLOCKER if self._job_token else NO_TOKEN_BLOCKER
        return None

    def rerun_url(self) -> str | None:
        if self.target.kind != "merge_request":
            return None
        web_url = self._fetch().attributes.get("web_url")
        return f"{web_url.rstrip('/')}/pipelines" if web_url else None

    def _note(self, attrs: dict[str, Any]) -> Note:
        web_url = self._fetch().attributes.get("web_url")
        return Note(
            int(attrs["id"]),
            attrs.get("body") or "",
            (attrs.get("author") or {}).get("username") or "",
            f"{web_url}#note_{attrs['id']}" if web_url else None,
        )

    def comments(self) -> Sequence[Note]:
        url = self.target.api_path + "/notes"
        manager = self._fetch().notes
        notes = self._call(
            lambda: manager.list(iterator=True, per_page=PER_PAGE, sort="asc", order_by="created_at"),
            "read",
            url,
        )
        found = [
            self._note(note.attributes)
            for note in self._paged(notes, url)
            if not note.attributes.get("system")
        ]
        return sorted(found, key=lambda note: note.id)

    def identity(self) -> str | None:
        if self._me is None:
            gl = self._client()
            user = self._call(lambda: gl.http_get("/user"), "read", self.target.api_url + "/user")
            self._me = user.get("username") if isinstance(user, dict) else None
        return self._me

    def create_comment(self, body: str) -> Note:
        manager = self._fetch().notes
        note = self._write(
            lambda: manager.create({"body": body}), "post the comment on", "/notes", post=True
        )
        return self._note(note.attributes)

    def edit_comment(self, note: Note, body: str) -> None:
        manager = self._fetch().notes
        self._write(lambda: manager.update(note.id, {"body": body}), "edit our comment on", f"/notes/{note.id}")

    def delete_comment(self, note: Note) -> None:
        manager = self._fetch().notes
        self._write(lambda: manager.delete(note.id), "delete our duplicate comment on", f"/notes/{note.id}")

    def add_labels(self, names: Sequence[str]) -> None:
        # add_labels/remove_labels, never labels=: a label someone set meanwhile stays.
        self._labels({"add_labels": ",".join(names)})

    def remove_labels(self, names: Sequence[str]) -> None:
        self._labels({"remove_labels": ",".join(names)})

    def _labels(self, data: dict[str, str]) -> None:
        manager = self._fetch().manager
        updated = self._write(lambda: manager.update(self.target.iid, data), "set labels on", "")
        if isinstance(updated, dict) and "labels" in updated:
            self._item._update_attrs({**self._item.attributes, "labels": updated["labels"]})

    def status(self) -> Status | None:
        from enforcer.writeback import STATUS_NAME

        sha = self._fetch().attributes.get("sha")
        if self.target.kind != "merge_request" or not sha:
            return None
        url = f"{self.target.api_url}/projects/{quote(self.target.project, safe='')}/repository/commits/{sha}/statuses"
        manager = self._project().commits.get(sha, lazy=True).statuses
        found = self._call(lambda: manager.list(name=STATUS_NAME, get_all=False, per_page=PER_PAGE), "read", url)
        mine = [item.attributes for item in found if item.attributes.get("name") == STATUS_NAME]
        if not mine:
            return None
        newest = max(mine, key=lambda item: item.get("id") or 0)
        return Status(newest.get("status") == "success", newest.get("description") or "", newest.get("target_url"))

    def set_status(self, passed: bool, description: str, url: str | None) -> None:
        from enforcer.writeback import STATUS_NAME

        sha = self._fetch().attributes.get("sha")
        if self.target.kind != "merge_request" or not sha:
            return  # an issue has no commit
        project = self._project()
        data = {"state": "success" if passed else "failed", "name": STATUS_NAME, "description": description}
        if url:
            data["target_url"] = url
        statuses = project.commits.get(sha, lazy=True).statuses
        path = f"{self.target.api_url}/projects/{quote(self.target.project, safe='')}/statuses/{sha}"
        self._write(lambda: statuses.create(data), "set the commit status on", "", post=True, url=path)

    def finish(self, report: Report, markdown: str, json_path: str | None) -> None:
        return None  # the component publishes the --report files as job artifacts

    # --- errors -----------------------------------------------------------------------

    def _access(self) -> http.Access:
        return JOB_ACCESS if self._job_only else ACCESS

    def _call(self, action: Callable[[], Any], verb: str, url: str) -> Any:
        try:
            return action()
        except Exception as error:  # noqa: BLE001 - sorted by _failed
            raise self._failed(error, verb, url) from None

    def _failed(self, error: Exception, verb: str, url: str) -> Exception:
        """A read's failure as a PlatformError saying what was tried and what would help."""
        import gitlab

        if self.budget.has_given_up():  # retried until the budget ran out: say so
            return http.platform_error(self.budget, "GitLab", verb, url, "no answer")
        if isinstance(error, gitlab.GitlabError):
            code = error.response_code or 0
            noun = self.target.noun if code == 404 and url.startswith(self.target.api_path) else None
            sentence = http.worded(code, self._access(), verb, url, write=False)
            if sentence is not None:
                if noun:
                    sentence = sentence.replace("found nothing", f"found no {noun}", 1)
                return PlatformError(sentence)
            return http.platform_error(self.budget, "GitLab", verb, url, f"{code} {error.error_message}")
        if http.transport_failure(error):
            return http.platform_error(self.budget, "GitLab", verb, url, "no answer")
        return error

    def _write(
        self, action: Callable[[], Any], doing: str, tail: str, *, post: bool = False, url: str | None = None
    ) -> Any:
        """A write: its failure as one of writeback's refusals, or a PlatformError."""
        where = url or self.target.api_path + tail
        try:
            return action()
        except Exception as error:  # noqa: BLE001 - sorted below
            if self.budget.has_given_up():  # retried until the budget ran out: say so
                raise http.platform_error(self.budget, "GitLab", doing, where, "no answer") from None
            raise self._refusal(error, doing, where, post) from None

    def _refusal(self, error: Exception, doing: str, where: str, post: bool) -> Exception:
        """A write's failure as one of writeback's refusals, or a PlatformError."""
        import gitlab

        if isinstance(error, gitlab.GitlabError):
            code = error.response_code or 0
            if code == 404:
                return NotFound(f"GitLab found nothing at {where} (404)")
            if code == 403:
                return ReadOnly(http.worded(403, self._access(), doing, where, write=True))
            if code == 401:
                return PlatformError(http.worded(401, self._access(), doing, where, write=True))
            if post and code in http.TRANSIENT:
                return Uncertain(f"GitLab answered {code} to {doing} {where}")
            return http.platform_error(
                self.budget, "GitLab", doing, where, f"{code} {error.error_message}"
            )
        if not http.transport_failure(error):
            return error
        if post:
            return Uncertain(f"GitLab gave no answer to {doing} {where}")
        return http.platform_error(self.budget, "GitLab", doing, where, "no answer")


if TYPE_CHECKING:  # the type checker holds the adapter to the protocol
    _writer: type[Writer] = GitLab


def _gitlab_class() -> type[gitlab.Gitlab]:
    """python-gitlab with its own retries off for good: it sleeps whatever ``Retry-After``
    asks on a 429, per call, unless told not to; the one HTTP policy has decided already."""
    import gitlab

    class Client(gitlab.Gitlab):
        def http_request(self, *args: Any, **kwargs: Any) -> Any:
            kwargs["obey_rate_limit"] = False
            kwargs["retry_transient_errors"] = False
            return super().http_request(*args, **kwargs)

    return Client


def _session(budget: http.Budget) -> Any:
    """A requests session whose retries follow the one HTTP policy."""
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    adapter = HTTPAdapter(max_retries=http.retry_for(budget))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _base_url(api_url: str) -> str:
    """python-gitlab wants the instance URL and appends /api/v4 itself."""
    api_url = api_url.rstrip("/")
    return api_url.removesuffix("/api/v4")


def _api_url(root: str) -> str:
    root = root.rstrip("/")
    return root if root.endswith("/api/v4") else root + "/api/v4"


def _policy(env: Environ) -> RetryPolicy:
    return http.Policy.from_env(env)


def from_ci(env: Environ, *, publish: bool) -> GitLab:
    """The merge request of the current merge request pipeline."""
    iid = env.get("CI_MERGE_REQUEST_IID", "")
    if iid and not (iid.isascii() and iid.isdigit() and int(iid) > 0):
        from enforcer.shown import value

        raise TargetError(
            f"CI_MERGE_REQUEST_IID: expected the merge request's number, got {value(iid)}"
        )
    if not iid:
        raise TargetError(
            "CI_MERGE_REQUEST_IID is not set: this is not a merge request pipeline. Run the job "
            'only there (rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event"), or name '
            "a merge request URL"
        )
    if env.get("CI_API_V4_URL"):
        api_url = _api_url(env["CI_API_V4_URL"])
    elif env.get("CI_SERVER_URL"):
        api_url = _api_url(env["CI_SERVER_URL"])
    else:
        raise TargetError(
            "neither CI_API_V4_URL nor CI_SERVER_URL is set: cannot find the GitLab API"
        )
    project = env.get("CI_MERGE_REQUEST_PROJECT_ID") or env.get("CI_PROJECT_ID")
    if not project:
        raise TargetError(
            "neither CI_MERGE_REQUEST_PROJECT_ID nor CI_PROJECT_ID is set: cannot find the project"
        )
    target = Target(
        api_url,
        project,
        "merge_request",
        int(iid),
        env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") or None,
    )
    return _gitlab(target, env, publish)


def _gitlab(target: Target, env: Environ, publish: bool) -> GitLab:
    """The adapter for ``target`` with the tokens and retry policy the environment gives."""
    return GitLab(
        target,
        token=env.get("GITLAB_TOKEN") or None,
        job_token=env.get("CI_JOB_TOKEN") or None,
        publish=publish,
        policy=_policy(env),
    )


def from_url(url: str, env: Environ, *, publish: bool) -> GitLab:
    """``https://HOST/group/sub/project/-/merge_requests/7`` or ``.../-/issues/7``."""
    parts = urlsplit(url)
    path = parts.path
    override = env.get("GITLAB_API_URL")
    if override:
        api_url = _api_url(override)
        # GitLab under a relative URL root (https://HOST/gitlab/...): the root is no group.
        prefix = urlsplit(_base_url(api_url)).path.rstrip("/")
        if prefix and path.startswith(prefix + "/"):
            path = path[len(prefix) :]
    else:
        api_url = f"{parts.scheme}://{parts.netloc}/api/v4"
    match = re.match(GITLAB_PATH, path)
    if match is None:
        raise TargetError(
            f"{url}: not a GitLab merge request or issue URL (expected https://HOST/GROUP/PROJECT/-/merge_requests/N)"
        )
    kind = "merge_request" if match["kind"] == "merge_requests" else "issue"
    target = Target(api_url, match["project"], kind, int(match["iid"]))
    return _gitlab(target, env, publish)
