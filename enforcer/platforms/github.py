"""GitHub: a pull request or issue, read and written through PyGithub.

Inside a GitHub Actions workflow run by a ``pull_request``, ``pull_request_target`` or
``issues`` event, the target is the pull request or issue of the event (``from_ci``);
anywhere, a URL names one (``from_url``). The event payload only says *which* pull request
and its base commit: the description is always read live, since a re-run job replays the
old event.

This is the only module that imports PyGithub, and only when a GitHub target is used.

Request budget: reading a pull request, its `.rollout-plan.yml` and its comments is three
requests; a first failing run adds a label and the comment. PyGithub's own pacing is set
so that a run is neither slow (no 1 s pause between writes) nor able to hang (every retry,
``Retry-After`` and rate-limit wait counts against one budget,
``ROLLOUT_ENFORCER_RETRY_SECONDS``, after which the run stops with exit code 3).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, Literal, NamedTuple
from urllib.parse import urlparse

from enforcer.model import Report
from enforcer.platforms.base import Environ, PlatformError, Subject, TargetError, seconds_from_env
from enforcer.publish import Comment, State, Writes, has_marker

CONFIG_NAME = ".rollout-plan.yml"
DEFAULT_API_URL = "https://api.github.com"
EVENTS = ("pull_request", "pull_request_target", "issues")

RETRY_SECONDS_VAR = "ROLLOUT_ENFORCER_RETRY_SECONDS"
TIMEOUT_VAR = "ROLLOUT_ENFORCER_TIMEOUT_SECONDS"

# GitHub shows at most this many annotations of each kind per step.
ANNOTATIONS_SHOWN = 10
# Closing keywords name issues; a handful is plenty, and each costs one request.
MAX_LINKED_ISSUES = 5

URL_PATH = re.compile(r"^/(?P<owner>[^/]+)/(?P<repo>[^/]+)/(?P<kind>pull|issues)/(?P<number>\d+)/?$")
CLOSING = re.compile(
    r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?[ \t]+"
    r"(?:(?P<url>https?://[^\s/]+/(?P<url_repo>[\w.-]+/[\w.-]+)/issues/(?P<url_number>\d+))"
    r"|(?P<repo>[\w.-]+/[\w.-]+)?#(?P<number>\d+))",
    re.IGNORECASE,
)

Kind = Literal["pull_request", "issue"]


class Target(NamedTuple):
    """Which pull request or issue, on which GitHub, as far as known before any request."""

    api_url: str
    repo: str  # OWNER/REPO
    number: int
    kind: Kind
    base_sha: str | None = None  # from the event; a URL target takes the live pull's
    fork: str | None = None  # the head repository, when the event says it is a fork


class Tuning(NamedTuple):
    """How long one request may take and how long the run may spend retrying."""

    timeout: int = 10
    retry_seconds: float = 90.0
    seconds_between_writes: float = 0.2


def tuning_from(env: Environ) -> Tuning:
    """``ROLLOUT_ENFORCER_TIMEOUT_SECONDS`` and ``ROLLOUT_ENFORCER_RETRY_SECONDS``, checked."""
    tuning = Tuning()
    timeout = seconds_from_env(env, TIMEOUT_VAR, tuning.timeout)
    retry = seconds_from_env(env, RETRY_SECONDS_VAR, tuning.retry_seconds)
    return Tuning(timeout=max(1, round(timeout)), retry_seconds=retry)


# --- finding the target ---------------------------------------------------------------


def from_ci(env: Environ, *, publish: bool) -> GitHub:
    """The pull request or issue of the workflow's event (``GITHUB_EVENT_PATH``)."""
    event = env.get("GITHUB_EVENT_NAME", "")
    if event not in EVENTS:
        raise TargetError(
            f"GitHub event {event or '(none)'!r}: nothing to check. Run on "
            f"{', '.join(EVENTS)}, or name a pull request URL"
        )
    payload = _read_event(env)
    api_url = env.get("GITHUB_API_URL") or DEFAULT_API_URL
    repo = env.get("GITHUB_REPOSITORY") or _get(payload, "repository", "full_name")
    if not repo or not isinstance(repo, str):
        raise TargetError("GITHUB_REPOSITORY is not set and the event names no repository")
    if event == "issues":
        number = _get(payload, "issue", "number")
        target = Target(api_url, repo, _whole(number, "issue.number"), "issue")
    else:
        pull = payload.get("pull_request")
        if not isinstance(pull, dict):
            raise TargetError(
                f"GITHUB_EVENT_PATH: pull_request: expected an object, got {_kind(pull)}"
            )
        number = _whole(pull.get("number"), "pull_request.number")
        base_repo = _get(pull, "base", "repo", "full_name") or repo
        head_repo = _get(pull, "head", "repo", "full_name")
        # Only `pull_request` hands fork pull requests a read-only token;
        # `pull_request_target` runs with the base repository's token.
        fork = None
        if event == "pull_request" and head_repo != base_repo:
            fork = head_repo or "a deleted fork"
        base_sha = _get(pull, "base", "sha")
        target = Target(
            api_url, repo, number, "pull_request", base_sha if isinstance(base_sha, str) and base_sha else None, fork
        )
    return GitHub(target, env.get("GITHUB_TOKEN") or None, publish=publish, env=env)


