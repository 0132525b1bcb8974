"""GitHub: a pull request or issue, read and written through PyGithub.

Inside a GitHub Actions workflow run by a ``pull_request``, ``pull_request_target`` or
``issues`` event, the target is the pull request or issue of the event (``from_ci``);
anywhere, a URL names one (``from_url``). The event payload only says *which* pull request
and its base commit: the description is always read live, since a re-run job replays the
old event.

This is the only module that imports PyGithub, and only when a GitHub target is used.

It offers ``enforcer.writeback`` the few writes it needs (``Writer``): API translation
only. Requests follow the one HTTP policy of ``enforcer.platforms.http`` (its ``Retry`` is
PyGithub's ``retry=``; one budget per run); PyGithub's own retry and its log lines are off.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from urllib.parse import urlparse

from enforcer.model import Report
from enforcer.platforms import http
from enforcer.platforms.base import Environ, PlatformError, Subject, TargetError
from enforcer.writeback import Note, NotFound, ReadOnly, Status, Uncertain, Writer

CONFIG_NAME = ".rollout-plan.yml"
DEFAULT_API_URL = "https://api.github.com"
EVENTS = ("pull_request", "pull_request_target", "issues")

# Who writes with the GITHUB_TOKEN of a workflow; that token cannot read GET /user.
ACTIONS_BOT = "github-actions[bot]"
AUTHOR_VAR = "ROLLOUT_ENFORCER_COMMENT_AUTHOR"  # an app token's bot login, which /user cannot tell
ACCESS = http.Access(
    platform="GitHub",
    token="GITHUB_TOKEN",
    read="read access to the repository (permissions: contents: read, pull-requests: read)",
    write="the permissions pull-requests: write and issues: write (a fork's pull request "
    "under pull_request only gets a read-only token)",
    place="the repository",
)

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
    dependabot: bool = False  # a Dependabot pull request under `pull_request`: read-only token


Tuning = http.Policy  # the run's timeout and retry budget, as on GitLab


def tuning_from(env: Environ) -> http.Policy:
    """``ROLLOUT_ENFORCER_TIMEOUT_SECONDS`` and ``ROLLOUT_ENFORCER_RETRY_SECONDS``, checked."""
    return http.Policy.from_env(env)


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
        # Dependabot's runs of `pull_request` get a read-only token too (GitHub docs,
        # "Automating Dependabot with GitHub Actions").
        dependabot = event == "pull_request" and env.get("GITHUB_ACTOR") == "dependabot[bot]"
        base_sha = _get(pull, "base", "sha")
        target = Target(
            api_url, repo, number, "pull_request",
            base_sha if isinstance(base_sha, str) and base_sha else None, fork, dependabot,
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
    except RecursionError:
        raise TargetError(f"GITHUB_EVENT_PATH {path}: JSON nested too deeply for an event") from None
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


def _client(api_url: str, token: str | None, budget: http.Budget) -> Any:
    import logging

    from github import Auth, Github

    # PyGithub logs refused requests itself ("Request POST ... failed with 403"); what went
    # wrong is said once, by us.
    logger = logging.getLogger("github")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False
    return Github(
        base_url=api_url.rstrip("/"),
        auth=Auth.Token(token) if token else None,
        timeout=max(1, round(budget.policy.timeout_seconds)),
        user_agent="rollout-enforcer",
        retry=http.retry_for(budget),
        per_page=100,
        # Requests are made one after another anyway; a run makes a handful of them.
        seconds_between_requests=None,
        seconds_between_writes=None,
        lazy=True,  # no request until data is needed: get_repo/get_issue cost nothing
    )


def _status(error: BaseException) -> int | None:
    return getattr(error, "status", None)


def _message(error: BaseException) -> str:
    data = getattr(error, "data", None)
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])
    return str(getattr(error, "message", None) or error)


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
        tuning: http.Policy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.target = target
        self.publish = publish
        self.env: Environ = env if env is not None else os.environ
        self.tuning = tuning or tuning_from(self.env)
        self.budget = http.Budget(self.tuning, sleep)
        self._token = token
        self._github = _client(target.api_url, token, self.budget)
        self._repo = self._github.get_repo(target.repo)
        self._issue = self._repo.get_issue(target.number)  # lazy: comments and labels
        self._data: Any = None  # the live pull request or issue, once read
        self._comments: dict[int, Any] = {}  # PyGithub's objects, to edit without a GET
        self._me: str | None = None

    # -- reading

    @property
    def where(self) -> str:
        return f"{self.target.repo}#{self.target.number} on {self.target.api_url}"

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """PyGithub's and requests' errors on a read, as a PlatformError saying what was
        tried (``doing``: "read", "list the comments of" ...) and what would help."""
        from github import GithubException
        from requests import RequestException

        try:
            yield
        except GithubException as error:
            status = _status(error) or 0
            sentence = None if self.budget.has_given_up() else http.worded(
                status, ACCESS, doing, self.where, write=False
            )
            if status == 403 and "rate limit" in _message(error).lower():
                sentence = None  # a rate limit, not a missing permission
            if sentence is not None:
                raise PlatformError(f"{sentence} ({_message(error)})") from None
            raise http.platform_error(
                self.budget, "GitHub", doing, self.where, f"{status} {_message(error)}"
            ) from None
        except RequestException:
            raise http.platform_error(
                self.budget, "GitHub", doing, self.where, "could not reach GitHub"
            ) from None

    def _live(self) -> Any:
        """The pull request or issue, read once: body, labels, base commit, web address."""
        if self._data is None:
            with self._errors("read"):
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
            draft=bool(self.target.kind == "pull_request" and data.draft),
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
        with self._errors(f"read {path} of"):
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
            with self._errors("list the files of"):
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
            with self._errors(f"read linked issue {repo}#{number} of"):
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

    # -- writing back: enforcer.writeback.Writer

    def writer(self) -> Writer:
        return self

    def blocker(self) -> str | None:
        if not self._token:
            return "GITHUB_TOKEN is not set: nothing is posted"
        if self.target.fork:
            return (
                f"this pull request comes from a fork ({self.target.fork}); GitHub gives "
                "`pull_request` workflows of fork pull requests a read-only token, so nothing "
                "could be posted. Run on `pull_request_target` to comment on fork pull requests "
                "(see docs/github.md)"
            )
        if self.target.dependabot:
            return (
                "this run was triggered by Dependabot, whose `pull_request` runs get a "
                "read-only token, so nothing could be posted (see docs/github.md)"
            )
        return None

    def _note(self, comment: Any) -> Note:
        self._comments[comment.id] = comment
        return Note(comment.id, comment.body or "", comment.user.login if comment.user else "", comment.html_url)

    def comments(self) -> Sequence[Note]:
        found = []
        with self._errors("list the comments of"):
            for comment in self._issue.get_comments():
                found.append(self._note(comment))
        return sorted(found, key=lambda note: note.id)

    def identity(self) -> str | None:
        """A personal token's user; a workflow's GITHUB_TOKEN (no GET /user) writes as the
        Actions bot. A GitHub App's installation token cannot read GET /user either: name
        its bot (``my-app[bot]``) in ``ROLLOUT_ENFORCER_COMMENT_AUTHOR``."""
        from github import GithubException

        if self._me is None and self.env.get(AUTHOR_VAR):
            self._me = self.env[AUTHOR_VAR].strip()
        if self._me is None:
            with self._errors("read the token's user on"):
                try:
                    self._me = self._github.get_user().login
                except GithubException as error:
                    if _status(error) != 403:
                        raise
                    self._me = ACTIONS_BOT  # "Resource not accessible by integration"
        return self._me

    def create_comment(self, body: str) -> Note:
        with self._write("comment on", post=True):
            return self._note(self._issue.create_comment(body))

    def edit_comment(self, note: Note, body: str) -> None:
        with self._write("edit our comment on"):
            comment = self._comments.get(note.id) or self._repo.get_issue_comment(note.id)
            comment.edit(body)

    def delete_comment(self, note: Note) -> None:
        with self._write("delete our duplicate comment on"):
            comment = self._comments.get(note.id) or self._repo.get_issue_comment(note.id)
            comment.delete()

    def add_labels(self, names: Sequence[str]) -> None:
        # POST adds to the labels there; PUT would replace them all.
        with self._write("add labels to", post=True):
            self._issue.add_to_labels(*names)

    def remove_labels(self, names: Sequence[str]) -> None:
        for name in names:
            try:
                with self._write(f"remove label {name!r} from"):
                    self._issue.remove_from_labels(name)
            except NotFound:
                pass  # "Label does not exist": already gone, as wanted

    def status(self) -> Status | None:
        from enforcer.writeback import STATUS_NAME

        if self.target.kind != "pull_request":
            return None
        sha = self._live().head.sha
        with self._errors("read the commit statuses of"):
            for item in self._repo.get_commit(sha).get_statuses():  # newest first
                if item.context == STATUS_NAME:
                    return Status(item.state == "success", item.description or "", item.target_url)
        return None

    def set_status(self, passed: bool, description: str, url: str | None) -> None:
        from enforcer.writeback import STATUS_NAME

        if self.target.kind != "pull_request":
            return  # an issue has no commit
        sha = self._live().head.sha
        with self._write("set the commit status on", post=True):
            self._repo.get_commit(sha).create_status(
                "success" if passed else "failure",
                target_url=url or self._live().html_url,
                description=description,
                context=STATUS_NAME,
            )

    @contextmanager
    def _write(self, doing: str, *, post: bool = False) -> Iterator[None]:
        """A write's failure as one of writeback's refusals, or a PlatformError."""
        from github import GithubException
        from requests import RequestException

        try:
            yield
        except GithubException as error:
            status = _status(error) or 0
            if self.budget.has_given_up():
                raise http.platform_error(
                    self.budget, "GitHub", doing, self.where, f"{status} {_message(error)}"
                ) from None
            if status == 404:
                raise NotFound(f"GitHub found nothing to {doing} {self.where} (404)") from None
            if status == 403 and "rate limit" in _message(error).lower():
                raise http.platform_error(  # a rate limit that named no time to wait
                    self.budget, "GitHub", doing, self.where, f"403 {_message(error)}"
                ) from None
            if status == 403:
                sentence = http.worded(403, ACCESS, doing, self.where, write=True)
                raise ReadOnly(f"{sentence} ({_message(error)})") from None
            if status == 401:
                sentence = http.worded(401, ACCESS, doing, self.where, write=True)
                raise PlatformError(f"{sentence} ({_message(error)})") from None
            if post and status >= 500:
                raise Uncertain(f"GitHub answered {status} to {doing} {self.where}") from None
            raise http.platform_error(
                self.budget, "GitHub", doing, self.where, f"{status} {_message(error)}"
            ) from None
        except RequestException:
            if post and not self.budget.has_given_up():
                raise Uncertain(f"GitHub gave no answer to {doing} {self.where}") from None
            raise http.platform_error(
                self.budget, "GitHub", doing, self.where, "could not reach GitHub"
            ) from None

    # -- CI outputs

    def finish(self, report: Report, markdown: str, json_path: str | None) -> None:
        """Job summary, step outputs and one annotation per requirement short.

        Workflow commands go to standard error: the runner reads commands from both streams
        (actions/runner ScriptHandler), and standard output carries only the report.
        """
        finish_actions(report, markdown, json_path, self.env)


if TYPE_CHECKING:  # the type checker holds the adapter to the protocol
    _writer: type[Writer] = GitHub


def finish_actions(
    report: Report,
    markdown: str,
    json_path: str | None,
    env: Environ,
    *,
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
    for line in annotation_lines(report):
        stream.write(line + "\n")
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


def annotation_lines(report: Report) -> list[str]:
    """One ``::error``/``::warning`` per requirement short, at most ten of each kind, in the
    words of the comment: what was found, then what to fix."""
    from enforcer.report._common import STATUS_PHRASES, one_line, what_to_fix

    by_kind: dict[str, list[tuple[str, str]]] = {"error": [], "warning": []}
    for result in report.requirements:
        if result.status == "ok":
            continue
        where = f" (under {one_line(result.heading)!r}, line {result.line})" if result.heading else ""
        found = STATUS_PHRASES.get(result.status, result.status)
        fix = what_to_fix(report, result)
        message = f"{result.title}: {found}{where}.{' ' + fix if fix else ''}"
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

