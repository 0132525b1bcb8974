"""GitLab: the merge request of a merge request pipeline, or a merge request or issue URL.

The only module that imports python-gitlab, and only when a GitLab target is checked. It
reads the live description, the target branch's ``.rollout-plan.yml``, the changed paths,
the issues the merge request closes and our marker comment, and carries out the writes that
``enforcer.publish.plan_writes`` decided. It holds no rule of its own.

Requests go through one ``requests`` session that retries 429 and 5xx answers, timeouts and
dropped connections with a backoff that honours ``Retry-After``, bounded in total time, and
then gives up with a ``PlatformError`` (exit 3). python-gitlab's own retries stay off so the
bound holds. A note is never posted twice: when creating it fails without a clear answer
(5xx, timeout, dropped connection), the notes are read again for the marker first.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote, urlsplit

import requests

from enforcer.model import Report
from enforcer.platforms import GITLAB_PATH
from enforcer.platforms.base import Environ, PlatformError, Subject, TargetError, seconds_from_env
from enforcer.platforms.local import CONFIG_NAME, read_text
from enforcer.publish import MARKER, Comment, State, Writes

if TYPE_CHECKING:  # only for annotations: python-gitlab is imported when first used
    import gitlab

RETRY_SECONDS = 60.0  # total time one request may spend on retries
RETRY_BASE_SECONDS = 1.0  # first backoff; doubles on every retry
TIMEOUT_SECONDS = 30.0  # connect and read timeout of every request
PER_PAGE = 100  # GitLab's largest page: fewest requests
TRANSIENT = frozenset({500, 502, 503, 504})

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
WRITE_ACCESS = (
    "the token needs the api scope (read_api only reads) and at least the Developer role "
    "in the project"
)


class RetryPolicy(NamedTuple):
    """How long one request may keep retrying, and how fast."""

    total_seconds: float = RETRY_SECONDS
    base_seconds: float = RETRY_BASE_SECONDS
    timeout_seconds: float = TIMEOUT_SECONDS

    @classmethod
    def from_env(cls, env: Environ) -> RetryPolicy:
        return cls(
            seconds_from_env(env, "ROLLOUT_ENFORCER_RETRY_SECONDS", RETRY_SECONDS),
            seconds_from_env(env, "ROLLOUT_ENFORCER_RETRY_BASE_SECONDS", RETRY_BASE_SECONDS),
            seconds_from_env(env, "ROLLOUT_ENFORCER_TIMEOUT_SECONDS", TIMEOUT_SECONDS),
        )

    def backoff(self, attempt: int) -> float:
        return self.base_seconds * 2**attempt


class UncertainWrite(PlatformError):
    """A POST got no clear answer (5xx, timeout, dropped connection): it may have happened."""


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


class RetryingSession(requests.Session):
    """A ``requests`` session that retries what is safe to retry, within a time bound.

    GET, PUT and DELETE are retried on 429, 5xx, timeouts and dropped connections; POST only
    on 429 (GitLab did nothing), else ``UncertainWrite`` lets the caller look before retrying.
    Past the bound, or when ``Retry-After`` asks for more than is left, ``PlatformError``.
    """

    def __init__(self, policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__()
        self.policy = policy
        self.sleep = sleep

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:  # type: ignore[override]
        verb = method.decode() if isinstance(method, bytes) else str(method)
        verb = verb.upper()
        where = f"{verb} {_without_query(str(url))}"
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                response = super().request(method, url, *args, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as error:
                problem = _describe(error)
                if verb == "POST":
                    raise UncertainWrite(f"GitLab gave no answer to {where}: {problem}") from None
                wait = self.policy.backoff(attempt)
            else:
                status = response.status_code
                if status == 429:
                    problem = "429 Too Many Requests"
                    asked = _retry_after(response)
                    wait = asked if asked is not None else self.policy.backoff(attempt)
                elif status in TRANSIENT:
                    problem = f"{status} {response.reason or ''}".strip()
                    if verb == "POST":
                        raise UncertainWrite(f"GitLab answered {problem} to {where}")
                    wait = self.policy.backoff(attempt)
                else:
                    return response
            elapsed = time.monotonic() - started
            if elapsed + wait > self.policy.total_seconds:
                raise PlatformError(
                    f"GitLab kept failing: {where} answered {problem} "
                    f"({attempt + 1} attempt{'s' if attempt else ''} in {elapsed:.1f} s"
                    f"{f', next wait {wait:.0f} s' if wait >= 1 else ''}); giving up after "
                    f"the retry budget of {self.policy.total_seconds:g} s "
                    "(ROLLOUT_ENFORCER_RETRY_SECONDS). Re-run the job later."
                )
            self.sleep(wait)
            attempt += 1


def _without_query(url: str) -> str:
    return url.split("?", 1)[0]


def _describe(error: Exception) -> str:
    if isinstance(error, requests.Timeout):
        return "timed out"
    return "connection dropped or refused"


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
        self._sleep = sleep
        self._gl: gitlab.Gitlab | None = None
        self._item: Any = None  # the merge request or issue, fetched once

    def __repr__(self) -> str:  # never show a token
        return f"GitLab({self.target.api_path})"

    # --- reading ----------------------------------------------------------------------

    def _client(self) -> gitlab.Gitlab:
        if self._gl is None:
            import gitlab

            self._gl = gitlab.Gitlab(
                _base_url(self.target.api_url),
                private_token=self._token,
                job_token=None if self._token else self._job_token,
                timeout=self.policy.timeout_seconds,
                retry_transient_errors=False,
                keep_base_url=True,
                user_agent="rollout-enforcer",
                session=RetryingSession(self.policy, self._sleep),
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
            raise _refused(error, "read", url, self._job_only) from None
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

    def _paged(self, items: Iterable[Any], url: str) -> Iterator[Any]:
        """Iterate a python-gitlab list whose later pages may fail like any request."""
        import gitlab

        iterator = iter(items)
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                return
            except gitlab.GitlabError as error:
                raise _refused(error, "read", url, self._job_only) from None
            yield item

    # --- publishing -------------------------------------------------------------------

    @property
    def _job_only(self) -> bool:
        return not self._token and bool(self._job_token)

    def publish_blocker(self) -> str | None:
        if not self._token:
            return JOB_TOKEN_BLOCKER if self._job_token else NO_TOKEN_BLOCKER
        state = self._fetch().attributes.get("state")
        if state in ("closed", "locked"):
            return f"{self.target.noun} is {state}"
        return None

    def rerun_url(self) -> str | None:
        if self.target.kind != "merge_request":
            return None
        web_url = self._fetch().attributes.get("web_url")
        return f"{web_url.rstrip('/')}/pipelines" if web_url else None

    def _notes(self) -> Any:
        return self._fetch().notes

    def _marker_comments(self) -> tuple[Comment, ...]:
        url = self.target.api_path + "/notes"
        manager = self._notes()
        notes = self._call(
            lambda: manager.list(
                iterator=True, per_page=PER_PAGE, sort="asc", order_by="created_at"
            ),
            "read",
            url,
        )
        ours = [
            note.attributes
            for note in self._paged(notes, url)
            if not note.attributes.get("system") and _is_ours(note.attributes.get("body"))
        ]
        ours.sort(key=lambda note: (note.get("created_at") or "", note["id"]))
        return tuple(Comment(note["id"], note["body"]) for note in ours)

    def read_state(self) -> State:
        labels = frozenset(self._fetch().attributes.get("labels") or ())
        return State(labels, self._marker_comments())

    def apply(self, writes: Writes) -> None:
        if writes.empty:
            return
        for note_id in writes.delete_comments:
            self._delete_note(note_id)
        if writes.edit_comment is not None:
            note_id, body = writes.edit_comment
            if not self._edit_note(note_id, body):
                self._create_note(body)  # deleted since we read it
        if writes.create_comment is not None:
            self._create_note(writes.create_comment)
        if writes.add_labels or writes.remove_labels:
            # add_labels/remove_labels, never labels=: a label someone set meanwhile stays.
            data = {}
            if writes.add_labels:
                data["add_labels"] = ",".join(writes.add_labels)
            if writes.remove_labels:
                data["remove_labels"] = ",".join(writes.remove_labels)
            manager = self._fetch().manager
            updated = self._call(
                lambda: manager.update(self.target.iid, data),
                "set labels on",
                self.target.api_path,
                write=True,
            )
            if isinstance(updated, dict) and "labels" in updated:
                self._item._update_attrs({**self._item.attributes, "labels": updated["labels"]})

    def _delete_note(self, note_id: int) -> None:
        import gitlab

        url = f"{self.target.api_path}/notes/{note_id}"
        try:
            self._notes().delete(note_id)
        except gitlab.GitlabError as error:
            if error.response_code != 404:  # already gone: a concurrent run removed it
                raise _refused(
                    error, "delete the duplicate comment", url, self._job_only, write=True
                ) from None

    def _edit_note(self, note_id: int, body: str) -> bool:
        import gitlab

        url = f"{self.target.api_path}/notes/{note_id}"
        try:
            self._notes().update(note_id, {"body": body})
        except gitlab.GitlabError as error:
            if error.response_code == 404:
                return False
            raise _refused(error, "edit the comment", url, self._job_only, write=True) from None
        return True

    def _create_note(self, body: str) -> None:
        """Post the comment once: after an unclear failure, look for it before posting again."""
        url = self.target.api_path + "/notes"
        manager = self._notes()
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                self._call(
                    lambda: manager.create({"body": body}), "post the comment", url, write=True
                )
                return
            except UncertainWrite as error:
                problem = str(error)
            existing = self._marker_comments()
            if existing:  # the lost answer was a success
                if existing[0].body != body:
                    self._edit_note(existing[0].id, body)
                return
            wait = self.policy.backoff(attempt)
            if time.monotonic() - started + wait > self.policy.total_seconds:
                raise PlatformError(
                    f"{problem}; the comment is not there, and the retry budget of "
                    f"{self.policy.total_seconds:g} s (ROLLOUT_ENFORCER_RETRY_SECONDS) is spent. "
                    "Re-run the job later."
                )
            self._sleep(wait)
            attempt += 1

    def finish(self, report: Report, markdown: str, json_path: str | None) -> None:
        return None  # the component publishes the --report files as job artifacts

    # --- errors -----------------------------------------------------------------------

    def _call(self, action: Callable[[], Any], verb: str, url: str, *, write: bool = False) -> Any:
        import gitlab

        try:
            return action()
        except gitlab.GitlabError as error:
            raise _refused(
                error, verb, url, self._job_only, write=write, noun=self.target.noun
            ) from None


def _is_ours(body: str | None) -> bool:
    """Our comment starts with the marker; a quote of it (``> <!-- ...``) is someone else's."""
    return bool(body) and any(line.strip().startswith(MARKER) for line in body.splitlines())