def from_url(url: str, env: Environ, *, publish: bool) -> GitHub:
    """``https://HOST/OWNER/REPO/pull/N`` or ``.../issues/N`` on github.com or any GHES host."""
    parsed = urlparse(url)
    match = URL_PATH.match(parsed.path)
    if not match or not parsed.hostname:
        raise TargetError(
            f"{url}: not a GitHub pull request or issue URL; expected "
            "https://HOST/OWNER/REPO/pull/N or https://HOST/OWNER/REPO/issues/N"
        )
    api_url = env.get("GITHUB_API_URL") or api_url_for(parsed.scheme, parsed.netloc)
    kind: Kind = "pull_request" if match["kind"] == "pull" else "issue"
    target = Target(api_url, f"{match['owner']}/{match['repo']}", int(match["number"]), kind)
    return GitHub(target, env.get("GITHUB_TOKEN") or None, publish=publish, env=env)


def api_url_for(scheme: str, netloc: str) -> str:
    """github.com's API lives on its own host; GitHub Enterprise Server's under /api/v3."""
    if netloc.lower() in ("github.com", "www.github.com"):
        return DEFAULT_API_URL
    return f"{scheme}://{netloc}/api/v3"


def _read_event(env: Environ) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        raise TargetError("GITHUB_EVENT_PATH is not set: cannot tell which pull request to check")
    from enforcer.files import ReadError, max_input_bytes, read_path

    try:
        payload = json.loads(read_path(path, max_input_bytes(), f"GITHUB_EVENT_PATH {path}"))
    except FileNotFoundError:
        raise TargetError(f"GITHUB_EVENT_PATH {path}: cannot read: no such file") from None
    except ReadError as error:
        raise TargetError(str(error)) from None
    except ValueError as error:
        raise TargetError(f"GITHUB_EVENT_PATH {path}: not JSON: {error}") from None
    if not isinstance(payload, dict):
        raise TargetError(f"GITHUB_EVENT_PATH {path}: expected a JSON object")
    return payload


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _kind(value: Any) -> str:
    """What a JSON value is, for a message that does not repeat it."""
    if value is None:
        return "nothing"
    return {bool: "true or false", int: "a number", float: "a number", str: "a text", list: "a list"}.get(
        type(value), "an object"
    )


