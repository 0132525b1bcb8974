"""Write-back you can trust, on both platforms through their local servers.

Only our own comment is ever edited or deleted; simultaneous first runs leave exactly one;
a fault on any write (500, 429 or 403 with Retry-After, a dropped connection, a write that
happened but whose answer was lost) still ends with the right comment, labels and status.
Every assertion reads the text of what is left, not only how many.
"""

from __future__ import annotations

import threading

import pytest
from conftest import FAULTS, WRITES, GitHubWorld, GitLabWorld, World, failing, passing

from enforcer.publish import MARKER

HUMAN = "alice"
POSITIONS = {
    "first line": f"{MARKER}\nI copied the bot's marker to see what happens.",
    "inline": f"The bot writes {MARKER} at the top of its comment.",
    "fenced": f"Its comment starts with:\n\n```\n{MARKER}\nRollout plan: incomplete\n```\n",
    "quoted": f"> {MARKER}\n> Rollout plan: incomplete\n\nWhy does it say that?",
}


def human(world: World) -> str:
    return HUMAN if world.platform == "gitlab" else "octocat"


@pytest.mark.parametrize("position", sorted(POSITIONS))
def test_a_comment_by_someone_else_carrying_the_marker_is_never_touched(world, position):
    """Before the first run, after it, and while our verdict changes twice."""
    theirs = POSITIONS[position]
    world.add_comment(theirs, author=human(world))

    for text, report in (("verdict one", failing()), ("verdict two", failing("risks")), ("done", passing())):
        result = world.run(report, text)
        assert result.blocked is None, result
        assert world.comments() == [(human(world), theirs), (world.me, f"{MARKER}\n{text}")]


@pytest.mark.parametrize("position", ["inline", "fenced", "quoted"])
def test_a_comment_by_our_own_identity_is_ours_only_with_the_marker_first(world, position):
    """The same token may write other comments (another workflow step, a person's own
    token): one that only mentions the marker is no copy of ours to edit or delete."""
    other = POSITIONS[position]
    world.add_comment(other)  # by the identity we write as
    world.run(failing(), "verdict one")
    world.run(failing("risks"), "verdict two")
    assert world.comments() == [(world.me, other), (world.me, f"{MARKER}\nverdict two")]


def test_someone_elses_marker_comment_older_and_newer_than_ours(world):
    world.add_comment(POSITIONS["first line"], author=human(world))
    world.run(failing(), "verdict one")
    world.add_comment(f"{MARKER}\nmine now", author=human(world))
    world.run(failing("risks"), "verdict two")
    assert world.comments() == [
        (human(world), POSITIONS["first line"]),
        (world.me, f"{MARKER}\nverdict two"),
        (human(world), f"{MARKER}\nmine now"),
    ]


def test_who_we_are_is_asked_only_before_a_write_and_once(world):
    world.run(failing(), "verdict one")  # no marker comment yet: nobody to tell apart
    assert ("GET", "/user") not in world.requests()
    world.clear_log()
    world.run(failing(), "verdict one")  # reads as we would write it: no write, no question
    assert ("GET", "/user") not in world.requests()
    world.clear_log()
    world.run(failing("risks"), "verdict two")
    assert world.requests().count(("GET", "/user")) == 1
    assert world.ours() == [f"{MARKER}\nverdict two"]


@pytest.mark.parametrize("world", ["github"], indirect=True)
def test_a_personal_github_token_writes_as_its_user_and_leaves_the_bot_alone(world):
    bots = f"{MARKER}\nthe workflow's own verdict"
    world.add_comment(bots, author="github-actions[bot]")
    world.fake.token_user = world.me = "release-bot"
    world.run(failing(), "verdict one")
    world.run(failing("risks"), "verdict two")
    assert world.comments() == [
        ("github-actions[bot]", bots),
        ("release-bot", f"{MARKER}\nverdict two"),
    ]