def _refused(
    error: Exception,
    verb: str,
    url: str,
    job_only: bool,
    *,
    write: bool = False,
    noun: str = "",
) -> PlatformError:
    code = getattr(error, "response_code", None)
    where = _without_query(url)
    if code == 401:
        if job_only:
            return PlatformError(
                f"GitLab refused CI_JOB_TOKEN (401 Unauthorized) to {verb} {where}: set "
                "GITLAB_TOKEN to an access token with the api scope (read_api to only read)"
            )
        return PlatformError(
            f"GitLab refused the token (401 Unauthorized) to {verb} {where}: GITLAB_TOKEN is "
            f"missing, wrong, expired or revoked{'; ' + WRITE_ACCESS if write else ''}"
        )
    if code == 403:
        if job_only:
            return PlatformError(
                f"GitLab refused CI_JOB_TOKEN (403 Forbidden) to {verb} {where}: set GITLAB_TOKEN "
                "to an access token with the api scope and the Developer role"
            )
        need = (
            WRITE_ACCESS
            if write
            else "the token needs the read_api or api scope and at least the Reporter role"
        )
        return PlatformError(f"GitLab refused to {verb} {where} (403 Forbidden): {need}")
    if code == 404:
        what = noun or "it"
        return PlatformError(
            f"GitLab found no {what} at {where} (404 Not Found): check the project and number, "
            "and that the token's user can see the project"
        )
    message = getattr(error, "error_message", "") or ""
    detail = f" ({code} {message})" if code else f" ({message})"
    return PlatformError(f"GitLab could not {verb} {where}{detail}")


def _base_url(api_url: str) -> str:
    """python-gitlab wants the instance URL and appends /api/v4 itself."""
    api_url = api_url.rstrip("/")
    return api_url.removesuffix("/api/v4")


def _api_url(root: str) -> str:
    root = root.rstrip("/")
    return root if root.endswith("/api/v4") else root + "/api/v4"


def _policy(env: Environ) -> RetryPolicy:
    return RetryPolicy.from_env(env)


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