def _whole(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise TargetError(f"GITHUB_EVENT_PATH: {where}: expected a pull request or issue number")


def closing_references(body: str, repo: str) -> list[tuple[str, int]]:
    """(OWNER/REPO, number) of the issues ``body`` closes, in order, without repeats.

    "Fixes #12", "Closes owner/repo#12", "resolves https://github.com/o/r/issues/3".
    """
    found: list[tuple[str, int]] = []
    for match in CLOSING.finditer(body):
        if match["url"]:
            ref = (match["url_repo"], int(match["url_number"]))
        else:
            ref = (match["repo"] or repo, int(match["number"]))
        if ref not in found:
            found.append(ref)
    return found


# --- PyGithub, bounded ----------------------------------------------------------------


@cache
def _retry_class() -> type:
    """A ``GithubRetry`` whose waits all come out of one deadline for the whole run.

    PyGithub's default retry honours ``Retry-After`` and waits for a primary rate limit's
    reset however long they are; here a wait that would pass the deadline ends the retries
    (the last answer then becomes the error). A POST is retried only when GitHub refused it
    outright (403/429 rate limit): after a 5xx or a timeout it may have been carried out, and
    creating the comment twice is worse than looking for it again (see ``_create_comment``).
    """
    from github.GithubRetry import GithubRetry
    from urllib3.exceptions import MaxRetryError, ResponseError

    class BoundedRetry(GithubRetry):
        def __init__(self, *, deadline: float, **kwargs: Any) -> None:
            self.deadline = deadline
            super().__init__(**kwargs)

        def new(self, **kwargs: Any) -> BoundedRetry:
            kwargs["deadline"] = self.deadline
            return super().new(**kwargs)

        def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
            if method == "POST":
                return status_code in (403, 429)
            return super().is_retry(method, status_code, has_retry_after)

        def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):  # type: ignore[no-untyped-def,override]
            retry = super().increment(method, url, response, error, _pool, _stacktrace)
            wait = retry.get_backoff_time()
            if response is not None and retry.respect_retry_after_header:
                wait = max(wait, retry.get_retry_after(response) or 0.0)
            if time.monotonic() + wait > self.deadline:
                reason = error or ResponseError(f"retry budget spent (next wait {wait:.0f} s)")
                raise MaxRetryError(_pool, url, reason)
            return retry

    return BoundedRetry


def _client(api_url: str, token: str | None, tuning: Tuning) -> Any:
    from github import Auth, Github

    retry = _retry_class()(
        deadline=time.monotonic() + tuning.retry_seconds,
        total=6,
        backoff_factor=0.5,
        backoff_max=8,
        status_forcelist=[429, *range(500, 600)],
        allowed_methods=frozenset({"GET", "HEAD", "PATCH", "DELETE"}),
        raise_on_status=False,  # the last answer becomes a GithubException we can explain
        secondary_rate_wait=min(60.0, tuning.retry_seconds),
        max_rate_limit_wait=tuning.retry_seconds,
    )
    return Github(
        base_url=api_url.rstrip("/"),
        auth=Auth.Token(token) if token else None,
        timeout=tuning.timeout,
        user_agent="rollout-enforcer",
        retry=retry,
        per_page=100,
        # Requests are made one after another anyway; a run makes a handful of them.
        seconds_between_requests=None,
        # GitHub asks for a pause between writes; a run makes at most three or four.
        seconds_between_writes=tuning.seconds_between_writes,
        lazy=True,  # no request until data is needed: get_repo/get_issue cost nothing
    )


def _status(error: BaseException) -> int | None:
    return getattr(error, "status", None)


def _message(error: BaseException) -> str:
    data = getattr(error, "data", None)
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])
    return str(getattr(error, "message", None) or error)


def _is_read_only(error: BaseException) -> bool:
    """GitHub's answer to a write with a token that may only read (fork pull requests)."""
    return _status(error) == 403 and "not accessible by integration" in _message(error).lower()


# --- the adapter ------------------------------------------------------------------------