@pytest.mark.parametrize("world", ["github"], indirect=True)
def test_a_github_app_token_names_its_bot_and_leaves_the_actions_bot_alone(world):
    from enforcer.platforms import github as github_adapter

    actions = f"{MARKER}\nposted by a workflow"
    world.add_comment(actions, author="github-actions[bot]")
    world.add_comment(f"{MARKER}\nold verdict", author="release-app[bot]")
    adapter = world.adapter()
    adapter.env = {github_adapter.AUTHOR_VAR: "release-app[bot]"}
    from conftest import CONFIG

    from enforcer.writeback import carry_out

    carry_out(adapter, failing(), CONFIG, adapter.subject(), f"{MARKER}\nnew verdict")
    assert world.comments() == [
        ("github-actions[bot]", actions),
        ("release-app[bot]", f"{MARKER}\nnew verdict"),
    ]
    assert ("GET", "/user") not in world.requests()


@pytest.mark.parametrize("world", ["github"], indirect=True)
def test_an_app_token_without_its_bot_named_says_how_to_name_it(world):
    """Without ROLLOUT_ENFORCER_COMMENT_AUTHOR an app's token is taken for the Actions bot; the
    comment it creates shows whose it is, and the run says which name to set."""
    from conftest import CONFIG

    from enforcer.writeback import carry_out

    world.fake.app_bot = "release-app[bot]"
    world.add_comment(f"{MARKER}\nold verdict", author="release-app[bot]")  # its earlier run
    said: list[str] = []
    adapter = world.adapter()
    carry_out(adapter, failing(), CONFIG, adapter.subject(), f"{MARKER}\nnew verdict", log=said.append)
    assert world.comments()[-1] == ("release-app[bot]", f"{MARKER}\nnew verdict")
    assert any("ROLLOUT_ENFORCER_COMMENT_AUTHOR=release-app[bot]" in line for line in said), said


@pytest.mark.parametrize("world", ["gitlab"], indirect=True)
def test_a_gitlab_note_by_a_maintainer_with_the_marker_first_is_not_ours(world):
    """The issue's first finding: a human note whose first line is the marker made every run
    edit it, get 403 and exit 3; the tool never posted its own."""
    world.add_comment(f"{MARKER}\nnote by a person", author="maintainer-mo")
    result = world.run(failing(), "verdict")
    assert result.blocked is None and result.done[-1] == "comment posted"
    assert world.comments() == [
        ("maintainer-mo", f"{MARKER}\nnote by a person"),
        ("enforcer-bot", f"{MARKER}\nverdict"),
    ]


# --- concurrency ----------------------------------------------------------------------


