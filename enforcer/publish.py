"""What to write back to a merge request or pull request, decided once for every platform.

``plan_writes`` is pure: it takes the report, the comment body we would post and what the
merge request holds now, and returns the writes to make. The platform adapters only read
that state and carry the writes out; they hold no rule of their own.
"""

from __future__ import annotations

from typing import NamedTuple

from enforcer.model import Config, Report

MARKER = "<!-- rollout-enforcer -->"


class Comment(NamedTuple):
    id: int
    body: str


class State(NamedTuple):
    """What the merge request holds now: its labels and the comments carrying our marker,
    oldest first (more than one only after two runs raced to create it)."""

    labels: frozenset[str]
    comments: tuple[Comment, ...] = ()

    @property
    def comment(self) -> Comment | None:
        return self.comments[0] if self.comments else None


class Writes(NamedTuple):
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    create_comment: str | None = None
    edit_comment: tuple[int, str] | None = None  # (comment id, new body)
    delete_comments: tuple[int, ...] = ()  # duplicates left by a race, newest ones

    @property
    def empty(self) -> bool:
        return not (
            self.add_labels
            or self.remove_labels
            or self.create_comment
            or self.edit_comment
            or self.delete_comments
        )


def is_marked(body: str | None) -> bool:
    """Our marker as the first line: a quote, a fence or an inline mention is not. Whose
    comment it is, is the other half of "ours" (``enforcer.writeback``)."""
    if not body:
        return False
    return body.lstrip("\ufeff").split("\n", 1)[0].strip() == MARKER


def wanted_label(report: Report, config: Config) -> str | None:
    """The one status label the merge request should carry, or None (exempt)."""
    if report.status == "exempt":
        return None
    if report.status == "passed":
        return config.labels.complete
    return config.labels.incomplete if report.plan_found else config.labels.missing


def plan_writes(report: Report, config: Config, state: State, body: str) -> Writes:
    """The writes that bring the merge request in line with ``report``.

    - Labels of our family are added and removed one by one; no other label is touched.
    - The one comment is edited in place when its text changed; created only when the plan
      does not pass (a plan that passes on the first run gets no comment) and not exempt.
    - Duplicates from a race between two runs are removed, keeping the oldest.
    """
    want = wanted_label(report, config)
    add = (want,) if want and want not in state.labels else ()
    remove = tuple(
        label for label in config.labels.family() if label != want and label in state.labels
    )

    create = None
    edit = None
    existing = state.comment
    if existing is not None:
        if existing.body != body:
            edit = (existing.id, body)
    elif report.status == "failed":
        create = body

    delete = tuple(comment.id for comment in state.comments[1:])
    return Writes(add, remove, create, edit, delete)
