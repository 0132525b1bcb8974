"""The line model (enforcer/lines.py): every line an answer or a prompt, with its reason; and
where real authors write the plan (plain titles, a part inside another section, CJK, zero-width
characters, a ruleset's vocabulary)."""

from __future__ import annotations

import re

import pytest
from core_support import check, parse, result

from enforcer import config, lines

CONTEXT = lines.context()

LINES = [
    # answers
    ("Revert the merge request and redeploy v1.4.", "answer", lines.STATEMENT),
    ("Rollback: revert", "answer", lines.FILLED),
    ("Affects: billing, search, exports", "answer", lines.FILLED),  # names after a label answer
    ("Error rate stays under 0.1% on https://grafana.example.com/d/1.", "answer", lines.LINK),
    ("N/A, because nothing is stored", "answer", lines.REASONED_NA),
    ("No schema change, so a revert is enough.", "answer", lines.STATEMENT),
    ("We deploy to staging/production on Tuesday.", "answer", lines.STATEMENT),  # a slash in prose
    ("We move the view from /api/projects/ to /api/environments/.", "answer", lines.STATEMENT),
    ("gradual/slower/segmented rolling deploys", "answer", lines.STATEMENT),
    ("Risk: yes/no", "prompt", lines.ALTERNATIVES),
    ("Low, Medium, or High.", "prompt", lines.ALTERNATIVES),
    ("✅🚫 This change has unit test coverage", "prompt", lines.ALTERNATIVES),  # keep the mark that applies
    ("✅ This change has unit test coverage", "answer", lines.STATEMENT),
    ("Make sure you add unit and integration tests.", "prompt", lines.INSTRUCTION),
    ("Provide instructions so we can reproduce.", "prompt", lines.INSTRUCTION),
    ("Verify", "prompt", lines.STEM),  # "- Verify": the check still to be named
    ("Does this PR rely on other products at a deployment - if so, do we have the dependencies?:", "prompt", lines.QUESTION),
    ("Smoke, Regression, or Manual. (All changes need smoke testing.)", "prompt", lines.ALTERNATIVES),
    ("Billing, search and exports were checked on staging.", "answer", lines.STATEMENT),
    ("Run Command X, Click Button Y", "prompt", lines.PLACEHOLDER),
    ("Open page A", "prompt", lines.PLACEHOLDER),
    ("Expect C to happen", "prompt", lines.PLACEHOLDER),
    ("Option A keeps the old index; we chose it.", "answer", lines.STATEMENT),
    ("The PR target branch is release/X.0-staging, not release/X.0.", "prompt", lines.PLACEHOLDER),
    ("Ensure that resources x, y and z were not changed", "prompt", lines.PLACEHOLDER),
    ("We check the x, y and z axes of the plot and the labels.", "answer", lines.STATEMENT),
    ("We upgrade to 2.0 and keep X.509 certificates as they are.", "answer", lines.STATEMENT),
    ("Billing, search, or exports may slow down.", "answer", lines.STATEMENT),
    ("Can we roll back? Yes, by reverting this PR.", "answer", lines.STATEMENT),  # answered question
    ("Log in to the console and flip the flag.", "answer", lines.STATEMENT),
    ("The new export path is switched on", "answer", lines.STATEMENT),  # a particle, no stem
    # runbook steps that open with a verb templates also use are answers
    ("Enter maintenance mode, then restore the backup.", "answer", lines.STATEMENT),
    ("Delete the new index and redeploy v1.4.", "answer", lines.STATEMENT),
    ("Select the previous release in the console and roll back.", "answer", lines.STATEMENT),
    ("Make sure to turn off the flag before the revert.", "answer", lines.STATEMENT),
    # a goal or step that opens with a verb templates also use
    ("Provide a data management API that exposes the rollover settings.", "answer", lines.STATEMENT),
    ("Document and announce the migration guide.", "answer", lines.STATEMENT),
    ("Provide a summary of the features included in this release.", "prompt", lines.INSTRUCTION),
    # placeholders and TODOs
    ("TBD", "prompt", lines.TODO),
    ("TODO: write the steps", "prompt", lines.TODO),
    ("Your text here", "prompt", lines.TODO),
    ("Details here", "prompt", lines.PLACEHOLDER),
    ("Happy Path scenario 1", "prompt", lines.PLACEHOLDER),  # a numbered stand-in
    ("Step 2", "prompt", lines.PLACEHOLDER),
    ("Upgrade to Python 3.12", "answer", lines.STATEMENT),
    # the template's asides and examples
    ("(How are we going to solve the problem? Try to include the user journey)", "prompt", lines.QUESTION),
    ("(Define both the success metrics and acceptance criteria. Note that they differ.)", "prompt", lines.INSTRUCTION),
    ("E.g. a short series of steps on how to test the features in this MR.", "prompt", lines.EXAMPLE),
    ("For example: the dashboard shows fewer errors", "prompt", lines.EXAMPLE),
    ("(we revert the MR and redeploy v1.4)", "answer", lines.STATEMENT),
    ("<describe the rollback>", "prompt", lines.PLACEHOLDER),
    # choices not made
    ("Severity: minor / major / critical", "prompt", lines.ALTERNATIVES),
    ("<yes|no>", "prompt", lines.PLACEHOLDER),
    ("Safe to rollback without consulting PR author? (Yes | No)", "prompt", lines.ALTERNATIVES),
    ("[HIGH | medium | low] Does it work across browsers?", "prompt", lines.ALTERNATIVES),
    ("High | Medium | Low : How might failures be experienced?", "prompt", lines.ALTERNATIVES),
    ("Cloud / OSS / Enterprise", "prompt", lines.ALTERNATIVES),
    ("[ ] I/we understand the owners may require updates", "prompt", lines.UNTICKED),
    # blanks
    ("Expected downtime: ___", "prompt", lines.BLANK_FIELD),
    ("Revert steps:", "prompt", lines.BLANK_FIELD),
    ("The flag is turned off when ...", "prompt", lines.STEM),
    ("The flag is turned off when", "prompt", lines.STEM),
    ("Usage will actually update ...", "answer", lines.STATEMENT),  # a clause trailing off
    # words addressed to the author
    ("What is the revert procedure?", "prompt", lines.QUESTION),
    # questions that trail off into "etc": still only questions
    ("Dev insight: Will E2E tests be required? Will there be any potential regression? etc", "prompt", lines.QUESTION),
    ("What are the risks of this proposal and how do we mitigate.", "prompt", lines.QUESTION),
    ("Downstream services, data, on-call.", "prompt", lines.TOPICS),
    ("Think about cache warm-up", "prompt", lines.INSTRUCTION),
    ("Describe the abort criteria", "prompt", lines.INSTRUCTION),
    ("Please list the dashboards.", "prompt", lines.INSTRUCTION),
    ("If this backport is for a servicing release, please verify that:", "prompt", lines.INSTRUCTION),
    ("For example, consider both security and scale.", "prompt", lines.EXAMPLE),
    ("Summarize the goals. How will we know it succeeded? A good goal is measurable.", "prompt", lines.INSTRUCTION),
    # trailers
    ("/label ~<team>", "prompt", lines.TRAILER),
    ("Closes #12", "prompt", lines.TRAILER),
    ("cc @ops-team", "prompt", lines.TRAILER),
    # N/A
    ("N/A", "prompt", lines.BARE_NA),
    ("None.", "prompt", lines.BARE_NA),
    ("Low", "prompt", lines.BARE_CHOICE),  # a level with no reason
    ("Low: only the admin page reads this table", "answer", lines.STATEMENT),
    # a label the template marks as one to fill is a blank field, whatever its words
    ("What I tested and the outcome (required — be specific, not \"tested locally\"):", "prompt", lines.BLANK_FIELD),
    ("**Rollback steps (optional)**", "prompt", lines.BLANK_FIELD),
    ("The job is optional (it runs nightly).", "answer", lines.STATEMENT),
    # brackets around words to the author; a line that only names what goes here
    ("Fixes #[insert GH or internal issue number(s)].", "prompt", lines.NAME_TO_FILL),
    ("TP-<NNN>", "prompt", lines.NAME_TO_FILL),
    ("Set <b>bold</b> text in the banner", "answer", lines.STATEMENT),
    ("Description des tests effectués pour valider les changements.", "prompt", lines.EXAMPLE),
    ("Description of the changes", "prompt", lines.EXAMPLE),
    ("Description of the fix: we now retry twice.", "answer", lines.STATEMENT),
    ("A summary of the incident was sent to #ops and the on-call.", "answer", lines.STATEMENT),
    # N/A in French and Japanese, bare or with its reason
    ("特にありません", "prompt", lines.BARE_NA),
    ("Néant", "prompt", lines.BARE_NA),
    ("特になし。既存の設定への影響はないため", "answer", lines.REASONED_NA),
    ("Aucun impact sur les utilisateurs existants.", "answer", lines.STATEMENT),
    # a request to the author in French or Japanese; a Japanese statement answers
    ("Veuillez indiquer le lien vers la review app.", "prompt", lines.INSTRUCTION),
    ("Merci de préciser les étapes de test.", "prompt", lines.INSTRUCTION),
    ("変更内容を記載してください。", "prompt", lines.INSTRUCTION),
    ("ローカルで確認済みです。", "answer", lines.STATEMENT),
    # a statement with a question tagged on says what it says; a question or a condition does not
    ("Applying it restarts the database, so there will be a bit of downtime, is that a problem?", "answer", lines.STATEMENT),
    ("We drop the old table a week after the deploy, right?", "answer", lines.STATEMENT),
    ("If this change needs any downtime at all, is it scheduled?", "prompt", lines.QUESTION),
    ("What settings need to be changed back after the rollout, is that known?", "prompt", lines.QUESTION),
    ("Data loss, broken pages, stability or availability impact?", "prompt", lines.QUESTION),
]