class GitHub:
    """One pull request or issue on GitHub or GitHub Enterprise Server."""

    name = "github"

    def __init__(
        self,
        target: Target,
        token: str | None,
        *,
        publish: bool,
        env: Environ | None = None,
        tuning: Tuning | None = None,
    ) -> None:
        self.target = target
        self.publish = publish
        self.env: Environ = env if env is not None else os.environ
        self.tuning = tuning or tuning_from(self.env)
        self._token = token
        self._github = _client(target.api_url, token, self.tuning)
        self._repo = self._github.get_repo(target.repo)
        self._issue = self._repo.get_issue(target.number)  # lazy: comments and labels
        self._data: Any = None  # the live pull request or issue, once read
        self._comments: dict[int, Any] = {}
        self._blocked: str | None = None  # set when a write was refused

    # -- reading

    @property
    def where(self) -> str:
        return f"{self.target.repo}#{self.target.number} on {self.target.api_url}"

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """PyGithub's and requests' errors as a PlatformError saying what was tried."""
        from github import GithubException
        from requests import RequestException

        try:
            yield
        except GithubException as error:
            status = _status(error)
            hint = {
                401: "GitHub refused the token: set GITHUB_TOKEN to a valid token",
                403: "refused: the token may lack permission, or GitHub is rate-limiting us",
                404: "not found: check the URL, and that GITHUB_TOKEN can read the repository",
            }.get(status or 0, "GitHub answered with an error")
            raise PlatformError(
                f"{doing} {self.where}: {status} {_message(error)} ({hint})"
            ) from None
        except RequestException as error:
            raise PlatformError(
                f"{doing} {self.where}: could not reach GitHub ({type(error).__name__}); "
                f"gave up after the retry budget of {self.tuning.retry_seconds:g} s "
                f"({RETRY_SECONDS_VAR})"
            ) from None

    def _live(self) -> Any:
        """The pull request or issue, read once: body, labels, base commit, web address."""
        if self._data is None:
            with self._errors("reading"):
                if self.target.kind == "pull_request":
                    data = self._repo.get_pull(self.target.number)
                else:
                    data = self._issue
                data.body  # noqa: B018 - completes the lazy object: one GET
                self._data = data
        return self._data

    def subject(self) -> Subject:
        data = self._live()
        if self.target.kind == "pull_request":
            state = "merged" if data.merged else ("opened" if data.state == "open" else "closed")
        else:
            state = "opened" if data.state == "open" else "closed"
        return Subject(
            kind=self.target.kind,
            ref=data.html_url,
            description=data.body or "",
            title=data.title or "",
            labels=frozenset(label.name for label in data.labels),
            state=state,
            web_url=data.html_url,
        )

    def _base_sha(self) -> str | None:
        if self.target.kind != "pull_request":
            return None  # an issue: the default branch
        return self.target.base_sha or self._live().base.sha

    def config_text(self) -> str | None:
        return self.file_text(CONFIG_NAME)

    def file_text(self, path: str) -> str | None:
        """A file of the repository at ``pull_request.base.sha`` (the contents API), or the
        default branch for an issue; None when missing."""
        from github import UnknownObjectException

        ref = self._base_sha()
        with self._errors(f"reading {path} of"):
            try:
                if ref:
                    content = self._repo.get_contents(path, ref=ref)
                else:
                    content = self._repo.get_contents(path)
            except UnknownObjectException:
                return None
        if isinstance(content, list):
            return None  # a directory of that name: not a file
        return content.decoded_content.decode("utf-8-sig", errors="replace")

    def changed_paths(self) -> Iterable[str]:
        if self.target.kind != "pull_request":
            return
        # Page by page, only as far as the caller reads.
        files = iter(self._live().get_files())
        while True:
            with self._errors("listing the files of"):
                changed = next(files, None)
            if changed is None:
                return
            yield changed.filename
            if changed.previous_filename:
                yield changed.previous_filename

    def linked_issues(self) -> Iterable[Subject]:
        from github import UnknownObjectException

        if self.target.kind != "pull_request":
            return
        body = self._live().body or ""
        for repo, number in closing_references(body, self.target.repo)[:MAX_LINKED_ISSUES]:
            issue = self._github.get_repo(repo).get_issue(number)
            with self._errors(f"reading linked issue {repo}#{number} of"):
                try:
                    issue.body  # noqa: B018 - one GET
                except UnknownObjectException:
                    print(f"linked issue {repo}#{number} not found; skipped", file=sys.stderr)
                    continue
            yield Subject(
                kind="issue",
                ref=issue.html_url,
                description=issue.body or "",
                title=issue.title or "",
                labels=frozenset(label.name for label in issue.labels),
                state="opened" if issue.state == "open" else "closed",
                web_url=issue.html_url,
            )

    def rerun_url(self) -> str | None:
        if self.target.kind != "pull_request":
            return None
        # The checks tab: stable across runs, so the comment's text does not change.
        return f"{self._live().html_url}/checks"

    # -- writing

    def publish_blocker(self) -> str | None:
        if not self._token:
            return "GITHUB_TOKEN is not set: nothing is posted"
        if self.target.fork:
            return (
                f"this pull request comes from a fork ({self.target.fork}); GitHub gives "
                "`pull_request` workflows of fork pull requests a read-only token, so nothing "
                "could be posted. Run on `pull_request_target` to comment on fork pull requests "
                "(see docs/github.md)"
            )
        return self._blocked

    def read_state(self) -> State:
        labels = frozenset(label.name for label in self._live().labels)
        comments = self._marker_comments()
        return State(labels, tuple(Comment(c.id, c.body) for c in comments))

    def _marker_comments(self) -> list[Any]:
        """Our comments on every page, oldest first; remembered for editing and deleting."""
        found = []
        with self._errors("listing the comments of"):
            for comment in self._issue.get_comments():
                if has_marker(comment.body):
                    found.append(comment)
        found.sort(key=lambda comment: comment.id)
        self._comments = {comment.id: comment for comment in found}
        return found

    def apply(self, writes: Writes) -> None:
        from github import GithubException

        steps: list[tuple[str, Callable[[], object]]] = []
        steps += [(f"adding label {name!r} to", self._adder(name)) for name in writes.add_labels]
        steps += [
            (f"removing label {name!r} from", self._remover(name)) for name in writes.remove_labels
        ]
        if writes.edit_comment is not None:
            comment_id, body = writes.edit_comment
            steps.append(("editing our comment on", lambda: self._edit_comment(comment_id, body)))
        if writes.create_comment is not None:
            body = writes.create_comment
            steps.append(("commenting on", lambda: self._create_comment(body)))
        for comment_id in writes.delete_comments:
            steps.append(("deleting a duplicate comment on", self._deleter(comment_id)))

        for doing, step in steps:
            with self._errors(doing):
                try:
                    step()
                except GithubException as error:
                    if not _is_read_only(error):
                        raise
                    # A fork's pull request under `pull_request`, or a workflow without
                    # `pull-requests: write`: the verdict still reaches the job summary.
                    # Said once, by finish(): a notice in Actions, a line elsewhere.
                    self._blocked = (
                        f"the token may only read: {doing} {self.target.repo}"
                        f"#{self.target.number} was refused ({_message(error)}), so nothing "
                        "more could be posted"
                    )
                    return

    def _adder(self, name: str) -> Callable[[], object]:
        return lambda: self._issue.add_to_labels(name)

    def _remover(self, name: str) -> Callable[[], object]:
        from github import GithubException

        def remove() -> None:
            try:
                self._issue.remove_from_labels(name)
            except GithubException as error:
                if _status(error) != 404:  # "Label does not exist": already gone, as wanted
                    raise

        return remove

    def _deleter(self, comment_id: int) -> Callable[[], object]:
        from github import GithubException

        def delete() -> None:
            comment = self._comments.get(comment_id)
            if comment is None:
                return
            try:
                comment.delete()
            except GithubException as error:
                if _status(error) != 404:  # another run removed it first
                    raise

        return delete

    def _edit_comment(self, comment_id: int, body: str) -> None:
        from github import GithubException

        comment = self._comments.get(comment_id)
        if comment is None:
            comment = self._repo.get_issue_comment(comment_id)
        try:
            comment.edit(body)
        except GithubException as error:
            if _status(error) != 404:
                raise
            self._create_comment(body)  # deleted meanwhile: post it again, once

    def _create_comment(self, body: str) -> None:
        """Post the comment so that, whatever happens, there is one.

        A create that failed without a clear "no" (5xx, timeout) may still have been made:
        look for the marker again before creating again, within the retry budget.
        """
        from github import GithubException
        from requests import RequestException

        deadline = time.monotonic() + self.tuning.retry_seconds
        while True:
            try:
                self._issue.create_comment(body)
                return
            except (GithubException, RequestException) as error:
                status = _status(error)
                if status is not None and status < 500:
                    raise
                if time.monotonic() >= deadline:
                    raise
            existing = self._marker_comments()
            if existing:
                if existing[0].body != body:
                    existing[0].edit(body)
                return
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))

    # -- CI outputs

    def finish(self, report: Report, markdown: str, json_path: str | None) -> None:
        """Job summary, step outputs and one annotation per requirement short.

        Workflow commands go to standard error: the runner reads commands from both streams
        (actions/runner ScriptHandler), and standard output carries only the report.
        """
        blocked = self.publish_blocker() if self.publish else None
        finish_actions(report, markdown, json_path, self.env, blocked=blocked)
        if self._blocked and self.env.get("GITHUB_ACTIONS") != "true":
            print(f"rollout-enforcer: {self._blocked}", file=sys.stderr)


