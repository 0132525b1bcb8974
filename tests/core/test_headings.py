"""Real-world headings -> the handbook requirements they answer.

Collected from public merge request and pull request templates, GitLab's feature-flag
roll-out issue template, Kubernetes KEPs and change-request (CAB) forms. Each row names
every requirement the heading answers, so a new alias that wrongly catches another
requirement's heading fails here ("Rollback steps" must not answer rollout-steps).
"""

from __future__ import annotations

import pytest
from core_support import check, result, ruleset

from enforcer import engine
from enforcer.text import normalize

# Testing headings answer validation too: real templates put "how we validate" under them
# (issue 8, corpus labels: Testing, Test plan, QA plan, How has this been tested?).
REAL_HEADINGS = [
    # GitLab feature flag roll-out template and the guide
    ("Expectations", {"expectations"}),
    ("What are we expecting to happen?", {"expectations"}),
    ("What might happen if this goes wrong?", {"risks"}),
    ("What can we monitor to detect problems with this?", {"validation", "metrics"}),
    ("What can go wrong and how would we detect it?", {"risks", "validation"}),
    ("Rollout Steps", {"rollout-steps"}),
    ("Rollback Steps", {"rollback"}),
    ("Stakeholders", {"communication"}),
    ("Metrics to observe", {"metrics"}),
    ("Testing scenarios", {"testing", "validation"}),
    ("Staging and Production checks", {"staging-production-checks"}),
    ("The rollout process itself", {"rollout-steps"}),
    ("Post rollout retro", {"retro"}),
    # headings of the parts gathered later (U to Z)
    ("Production safety", {"risks"}),
    ("Contract Upgrade Limitations", {"risks"}),
    ("Impact of Change", {"expectations"}),
    ("Verifications", {"validation"}),
    ("Post-deployment steps", {"validation", "rollout-steps"}),
    ("How do you know if there might be a problem with gRPC?", {"validation"}),
    # pull request and merge request templates
    ("Risks/Rollback", {"risks", "rollback"}),
    ("Risk & Rollback", {"risks", "rollback"}),
    ("How to Test", {"testing", "validation"}),
    ("How has this been tested?", {"testing", "validation"}),
    ("QA instructions", {"testing", "validation"}),
    ("Test plan", {"testing", "validation"}),
    ("Testing / Validation", {"testing", "validation"}),
    ("Deploy instructions", {"rollout-steps"}),
    ("Deployment steps", {"rollout-steps"}),
    ("Post-deploy checks", {"staging-production-checks", "validation"}),  # they validate the result
    ("Preflight checks", {"staging-production-checks"}),
    ("Smoke testing", {"staging-production-checks", "testing", "validation"}),
    ("Smoke test", {"staging-production-checks", "validation"}),
    ("Verification steps", {"validation"}),
    ("How to verify", {"validation"}),
    ("Monitoring & Alerting", {"validation", "metrics"}),
    ("Dashboards & Alerts", {"metrics"}),
    ("Dashboards", {"metrics"}),
    # what users will see; not the rollout's communication (7 of 7 corpus "Release notes" sections
    # label communication false: a changelog for users, not whom to tell and where to watch)
    ("Release notes", {"expectations"}),
    ("Who to notify", {"communication"}),
    ("Known issues", {"risks"}),
    ("Kill switch", {"rollback"}),
    ("Staged rollout", {"rollout-steps"}),
    ("Lessons learned", {"retro"}),
    ("Follow-up issues", {"retro"}),
    ("Non-goals", set()),
    ("Goals", {"expectations"}),
    # KEPs
    ("Risks and Mitigations", {"risks"}),
    ("Test Plan", {"testing", "validation"}),
    ("Rollout, Upgrade and Rollback Planning", {"rollback"}),
    ("Monitoring Requirements", {"validation", "metrics"}),
    # change requests
    ("Back-out Plan", {"rollback"}),
    ("Roll Back Plan", {"rollback"}),
    ("Impact Assessment", {"risks"}),
    ("Risk Assessment", {"risks"}),
    ("Blast radius", {"risks"}),
    ("Implementation Plan", {"rollout-steps"}),
    ("Testing Strategy", {"testing", "validation"}),
    ("Communication Plan", {"communication"}),
    ("Expected Outcome", {"expectations"}),
    ("Acceptance criteria", {"expectations", "validation"}),
    ("Acceptance", {"validation"}),
    ("Evidence", {"validation"}),
    ("Test Procedure", {"validation"}),
    ("Check that everything works", {"validation"}),
    ("Done: check that it works", set()),  # the words inside a longer title name no part
    ("Vérifier que la restauration est effective", {"validation"}),
    ("Acceptance Steps", {"validation"}),
    ("Success criteria", {"expectations", "validation"}),  # how we know it worked (corpus labels)
    ("Post-Rollback Verification", {"rollback", "validation"}),
    # decorated
    ("🔙 Rollback", {"rollback"}),
    ("3. Rollback plan", {"rollback"}),
    ("Rollback plan (required)", {"rollback"}),
    ("⚠️ Risks", {"risks"}),
    ("Unexpected outcomes", {"risks"}),  # not expectations
    (":dart: Goals", {"expectations"}),
    (":mag: Verify", {"validation"}),
    # how engineers title them in a hurry
    ("Expected", {"expectations"}),
    ("What success looks like", {"expectations"}),
    ("What changes for users", {"expectations"}),
    ("How do we verify this in production?", {"validation"}),
    ("How will we confirm success", {"validation"}),
    ("Verifying", {"validation"}),
    ("Can this be rolled back?", {"rollback"}),
    ("Reverting", {"rollback"}),
    ("If something goes wrong", {"rollback"}),
    ("What if it breaks?", {"rollback"}),
    ("How do we turn it off?", {"rollback"}),
    ("What could break", {"risks"}),
    ("Potential impact", {"risks"}),
    ("Gotchas", {"risks"}),
    ("What should users see?", {"expectations"}),
    ("User impact", {"expectations"}),
    ("Verify in prod", {"validation"}),
    ("Revert procedure", {"rollback"}),
    ("How do we revert?", {"rollback"}),
    ("Undo steps", {"rollback"}),
    ("Recovery procedure", {"rollback"}),
    ("Verification checklist", {"validation"}),
    ("Verification (post-deploy)", {"validation"}),
    ("How will we validate it?", {"validation"}),
    ("How can we verify it works?", {"validation"}),
    ("Expectation", {"expectations"}),
    ("Expected state", {"expectations"}),
    ("What will change", {"expectations"}),
    ("Can it be reverted?", {"rollback"}),
    # feature titles in the list of changes, not parts of a rollout plan
    ("Input validation", {"validation"}),  # a phrase: outside the plan it loses (test_engine)
    ("Email verification", {"validation"}),  # a phrase: see test_engine for the structure rules
    ("Spam detection", set()),
    ("Health checks endpoint", set()),
    ("Password recovery", {"rollback"}),
    ("Undo support", {"rollback"}),
    ("Fallback fonts", set()),
    ("Downgrade lodash to 4.17", set()),
    ('Revert "Add foo"', set()),  # a revert's title: the change itself, no rollback plan (revert is =revert now)
    ("Kill switch for the API", set()),
    ("Separation of concerns", set()),
    ("Side effects of the refactor", set()),
    ("Known issues with Safari", set()),
    # none of ours
    ("Summary", set()),
    ("Steps", set()),
    ("Steps to reproduce", set()),
    ("Screenshots", set()),
    ("Related issues", set()),
]