@pytest.mark.parametrize(("text", "kind", "reason"), LINES)
def test_a_line_is_an_answer_or_a_prompt(text: str, kind: str, reason: str) -> None:
    assert lines.read_sentences(text, CONTEXT) == (kind, reason)


def read(body: str) -> list[tuple[int, str, str]]:
    document = parse("## S\n" + body)
    return [(line.line, line.kind, line.reason) for line in lines.read(document.content(1), CONTEXT)]


BLOCKS = [
    # an option checklist with nothing ticked
    ("- [ ] Minor\n- [ ] Major\n", [(2, "prompt", lines.NOTHING_CHOSEN), (3, "prompt", lines.NOTHING_CHOSEN)]),
    # a tick answers, whatever choices its words still show
    ("- [x] I added a risk tag [risk=no|low|moderate|severe] to the title\n", [(2, "answer", lines.TICKED)]),
    # one ticked: the others are options not chosen
    ("- [x] Minor\n- [ ] Major\n", [(2, "answer", lines.TICKED), (3, "prompt", lines.NOT_CHOSEN)]),
    # a single unticked assertion box
    ("- [ ] Safe to revert without a data fix\n", [(2, "prompt", lines.UNTICKED)]),
    # an unticked step of the plan, with its command, is an answer
    ("- [ ] Disable the flag for every project\n", [(2, "answer", lines.STEP)]),
    # a command with a name left to fill in
    ("```\n/chatops run feature set <feature-flag-name> false\n```\n", [(3, "prompt", lines.NAME_TO_FILL)]),
    ("```\ngit revert abc123\n```\n", [(3, "answer", lines.COMMAND)]),
    ("```\n{\n  \"enabled\": false\n}\n```\n", [(4, "answer", lines.COMMAND)]),  # braces are neither
    # a quoted instruction, an italic one, a comment
    ("> Describe the abort criteria\n", [(2, "prompt", lines.INSTRUCTION)]),
    ("*Explain how to roll back*\n", [(2, "prompt", lines.INSTRUCTION)]),
    ("<!-- say how -->\n", [(2, "prompt", lines.COMMENT)]),
    # blank fields in a list: each label is a field of its own, holding nothing or a blank
    ("- Revert steps:\n- Expected downtime: ___\n", [(3, "prompt", lines.PLACEHOLDER)]),
    # a question wrapped over two lines is one question
    ("What changes is an existing cluster required\nto make on upgrade?\n", [(2, "prompt", lines.QUESTION)]),
    # a template's example steps: one item a stand-in, so the others are the example's too
    (
        "1. Check out this PR\n2. Run Command X, Click Button Y\n3. Profit\n",
        [(2, "prompt", lines.EXAMPLE_STEP), (3, "prompt", lines.PLACEHOLDER), (4, "prompt", lines.EXAMPLE_STEP)],
    ),
    # real steps, no stand-in among them: answers
    (
        "1. Check out this PR\n2. Run `make migrate`\n3. Open /admin and see the new column\n",
        [(2, "answer", lines.STATEMENT), (3, "answer", lines.STATEMENT), (4, "answer", lines.STATEMENT)],
    ),
    # a stand-in in a short list of two is not enough to call the other item an example
    ("1. Revert the PR\n2. Run Command X\n", [(2, "answer", lines.STATEMENT), (3, "prompt", lines.PLACEHOLDER)]),
]


@pytest.mark.parametrize(("body", "expected"), BLOCKS)
def test_blocks_are_read_line_by_line(body: str, expected: list[tuple[int, str, str]]) -> None:
    assert read(body) == expected


def test_a_parent_heading_whose_sub_questions_are_unanswered_holds_no_answer() -> None:
    text = "## Rollback plan\n### Can this be reverted?\n### What are the steps?\n- Steps:\n"
    assert result(check(text), "rollback").status != "ok"


# --- where real authors write the plan -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Summary of the change.\n\nRollback plan\nRevert the MR and redeploy v1.4.\n",
        "Summary of the change.\n\nRollback plan:\n\nRevert the MR and redeploy v1.4.\n",
        "Summary of the change.\n\n**Rollback plan**\n\nRevert the MR and redeploy v1.4.\n",
        "1. Rollback plan\n   Revert the MR and redeploy v1.4.\n",
    ],
)
def test_a_plain_title_line_answers_its_requirement(text: str) -> None:
    found = result(check(text), "rollback")
    assert found.status == "ok"
    assert found.heading == "Rollback plan"


def test_a_form_question_on_a_line_of_its_own_is_a_title() -> None:
    # a form as a rendered issue page shows it: each question a plain line, the answer below
    text = (
        "Expectations\n\nWhat can we monitor to detect problems with this?\n\n"
        "  • Check the error rate of the export workers in Sentry\n\n"
        "What might happen if this goes wrong?\n\nExports stall until the flag is turned off.\n"
    )
    report = check(text)
    assert result(report, "validation").heading == "What can we monitor to detect problems with this?"
    assert result(report, "risks").heading == "What might happen if this goes wrong?"
    # unanswered, the question is a title with nothing under it, not an answer
    unanswered = "What can we monitor to detect problems with this?\n\nWhat might happen if this goes wrong?\n\nSummary\n"
    assert result(check(unanswered), "validation").status != "ok"
    # unanswered, and the form's next title (no part's) follows with its own text
    skipped = (
        "What might happen if this goes wrong?\n\nCleaning up the feature flag\n\n"
        "  • Create a merge request to remove the flag\n  • Remove the YAML definition\n"
    )
    assert result(check(skipped), "risks").status == "empty"
    answered = skipped.replace("Cleaning up the feature flag", "Exports stall until the flag is off.")
    assert result(check(answered), "risks").status == "ok"
    # a question inside a paragraph is not a title
    assert result(check("Summary\n\nWhat can we monitor to detect problems with this? Not much.\n"), "validation").heading is None


def test_a_title_line_inside_a_paragraph_starts_a_block_of_its_own() -> None:
    # an issue page copied as plain text: no blank line between the form's titles and answers
    text = (
        "[Feature flag] Enable the export path\nOwners\n- Team: Exports\n- Best person to ask: @kim\n"
        "Expectations\nWhat are we expecting to happen?\nAll internal exports should be faster.\n"
        "What might happen if this goes wrong?\nInternal exports start to fail.\n"
    )
    report = check(text)
    assert result(report, "risks").heading == "What might happen if this goes wrong?"
    assert [e.text for e in result(report, "risks").evidence] == ["Internal exports start to fail."]
    assert result(report, "expectations").status == "ok"
    # a CJK title is a title line too
    japanese = "概要\n期待する結果\nページが表示されること。\n"
    assert result(check(japanese), "expectations").heading == "期待する結果"
    # a line going on in lower case is a sentence wrapped, not a title
    wrapped = "- Will there be end-to-end tests, in addition to unit\n  tests?\n\n## Risks\nNone.\n"
    assert result(check(wrapped), "validation").heading is None


def test_a_plain_title_takes_its_blocks_from_the_section_around_it() -> None:
    text = "Risks:\nThe cache may be cold.\n\nValidation\n\nWe check the error dashboard after the deploy.\n"
    report = check(text)
    assert result(report, "validation").heading == "Validation"
    assert [e.text for e in result(report, "risks").evidence] == ["The cache may be cold."]


def test_a_part_written_inside_another_section_counts_and_says_where() -> None:
    text = "## Summary\nExports run on the new path. If the new path misbehaves we turn off the `fast_export` flag.\n"
    found = result(check(text), "rollback")
    assert (found.status, found.matched, found.heading, found.line) == ("ok", "sentence", "Summary", 2)
    assert found.evidence[0].kind == "answer"


@pytest.mark.parametrize(
    "said",
    [
        "- To roll back this change, revert the merge and deploy again.\n",
        # a cutover's way back, done as a step
        "- [x] Ask the DNS team to change the CNAME to point back to the old CDN\n",
        "- If needed we switch back to the old queue by redeploying v1.4.\n",
        "It defaults to enabled, to allow us to easily turn it back off if this does not go over well.\n",
        "If something goes horribly wrong with it we can make a deploy that simply sets the disabled flag.\n",
        "Enable it by default but keep the toggle in the code, as it will allow us to roll it back in Cloud.\n",
        "Flipping DNS back after promotion is a data-loss move: use fix-forward or the reverse channel.\n",
        "- [ ] Document the runbook:\n  - How to disable RUM instantly (the Flipper toggle is the kill switch)\n",
        # the way back as the feature gate or flag turned off
        "The feature can be disabled by restarting the scheduler with the feature gate off.\n",
        "Yes, by disabling the feature gate in the API server.\n",
        "Disabling it simply restores the old behaviour of unlimited placement.\n",
        "It is possible to revert to old behavior by setting the runtime guard to false.\n",
        "Resources with that value must be removed before a downgrade.\n",
    ],
)
def test_a_sentence_that_says_how_to_roll_back_counts_without_a_condition(said: str) -> None:
    text = f"## Summary\nNew export path.\n\n{said}"
    found = result(check(text), "rollback")
    assert (found.status, found.matched) == ("ok", "sentence")


