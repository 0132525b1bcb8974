"""Carrying the verdict back to a merge request or pull request, the same way on every platform.

``enforcer.publish.plan_writes`` decides *what* to write; this module carries it out through
a small protocol (``Writer``) that each platform adapter implements as plain API translation.
Everything that is a rule lives here, once:

- **Only our own comment.** A comment is ours when its first line is the marker *and* its
  author is the identity we write as. A comment that already reads exactly as we would write
  it needs no write, so whose it is matters only before a write: the identity is asked for
  (``Writer.identity``, at most one request per run) only then.
- **The order of writes:** labels, then the comment (edited in place; re-created when it was
  deleted meanwhile), then the commit status where asked.
- **One comment under concurrency.** After creating, the comments are read again and only
  the oldest of ours is kept: a newer duplicate of ours is deleted (by whichever run sees it
  first), after the kept one was brought to our text. No later run is needed.
- **An unclear failure** (``Uncertain``: a 5xx, a timeout or a dropped connection on a POST)
  is settled by reading again before writing again, within the run's retry budget.
- **Blocked is a value:** a refused write (``ReadOnly``), a missing token, a fork, a closed or
  draft merge request end in ``Result(blocked=...)``, never in an exception.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol, TypeVar

from enforcer.publish import Comment, State, Writes, is_marked, plan_writes

if TYPE_CHECKING:
    from enforcer.model import Config, Report
    from enforcer.platforms.base import Subject
    from enforcer.platforms.http import Budget

_T = TypeVar("_T")

STATUS_NAME = "rollout-plan"  # the commit status context / name (CONTRACT.md)


# --- refusals: what a Writer raises ------------------------------------------------------


class Refusal(Exception):
    """A write the platform did not carry out, or may not have. The message says why."""


class NotFound(Refusal):
    """The comment (or label) is not there (404): deleted meanwhile."""


class ReadOnly(Refusal):
    """The token may not write here (403 on a write): nothing more is tried."""


class Uncertain(Refusal):
    """No clear answer to a POST (5xx, timeout, dropped connection): it may have happened."""


# --- the protocol ------------------------------------------------------------------------


class Note(NamedTuple):
    """A comment as the platform lists it."""

    id: int
    body: str
    author: str  # username or login; "" when the platform does not say
    url: str | None = None  # where a browser shows it


class Status(NamedTuple):
    """A commit status as the platform shows it."""

    passed: bool
    description: str
    url: str | None


class Writer(Protocol):
    """What a platform offers the carrier; each method is one API call (or one per page).

    Every method raises ``NotFound``, ``ReadOnly`` or ``Uncertain`` for a refused write, and
    ``PlatformError`` for anything past the retries.
    """

    budget: Budget

    def blocker(self) -> str | None:
        """Why nothing can be written here (no token, a fork ...), before any request."""
        ...

    def comments(self) -> Sequence[Note]:
        """Every comment on the merge request, oldest first, with its author."""
        ...

    def identity(self) -> str | None:
        """The username the token writes as; None when it cannot be known. Cached."""
        ...

    def create_comment(self, body: str) -> Note:
        ...

    def edit_comment(self, note: Note, body: str) -> None:
        ...

    def delete_comment(self, note: Note) -> None:
        ...

    def add_labels(self, names: Sequence[str]) -> None:
        """Add these labels, leaving every other label as it is."""
        ...

    def remove_labels(self, names: Sequence[str]) -> None:
        """Remove these labels (one already gone is fine), leaving every other as it is."""
        ...

    def status(self) -> Status | None:
        """The newest commit status ``rollout-plan`` on the head commit; None when there is
        none (or no commit: an issue)."""
        ...

    def set_status(self, passed: bool, description: str, url: str | None) -> None:
        """The commit status ``rollout-plan`` on the head commit."""
        ...


# --- the result --------------------------------------------------------------------------


class Result(NamedTuple):
    """What publishing did: the writes made, or why it was blocked."""

    done: tuple[str, ...] = ()
    blocked: str | None = None
    comment_url: str | None = None
    refused: bool = False  # blocked by a refused write (a platform error, exit 3), not known up front

    @property
    def summary(self) -> str:
        if self.blocked is not None:
            return f"nothing published: {self.blocked}"
        return "published: " + (", ".join(self.done) if self.done else "nothing changed")


def status_description(report: Report) -> str:
    """The commit status's short text (GitHub cuts it at 140 characters)."""
    if report.status == "exempt":
        return "No rollout plan needed"
    if report.status == "passed":
        return "Rollout plan complete"
    short = [r.title for r in report.requirements if r.severity == "error" and r.status != "ok"]
    text = "Rollout plan incomplete: " + ", ".join(short) if short else "Rollout plan incomplete"
    return text if len(text) <= 140 else text[:139] + "…"