def answers(heading: str) -> set[str]:
    title = normalize(heading)
    return {r.id for r in ruleset("handbook").requirements if engine.matcher(r.headings).match(title) is not None}


@pytest.mark.parametrize(("heading", "expected"), REAL_HEADINGS)
def test_real_world_heading(heading: str, expected: set[str]) -> None:
    assert answers(heading) == expected


@pytest.mark.parametrize("title", ["Rollback / verify", "Rollback/Verify", "Rollback & verify"])
def test_a_title_naming_two_parts_is_each_parts_title(title: str) -> None:
    text = f"## {title}\n\n`snapshot-vm.sh coturn --restore`, then `./test.sh coturn`: the service is active.\n"
    assert result(check(text), "rollback").heading == title
    assert result(check(text), "validation").heading == title
    # joined by a plain word, the second word is only part of one title
    assert result(check(text.replace(title, "Rollback verify")), "validation").heading is None


PLAN_HEADINGS = [
    ("Rollout plan", True),
    ("The Rollout Plan", True),
    ("Rollout strategy", True),
    ("Deployment plan", True),
    ("Release plan", True),
    ("Rollout", True),
    ("Rollout steps", False),
    ("Rollback plan", False),
    ("Summary", False),
]


@pytest.mark.parametrize(("heading", "is_plan"), PLAN_HEADINGS)
def test_plan_headings(heading: str, is_plan: bool) -> None:
    plan = engine.matcher(ruleset("handbook").plan_headings)
    assert (plan.match(normalize(heading)) is not None) is is_plan