@pytest.mark.parametrize(
    "text",
    [
        "## Summary\nAdd a GitHub Action for each environment to roll back the deployed version.\n",
        "## Summary\nSmall commits make it easier to revert the PR if necessary, and to review it.\n",
        "## Summary\nThis PR adds the file db/rollback.sql to the repository for the ops team.\n",
        "## Summary\nSee the [rollback docs](https://example.com/rollback) for the process we follow.\n",
        "## Summary\nThis reverts the erroneous glob change and adds an option to deploy the backend.\n",
        "## Summary\nDoes it need a rollback if the migration fails halfway through?\n",
        # a setting the change adds, no way back from it
        "## Summary\nBreakers can be disabled with a `breakers_disabled: true` setting in the local config.\n",
        # what the change builds or documents: a feature, no way back from this change
        "## Summary\nThis PR includes a rollback if the deploy plan fails.\n",
        "## Changes\nSets out guidance on what to do if a contributor spots a breaking issue.\n",
        "## Release notes\nIf a deploy goes wrong, you can now roll back your deploy to the previous release.\n",
        # what a plan still to write should hold
        "## Other notes\n- The rollback plan should have documentation of when fail forward versus rollback is best.\n",
        "This PR has been created to roll back the deployment to the previous container ID before the latest\n"
        "This workflow is manual and should only be run when a deploy to production fails.\n",
    ],
)
def test_a_passing_mention_does_not_count(text: str) -> None:
    assert result(check(text), "rollback").status == "missing"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a validation wording is the whole wording: "I tested" is not "tested" in any sentence
        ("## Summary\nWe must establish a clear, reliable and tested rollback strategy for v4.\n", "missing"),
        ("## Summary\nThe process needs to be tested and documented before we use it.\n", "missing"),
        ("## Summary\nNew export path for reports. I tested it against a copy of production data.\n", "ok"),
        ("## Summary\nNew export path for reports. We’ll verify the error rate once it is live.\n", "ok"),
        ("## Summary\nA rollback command. I've tested on a VM and everything seems to work.\n", "ok"),
        ("## Summary\nDon't merge: I want to do the upgrade on preprod first and check for any issues.\n", "ok"),
        ("## Summary\nA switch to turn the monitor off. Added a new test to ensure that the switch works.\n", "ok"),
        ("## Plan\n- [x] Get at least a few days of stress testing during the week with the developers\n", "ok"),
        ("## Backend\nThe backend unit-tests and integration tests all passed before and after these changes.\n", "ok"),
        ("Ran docker build & docker run on my machine and clicked through the application.\n", "ok"),
        ("This merges the fixes to staging, passed to master after re-testing (both manual and automatic).\n", "ok"),
        ("## Summary\nWe would rather not run this on production without testing it on a copy of that database.\n", "ok"),
        # first-person test claims in any tense, and a passive "can be verified"
        ("## Summary\nNew export path. We will add E2E tests for the export on two accounts.\n", "ok"),
        ("## Summary\nNew export path. I am testing the downgrade path in my local environment.\n", "ok"),
        ("## Summary\nNew export path. This change can be verified using unit tests.\n", "ok"),
        ("## Summary\nWe are testing with container runtimes that lack the new call.\n", "ok"),
        # the author's own check in any tense, with words that only qualify the verb between
        ("## Summary\nNew export path. I have already confirmed this fix to be working on the deployed app.\n", "ok"),
        ("## Summary\nNew export path. I ran it on my fork and here are the results.\n", "ok"),
        ("## Summary\nNew export path. We were able to confirm from the settings that it is live.\n", "ok"),
        ("## Summary\nNew export path. I've been running these changes in my dev instance for a week.\n", "ok"),
        ("## Risks and Mitigations\nMinimal risk. Testing should focus on ensuring that the operator populates the field.\n", "ok"),
        ("## Summary\nI applied the terraform changes to staging, and the Kustomizations work as intended.\n", "ok"),
        ("## Summary\nThis new setup is already deployed and tested in my own services.\n", "ok"),
        ("## Summary\nStaging deployment succeeded; browser smoke check confirmed saved notes render on page load.\n", "ok"),
        ("## Summary\nBumping them both to 650Mb each seemed to have stabilized them.\n", "ok"),
        ("## Checklist\n- [x] ran regression tests, post a link to the Jenkins job below.\n", "ok"),
        # the author's "I" is first person too, opening the sentence or not
        ("## Summary\nI want e2e tests for the export on two accounts before this ships.\n", "ok"),
        ("## Summary\nBefore this ships, my e2e tests cover the export on two accounts.\n", "ok"),
        # a ticked box that asks the author is their yes
        ("## Checklist\n- [x] Did you test this change locally?\n", "ok"),
        ("## Checklist\n- [x] Have you successfully deployed to an AWS account with your changes?\n", "ok"),
        ("## Checklist\n- [ ] Did you test this change locally?\n", "missing"),
        ("## Summary\nMy admittedly somewhat limited testing on a single instance suggests the timeout helps.\n", "ok"),
        ("## Summary\nGet it enabled in staging, then prod, then all of our tests.\n", "missing"),
        # a check not made, the same verb for the design itself, or for something else
        ("## Summary\nNew export path. I have not tested this against production data yet.\n", "missing"),
        ("## Summary\nNew export path. I have never tested this against production data.\n", "missing"),
        ("## Summary\nNew export path. We run a migration job to convert the old objects.\n", "missing"),
        ("## Summary\nNew export path. I tried to implement this via a plugin, without success.\n", "missing"),
        # a test word without a first-person subject, or a tested rollback strategy, is none
        ("## Summary\nWait for the partner to confirm they have tested the file.\n", "missing"),
        ("## Summary\nTo mitigate risk, we must establish a tested rollback strategy for v4.\n", "missing"),
    ],
)
def test_a_validation_wording_counts_only_whole(text: str, status: str) -> None:
    # the wordings alone: what the learned model adds is tested in test_learned.py
    assert result(check(text, learned=False), "validation").status == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a release checklist whose QA steps the author ticked
        ("## Release checklist\n- [x] Push the release tag\n- [x] Smoke test the app in prod\n", "ok"),
        ("## Release checklist\n- [x] Push the release tag\n- [x] QA the app in the test environment\n", "ok"),
        # the same steps unticked are not done
        ("## Release checklist\n- [x] Push the release tag\n- [ ] QA the app in test\n", "missing"),
    ],
)
def test_a_ticked_qa_step_validates(text: str, status: str) -> None:
    assert result(check(text), "validation").status == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # the expected result written into a test step
        ("## How to test\n1. Open the Sites page\n2. Verify the Staging Sites card still appears.\n", "ok"),
        ("## Tests\n1. Merge this PR and relock the deploy.\n1. A staging deploy should occur.\n", "ok"),
        # the effect said of the change itself
        ("## Summary\nThis cuts our official build time in half, from 20 minutes to 10.\n", "ok"),
        ("## Summary\nThis reduces overall memory usage without hurting response times.\n", "ok"),
        ("## Summary\nIDEs will be able to suggest the new methods in autocomplete.\n", "ok"),
        # what people are expected to do is no expected result
        ("## Summary\nTeam members are expected to follow the code of conduct in every channel.\n", "missing"),
        # a question, or a step with no outcome, says no expected result
        ("## Tests\nWhat should happen when the flag is off?\n", "missing"),
        ("## How to test\n1. Open the Sites page and click the Staging Sites card.\n", "missing"),
    ],
)
def test_an_expected_result_inside_test_steps_counts(text: str, status: str) -> None:
    found = result(check(text), "expectations")
    assert found.status == status
    if status == "ok":
        assert found.matched == "sentence"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a risk written as the harm to avoid or the cost accepted
        ("## Description\nThe migrations run one by one to not disturb the production environment.\n", "ok"),
        ("## Summary\nLowering the TTL results in more DNS requests and consequently higher costs.\n", "ok"),
        ("## Evaluation\nWe test that the new theme doesn't impact our key metrics negatively.\n", "ok"),
        # the harm named by its mitigation, in a sentence wrapped over two lines
        ("## Upgrade\nThe launcher upgrade needs the VM to restart. In\norder to mitigate VM interruptions, the launcher stays compatible.\n", "ok"),
        ("## After the deployment\nIf you roll back, it will only block data that got updated after the deployment.\n", "ok"),
        ("## Summary\nI'm fairly confident this will not lose any Grafana data, but I can't be quite certain.\n", "ok"),
        ("## Summary\nThis cannot ship with errors because of its breakage potential.\n", "ok"),
        ("## Summary\nTo somewhat reduce the risk factor here, only upgrade dependencies on weekends.\n", "ok"),
        ("**Do not merge until the cutover.** No outage risk on its own; the flip is a separate DNS move.\n", "ok"),
        ("## Summary\nyargs has breaking changes for invalid configs that don't affect us.\n", "ok"),
        ("## Summary\nI apply it at once, so this means there will be a bit of downtime.\n", "ok"),
        ("## Design\nThe change is not backwards compatible, so it will be guarded by a flag.\n", "ok"),
        # a consequence with a modal, or the risk judged small
        ("## Summary\nUpgrading a cluster by several minor versions might compromise workloads.\n", "ok"),
        ("## Summary\nThe changes to the API objects are backwards compatible, so upgrades are safe.\n", "ok"),
        ("## Summary\nDisabling the feature will not affect existing pods, which keep running.\n", "ok"),
        # harm with a modal in any of its usual verbs, a qualifying word between
        ("## Summary\nI am going to restart the server. This will temporarily affect all services.\n", "ok"),
        ("## Summary\nThe batch updates are too slow to run without a small interruption in service.\n", "ok"),
        ("## Summary\nMisconfigured webhooks could wreak havoc on clusters, so users are told.\n", "ok"),
        ("## Summary\nThe upgrade is required to fix #48. Some caution is advised as it jumps from 1.4.6 to 1.7.\n", "ok"),
        ("## Checklist\n- [x] This change will NOT lead to downtime\n", "ok"),
        ("Fix #13703\n\n> **WARNING**\n> This migration breaks current migrations on main.\n", "ok"),
        ("## Notes\nAs part of this migration, we'll have a few periods of downtime where you won't be able to log in.\n", "ok"),
        ("## Notes\nThe migration on large instances can take hours to complete.\n", "ok"),
        ("## Purpose\nThe table had ~450k rows, so the migration was hot fixed to be on the safe side.\n", "ok"),
        ("## Maintenance\nExpected downtime is around 15-60 minutes.\n", "ok"),
        ("## Maintenance\nThe test environment will be reconfigured. Services including the user interface will become unavailable.\n", "ok"),
        ("## Summary\nSince we touch the Flux config, it will require extra care so that we don't disrupt anything.\n", "ok"),
        # "I" opening a sentence is the author, not a numeral: "I think" is no instruction
        ("🛑 ⚠️ I think this could cause downtime since it changes the hosts on the load balancer!\n", "ok"),
        ("## Summary\nSince it's a single action, we don't really need to worry about reaching a timeout limit.\n", "ok"),
        ("## Checklist\n- [x] I've considered possible cross-platform impacts (Mac, Linux, Windows).\n", "ok"),
        # the same verb of a bug already there, or a field asking for it, is none
        ("## Summary\nThe issue can cause excessive CPU usage in the editor.\n", "missing"),
        # a sentence that opens with a condition is no question
        ("## Summary\nWhen the gate is disabled, kubelet will no longer pass the group to drivers.\n", "ok"),
        ("## Summary\nFlags for test and bench will now vary between frameworks, which may confuse users.\n", "ok"),
        # a question about it is no answer
        ("## Summary\nCould the new theme impact our key metrics negatively?\n", "missing"),
    ],
)
def test_a_risk_said_as_harm_avoided_or_cost_counts(text: str, status: str) -> None:
    assert result(check(text), "risks").status == status