def finish_actions(
    report: Report,
    markdown: str,
    json_path: str | None,
    env: Environ,
    *,
    blocked: str | None = None,
    stream: Any = None,
) -> None:
    """What a GitHub Actions step reports besides the API: summary, outputs, annotations."""
    stream = stream or sys.stderr
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown.rstrip("\n") + "\n")
    output = env.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write(output_line("status", report.status))
            if json_path:
                handle.write(output_line("report", json_path))
    if env.get("GITHUB_ACTIONS") != "true":
        return
    for line in annotations(report):
        stream.write(line + "\n")
    if blocked:
        stream.write(workflow_command("notice", blocked, title="rollout-enforcer") + "\n")
    stream.flush()


def output_line(name: str, value: str) -> str:
    """``name<<DELIMITER`` form of a GITHUB_OUTPUT entry: safe for any value, even multiline."""
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, **properties: str) -> str:
    """``::command key=value,...::message``, escaped as @actions/core does."""
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{command}{' ' + props if props else ''}::{escape_data(message)}"


def annotations(report: Report) -> list[str]:
    """One ``::error``/``::warning`` per requirement short, at most ten of each kind."""
    by_kind: dict[str, list[tuple[str, str]]] = {"error": [], "warning": []}
    for result in report.requirements:
        if result.status == "ok":
            continue
        where = f" (under {result.heading!r}, line {result.line})" if result.heading else ""
        hint = f" {result.hint}" if result.hint else ""
        message = f"{result.title}: {result.status}{where}.{hint}"
        by_kind[result.severity].append((f"Rollout plan: {result.title}", message))
    for finding in report.findings:
        if finding.requirement is None:
            by_kind[finding.severity].append(("Rollout plan", finding.message))
    lines = []
    for kind, items in by_kind.items():
        if len(items) > ANNOTATIONS_SHOWN:
            rest = len(items) - ANNOTATIONS_SHOWN + 1
            items = items[: ANNOTATIONS_SHOWN - 1]
            items.append(("Rollout plan", f"{rest} more; see the job summary"))
        lines += [workflow_command(kind, message, title=title) for title, message in items]
    return lines