@pytest.mark.parametrize(("runs", "first"), [(2, True), (4, True), (3, False)])
def test_simultaneous_runs_leave_exactly_one_comment_with_the_newest_verdict(world, runs, first):
    """Ten trials: ``runs`` runs at the same moment, each its own client and connection;
    ``first``: no comment of ours yet (all create), else the last trial's verdict is there
    (all edit it)."""
    world.add_comment(POSITIONS["quoted"], author=human(world))
    for trial in range(10):
        for _author, body in world.comments():
            if first and body.startswith(MARKER):  # start each trial from a first run
                _remove(world, body)
        text = f"verdict of trial {trial}"
        adapters = [world.adapter() for _ in range(runs)]
        subjects = [adapter.subject() for adapter in adapters]
        start = threading.Barrier(runs)
        errors: list[BaseException] = []

        def one(index: int) -> None:
            from enforcer.writeback import carry_out

            from conftest import CONFIG

            start.wait()
            try:
                carry_out(adapters[index], failing(), CONFIG, subjects[index], f"{MARKER}\n{text}")
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(runs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        assert world.ours() == [f"{MARKER}\n{text}"], f"trial {trial}"
        assert (human(world), POSITIONS["quoted"]) in world.comments()


def _remove(world: World, body: str) -> None:
    if isinstance(world, GitLabWorld):
        notes = world._notes()
        notes[:] = [n for n in notes if n["body"] != body]
    else:
        comments = world.fake.comments("Codertocat/Hello-World", 2)
        comments[:] = [c for c in comments if c["body"] != body]


# --- faults on every write ------------------------------------------------------------


def _prepare(world: World, write: str) -> None:
    """A state in which a failing run makes ``write`` (and most of the others)."""
    world.add_comment("LGTM", author=human(world))
    if write == "create":
        return  # a first run: add a label, post the comment, set the status
    # a re-run after a race: edit ours, delete our duplicate, swap the label, set the status
    world.add_comment(f"{MARKER}\nold verdict")
    world.add_comment(f"{MARKER}\nold verdict (duplicate)")
    world.add_label("rollout-plan::complete")


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("write", WRITES)
def test_a_fault_on_any_write_still_ends_right(world, write, fault):
    _prepare(world, write)
    world.fault(write, fault)
    waits: list[float] = []

    result = world.run(failing(), "verdict", status=True, sleep=waits.append)

    assert result.blocked is None
    assert world.ours() == [f"{MARKER}\nverdict"]
    assert (human(world), "LGTM") in world.comments()
    assert {label for label in world.labels() if label.startswith("rollout-plan")} == {
        "rollout-plan::missing"
    }
    failed = "failed" if world.platform == "gitlab" else "failure"
    statuses = world.statuses()
    assert statuses and set(statuses) == {(failed, "rollout-plan")}
    if fault in ("429", "403"):
        assert 1.0 in waits  # Retry-After honoured, and paid from the run's budget


def test_statuses_say_success_or_failed_with_the_platforms_words(world):
    world.run(failing(), "verdict", status=True)
    world.run(passing(), "done", status=True)
    words = ("failed", "success") if world.platform == "gitlab" else ("failure", "success")
    assert world.statuses() == [(words[0], "rollout-plan"), (words[1], "rollout-plan")]
    assert world.ours() == [f"{MARKER}\ndone"]


# --- drafts ---------------------------------------------------------------------------


def _make_draft(world: World) -> None:
    if isinstance(world, GitLabWorld):
        from gitlab_support import MR, PROJECT

        world.state.merge_requests[(PROJECT, MR)]["draft"] = True
    else:
        world.item.draft = True


def test_an_unchanged_status_is_not_written_again(world):
    """A re-run with the same verdict reads the status and writes nothing (on GitLab a
    finished status written again is one more entry in the list)."""
    world.run(failing(), "verdict", status=True)
    assert len(world.statuses()) == 1
    world.clear_log()
    world.run(failing(), "verdict", status=True)
    assert all(method == "GET" for method, _ in world.requests()), world.requests()
    assert len(world.statuses()) == 1


def test_a_draft_is_checked_but_nothing_is_published_until_ready(world):
    _make_draft(world)
    world.clear_log()
    result = world.run(failing(), "verdict", status=True)
    assert result.blocked is not None and "draft" in result.blocked
    assert all(method == "GET" for method, _ in world.requests())
    assert world.ours() == [] and world.statuses() == []


@pytest.mark.parametrize("state", ["closed", "merged"])
def test_a_closed_or_merged_change_is_left_alone(world, state):
    """A re-run job or `enforce check URL --publish` on a merged merge request writes nothing."""
    from conftest import CONFIG

    from enforcer.writeback import carry_out

    adapter = world.adapter()
    subject = adapter.subject()._replace(state=state)
    result = carry_out(adapter, failing(), CONFIG, subject, f"{MARKER}\nverdict", status=True)
    assert result.blocked is not None and result.blocked.endswith(f" is {state}")
    assert world.ours() == [] and world.statuses() == []


def test_publish_on_drafts_publishes_on_a_draft(world):
    from conftest import CONFIG

    _make_draft(world)
    result = world.run(failing(), "verdict", config=CONFIG._replace(publish_on_drafts=True))
    assert result.blocked is None
    assert world.ours() == [f"{MARKER}\nverdict"]