@pytest.mark.parametrize("title", ["mlpa-rollback job", "db/rollback.sql", "rollback_script"])
def test_a_name_holding_a_heading_word_is_no_heading(title: str) -> None:
    assert result(check(f"## Changes\n**{title}:** https://github.com/acme/infra/pull/2270\n"), "rollback").status == "missing"


def test_a_combined_heading_gives_each_labelled_part_to_its_own_requirement() -> None:
    text = "## Risk & rollback\n- **Risk:** <!-- low / medium / high -->\n- **Rollback:** Revert the merge commit.\n"
    report = check(text)
    assert result(report, "rollback").status == "ok"
    assert result(report, "risks").status != "ok"


def test_a_zero_width_character_does_not_hide_a_heading() -> None:
    assert result(check("## Roll\u200bback plan\nRevert the MR and redeploy.\n"), "rollback").status == "ok"


def test_cjk_counts_words_for_min_words() -> None:
    cfg = config.load(config_text="requirements:\n  rollback:\n    extra_headings: [ロールバック手順]\n    checks: {min_words: 5}\n")
    assert result(check("## ロールバック手順\nリリースを前のバージョンに戻します。\n", cfg), "rollback").status == "ok"
    assert result(check("## ロールバック手順\n戻す\n", cfg), "rollback").status == "insufficient"


@pytest.mark.parametrize(
    ("title", "requirement"),
    [
        ("♻️ Pour tester", "validation"),
        ("Stratégie de validation", "validation"),
        ("変更確認方法", "validation"),  # 確認方法 found inside a run written without spaces
        ("動作確認", "validation"),
        ("Risques", "risks"),
        ("PR の影響範囲", "risks"),
        ("Plan de retour arrière", "rollback"),
        ("Rétrograder de version", "rollback"),  # to downgrade, as "downgrade" is in English
        ("切り戻し手順", "rollback"),
    ],
)
def test_the_minimum_parts_headings_in_french_and_japanese(title: str, requirement: str) -> None:
    text = f"## {title}\n\n1. Déployer la review app puis ouvrir /admin : le bouton n'apparaît plus.\n"
    assert result(check(text), requirement).heading == title
    # a longer French title that only holds the short one is another section's
    assert result(check(text.replace(title, "Instructions pour tester la modification")), "validation").heading is None


def test_a_check_to_run_names_the_harm_it_looks_for_without_weighing_it() -> None:
    said = "## Overview\nThe upgrade of the charts library does not break the site, we checked every page.\n"
    assert result(check(said), "risks").status == "ok"
    check_to_run = "## Overview\nCheck that the upgrade of the charts library does not break the site.\n"
    assert result(check(check_to_run), "risks").status == "missing"
    cfg = config.load(config_text="vocabulary:\n  mentions:\n    risks: {not_opening: {remove: [check]}}\n")
    assert result(check(check_to_run, cfg), "risks").status == "ok"


def test_a_check_said_done_where_it_opens_the_sentence() -> None:
    opening = "## Notes\nAlso verified the H/2 codec arguments match the expected values.\n"
    assert result(check(opening), "validation").status == "ok"
    # the same word inside a sentence says no check of this change
    inside = "## Notes\nTokens that the identity provider has not verified are dropped at login.\n"
    assert result(check(inside), "validation").status == "missing"


def test_a_template_label_set_as_a_lone_bullet_titles_the_prose_after_it() -> None:
    text = "- What I did\n\nAdded the missing condition updates.\n\n- How to verify it\n\nEnable OCL on a cluster\nApply a MachineConfig change and watch the columns turn True\n"
    found = result(check(text), "validation")
    assert (found.status, found.heading) == ("ok", "How to verify it")
    # the same words as one topic among others of a list hold nothing
    topics = "## Summary\n- What changed\n- How to verify it\n- Risk and rollback\n\nThe import is faster now.\n"
    assert result(check(topics), "validation").heading != "How to verify it"


def test_a_column_of_levels_one_per_row_is_filled_in() -> None:
    table = "## Upgrades\n\n| Dependency | From | To | Risk |\n|---|---|---|---|\n| TypeScript | 5.9.3 | 6.0.2 | Medium |\n| zod | 3.25 | 4.3 | High |\n"
    assert result(check(table), "risks").status == "ok"
    # one row: a level with no reason, as anywhere else
    one_row = "## Upgrades\n\n| Dependency | Risk |\n|---|---|\n| TypeScript | Medium |\n"
    assert result(check(one_row), "risks").status != "ok"


def test_a_step_among_short_options_to_tick_is_one_more_option() -> None:
    options = "## How did you test it?\n- [ ] built\n- [ ] run locally and tested manually\n- [ ] covered by existing tests\n- [ ] added new unit test(s)\n"
    assert result(check(options), "validation").status == "placeholder"
    assert result(check(options.replace("[ ] covered", "[x] covered")), "validation").status == "ok"
    # a plan's steps, unticked because they are still to do, stay steps
    steps = "## Rollback plan\n- [ ] Disable the `fast_export` flag in the admin console\n- [ ] Revert the merge request and redeploy\n"
    assert result(check(steps), "rollback").status == "ok"
    # test steps to do, each opening with its verb ("go to", "get", "check"): a plan, not options
    test_steps = "## Testing\n- [ ] Deploy to staging\n- [ ] Go to the home page\n- [ ] Get approval from the stakeholder\n- [ ] Check all the blocks are present\n"
    assert result(check(test_steps), "validation").status == "ok"
    french = "## Pour tester\n- [ ] Lancer `npm run db:migrate` : la colonne doit être ajoutée\n- [ ] Lancer `npm run db:rollback` : la colonne doit être supprimée\n"
    assert result(check(french), "validation").status == "ok"


def test_a_ticked_box_speaks_in_the_first_person() -> None:
    ticked = "## Release v5\n- [x] Manual testing to confirm the extension works with the main flows\n- [x] Publish to the store\n"
    assert result(check(ticked), "validation").status == "ok"
    assert result(check(ticked.replace("[x] Manual", "[ ] Manual")), "validation").status != "ok"