# --- the carrier -------------------------------------------------------------------------


class _Run:
    """One publishing pass over one writer: remembers who we are once it is known."""

    def __init__(self, writer: Writer, log: Callable[[str], None]) -> None:
        self.writer = writer
        self.log = log
        self._me: str | None = None
        self._asked = False

    def me(self) -> str | None:
        if not self._asked:
            self._me = self.writer.identity()
            self._asked = True
        return self._me

    def learn(self, note: Note) -> None:
        """A comment we just created tells who we write as, for free; and says so when the
        identity we took differs (a GitHub App's token cannot read /user), since the next run
        would not know the comment for ours and would post another."""
        if not note.author:
            return
        if not self._asked:
            self._me, self._asked = note.author, True
        elif note.author != self._me:
            self.log(
                f"the comment was posted as {note.author}, not as {self._me or 'the identity assumed'}: "
                f"set ROLLOUT_ENFORCER_COMMENT_AUTHOR={note.author} so that the next run edits it "
                "instead of posting another"
            )

    def ours(self, notes: Sequence[Note]) -> list[Note]:
        marked = [note for note in notes if is_marked(note.body)]
        if not marked:
            return []
        me = self.me()
        return sorted((n for n in marked if me is not None and n.author == me), key=lambda n: n.id)

    def state(self, labels: frozenset[str], body: str) -> tuple[State, dict[int, Note]]:
        notes = self.writer.comments()
        marked = [note for note in notes if is_marked(note.body)]
        if len(marked) == 1 and marked[0].body == body:
            mine = marked  # reads as we would write it: nothing to write, whoever wrote it
        else:
            mine = self.ours(notes)
        by_id = {note.id: note for note in mine}
        return State(labels, tuple(Comment(n.id, n.body) for n in mine)), by_id

    def create(self, body: str) -> Note:
        """Post the comment once, then leave exactly one of ours."""

        def post() -> Note:
            note = self.writer.create_comment(body)
            self.learn(note)
            return note

        def posted_after_all() -> Note | None:  # the lost answer may have been a success
            found = [n for n in self.ours(self.writer.comments()) if n.body == body]
            return found[-1] if found else None

        note = _until_settled(self.writer, post, posted_after_all, "; the comment is not there")
        return self.settle(note, body)

    def settle(self, created: Note, body: str) -> Note:
        """Runs that raced to create: the oldest comment of ours stays, with our text."""
        mine = self.ours(self.writer.comments())
        if not mine:
            return created
        keep = mine[0]
        if keep.id != created.id:
            self.log("another run posted the comment at the same moment: the older one stays")
            if keep.body != body:
                keep = self.edit(keep, body)
        for note in mine[1:]:  # ours if we lost the race, a racing run's if we won it
            self.delete(note)
        return keep

    def edit(self, note: Note, body: str) -> Note:
        try:
            self.writer.edit_comment(note, body)
            return note._replace(body=body)
        except NotFound:
            return self.create(body)  # deleted since we read it

    def delete(self, note: Note) -> None:
        try:
            self.writer.delete_comment(note)
        except NotFound:
            pass  # another run removed it first