def test_rollback_headings_never_answer_rollout_steps() -> None:
    steps = engine.matcher(next(r for r in ruleset("handbook").requirements if r.id == "rollout-steps").headings)
    rollback = next(r for r in ruleset("handbook").requirements if r.id == "rollback")
    for heading in rollback.headings:
        assert steps.match(normalize(heading.lstrip("="))) is None, heading


@pytest.mark.parametrize("title", ["Downgrade from `API V2` to `API V1`", "Downgrading", "How to downgrade"])
def test_a_way_down_is_a_rollback_heading(title: str) -> None:
    text = f"## {title}\n\n1. Stop the new nodes.\n2. Start the old release with the v1 codec.\n"
    assert result(check(text), "rollback").status == "ok"


def test_a_subheading_another_requirement_names_in_a_longer_title_answers_for_itself() -> None:
    # "### Required testing" under "## Risk" is the testing part, not the risk
    text = "## Risk\n\n### Level\n\n`Medium`\n\n### Required testing\n\n`Regression`, `Manual`.\n\n### Risk summary\n\nTBD\n"
    assert result(check(text), "risks").status == "placeholder"
    filled = text.replace("TBD", "The import may time out on large files.")
    assert result(check(filled), "risks").status == "ok"


def test_sanity_checks_validate_and_an_impact_is_no_risk() -> None:
    report = check("## Sanity checks\n\nPushed the branch to staging; the test message was flagged as staging.\n")
    assert result(report, "validation").status == "ok"
    # "Impact" says what the change does for people more often than what could go wrong
    assert result(check("## Impact\n\nNo longer need to build an APK per release.\n"), "risks").status == "missing"


MENTIONED = "a sentence that says it, inside another section"


@pytest.mark.parametrize(
    ("title", "statement", "requirement"),
    [
        ("What has been done to verify that this works as intended?", "Done to verify that this works as intended", "validation"),
        ("Will anything break for users?", "Will anything break for users", "risks"),
        ("What do users expect to see once it ships?", "Users expect to see it once it ships", "expectations"),
    ],
)
def test_a_title_that_asks_for_the_part_in_its_own_words_is_its_place(title: str, statement: str, requirement: str) -> None:
    text = "## {}\n\nRan the import against a copy of production; every row arrived and the job took 4 minutes.\n"
    asked = result(check(text.format(title)), requirement)
    assert (asked.heading, asked.status) == (title, "ok")
    assert asked.evidence[0].reason != MENTIONED  # found as the part's own heading
    # the same words that state rather than ask name no part (the body may still say it)
    for other in (statement, "What is the ticket for this change?"):
        found = result(check(text.format(other)), requirement)
        assert found.heading != other or found.evidence[0].reason == MENTIONED


@pytest.mark.parametrize("title", ["Review performed", "Guidance to review", "How can a reviewer manually see the effects of these changes?"])
def test_what_a_reviewer_is_told_to_check_validates(title: str) -> None:
    text = f"## {title}\n\n1. Visit `/feature-flags` and activate the pre-filtering.\n2. Search for a hint and see it listed.\n"
    assert result(check(text), "validation").status == "ok"


# Headings of the recommended parts as real descriptions write them (corpus labels'
# `headings`): a launch or migration plan, a merge order, a test-evidence section,
# monitoring requirements, a comms checklist, a check on the non-production side.
RECOMMENDED_HEADINGS = [
    ("Launch plan", "rollout-steps"),
    ("Migration plan", "rollout-steps"),
    ("Review and merge order", "rollout-steps"),
    ("Upgrade steps", "rollout-steps"),
    ("Steps to implement the change", "rollout-steps"),
    ("Test evidence", "testing"),
    ("How has the change been tested", "testing"),
    ("Sanity checks", "testing"),
    ("Monitoring Requirements", "metrics"),
    ("Observability requirements", "metrics"),
    ("Comms checklist", "communication"),
    ("Rollout on non-production environments", "staging-production-checks"),
    ("🔁 Environment Promotion", "staging-production-checks"),
]