def test_what_any_language_says_by_its_layout() -> None:
    # a quoted line wholly in italics is the template's guidance, whatever its words
    quoted = "## Comment tester ?\n\n> _Les instructions pour reproduire le problème, les profils de test, etc._\n"
    assert result(check(quoted), "validation").status == "placeholder"
    assert result(check(quoted.replace("> _", "").replace("._", ".")), "validation").status == "ok"
    # a template variable in braces is a name left to fill in; a route's parameter or code is not
    assert lines.read_line("{branch_name}をローカルに取り込む", CONTEXT) == ("prompt", lines.NAME_TO_FILL)
    assert lines.read_line("Deploy {{ service-name }} to staging", CONTEXT) == ("prompt", lines.NAME_TO_FILL)
    assert lines.read_line("GET /users/{user_id} now answers 404 for a deleted user.", CONTEXT)[0] == "answer"
    assert lines.read_line("Set `{log_level}` in the config to debug.", CONTEXT)[0] == "answer"


def test_quoted_guidance_holds_its_examples() -> None:
    template = (
        "### Please provide acceptance criteria for this change\n\n"
        "> _Please specify the commands for our team to verify the changes._\n\n"
        "> _Few examples_\n"
        "> 1. For a PR with a new job, `bosh instances` can verify the job is running after upgrade.\n"
        "> 2. For a PR with new variables, `bosh variables` can verify the variable exists.\n"
    )
    assert result(check(template), "validation").status == "placeholder"
    answered = template + "\nRan `bosh instances` on the dev env after the upgrade: the new job is running.\n"
    assert result(check(answered), "validation").status == "ok"
    # a quote with no instruction in it is someone's words, read as they are
    quoted = "### Verification\n\n> Ran `bosh instances` on the dev env after the upgrade: the job is running.\n"
    assert result(check(quoted), "validation").status == "ok"


def test_a_short_sentence_among_others_says_it() -> None:
    said = "## Notes\nThe live branch keeps the flag for now; it is simple to revisit. TLDR; the risk is low.\n"
    assert result(check(said), "risks").status == "ok"
    assert result(check("Update the collector to v0.91.0.\n\nTested in kind cluster.\n"), "validation").status == "ok"
    # a line that tells the author what to write says nothing, whatever else it holds
    told = "## Summary\n_Any change is risky. Identify all risks you are aware of. If none, remove this section._\n"
    assert result(check(told), "risks").status != "ok"


def test_a_link_inside_a_prompt_is_the_prompts() -> None:
    offered = "## How was this change tested?\n\nRun [integration tests](https://example.com/it) and/or test in [stage|qa] environment.\n"
    assert result(check(offered), "validation").status != "ok"
    assert result(check("## Metrics\n\n[Grafana dashboard](https://grafana.example.com/d/1)\n"), "metrics").status == "ok"


def test_what_was_verified_and_what_was_implemented() -> None:
    verified = "## What changed\nThe validate job gates on /health only.\n\n### Verified (PR #1147, all green)\n- actionlint clean\n"
    assert result(check(verified), "validation").status == "ok"
    built = "### Motivation\n\nImplemented new feature to rollback the upgrade in case of error\n"
    assert result(check(built), "rollback").status == "missing"


def test_what_to_do_for_a_kind_of_change_is_the_templates() -> None:
    told = "## How was this change tested?\n\nIf this change updates the Argo UI, run all integration tests that use Argo.\n"
    assert result(check(told), "validation").status == "placeholder"
    # a plan's condition names trouble, and its way out
    plan = "## Rollback\n\nIf this change causes errors in the export, revert the MR and redeploy.\n"
    assert result(check(plan), "rollback").status == "ok"


def test_detail_tells_the_author_what_to_write() -> None:
    # "Detail the ..." tells the author what to write, as "Describe the ..." does
    told = "## How has this been tested?\n\n- **Integration Tests**: Detail the integration tests performed and their results.\n"
    assert result(check(told), "validation").status != "ok"


def test_a_part_said_in_french_or_japanese() -> None:
    assert result(check("## Remarques\n\nCette migration peut être revert sans conséquence.\n"), "rollback").status == "ok"
    # the harm weighed and the backup put back, in French as in English
    upgrade = "## Approche\n\nOn migre en fin de journée, car il y aura sûrement une petite période d'indisponibilité.\n"
    assert result(check(upgrade), "risks").status == "ok"
    assert result(check(upgrade.replace("il y aura sûrement une petite période", "on a eu une longue période")), "risks").status == "missing"
    back = "## Approche\n\nSi le résultat ne fonctionne pas, on pourra recréer une instance et y recharger la sauvegarde.\n"
    assert result(check(back), "rollback").status == "ok"
    assert result(check(back.replace("Si le résultat ne fonctionne pas, on", "On")), "rollback").status == "missing"
    assert result(check("## 内容\n\nActionsのバージョンを更新します。動作確認済みです。\n"), "validation").status == "ok"
    assert result(check("## 内容\n\nActionsのバージョンを更新します。既存の設定への影響はありません。\n"), "risks").status == "ok"
    assert result(check("## What\n\n外部キーを削除したことにより、副作用が発生する可能性があります。\n"), "risks").status == "ok"
    steps = "## 変更確認方法\n\n1. トップページを開く\n2. フッターに「RouletteTalk」が追加されていることを確認する\n"
    assert result(check(steps), "expectations").status == "ok"
    assert result(check("## Pour tester\n\nEffectuer la migration et vérifier que la colonne a bien été remplie.\n"), "expectations").status == "ok"
    assert result(check("## Mise en production\n\nL'équipe doit être prévenue sur le canal équipe.\n"), "expectations").status == "missing"
    assert result(check("## Summary\n\nFix #6337\n\nマイグレーションなど正常動作を確認\n"), "validation").status == "ok"
    # a rollback word in Japanese, as in English, needs a condition and trouble
    assert result(check("## 概要\n\nv1.2.3 へのロールバックの手順書を追加します。\n"), "rollback").status == "missing"
    assert result(check("## 概要\n\n問題があればv1.2.3 へロールバックします。\n"), "rollback").status == "ok"


def test_a_title_in_two_languages_is_two_titles() -> None:
    # (the answer says no check done, so only the title can make it validation)
    both = "# Test instructions | Instructions pour tester la modification\n\nRun tf apply, then open the dashboards in staging.\n"
    assert result(check(both), "validation").status == "ok"
    # (the heading alone: the learned model reads "open the dashboards in staging" as a check)
    assert result(check(both.replace("Test instructions | ", "Test instructions, "), learned=False), "validation").status == "missing"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a word of harm weighed, in words no wording lists (``also:`` of risks)
        ("## Summary\nSome tenants could see a short outage while the pods restart.\n", "ok"),
        ("## Summary\nThis should not affect any existing tenants, whose rows keep their ids.\n", "ok"),
        ("## Notice\nPlanned downtime for the scanner is expected to be an hour.\n", "ok"),
        ("## Notice\nThere may be a small blip in API responses while we move hosts.\n", "ok"),
        ("## Notice\nIngest and metadata updates will not work while the site is read only.\n", "ok"),
        ("## Notice\nThe site won't be available for 24 hours while we move it to another host.\n", "ok"),
        # what did not work tells of the past, not of a risk
        ("## Notice\nOur previous attempt to swap the providers did not work at all.\n", "missing"),
        ("## Summary\nEveryone's install will break until they update the package.\n", "ok"),
        # the harm word is the verb itself; the scope said ("mainly")
        ("## Summary\nThis API change breaks only one plugin with 17 downloads.\n", "ok"),
        ("## Impact of Changes\nIt mainly impacts users that work with in-memory data objects.\n", "ok"),
        # a step the change asks of those who run it
        ("## Important\nWhen this is released, a dump and restore or `pg_upgrade` is needed.\n", "ok"),
        ("## Notes\nEveryone using the Docker environment will need to reinstall their node modules.\n", "ok"),
        ("## Notes\nIt is acceptable to require a restart of the operator during the upgrade.\n", "missing"),
        # a word of harm with no word that weighs it: the bug fixed, not a risk of the change
        ("## Summary\nFixes the crash when the export has no rows at all.\n", "missing"),
        # no verb: a template's label, not a risk weighed
        ("## Regression Notes\n1. Potential unintended areas of impact\n", "missing"),
        # a check names the harm it looks for
        ("## Tasks\n- Monitor New Relic to ensure there is no downtime during the switch\n", "missing"),
        # the problem the change solves: harm done, not a risk it brings
        ("## Problem\nThis can lead to costly mistakes, such as the downtime on 7/21.\n## Change\nA guard.\n", "missing"),
    ],
)
def test_a_harm_weighed_is_a_risk(text: str, status: str) -> None:
    assert result(check(text), "risks").status == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a check said done where it was done, or by whom (``also:`` of validation)
        ("## Test instructions\nTF apply works, dashboards work in staging.\n", "ok"),
        ("## Summary\nThis new setup is already deployed and tested in my own services.\n", "ok"),
        ("## Summary\nRan the new version of the test module locally and all comparisons passed.\n", "ok"),
        # a runbook's check in the place it is made, opening its sentence
        ("## Steps\n1. Verify the lack of traffic to our staging clusters.\n", "ok"),
        ("## Steps\n- Verify metrics and logs for the canary pods.\n", "ok"),
        # a sentence that opens with the verb of checking is a runbook's check, place or not
        ("## Release\n3. Check the images are available on Docker Hub and the binaries uploaded.\n", "ok"),
        ("## Steps\n- Verify the build compiles with `go build ./...`\n", "ok"),
        # a check said done in the passive, on what it was tried on
        ("## Summary\nThese changes have been run-tested on 1.3.0 on a WDR4900.\n", "ok"),
        ("## Summary\nThe migration was tested against a copy of the production database.\n", "ok"),
        ("## Summary\nThe migration has not been tested against a copy of the production database.\n", "missing"),
        # a check named by its aim, with its speaker; or denied but for what was done
        ("## Summary\nI also ran `python -Wa manage.py check` to check for deprecation warnings.\n", "ok"),
        ("## Summary\nHaven't done any testing besides runserver and clicking around a little.\n", "ok"),
        ("## Summary\nHaven't done any testing yet.\n", "missing"),
        # a box ticked for a test says it in two words; unticked it is a to-do
        ("## Summary\nThe update needs only the new sources.\n\n- [x] test installation\n- [x] test upgrade\n", "ok"),
        ("## Summary\nThe update needs only the new sources.\n\n- [ ] test installation\n- [ ] test upgrade\n", "missing"),
        # a goal to ensure, or a test told to whoever reads, is no check
        ("## Goals\n- Ensure the new flag stays compatible with existing deployments.\n", "missing"),
        ("## Notes\nCheck your settings before you upgrade.\n", "missing"),
        # the same words further on, or telling the author, are no check
        ("## Notes\nThe job will verify the lack of traffic to our staging clusters.\n", "missing"),
        ("## Notes\nVerify your change in staging before you merge.\n", "missing"),
        # asked for, told as a process, or denied: no check done
        ("## Summary\nIf tests pass, the app is promoted to staging and then production.\n", "missing"),
        ("## Summary\nWe must establish a clear, reliable and tested rollback strategy for v4.\n", "missing"),
        ("## Summary\nThe new export path has not been tested in staging yet.\n", "missing"),
        # the problem told: what happened, not the change checked
        ("## Problem\nRelease Cloud verified Beta in staging, but production failed.\n## Change\nA retry.\n", "missing"),
    ],
)
def test_a_check_said_done_is_validation(text: str, status: str) -> None:
    # the wordings alone: what the learned model adds is tested in test_learned.py
    assert result(check(text, learned=False), "validation").status == status