def carry_out(
    writer: Writer,
    report: Report,
    config: Config,
    subject: Subject,
    body: str,
    *,
    status: bool = False,
    log: Callable[[str], None] = lambda _: None,
) -> Result:
    """Bring the merge request in line with ``report``: labels, our one comment, the status.

    ``body`` is the whole comment, marker first. ``status``: also set the commit status
    ``rollout-plan`` on the head commit (``enforce serve`` always, CI where asked).
    """
    blocked = writer.blocker() or _subject_blocker(subject, config)
    if blocked is not None:
        return Result(blocked=blocked)
    run = _Run(writer, log)
    done: list[str] = []
    comment_url = subject.web_url
    try:
        state, by_id = run.state(subject.labels, body)
        writes: Writes = plan_writes(report, config, state, body)
        if state.comment is not None:
            comment_url = by_id[state.comment.id].url or comment_url
        if writes.add_labels:
            _settled(writer, lambda: writer.add_labels(writes.add_labels))
            done += [f"label {label} added" for label in writes.add_labels]
        if writes.remove_labels:
            writer.remove_labels(writes.remove_labels)
            done += [f"label {label} removed" for label in writes.remove_labels]
        if writes.edit_comment is not None:
            note = run.edit(by_id[writes.edit_comment[0]], writes.edit_comment[1])
            comment_url = note.url or comment_url
            done.append("comment updated")
        elif writes.create_comment is not None:
            note = run.create(writes.create_comment)
            comment_url = note.url or comment_url
            done.append("comment posted")
        if writes.delete_comments:
            for comment_id in writes.delete_comments:
                run.delete(by_id[comment_id])
            done.append(f"{len(writes.delete_comments)} duplicate comment(s) removed")
        if status:
            passed = report.status != "failed"
            description = status_description(report)
            now = writer.status()
            # unchanged: no write (a finished status written again is a new entry on GitLab)
            if now is None or (now.passed, now.description) != (passed, description) or (
                comment_url is not None and now.url != comment_url
            ):
                _settled(writer, lambda: writer.set_status(passed, description, comment_url))
                done.append(f"commit status {STATUS_NAME} set")
    except ReadOnly as refusal:
        return Result(tuple(done), blocked=str(refusal), refused=True)
    return Result(tuple(done), comment_url=comment_url)


def _settled(writer: Writer, write: Callable[[], None]) -> None:
    """An idempotent write sent by POST (labels on GitHub, a commit status): after an unclear
    failure, sending it again is safe; as often as the run's retry budget allows."""
    _until_settled(writer, write, lambda: None)


def _until_settled(
    writer: Writer,
    write: Callable[[], _T],
    done_after_all: Callable[[], _T | None],
    not_there: str = "",
) -> _T:
    """``write`` again after each unclear failure (``Uncertain``), unless ``done_after_all``
    finds it happened anyway, as long as the run's retry budget allows; then a PlatformError
    that states the time really spent."""
    budget = writer.budget
    started = time.monotonic()
    attempt = 0
    while True:
        try:
            return write()
        except Uncertain as unclear:
            found = done_after_all()
            if found is not None:
                return found
            wait = budget.policy.backoff(attempt)
            if not budget.affords(wait):
                from enforcer.platforms.base import PlatformError

                raise PlatformError(
                    f"{unclear}{not_there}; gave up after {time.monotonic() - started:.1f} s and "
                    f"{attempt + 1} attempt{'s' if attempt else ''} (the next wait of {wait:.2g} s "
                    f"would pass the retry budget of {budget.policy.total_seconds:g} s, "
                    "ROLLOUT_ENFORCER_RETRY_SECONDS). Re-run later."
                ) from None
            budget.wait(wait)
            attempt += 1


def _subject_blocker(subject: Subject, config: Config) -> str | None:
    noun = subject.kind.replace("_", " ")
    if subject.state in ("closed", "merged", "locked"):
        return f"the {noun} is {subject.state}"
    if subject.draft and not config.publish_on_drafts:
        return (
            f"the {noun} is a draft; the verdict is published once it is marked ready "
            "(publish_on_drafts: true publishes on drafts too)"
        )
    return None


__all__ = [
    "STATUS_NAME",
    "Note",
    "NotFound",
    "ReadOnly",
    "Refusal",
    "Result",
    "Uncertain",
    "Writer",
    "carry_out",
    "is_marked",
    "status_description",
    "Status",
]