@pytest.mark.parametrize(("heading", "requirement"), RECOMMENDED_HEADINGS)
def test_a_recommended_part_under_its_real_heading(heading: str, requirement: str) -> None:
    assert requirement in answers(heading)


@pytest.mark.parametrize(
    ("title", "requirement"),
    [
        ("Test instructions | Instructions pour tester la modification", "testing"),  # a template's prompt pair
        ("Merge / deployment checklist", "rollout-steps"),  # a reviewer's checklist, no rollout
        ("Graduation Criteria", "rollout-steps"),
        ("Marketing", "communication"),
    ],
)
def test_a_near_heading_is_not_the_recommended_part(title: str, requirement: str) -> None:
    assert requirement not in answers(title)


# The recommended parts said in a sentence of another section: the act with its place or
# audience, as people write it.
RECOMMENDED_SENTENCES = [
    ("Announce the update on the `haiku-sysadmin` and `haiku` mailing list.", "communication"),
    ("Cut a release tag, then notify in the #deploys Slack channel when it is live.", "communication"),
    ("Users will need to be notified if their resources are affected by the removals.", "communication"),
    ("Tested on staging, no regressions observed.", "staging-production-checks"),
    ("Don't merge as I want to manually do the upgrade on preprod first and check for any issues.", "staging-production-checks"),
    ("The change has been verified in production on one cell before the others.", "staging-production-checks"),
    ("First release: 50% of users, then we roll out to 100% of users after two weeks.", "rollout-steps"),
    ("We enable the flag for internal users first and widen it the week after.", "rollout-steps"),
    ("Releng needs to bump up the release % and monitor Sentry for new crashes.", "metrics"),
    ("Watch the Datadog monitor for the import queue during the first hour.", "metrics"),
    ("Tested locally by running the import against last week's dump.", "testing"),
    ("Inform particular customers, PMs and stakeholders before the switch.", "communication"),
    ("We would like to test out a migration in staging before the release.", "staging-production-checks"),
    ("Increase the rollout percentage from 0% to 50% after initial release monitoring.", "rollout-steps"),
    ("It is now safe to merge the full removal of the old code.", "rollout-steps"),
    ("We have tested on prod and setting this new limit fixes the restarts.", "testing"),
    ("The Reader UI tests must pass on CI before this goes out.", "testing"),
]


@pytest.mark.parametrize(("sentence", "requirement"), RECOMMENDED_SENTENCES)
def test_a_recommended_part_said_in_a_sentence(sentence: str, requirement: str) -> None:
    found = result(check(f"## Summary\n\n{sentence}\n"), requirement)
    assert (found.status, found.matched) == ("ok", "sentence")


@pytest.mark.parametrize(
    ("sentence", "requirement"),
    [
        ("Most appropriate Slack channel to reach out to: #g_runner", "communication"),
        ("This is a temporary change to fix the grafana dashboard for e-RS in prod.", "metrics"),
        ("Plan and execute a phased rollout strategy to minimize risk during deployment.", "rollout-steps"),
        ("Add a warning event to inform users that exec probes are timing out.", "communication"),
        ("I'm rolling back this one on staging before deploy, so that the DBs stay in sync.", "staging-production-checks"),
        ("Some way of bypassing staging deploys and testing would help here.", "staging-production-checks"),
    ],
)
def test_a_passing_mention_is_not_the_recommended_part(sentence: str, requirement: str) -> None:
    assert result(check(f"## Summary\n\n{sentence}\n"), requirement).status != "ok"


def test_considerations_hold_risks() -> None:
    text = "## Considerations\n\nWe may not want to disable bucket versioning: the bucket holds more than census data.\n"
    assert result(check(text), "risks").status == "ok"


@pytest.mark.parametrize(
    ("title", "requirement"),
    [("Will there be a downtime?", "risks"), ("Scope and safety", "risks"), ("What changes for me?", "expectations")],
)
def test_an_announcement_s_own_questions_hold_the_plan(title: str, requirement: str) -> None:
    text = f"## {title}\n\nYes: about an hour, and up to a day while DNS moves; all data is migrated.\n"
    assert result(check(text), requirement).status == "ok"