def test_a_title_is_read_again_without_its_qualifying_words() -> None:
    text = "**Steps to manually verify this change...**\n\n1. Approve and merge this PR and make sure it reaches prod.\n"
    assert result(check(text), "validation").status == "ok"
    # the template's own words under it are no answer
    assert result(check(text.replace("Approve and merge this PR and make sure it reaches prod.", "steps to view and verify change")), "validation").status == "placeholder"


def test_more_harm_and_places_said() -> None:
    assert result(check("## Notice\nThe site and its services will be taken offline on Friday at 5 pm.\n"), "risks").status == "ok"
    assert result(check("## Notice\nThe main website and openproject will most likely be down.\n"), "risks").status == "ok"
    assert result(check("## メンテナンス\n- ショップ＆サポートサイトが停止になる\n"), "risks").status == "ok"
    assert result(check("## 概要\nさし当たり影響の少なそうな物、主にメンテナンスリリースのみ。\n"), "risks").status == "ok"
    assert result(check("## Context\nIt'll impact US cloud only and take around 4 hours.\n"), "risks").status == "ok"
    assert result(check("## Summary\nWe've been running the beta in prod for two weeks and everything seems fine.\n"), "validation").status == "ok"
    assert result(check("## Summary\nAlready applied this fix while using the script in prod.\n"), "validation").status == "ok"
    # "yes/no" after a question is the choice still open, not the answer
    asked = "**Security checks**\n- Confirmed that this PR doesn't commit any keys or secrets? yes/no\n"
    assert result(check(asked), "validation").status == "missing"
    assert result(check(asked.replace("yes/no", "Yes")), "validation").status == "ok"
    # a "Test" heading is where validation goes
    assert result(check("### Test\n- dry-run for metrics script\n- make test\n"), "validation").status == "ok"
    # a ticked box speaks for the author with one word fewer
    certified = "**I certify that I have:**\n- [x] tested my changes\n- [ ] updated the changelog\n"
    assert result(check(certified), "validation").status == "ok"
    assert result(check(certified.replace("[x]", "[ ]")), "validation").status == "missing"
    assert result(check("## Summary\nEverything works on development, with a screenshot below.\n"), "validation").status == "ok"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("## Deploy w1\n- [x] Platform Production\n- [x] Test (All automated tests green)\n", "ok"),
        ("## Promote\n- [x] Smoke test Data Browser instance for hca/staging\n", "ok"),
        ("## Before making a pull request\n- [x] Make sure all tests run\n", "ok"),
        ("## Checklist\n- [x] `npm test` passes\n- [ ] release notes written\n", "ok"),
        # unticked: still to do, or the template's; struck through whole: withdrawn
        ("## Promote\n- [ ] Smoke test Data Browser instance for hca/staging\n", "missing"),
        ("## REVUE\n- [x] ~~Test sur la review app / en local~~\n", "missing"),
        # a test named further on is no test done: "Refactoring or test improvements"
        ("## Type\n- [x] Refactoring or test improvements (no bug fixes)\n", "missing"),
    ],
)
def test_a_ticked_box_that_opens_with_a_test_is_validation(text: str, status: str) -> None:
    assert result(check(text), "validation").status == status


def test_a_ruleset_names_the_ticked_wordings() -> None:
    text = "## Checklist\n- [x] Probado en el entorno de pruebas\n"
    assert result(check(text), "validation").status == "missing"
    cfg = config.load(config_text="vocabulary:\n  mentions:\n    validation:\n      ticked: {add: [probado]}\n")
    assert result(check(text, cfg), "validation").status == "ok"


def test_a_template_section_of_the_part_is_not_read_again_for_a_mention() -> None:
    # the template's own guidance under "Risks" judged a prompt: its words weigh no risk
    text = (
        "### Risks\n\n* High | Medium | Low : How might failures be experienced? All code changes\n"
        "  carry a minimum of risk of **Low**, and **None** should be a rare exception.\n"
    )
    assert result(check(text), "risks").status == "placeholder"


def test_a_ruleset_replaces_the_senses_of_a_mention() -> None:
    text = "## Summary\nEl cambio de DNS provocará un corte del servicio durante la noche.\n"
    assert result(check(text), "risks").status == "missing"
    cfg = config.load(config_text=(
        "learned: false\n"
        "vocabulary:\n  mentions:\n    risks:\n      also:\n"
        "        - words: [corte, interrupción]\n          when: [[provocará, puede, podría]]\n"
    ))
    assert result(check(text, cfg), "risks").status == "ok"
    # the built-in senses are replaced, not extended
    assert result(check("## Summary\nSome tenants could see a short outage while the pods restart.\n", cfg), "risks").status == "missing"


def test_a_ruleset_extends_and_trims_the_vocabulary() -> None:
    base = check("## Rollback plan\nà compléter\n")
    assert result(base, "rollback").status == "ok"  # built-in words are English
    cfg = config.load(config_text="vocabulary:\n  placeholders: [à compléter]\n")
    assert result(check("## Rollback plan\nà compléter\n", cfg), "rollback").status == "placeholder"
    trimmed = config.load(config_text="vocabulary:\n  prompt_verbs: {remove: [think]}\n")
    assert result(check("## Rollback plan\nThink twice, then revert.\n", trimmed), "rollback").status == "ok"
    assert result(check("## Rollback plan\nThink twice, then revert.\n"), "rollback").status == "placeholder"


def test_a_mention_wording_writes_its_choices_in_parentheses() -> None:
    from enforcer.vocabulary import expand

    assert expand(["(i|we) (have|'ve|) run it", "revert"]) == (
        "i have run it", "i've run it", "i run it", "we have run it", "we've run it", "we run it", "revert",
    )
    cfg = config.load(config_text="vocabulary:\n  mentions:\n    rollback:\n      alone: [\"(flip|switch) the toggle back\"]\n")
    assert result(check("## Summary\nA new export path; we flip the toggle back at noon each day.\n", cfg), "rollback").status == "ok"
    assert result(check("## Summary\nA new export path; we flip the toggle back at noon each day.\n"), "rollback").status == "missing"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vocabulary:\n  colours: [red]\n", "vocabulary.colours: unknown key"),
        ("vocabulary:\n  placeholders: {add: [x], drop: [y]}\n", "vocabulary.placeholders.drop: unknown key"),
        ("vocabulary:\n  mentions:\n    rollback: {words: 3}\n", "vocabulary.mentions.rollback.words: expected a list of texts"),
        ("vocabulary:\n  mentions:\n    risks: {also: {words: [outage]}}\n", "vocabulary.mentions.risks.also: expected a list of"),
        ("vocabulary:\n  mentions:\n    risks: {also: [{when: [[may]]}]}\n", "vocabulary.mentions.risks.also[0]: 'words' is required"),
        ("vocabulary:\n  mentions:\n    risks: {also: [{words: [outage], unless: [x]}]}\n", "vocabulary.mentions.risks.also[0].unless: unknown key"),
        # choices that multiply past the bound: no unbounded pattern from a repository's ruleset
        ("vocabulary:\n  mentions:\n    rollback:\n      alone: [\"" + " ".join(["(a|b|c|d|e)"] * 5) + "\"]\n",
         "vocabulary.mentions.rollback.alone[0]: its choices write out to 3125 wordings, more than 1000"),
    ],
)
def test_a_wrong_vocabulary_is_named(text: str, message: str) -> None:
    with pytest.raises(config.ConfigError, match=re.escape(message)):
        config.load(config_text=text)


