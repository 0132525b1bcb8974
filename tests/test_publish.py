"""What to write back, decided once for both platforms: a table of (report, state) -> writes."""

from __future__ import annotations

import pytest

from enforcer.model import Config, Labels, Report, RequirementResult
from enforcer.publish import MARKER, Comment, State, Writes, is_marked, plan_writes

CONFIG = Config(ruleset="handbook", requirements=())
L = Labels()
BODY = f"{MARKER}\nbody"


def report(status: str, found: bool = True) -> Report:
    requirement = RequirementResult("rollback", "Rollback plan", "error", "ok" if found else "missing")
    return Report("mr", "handbook", status, (requirement,))  # type: ignore[arg-type]


CASES = [
    # a plan that passes on the first run: label only, no comment
    ("passed, first run", report("passed"), State(frozenset()), Writes(add_labels=(L.complete,))),
    # failing first run: label and comment
    ("failed, first run", report("failed"), State(frozenset()), Writes(add_labels=(L.incomplete,), create_comment=BODY)),
    # nothing found at all: the missing label
    ("missing", report("failed", found=False), State(frozenset({"bug"})), Writes(add_labels=(L.missing,), create_comment=BODY)),
    # unchanged: nothing at all
    ("unchanged", report("failed"), State(frozenset({L.incomplete, "bug"}), (Comment(7, BODY),)), Writes()),
    # fixed: swap labels, edit the comment in place
    (
        "fixed",
        report("passed"),
        State(frozenset({L.incomplete}), (Comment(7, f"{MARKER}\nold"),)),
        Writes(add_labels=(L.complete,), remove_labels=(L.incomplete,), edit_comment=(7, BODY)),
    ),
    # exempt: our labels go, nothing else is touched, no comment created
    ("exempt", report("exempt"), State(frozenset({L.missing, "rollout-plan::not-needed"})), Writes(remove_labels=(L.missing,))),
    # a race left two comments: keep the oldest, delete the rest
    (
        "duplicates",
        report("failed"),
        State(frozenset({L.incomplete}), (Comment(3, BODY), Comment(9, BODY), Comment(11, BODY))),
        Writes(delete_comments=(9, 11)),
    ),
]


@pytest.mark.parametrize(("name", "verdict", "state", "expected"), CASES, ids=[c[0] for c in CASES])
def test_plan_writes(name: str, verdict: Report, state: State, expected: Writes) -> None:
    assert plan_writes(verdict, CONFIG, state, BODY) == expected


def test_other_labels_are_never_touched() -> None:
    state = State(frozenset({"bug", "frontend", L.complete}))
    writes = plan_writes(report("failed"), CONFIG, state, BODY)
    assert set(writes.add_labels) | set(writes.remove_labels) <= set(L.family())


def test_writes_empty_and_marker() -> None:
    assert Writes().empty
    assert not Writes(add_labels=("x",)).empty
    assert is_marked(f"{MARKER}\nbody") and is_marked(f"\ufeff{MARKER}  \nbody")
    for body in (f"x {MARKER} y", f"> {MARKER}\n", f"```\n{MARKER}\n```", None, "plain", f"\n{MARKER}"):
        assert not is_marked(body), body
