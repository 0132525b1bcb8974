"""The checks themselves, off the request path: a pool of threads taking jobs from the queue.

``check_and_publish(job, settings)`` is the one place a job meets the rest of the tool: it
builds the platform adapter against the *configured* API root (never a URL from a payload),
runs the same check as ``enforce check`` on the live description, and writes the verdict back
(comment, labels, commit status) through ``enforcer.run.publish`` and ``enforcer.writeback``,
whose rules keep one comment per merge request however many replicas race.

A check that fails with a platform error (unreachable, 5xx past the adapter's own retries) is
tried again after 2, 4, 8 ... s (at most 60 s between two attempts) until
``ROLLOUT_ENFORCER_CHECK_RETRY_SECONDS`` (300 s) are spent; then it is given up, logged and
counted. A configuration error in the repository is no outage: it is logged at once.

After a GitLab issue is checked, the open merge requests that close it are queued too: a
plan kept in the issue is where their check finds it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from enforcer.platforms.base import Platform, PlatformError
from enforcer.serve.events import Job
from enforcer.serve.jobs import MERGED, CoalescingQueue, Ticket
from enforcer.serve.metrics import Metrics
from enforcer.serve.settings import Settings

Log = Callable[..., None]  # log(event, **fields): one JSON line
MAX_WAIT = 60.0


class Checked(NamedTuple):
    """What one check found and did."""

    verdict: str  # passed, failed, exempt; "skipped" for a closed or merged one
    published: str  # what was written, or why nothing was
    check_seconds: float
    publish_seconds: float
    comment_url: str | None = None
    notes: tuple[str, ...] = ()  # what the run said on the way (a race settled, a blocker)
    follow_ups: tuple[Job, ...] = ()  # merge requests to re-check: their plan is in this issue


def platform_for(job: Job, settings: Settings) -> Platform:
    """The adapter for ``job``, pointed at the configured API root with the configured token."""
    if job.platform == "gitlab":
        from enforcer.platforms import gitlab

        assert settings.gitlab_url is not None
        target = gitlab.Target(
            gitlab._api_url(settings.gitlab_url), job.project, job.kind, job.number
        )
        return gitlab.GitLab(
            target,
            token=settings.gitlab_token,
            publish=True,
            policy=gitlab.RetryPolicy.from_env(settings.env),
        )
    from enforcer.platforms import github

    assert settings.github_api_url is not None
    kind: Any = job.kind
    pull = github.Target(settings.github_api_url, job.project, job.number, kind)
    return github.GitHub(pull, settings.github_token, publish=True, env=settings.env)


REJUDGE_TIMES = 3  # a description edited faster than this is caught by its next event


def _judged(subject: Any) -> tuple[Any, ...]:
    """What a verdict depends on: the text, the title, the labels (the exemption), the state."""
    return (subject.description, subject.title, subject.labels, subject.state)


def check_and_publish(job: Job, settings: Settings) -> Checked:
    """Check ``job``'s merge request, pull request or issue as it is now, and write back:
    the comment, the labels and the commit status ``rollout-plan`` on the head commit."""
    from enforcer import run
    from enforcer.report import render

    notes: list[str] = []
    started = time.monotonic()
    platform = platform_for(job, settings)
    outcome = run.check(platform, run.Options(), notes.append)
    subject = outcome.subject or platform.subject()  # read once by the check already
    # Another replica may be checking a newer version of this description right now. Read it
    # again just before writing: when what we judge changed meanwhile, judge again, so the
    # last verdict written is of the latest text however the replicas interleave.
    for _ in range(REJUDGE_TIMES):
        fresh = platform_for(job, settings)
        now = fresh.subject()
        if _judged(now) == _judged(subject):
            break
        notes.append("the description changed while it was checked: checked again")
        platform = fresh
        outcome = run.check(platform, run.Options(), notes.append)
        subject = outcome.subject or now
    checked = time.monotonic()
    if subject.state != "opened":
        return Checked(
            "skipped",
            f"the {job.kind.replace('_', ' ')} is {subject.state}",
            checked - started,
            0.0,
        )
    markdown = render("markdown", outcome.report)
    result = run.publish(platform, outcome, markdown, notes.append, status=True)
    follow_ups: tuple[Job, ...] = ()
    closing = getattr(platform, "closing_merge_requests", None)
    if job.kind == "issue" and closing is not None:
        follow_ups = tuple(
            Job(job.platform, project, "merge_request", iid, f"plan in issue {job.name} changed")
            for project, iid in closing()
        )
    return Checked(
        outcome.report.status,
        result.summary,
        checked - started,
        time.monotonic() - checked,
        result.comment_url,
        tuple(note for note in notes if note != result.summary),
        follow_ups,
    )


class Pool:
    """``workers`` threads running checks from ``queue`` with retries within a budget."""

    def __init__(
        self,
        queue: CoalescingQueue,
        settings: Settings,
        metrics: Metrics,
        log: Log,
        check: Callable[[Job, Settings], Checked] = check_and_publish,
    ) -> None:
        self.queue = queue
        self.settings = settings
        self.metrics = metrics
        self.log = log
        self.check = check
        self._stop = threading.Event()  # no more work will come: end when the queue is empty
        self._abort = threading.Event()  # the drain ran out of time: give up retrying
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for number in range(self.settings.workers):
            thread = threading.Thread(
                target=self._work, name=f"enforce-serve-worker-{number}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def drain(self, timeout: float) -> int:
        """Refuse new work, run what waits, and stop; the number of checks left undone when
        ``timeout`` ran out (0 when everything was checked)."""
        self.queue.close()
        self._stop.set()
        finished = self.queue.wait_idle(timeout)
        left = 0 if finished else self.queue.pending()
        self._abort.set()
        for thread in self._threads:
            thread.join(0.5 if finished else 0.1)
        return left

    def _work(self) -> None:
        while True:
            ticket = self.queue.take(timeout=0.5)
            if ticket is None:
                if self._stop.is_set():
                    return
                continue
            try:
                self._run(ticket)
            finally:
                self.queue.done(ticket.job)

    def _run(self, ticket: Ticket) -> None:
        from enforcer.config import ConfigError

        job = ticket.job
        self.metrics.stage.labels("queue").observe(ticket.waited)
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                checked = self.check(job, self.settings)
            except ConfigError as error:
                self.metrics.given_up.labels(job.platform).inc()
                self._log_check(
                    ticket, attempt, "config-error", error=f"configuration error: {error}"
                )
                return
            except Exception as error:  # noqa: BLE001 - a worker thread must outlive any check
                self.metrics.failures.labels(job.platform).inc()
                problem = (
                    str(error)
                    if isinstance(error, PlatformError)
                    else f"{type(error).__name__}: {error}"
                )
                wait = min(MAX_WAIT, self.settings.retry_base_seconds * 2 ** (attempt - 1))
                spent = time.monotonic() - started
                if spent + wait > self.settings.retry_seconds:
                    self.metrics.given_up.labels(job.platform).inc()
                    self._log_check(ticket, attempt, "given-up", error=problem)
                    return
                self._log_check(ticket, attempt, "retrying", error=problem, wait=round(wait, 2))
                if self._abort.wait(wait):
                    self.metrics.given_up.labels(job.platform).inc()
                    self._log_check(ticket, attempt, "given-up", error="drain ended: " + problem)
                    return
                continue
            self.metrics.checks.labels(job.platform, checked.verdict).inc()
            self.metrics.stage.labels("check").observe(checked.check_seconds)
            self.metrics.stage.labels("publish").observe(checked.publish_seconds)
            self.metrics.stage.labels("total").observe(ticket.waited + time.monotonic() - started)
            extra: dict[str, Any] = {"notes": list(checked.notes)} if checked.notes else {}
            if checked.follow_ups:
                extra["follow_ups"] = self._follow_up(ticket, checked.follow_ups)
            self._log_check(
                ticket,
                attempt,
                checked.verdict,
                published=checked.published,
                comment=checked.comment_url,
                **extra,
            )
            return

    def _follow_up(self, ticket: Ticket, jobs: tuple[Job, ...]) -> list[str]:
        """Schedule the merge requests whose plan lives in the issue just checked."""
        said = []
        for job in jobs:
            how = self.queue.offer(job, f"{ticket.deliveries[-1]}/{job.name}")
            if how == MERGED:
                self.metrics.coalesced.inc()
            said.append(f"{job.name}: {how}")
        return said

    def _log_check(self, ticket: Ticket, attempt: int, outcome: str, **fields: Any) -> None:
        job = ticket.job
        self.log(
            "check",
            target=job.name,
            reason=job.reason,
            deliveries=list(ticket.deliveries),
            attempt=attempt,
            outcome=outcome,
            **fields,
        )