def test_a_template_box_the_author_ticked_is_an_answer() -> None:
    text = "## Rollback instructions\n- [x] This PR can be reverted after deploy with no further considerations\n"
    copied = frozenset({lines.template_key("This PR can be reverted after deploy with no further considerations")})
    assert result(check(text, template_lines=copied), "rollback").status == "ok"
    # ticked already in the template: the tick was copied, no choice was made
    ticked = copied | {lines.ticked_key("This PR can be reverted after deploy with no further considerations")}
    assert result(check(text, template_lines=ticked), "rollback").status == "placeholder"


@pytest.mark.parametrize(
    ("boxes", "status"),
    [
        # conditions to meet: a criterion is stated, not an option left unchosen
        ("- [ ] Final score >= 90 with no dimension below 80.\n- [ ] The internal segment is not visible in the UI.\n", "ok"),
        ("- [ ] Operator and rollback procedures are executed, not only documented.\n- [ ] Error rate stays under 1%.\n", "ok"),
        # a pull request's checklist under the same heading: what the author says they did, unticked
        ("- [ ] I added unit tests for each feature.\n- [ ] Documentation has been updated.\n- [ ] Did you log in and verify the routes?\n", "placeholder"),
        # options with nothing chosen stay options
        ("- [ ] Minor\n- [ ] Major\n", "placeholder"),
    ],
)
def test_unticked_boxes_under_a_heading_of_criteria_are_conditions(boxes: str, status: str) -> None:
    found = result(check(f"## Acceptance criteria\n\n{boxes}"), "expectations")
    assert found.status == status
    # the same boxes under another heading are options left unchosen, or assertions unticked
    assert result(check(f"## Expected result\n\n{boxes}"), "expectations").status == "placeholder"


def test_a_link_to_a_bare_site_or_a_word_is_the_template_s_stand_in() -> None:
    assert result(check("## Expected result\nProposal: [xxx](url)\n"), "expectations").status == "placeholder"
    boxes = "- [ ] Disabling with environment variable: [Link to the MR](https://gitlab.com)\n"
    assert result(check(f"## Rollback\n{boxes}"), "rollback").status == "placeholder"
    real = "- [ ] Disabling with environment variable: [Link to the MR](https://gitlab.com/acme/app/-/merge_requests/7)\n"
    assert result(check(f"## Rollback\n{real}"), "rollback").status == "ok"


def test_among_the_template_s_instructions_what_speaks_to_the_author_is_its_guidance() -> None:
    section = (
        "## Upgrade / Downgrade Strategy\n\n"
        "If applicable, how will the component be upgraded and downgraded?\n\n"
        "Consider the following in developing an upgrade strategy.\n\n"
        "- For a minor release you only need to support x.N->x.N+1 upgrade steps.\n"
    )
    assert result(check(section), "rollback").status == "placeholder"
    # an author's answer below the kept instructions still answers
    answered = section + "\nWe downgrade by redeploying v1.4; the schema change is additive.\n"
    assert result(check(answered), "rollback").status == "ok"


def test_commands_beside_a_name_still_to_fill_in_are_the_template_s_example() -> None:
    block = "## How to test\n\n```\ngit clone [repo-address]\ncd [repo-name]\ndotnet restore\n```\n"
    assert result(check(block), "validation").status == "placeholder"
    filled = "## How to test\n\n```\ngit clone https://github.com/acme/app\ncd app\ndotnet test\n```\n"
    assert result(check(filled), "validation").status == "ok"


@pytest.mark.parametrize(
    "text",
    [
        "This reverts commit 3cc2e05b2f70b926dcb8a05bbf6c4b32efd2ab31.\n\nIt broke exports, and it seems safe to revert this.\n",
        "Reverts merge commit `521c18d` from PR #809.\n\nThe issues it closed should be reopened after this revert if anything breaks.\n",
        "Reverts ocaml/opam-repository#21537\n\nThe release has issues. Since it is recent it seems safe to revert until they are fixed.\n",
    ],
)
def test_a_revert_s_own_revert_words_are_no_way_back(text: str) -> None:
    assert result(check(text), "rollback").status == "missing"


@pytest.mark.parametrize(
    ("requirement", "text", "status"),
    [
        # a modal with its subject dropped says the effect of the change, not a question
        ("expectations", "## Summary\nShould make the nightly export run a little faster, or use less memory.\n", "ok"),
        ("expectations", "## Summary\nWill solve the timeouts we see when nodes are created.\n", "ok"),
        ("expectations", "## Summary\nThis commit ensures that archived tasks are ignored in the totals.\n", "ok"),
        # with its subject it is still a question
        ("expectations", "## Summary\nShould we make the nightly export run a little faster?\n", "missing"),
        ("expectations", "## Summary\nWill this solve the timeouts we see when nodes are created\n", "missing"),
        # a template's question answered on its own line
        ("rollback", "## Risks\n- Safe to rollback without consulting PR author? Yes\n", "ok"),
        ("rollback", "## Risks\n- Safe to rollback without consulting PR author? No\n", "missing"),
        # the old behaviour restored, the migration's own down step
        ("rollback", "## Summary\nWith the new option it is possible to restore the old behavior.\n", "ok"),
        # a way back said as the means of a fix
        ("rollback", "## Summary\nAny occasional bad build can be fixed by rolling back to yesterday's build.\n", "ok"),
        ("rollback", "## Summary\nIf the upgrade fails we go back to the previous version from the snapshot.\n", "ok"),
        ("rollback", "## Summary\nIn the down migration, make the column nullable again.\n", "ok"),
        # the risk judged none: nothing breaks, no maintenance window, a tradeoff named
        ("risks", "## Summary\nNew flag for the exporter.\n- No breaking changes to existing APIs\n", "ok"),
        ("risks", "## Summary\nWe do not need to be in maintenance mode during this migration.\n", "ok"),
        ("risks", "## Summary\nExisting clusters upgrading to 1.8 will keep their existing configuration.\n", "ok"),
        ("risks", "## Summary\nThe export is slower. Statistics no longer show archived projects, a tradeoff we accept.\n", "ok"),
        # validation: a copy of production, outputs compared, metrics watched while it rolls out
        ("validation", "## Summary\nI cloned our production database and the migration took around 3 hours.\n", "ok"),
        ("validation", "## Summary\nThe rendered pages are identical before and after the refactor.\n", "ok"),
        ("validation", "## Summary\nStart with 10% of users, check key metrics, then increase in stages.\n", "ok"),
        ("validation", "## Summary\nQuickly manually verified that the overlay still works as before.\n", "ok"),
    ],
)
def test_round_two_mention_classes(requirement: str, text: str, status: str) -> None:
    assert result(check(text), requirement).status == status


@pytest.mark.parametrize(
    ("requirement", "text", "status"),
    [
        # two words joined by a slash are prose, a path is not
        ("rollback", "## Summary\nThe resources are conditional, so it is safe to disable/enable without destroying them.\n", "ok"),
        ("rollback", "## Summary\nThis PR adds the scripts under db/rollback/001.sql for the ops team.\n", "missing"),
        ("rollback", "## Summary\nThis PR adds rollback/001.sql and rollback/README for the ops team.\n", "missing"),
        # what users must do after it: log in again
        ("risks", "## Summary\nAfter upgrading to 2.5 it is necessary to re-login to populate the new fields.\n", "ok"),
        # the effect said with "this should make", not advice to a reader
        ("expectations", "## Summary\nThis should make programming with imports easier.\n", "ok"),
        ("expectations", "## Summary\nDocumenting this will make decisions easier when performing future upgrades.\n", "missing"),
    ],
)
def test_round_two_mention_classes_more(requirement: str, text: str, status: str) -> None:
    assert result(check(text), requirement).status == status


# From parts U to Z (gathered this session, measured untouched first): how real authors say a
# part in prose, and the near misses that must not count
@pytest.mark.parametrize(
    ("requirement", "text", "status"),
    [
        ("validation", "## Notes\nTested these changes with a full run of the test suite.\n", "ok"),
        ("validation", "## Notes\nI did test the changes locally against stage, only unrelated errors.\n", "ok"),
        ("validation", "## Notes\nAfter merging, we should check if everything works as intended on dev.\n", "ok"),
        ("validation", "## Notes\nThe suite is tested nightly on the main branch by the CI.\n", "missing"),
        ("risks", "## Notes\nActions were broken for months, so I am not much more worried about breaking things.\n", "ok"),
        ("risks", "## Notes\nThe in-place upgrade took 45 seconds of downtime on the rehearsal clone.\n", "ok"),
        ("risks", "## Notes\nMore observable staging deployments with a reduced risk of downtime.\n", "missing"),
        ("rollback", "## Summary\nWe keep an option to fall back to the old dashboard in case of bugs.\n", "ok"),
        ("rollback", "## Summary\nThe new dashboard loads the old widgets as a fall back to old browsers.\n", "missing"),
        ("risks", "## Notes\nIt is a breaking change, but the chart is not marked stable, so it may be acceptable.\n", "ok"),
        ("risks", "## Notes\nShow the stage in the edit page if the feature is a breaking change for users.\n", "missing"),
        ("validation", "## Notes\nI have been able to test it in a cluster, all works well.\n", "ok"),
        ("risks", "## Notes\nThose changes only affect users who have opted into the beta.\n", "ok"),
        ("risks", "## Notes\nWe need to be careful about merging this while the nightly import runs.\n", "ok"),
        ("risks", "## Notes\nBoth databases are upgraded at once and may incur a five minute total outage.\n", "ok"),
        ("validation", "## Notes\nCheck the deployment works on staging with a copy of production data first.\n", "ok"),
        ("rollback", "## Changes\nIntroduce ConfigRollbackManager that restores the last good config if a reload fails.\n", "missing"),
        ("validation", "## Notes\nI've been testing all these changes in my dev instance, and all seems good.\n", "ok"),
        ("validation", "## Notes\nI have tried this out end to end and everything should run smoothly.\n", "ok"),
        ("risks", "## Notes\nThese are too slow to run without a small interruption in service.\n", "ok"),
        ("rollback", "## Notes\nThis also adds a down migration that restores the old column if we want to go back.\n", "ok"),
        ("risks", "## Context\nI am going to restart the server; this will temporarily affect all services.\n", "ok"),
        ("validation", "## Context\nI have already confirmed this fix to be working on the deployed version.\n", "ok"),
        # words quoted, not said
        ("rollback", "## Gap\nIn practice plans read 'we'll roll back if it goes bad', which is no plan at all.\n", "missing"),
        ("rollback", "## Gap\nIn practice we'll roll back if it goes bad, by reverting the merge commit.\n", "ok"),
        ("rollback", "## Notes\nIn the event of errors, repeat the deployment with the previous production SHA.\n", "ok"),
    ],
)
def test_mention_classes_from_the_later_parts(requirement: str, text: str, status: str) -> None:
    # the wordings alone: what the learned model adds is tested in test_learned.py
    assert result(check(text, learned=False), requirement).status == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a way back kept for when it is needed
        ("## Summary\nIn case we need to roll back the migration, we can safely go back to a previous version.\n", "ok"),
        # what a solution still to build should hold is no way back from this change
        ("## Summary\nThe solution should include automatic testing and rollback in case of problems.\n", "missing"),
    ],
)
def test_a_way_back_kept_for_when_it_is_needed(text: str, status: str) -> None:
    assert result(check(text), "rollback").status == status


@pytest.mark.parametrize(
    ("requirement", "text", "status"),
    [
        # a sentence set in bold is still a sentence
        ("validation", "## Summary\nA cleanup.\n\n**Every digest is identical before and after.**\n", "ok"),
        # a sentence cut by its own colon into a field
        ("risks", "## Summary\nThis comes with a real tradeoff: statistics no longer cover archived projects.\n", "ok"),
        # a short bold label or field is a label, not a sentence
        ("risks", "## Summary\n**Zero downtime goal**\n\nWe aim for it in the next quarter.\n", "missing"),
    ],
)
def test_a_sentence_set_as_a_title_is_read_as_prose(requirement: str, text: str, status: str) -> None:
    assert result(check(text), requirement).status == status


@pytest.mark.parametrize(
    ("requirement", "text", "status"),
    [
        # a field whose label and value make one sentence
        ("validation", "## Summary\nA cleanup.\n\nAlso re-run: the schema validators, all parts still valid.\n", "ok"),
        # a check after a step, not a bare instruction to verify
        ("validation", "## Summary\nLet's get this on stage and then verify that it resolves the regression.\n", "ok"),
        # (a bare "Verify that ..." opening its sentence is a runbook's check since the corpus
        # measured it: 10 elements found, 3 false; one asked for is still none)
        ("validation", "## Summary\nCopy the conversation for later. We should verify that no confidential data is added.\n", "missing"),
        # a downgrade judged safe
        ("rollback", "## Summary\nDowngrade shouldn't be problematic since older daemons keep the old behavior.\n", "ok"),
    ],
)
def test_round_two_fields_checks_and_downgrades(requirement: str, text: str, status: str) -> None:
    assert result(check(text), requirement).status == status


def test_a_passive_instruction_among_the_template_s_is_its_guidance() -> None:
    text = (
        "## How this pull request can be tested?\n\n"
        "Please describe the procedure to verify that the goal of the PR is matched.\n\n"
        "Any relevant details of the configuration to perform the test should be added.\n"
    )
    assert result(check(text), "validation").status == "placeholder"


def test_a_list_of_examples_that_goes_on_with_etc_is_the_templates() -> None:
    """Unticked boxes under "Acceptance Criteria" ending with "_etc_" are the template's
    examples ("_The first thing this PR must achieve_"), not conditions of this change."""
    template = "### Acceptance Criteria\n\n- [ ] _The first thing this PR must achieve_\n- [ ] _The second thing this PR must achieve_\n- [ ] _etc_\n"
    assert result(check(template), "expectations").status != "ok"
    filled = "### Acceptance Criteria\n\n- [ ] Exports finish under 5 s for 10k rows\n- [ ] The old export path is gone\n- [ ] Users see the new button\n"
    assert result(check(filled), "expectations").status == "ok"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("And how do you fix that problem", "prompt"),  # a question left without its mark
        ("So what does it change for users", "prompt"),
        ("And the cache is warmed before the switch.", "answer"),
        ("Test A", "prompt"),  # GitHub's most copied template: "- [ ] Test A", "- [ ] Test B"
        ("Test against a copy of production", "answer"),
        ("Section not required until targeted at a release.", "prompt"),  # about the section
        ("Prefer bulleted description", "prompt"),
        ("How to test this PR", "prompt"),  # a label for what follows, standing alone
        ("How to test: run the export twice and compare the files.", "answer"),
        ("Include test case, and expected output", "prompt"),
        ("Low means a really minor change that shouldn't have any risk of breaking anything.", "prompt"),
        ("High = requires a maintenance window", "prompt"),
        ("Low risk: only the docs change.", "answer"),
    ],
)
def test_template_stand_ins_and_unmarked_questions(text: str, kind: str) -> None:
    assert lines.read_line(text, CONTEXT)[0] == kind


def test_one_statement_in_a_list_of_the_template_s_instructions_is_one_of_them() -> None:
    template = (
        "## Testing Instructions\n\n* How to test this PR\n* Prefer bulleted description\n"
        "* Start after checking out this branch\n* Include any setup required, such as bundling scripts, restarting services, etc.\n"
        "* Include test case, and expected output\n"
    )
    assert result(check(template), "validation").status == "placeholder"
    filled = "## Testing Instructions\n\n* Start after checking out this branch\n* Run `make export` twice\n* Compare the two files: they match\n"
    assert result(check(filled), "validation").status == "ok"


@pytest.mark.parametrize(
    ("requirement", "text", "status"),
    [
        ("rollback", "Upgrade Ruby in production.\n\nDowngrading will be done on failure or if we see any problems when monitoring the environment after upgrade.\n", "ok"),
        ("rollback", "Upgrade Ruby in production.\n\nDowngrading is not supported by this tool.\n", "missing"),
        ("validation", "本番デプロイ\n\n- [x] stagingで動作確認\n", "ok"),
        ("validation", "本番デプロイ\n\n- [ ] stagingで動作確認\n", "missing"),
    ],
)
def test_a_downgrade_on_failure_and_a_check_on_staging_in_japanese(requirement: str, text: str, status: str) -> None:
    assert result(check(text), requirement).status == status


def test_the_template_s_notes_to_reviewers_and_about_its_list_are_its_own() -> None:
    """Among the template's instructions, what a role is to do ("**Reviewers** ensure ...") is
    its guidance; under a heading of criteria, a box whose words are all in parentheses is the
    template's note about the list, not a condition of this change."""
    tested = (
        "#### How has this been tested?\n\n**Reviewers** ensure that these test requirements are also reviewed.\n\n"
        "Please indicate the need for this change to be tested. If not please justify, if so then at what levels.\n\n"
        "- [ ] Unit / Integration tests\n- [ ] Browser tests\n- [ ] E2E tests\n"
    )
    assert result(check(tested), "validation").status == "placeholder"
    done = "## Definition of Done\n\n- [ ] 🛑 (drag items from above to this list to remove from requirements)\n"
    assert result(check(done), "expectations").status != "ok"
    assert result(check(done.replace("🛑 (drag items from above to this list to remove from requirements)", "Exports finish under 5 s for 10k rows")), "expectations").status == "ok"
