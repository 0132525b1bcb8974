"""The engine: finding each requirement's section and judging it."""

from __future__ import annotations


import plans
import pytest
from core_support import check, result, ruleset, statuses

from enforcer import config
from enforcer.lines import template_key

# --- finding the section --------------------------------------------------------------------

DECORATED = [
    "## 🔙 Rollback",
    "## 3. Rollback plan",
    "## Step 4: Rollback plan",
    "## Rollback plan (required)",
    "## ROLLBACK PLAN",
    "## rollback-plan!!!",
    "## **Rollback** plan",
    "### ⏪ Back-out plan",
    "## How do we roll back?",
    "**Rollback plan:**",
    "Rollback plan:",
    "<details><summary>🔙 Rollback plan</summary>\n\n",
    "<h2>Rollback plan</h2>\n",
    "🔙 **Rollback plan:**",
    "***Rollback plan***",
    "**Rollback plan** -",
    "**Rollback plan** —",
]


@pytest.mark.parametrize("heading", DECORATED)
def test_decorated_and_question_headings_are_found(heading: str) -> None:
    text = heading + "\nRevert the merge request and turn the flag off.\n"
    found = result(check(text), "rollback")
    assert found.status == "ok"
    assert found.line == 1


def test_a_plan_written_as_a_list_of_labels_passes() -> None:
    text = (
        "## Rollout plan\n"
        "- **Expected result:** Users see faster search.\n"
        "- **Validation:** Search latency p95 below 200 ms on the dashboard.\n"
        "1. **Risks**: The cache may go cold after deploy.\n"
        "- [x] Rollback plan: Disable the flag and revert the MR.\n"
    )
    report = check(text)
    assert report.status == "passed"
    assert result(report, "rollback").line == 5


def test_a_table_of_placeholders_under_its_header_is_no_content() -> None:
    text = "## Rollback plan\n\n| Step | Who |\n|---|---|\n| TBD | TBD |\n"
    assert result(check(text), "rollback").status == "placeholder"


def test_a_key_value_table_answers_requirements() -> None:
    text = (
        "## Rollout plan\n\n| Part | Plan |\n|---|---|\n"
        "| Expected result | Search gets faster |\n| Validation | p95 latency below 200 ms |\n"
        "| Risks | The cache may go cold |\n| Rollback plan | Disable the flag |\n"
    )
    report = check(text)
    assert report.status == "passed"
    assert (result(report, "rollback").heading, result(report, "rollback").line) == ("Rollback plan", 8)


def test_a_row_label_in_a_wider_table_answers_too() -> None:
    text = "## Rollout plan\n\n| Item | Plan | Owner |\n|---|---|---|\n| Rollback | Disable flag foo | @me |\n"
    found = result(check(text), "rollback")
    assert (found.status, found.heading, found.line) == ("ok", "Rollback", 5)


def test_a_field_answers_only_where_no_heading_does() -> None:
    text = (
        "## What does this MR do?\nRevert: safe, no migrations involved.\n"
        "Impact: all users of the search page.\n\n"
        "## Rollout plan\n### Rollback plan\nTBD\n### Risks\nTBD\n"
    )
    report = check(text)
    assert (result(report, "rollback").status, result(report, "rollback").heading) == ("placeholder", "Rollback plan")
    assert result(report, "risks").status == "placeholder"
    # with no heading for it, the field is the answer
    assert result(check("Rollback plan: revert the MR and turn the flag off.\n"), "rollback").status == "ok"


@pytest.mark.parametrize(
    ("heading", "requirement"),
    [
        ("## Expected impact", "risks"),  # an expectation, not a risk
        ("## Impact", "risks"),  # what the change does for people, as often as not
        ("## How to set up and validate locally", "validation"),  # GitLab's MR template: local testing
    ],
)
def test_headings_that_only_sound_like_a_requirement(heading: str, requirement: str) -> None:
    report = check(f"{heading}\nSearch gets faster for everyone who uses it.\n")
    assert result(report, requirement).status == "missing"


@pytest.mark.parametrize(
    ("heading", "requirement"),
    [
        ("## How do we roll this back?", "rollback"),
        ("## Rolling back", "rollback"),
        ("## Who should be notified?", "communication"),
        ("## Risk and impact", "risks"),
        ("## Verification", "testing"),  # how the author verified it: the tests run
        ("## How to review", "testing"),
        ("## 8. Post-testing", "validation"),  # the checks after a migration's run
        ("## Downgrades", "rollback"),
        ("## Erreurs/problèmes connus", "risks"),
        ("## The Goal of the Release Process", "expectations"),
        ("**Done when**", "validation"),  # the checks that close an issue
        ("### This task is done when...", "expectations"),  # the state it reaches
        ("Down time:", "risks"),
        ("## Checks", "validation"),
        ("### Release readiness predicate", "validation"),
        ("### ビルド確認", "validation"),  # build check
    ],
)
def test_more_wordings(heading: str, requirement: str) -> None:
    report = check(f"{heading}\nThe support team and the on-call engineer, via Slack.\n")
    assert result(report, requirement).status == "ok"


@pytest.mark.parametrize(
    "answer",
    [
        "- Rollback: `/chatops run feature set quota_banner false`",
        "```\n/chatops run feature set quota_banner false\n```",
        "```\n/label ~rollback\nkubectl rollout undo deployment/billing\n```",
        "Flip `new_billing_page` off in Flipper. Owner: @billing-oncall.",
        "*Add the CART_BACKEND=legacy variable back and redeploy.*",
        "*Note: revert the code first, then rake db:rollback.*",
        "/ready returns 200 on every pod after the revert.",
        "`/ready` returns 200 on every pod after the revert.",
        "/merge endpoint returns 202 again once the flag is off",
        "```xml\n<new-checkout-enabled>false</new-checkout-enabled>\n```",
        "```cpp\nstd::unique_ptr<cache_entry> e = cache.restore();\n```",
    ],
)
def test_answers_that_look_like_prompts_fields_or_quick_actions_are_content(answer: str) -> None:
    assert result(check(f"## Rollback\n{answer}\n"), "rollback").status == "ok"


@pytest.mark.parametrize(
    "answer",
    [
        "Link to the rollback runbook [here](https://runbooks.example.com/7).",
        "Runbook: [here](https://runbooks.example.com/7)",
        "[here](https://runbooks.example.com/7)",
    ],
)
def test_a_link_is_an_answer_even_named_here(answer: str) -> None:
    assert result(check(f"## Rollback plan\n{answer}\n"), "rollback").status == "ok"


@pytest.mark.parametrize(
    "text",
    [
        "**How do we roll back?** Turn the flag off and revert the MR.\n",
        "🔙 Rollback: turn the flag off and revert the MR.\n",
        "- 🔙 Rollback: turn the flag off and revert the MR.\n",
        "- Rollback plan - turn the flag off and revert the MR\n",
        "| Part | Plan |\n|---|---|\n| 🔙 Rollback plan | Turn the flag off and revert. |\n",
        "| Part | Plan |\n|---|---|\n| 1. Rollback | Turn the flag off and revert. |\n",
        "| # | Item | Details |\n|---|---|---|\n| 4 | Rollback plan | Turn the flag off and revert. |\n",
        "- Rollback\n  - turn the flag off\n  - revert the MR\n",
    ],
)
def test_more_layouts_of_a_label(text: str) -> None:
    found = result(check("## Rollout plan\n\n" + text), "rollback")
    assert found.status == "ok", found


@pytest.mark.parametrize(
    "table",
    [
        "| Step | Action | Validation | Rollback |\n|---|---|---|---|\n| 1 | Enable for staff | p95 below 30 s on the board | Disable the flag |\n",
        "| Expected result | Validation | Risks | Rollback plan |\n|---|---|---|---|\n"
        "| Results refresh within 30 s | Search for edited text on prod | DB load; batch capped at 500 | Turn the flag off |\n",
    ],
)
def test_a_column_per_part_of_the_plan(table: str) -> None:
    report = check("## Rollout plan\n\n" + table)
    assert result(report, "rollback").status == "ok"
    assert result(report, "validation").status == "ok"


def test_an_item_heading_a_list_is_a_title_not_content() -> None:
    found = result(check("## Rollout plan\n- Rollback\n  - TBD\n"), "rollback")
    assert (found.status, found.heading) == ("placeholder", "Rollback")


def test_a_link_counts_as_a_word() -> None:
    assert result(check("### Rollback\n[Runbook](https://runbooks.example.com/x)\n"), "rollback").status == "ok"


def test_an_answer_in_the_heading_itself() -> None:
    found = result(check("### Rollback: disable the flag and revert the MR\n"), "rollback")
    assert (found.status, found.line) == ("ok", 1)
    assert result(check("## Phase 2: Rollback\nTBD\n"), "rollback").status == "placeholder"


def test_one_section_serves_risks_and_validation() -> None:
    report = check("## What can go wrong and how would we detect it?\nErrors spike in Sentry; we watch it.\n")
    assert result(report, "risks").status == "ok"
    assert result(report, "validation").status == "ok"
    assert result(report, "risks").heading == result(report, "validation").heading


def test_section_inside_the_plan_is_preferred() -> None:
    text = (
        "## Rollback\nOld notes about the previous release's rollback.\n\n"
        "## Rollout plan\n### Rollback\nTurn off the flag and revert the MR.\n"
    )
    found = result(check(text), "rollback")
    assert (found.status, found.line) == ("ok", 5)


def test_real_content_beats_the_plan_position() -> None:
    text = "## Rollout plan\n### Rollback\nTBD\n\n## Rollback steps\nTurn off the flag and revert.\n"
    found = result(check(text), "rollback")
    assert (found.status, found.heading) == ("ok", "Rollback steps")


def test_a_phrase_outside_the_plan_does_not_answer_for_the_plan() -> None:
    text = "## Changes\n### Input validation\nRejects long names.\n## Rollout plan\n### Validation\nTBD\n"
    found = result(check(text), "validation")
    assert (found.status, found.heading) == ("placeholder", "Validation")
    text = "## Changes\n### Input validation\nRejects long names.\n## Rollout plan\n### Risks\nLong posts get 422s.\n"
    assert result(check(text), "validation").status == "missing"
    # a part of its own beside the plan still answers
    text = "## Rollout plan\n### Risks\nLong posts get 422s.\n## Rollback plan for the migration\nRestore the backup.\n"
    assert result(check(text), "rollback").status == "ok"
    # without a plan section, a phrase inside a longer title is an answer like any other
    text = "## Changes\n### Validation of the import\nRe-run the import and compare row counts.\n"
    assert result(check(text), "validation").status == "ok"


@pytest.mark.parametrize(
    "text",
    [
        # the plan beside its sections, both under the document's title
        "# Checkout v2\n## Rollout plan\nIn three steps.\n## Rollback steps if payments fail\nTurn the flag off.\n",
        # the plan one level down, its parts beside it
        "## Deployment notes\n### Rollout plan\nIn three steps.\n### Rollback steps for the worker\nTurn the flag off.\n",
        # a fact about the change is no plan heading
        "Release: 16.4\n\n## Worker\n### Rollback steps for the worker\nTurn the flag off.\n",
        "**Deployment:** Tuesday\n\n## Worker\n### Rollback steps for the worker\nTurn the flag off.\n",
    ],
)
def test_a_longer_title_beside_the_plan_answers(text: str) -> None:
    assert result(check(text), "rollback").status == "ok"


def test_a_rollback_plan_in_another_part_answers_where_the_plan_has_none() -> None:
    text = (
        "## Database changes\n### Rollback plan for the database migration\n`rake db:rollback STEP=1`, then revert.\n"
        "## Rollout plan\n### Risks\nThe worker could overload the database.\n"
    )
    assert result(check(text), "rollback").status == "ok"


def test_a_field_in_the_plan_beats_an_exact_heading_outside_it() -> None:
    text = "## Rollout plan\nRisks: DB load from the worker; batches are capped.\n\n## Known issues\nNone.\n"
    found = result(check(text), "risks")
    assert (found.status, found.heading) == ("ok", "Risks")


def test_a_field_in_the_plan_beats_a_longer_title_outside_it() -> None:
    text = "## Rollout plan\n- Risks: DB load rises for an hour.\n\n## Security risks\nNone.\n"
    found = result(check(text), "risks")
    assert (found.status, found.heading) == ("ok", "Risks")


def test_exact_title_beats_a_phrase_inside_a_longer_title() -> None:
    text = "## Notes on rollback timing\nWe roll back within minutes.\n\n## Rollback\nTurn off the flag.\n"
    assert result(check(text), "rollback").heading == "Rollback"


def test_plan_heading_naming_a_requirement_answers_with_its_own_text_only() -> None:
    text = "## Rollout and rollback plan\n### Risks\nThe cache may go cold.\n### Rollback\nTODO\n"
    assert result(check(text), "rollback").status == "placeholder"
    own = "## Rollout and rollback plan\nTo roll back, turn the flag off.\n"
    assert result(check(own), "rollback").status == "ok"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # the plan heading's own list is the steps of the rollout
        ("## Rollout plan\n1. Deploy to staging.\n2. Deploy to production at 10% of traffic.\n", "ok"),
        ("## Deploy Plan\n- deploy connector\n- remove the secret\n", "ok"),
        ("## Deployment plan\n- Run the migration, then deploy the API.\n- Enable the flag.\n", "ok"),
        ("## Release plan\nWe ship it on Tuesday with the weekly release.\n", "insufficient"),  # no steps
        # the steps around the deploy, under the names people give them
        ("## After you merge\n1. Enable the flag in production.\n2. Watch the error rate for a day.\n", "ok"),
        ("## Are there any deployment considerations?\n- Run the migration first.\n- Then deploy.\n", "ok"),
        ("## Upgrade\n1. Upgrade the operator.\n2. Upgrade the nodes one by one.\n", "ok"),
        ("## Before the deployment\nNothing to prepare.\n", "insufficient"),  # no steps
        # the parts below it answer for themselves, not as steps
        ("## Rollout plan\n### Risks\n- The cache may go cold.\n### Rollback\n- Revert the MR.\n", "missing"),
    ],
)
def test_a_plan_heading_or_a_deploy_heading_holding_a_list_gives_the_rollout_steps(text: str, status: str) -> None:
    assert result(check(text), "rollout-steps").status == status


@pytest.fixture(scope="module")
def plan_required():  # type: ignore[no-untyped-def]
    return ruleset("handbook")._replace(require_plan_heading=True)


def test_require_plan_heading_ignores_sections_outside_the_plan(plan_required) -> None:  # type: ignore[no-untyped-def]
    text = "## Rollback\nTurn the flag off and revert.\n"
    report = check(text, plan_required)
    assert result(report, "rollback").status == "missing"
    plan_finding = [f for f in report.findings if f.rule == "plan-heading"]
    assert [f.message for f in plan_finding] == [
        "No rollout plan heading found. Put the plan under a heading such as '## Rollout plan'."
    ]
    (rollback,) = [f for f in report.findings if f.requirement == "rollback"]
    assert (rollback.message, rollback.line) == (
        "Rollback plan: the section 'Rollback' is outside the rollout plan: "
        "move it under a heading such as '## Rollout plan'.",
        1,
    )
    assert (report.plan_heading, report.heading_level) == ("Rollout plan", 3)


def test_require_plan_heading_names_the_plan_to_move_into(plan_required) -> None:  # type: ignore[no-untyped-def]
    report = check("# Deployment plan\nSoon.\n\n# Rollback\nTurn the flag off and revert.\n", plan_required)
    (rollback,) = [f for f in report.findings if f.requirement == "rollback"]
    assert rollback.message.endswith("move it under 'Deployment plan' (line 1).")
    assert (report.plan_heading, report.heading_level) == (None, 2)


def test_headings_to_add_go_one_level_below_the_plan() -> None:
    assert check("## Rollout plan\n### Rollback\nRevert the MR.\n").heading_level == 3
    assert check("Rollout plan:\nRevert the MR.\n").heading_level == 2  # a field has no level to follow
    assert check("## Rollback\nRevert the MR.\n").heading_level == 2


def test_require_plan_heading_accepts_sections_under_the_plan(plan_required) -> None:  # type: ignore[no-untyped-def]
    report = check("## Deployment plan\n### Rollback\nTurn the flag off and revert.\n", plan_required)
    assert result(report, "rollback").status == "ok"
    assert not [f for f in report.findings if f.rule == "plan-heading"]


def test_require_plan_heading_from_yaml() -> None:
    cfg = config.load(config_text="extends: handbook\nrequire_plan_heading: true\n")
    assert check("## Rollback\nTurn the flag off.\n", cfg).status == "failed"
    assert result(check("## Rollback\nTurn the flag off.\n", cfg), "rollback").status == "missing"


# --- what counts as content -------------------------------------------------------------------

CONTENT = [
    # (body under "## Rollback", status)
    ("Turn off the flag and revert the MR.", "ok"),
    ("", "empty"),
    ("<!-- Say how to undo the change -->", "placeholder"),
    ("<!--\nmulti-line\nprompt\n-->", "placeholder"),
    ("Your text here", "placeholder"),
    ("TODO", "placeholder"),
    ("TODO: write the rollback", "placeholder"),
    ("TBD", "placeholder"),
    ("tbd.", "placeholder"),
    ("Lorem ipsum", "placeholder"),
    ("Lorem ipsum dolor sit amet", "placeholder"),
    ("<describe the rollback>", "placeholder"),
    ("[FILL_IN]", "placeholder"),
    ("[describe here]", "placeholder"),
    ("___", "empty"),  # a thematic break: nothing at all
    ("Rollback: ___", "placeholder"),
    ("...", "placeholder"),
    ("…", "placeholder"),
    ("N/A", "placeholder"),
    ("n/a.", "placeholder"),
    ("Not applicable", "placeholder"),
    ("N/A, because no data changes", "ok"),
    ("Not needed: the change is read-only", "ok"),
    ("- \n- ", "empty"),
    ("- [ ] \n- [ ] ", "placeholder"),
    ("- [ ] Turn off the flag\n- [ ] Revert the MR", "ok"),
    # options with nothing chosen, though they open with a word that can be a step
    ("- [ ] Rollback is performed by reverting the merge.\n- [ ] Rollback of this change needs special steps.", "placeholder"),
    ("Define a rollback plan in case the rollout is unsuccessful.", "placeholder"),  # the guide's prompt
    ("```sh\nkubectl rollout undo deployment/web\n```", "ok"),
    ("    git revert abc123", "ok"),
    ("Revert", "ok"),  # a way back in one word ("Rollback: revert"): min_words 1 for rollback
    ("Yes", "placeholder"),  # a bare yes/no says no way back
    ("No schema change, so reverting the MR is enough.", "ok"),
]


@pytest.mark.parametrize(("body", "status"), CONTENT)
def test_what_counts_as_content(body: str, status: str) -> None:
    assert result(check("## Rollback\n" + body + "\n"), "rollback").status == status


def test_na_with_a_reason_does_not_count_without_allow_na() -> None:
    cfg = config.load(config_text="requirements:\n  rollback: {checks: {allow_na: false}}\n")
    text = "## Rollback\nN/A, because no data changes\n"
    assert result(check(text, cfg), "rollback").status == "placeholder"
    assert result(check(text), "rollback").status == "ok"


def test_with_its_template_known_an_unticked_box_the_author_added_is_a_step() -> None:
    template = frozenset({template_key("Tested on a review app"), template_key("Added unit tests")})
    text = "## Tests\n- [ ] Tested on a review app\n- [ ] Added unit tests\n"
    assert result(check(text, template_lines=template), "validation").status != "ok"
    own = text + "- [ ] Log in with sgID on staging and submit the form\n"
    assert result(check(own, template_lines=template), "validation").status == "ok"
    # without the template, an unticked box is not known to be the author's: no answer
    assert result(check(own), "validation").status != "ok"


def test_a_line_copied_from_the_template_is_not_content() -> None:
    template = frozenset({template_key("Undo it step by step, flag off then revert.")})
    text = "## Rollback\nUndo it step by step, flag off then revert.\n"
    assert result(check(text, template_lines=template), "rollback").status == "placeholder"
    assert result(check(text), "rollback").status == "ok"
    edited = "## Rollback\nDescribe how you undo it, step by step.\nWe turn off the flag.\n"
    assert result(check(edited, template_lines=template), "rollback").status == "ok"


def test_extra_placeholders_from_the_config() -> None:
    cfg = config.load(config_text="placeholders: [to be written]\n")
    assert result(check("## Rollback\nto be written\n", cfg), "rollback").status == "placeholder"


# --- statuses and findings --------------------------------------------------------------------

STATUS_FINDINGS = [
    ("", "missing", "missing", "Rollback plan: no section found. Add a heading such as 'Rollback plan'.", None),
    ("## Rollback\n", "empty", "empty", "Rollback plan: the section 'Rollback' is empty.", 1),
    (
        "## Rollback\nTBD\n",
        "placeholder",
        "placeholder",
        "Rollback plan: the section 'Rollback' holds only placeholder text (such as TBD or \"Your text here\").",
        1,
    ),
]


# What a section without content holds instead, as the finding says it.
WHY_NO_CONTENT = [
    ("## Rollback\n<!-- how to roll back -->\n", "holds only HTML comments"),
    ("## Rollback\n- [ ]\n- \n", "holds only empty list items or unticked empty boxes"),
    ("## Rollback\nN/A\n", 'says only "N/A": give the reason ("N/A, because ...") or describe it'),
    ("## Rollback\nn/a - not needed\n", 'says only "N/A": give the reason ("N/A, because ...") or describe it'),
    # the guide's prompt for the rollback plan, as the handbook ruleset names it
    ("## Rollback\nDefine a rollback plan in case the rollout is unsuccessful.\n", "holds only the template's prompt"),
    ("## Rollback\nTBD\n<!-- later -->\n", 'holds only placeholder text (such as TBD or "Your text here")'),
    ("## Rollback\n_Describe how to roll back this change._\n", "holds only the template's prompt"),
    ("## Rollback\nTBD\n\n/label ~bug\n/assign me\n", 'holds only placeholder text (such as TBD or "Your text here")'),
    ("## Rollback\n<!-- fill -->\n\n---\nCloses #12\n", "holds only HTML comments"),
    ("## Rollback\n/label ~rollout\nFixes group/project#12 and https://gitlab.example.com/g/p/-/issues/3\n", "holds only quick actions or issue references"),
    ("## Rollback\nTBD\n\n---\nCloses #41234\ncc @frontend-maintainers\n", 'holds only placeholder text (such as TBD or "Your text here")'),
    ("## Rollback\nSame as usual\n", 'holds only placeholder text (such as TBD or "Your text here")'),
    ("## Rollback\nNothing special.\n", 'holds only placeholder text (such as TBD or "Your text here")'),
    # GitLab's feature flag roll-out issue template, left as it is
    (
        "## Rollback\n- [ ] This feature can be disabled by running the following Chatops command:\n\n"
        "```\n/chatops run feature set <feature-flag-name> false\n```\n",
        "holds only the template's prompt",
    ),
    ("## Rollback\n- _Describe the steps to undo it_\n- [ ] *Provide the runbook link*\n", "holds only the template's prompt"),
    ("## Rollback\n```\nYour text here\n```\n", 'holds only placeholder text (such as TBD or "Your text here")'),
    # a fenced block of quick actions only: GitLab does not run them there, and they answer nothing
    ("## Rollback\n```\n/label ~rollback\n/assign @oncall\n```\n", "holds only quick actions or issue references"),
    ("## Rollback\n\tTODO: describe the rollback\n", 'holds only placeholder text (such as TBD or "Your text here")'),
]


@pytest.mark.parametrize(("text", "why"), WHY_NO_CONTENT)
def test_a_placeholder_finding_says_what_the_section_holds(text: str, why: str) -> None:
    (finding,) = [f for f in check(text).findings if f.requirement == "rollback"]
    assert finding.message == f"Rollback plan: the section 'Rollback' {why}."


@pytest.mark.parametrize(
    "line",
    ["*Revert the MR and turn the flag off.*", "_Describe_ the flag: turn it off, then revert the MR", "Describe: turn it off"],
)
def test_italics_that_are_no_instruction_are_content(line: str) -> None:
    assert result(check(f"## Rollback\n{line}\n"), "rollback").status == "ok"


def test_na_where_the_requirement_cannot_be_skipped() -> None:
    cfg = config.load(config_text="requirements:\n  rollback:\n    checks: {allow_na: false}\n")
    (finding,) = [f for f in check("## Rollback\nN/A, because nothing is deployed\n", cfg).findings if f.requirement == "rollback"]
    assert finding.message.endswith("says N/A, but this part of the plan cannot be skipped: describe it.")


@pytest.mark.parametrize(("text", "status", "rule", "message", "line"), STATUS_FINDINGS)
def test_statuses_and_their_findings(text: str, status: str, rule: str, message: str, line: int | None) -> None:
    report = check(text)
    assert result(report, "rollback").status == status
    (finding,) = [f for f in report.findings if f.requirement == "rollback"]
    assert (finding.rule, finding.severity, finding.message, finding.line) == (rule, "error", message, line)


def test_too_few_words_is_insufficient() -> None:
    cfg = config.load(config_text="requirements:\n  rollback: {checks: {min_words: 3}}\n")
    report = check("\n## Rollback\nRevert it\n", cfg)
    assert result(report, "rollback").status == "insufficient"
    (finding,) = [f for f in report.findings if f.requirement == "rollback"]
    message = "Rollback plan: the section 'Rollback' says too little: 2 words, at least 3 expected."
    assert (finding.rule, finding.severity, finding.message, finding.line) == ("min-words", "error", message, 2)


def test_ok_gives_no_finding_and_heading_and_line() -> None:
    report = check("# T\n\n## Rollback steps\nTurn the flag off.\n")
    found = result(report, "rollback")
    assert (found.status, found.heading, found.line) == ("ok", "Rollback steps", 3)
    assert not [f for f in report.findings if f.requirement == "rollback"]


def test_warnings_do_not_fail_the_report() -> None:
    text = plans.HANDBOOK_COMPLETE.split("### Metrics to observe")[0]
    report = check(text)
    assert report.status == "passed"
    assert {f.severity for f in report.findings} == {"warning"}


# --- the built-in rulesets --------------------------------------------------------------------


def test_handbook_complete() -> None:
    report = check(plans.HANDBOOK_COMPLETE)
    assert report.status == "passed"
    assert set(statuses(report).values()) == {"ok"}
    assert report.findings == ()


def test_handbook_incomplete() -> None:
    report = check(plans.HANDBOOK_INCOMPLETE)
    assert report.status == "failed"
    assert statuses(report) == {
        "expectations": "ok",
        "validation": "missing",
        "risks": "placeholder",
        "rollback": "placeholder",
        "metrics": "missing",
        "testing": "missing",
        "communication": "missing",
        "staging-production-checks": "missing",
        "rollout-steps": "insufficient",
        "retro": "missing",
    }


def test_handbook_strict_complete() -> None:
    report = check(plans.HANDBOOK_COMPLETE, "handbook-strict")
    assert report.status == "passed"
    assert {r.severity for r in report.requirements} == {"error"}


def test_handbook_strict_incomplete_fails_on_a_recommended_area() -> None:
    text = plans.HANDBOOK_COMPLETE.replace("### Retro", "### Appendix")
    assert check(text).status == "passed"
    report = check(text, "handbook-strict")
    assert report.status == "failed"
    assert [f.requirement for f in report.errors] == ["retro"]


PRODUCT_LAUNCH = [
    (plans.PRODUCT_LAUNCH_SIMPLE, "passed", set()),
    (plans.PRODUCT_LAUNCH_SIMPLE.replace("Bo flips the homepage banner", "Your text here"), "failed", {"website-launch"}),
    (plans.PRODUCT_LAUNCH_SIMPLE.replace("Bo flips the homepage banner", ""), "failed", {"website-launch"}),
    (plans.PRODUCT_LAUNCH_SIMPLE.replace("Bo flips the homepage banner", "<!-- tasks -->"), "failed", {"website-launch"}),
    (plans.PRODUCT_LAUNCH_SIMPLE.replace("Bo flips the homepage banner", "Bo flips it. Your text here"), "failed", {"website-launch"}),
    (plans.PRODUCT_LAUNCH_GUIDE_FILLED, "passed", set()),
    (plans.PRODUCT_LAUNCH_NESTED, "passed", set()),
    (plans.PRODUCT_LAUNCH_NESTED.replace("Bo flips the homepage banner", "Your text here"), "failed", {"website-launch"}),
    # the table turned round: phases down the side, workstreams across the top
    (
        "## Launch plan\n\n| Phase | Planning & Messaging | Website | Social Media |\n|---|---|---|---|\n"
        "| Prepare | Ana writes the brief | Bo builds the page | Cy drafts posts |\n"
        "| Launch | Ana sends the release | Bo flips the banner | Cy posts the thread |\n"
        "| Build Momentum | Ana gathers feedback | Bo tracks signups | Cy runs the campaign |\n",
        "passed",
        set(),
    ),
    (
        "## Launch plan\n\n| Phase | Planning & Messaging | Website | Social Media |\n|---|---|---|---|\n"
        "| Prepare | Ana writes the brief | Bo builds the page | Cy drafts posts |\n"
        "| Launch | Ana sends the release | Your text here | Cy posts the thread |\n"
        "| Build Momentum | Ana gathers feedback | Bo tracks signups | Cy runs the campaign |\n",
        "failed",
        {"website-launch"},
    ),
    # the other nesting: phases outside, workstreams inside
    (
        "# Launch plan\n"
        + "".join(
            f"## {phase}\n" + "".join(f"### {team}\n{team} does {phase} things\n" for team in ("Planning & Messaging", "Website", "Social Media"))
            for phase in ("Prepare", "Launch", "Build Momentum")
        ),
        "passed",
        set(),
    ),
]


@pytest.mark.parametrize(("text", "verdict", "failing"), PRODUCT_LAUNCH)
def test_product_launch(text: str, verdict: str, failing: set[str]) -> None:
    report = check(text, "product-launch")
    assert report.status == verdict
    assert {f.requirement for f in report.errors} == failing


def test_product_launch_on_the_guide_as_is_fails_every_cell() -> None:
    report = check(plans.PRODUCT_LAUNCH_GUIDE, "product-launch")
    assert set(statuses(report).values()) == {"placeholder"}
    website_launch = result(report, "website-launch")
    assert (website_launch.heading, website_launch.line) == ("Website / Launch", 8)


def _guide_with_second_rows(second: str) -> str:
    """The guide's table with every "Tasks" row filled and each second row set to ``second``."""
    lines = plans.PRODUCT_LAUNCH_GUIDE.split("\n")
    filled = [
        line.replace("Your text here", "Ana owns this, done by May 2") if line.startswith("| Tasks") else line
        for line in lines
    ]
    return "\n".join(line.replace("Your text here", second) if line.startswith("| |") else line for line in filled)


def test_product_launch_guide_row_left_as_template_text_fails() -> None:
    report = check(_guide_with_second_rows("Your text here"), "product-launch")
    assert set(statuses(report).values()) == {"placeholder"}
    website_launch = next(f for f in report.findings if f.requirement == "website-launch")
    assert website_launch.message == (
        "Website: Launch: the cell 'Website / Launch' still holds template text on line 10: "
        "fill it in or delete it."
    )
    assert website_launch.line == 8  # the cell starts on its workstream's row


@pytest.mark.parametrize("second", ["", "Bo also updates the pricing page"])
def test_product_launch_guide_row_deleted_or_filled_passes(second: str) -> None:
    assert check(_guide_with_second_rows(second), "product-launch").status == "passed"


def test_product_launch_cells_name_row_and_column() -> None:
    report = check(plans.PRODUCT_LAUNCH_SIMPLE, "product-launch")
    assert [(r.heading, r.line) for r in report.requirements][:3] == [
        ("Planning & Messaging / Prepare", 5),
        ("Planning & Messaging / Launch", 5),
        ("Planning & Messaging / Build Momentum", 5),
    ]


def test_product_launch_without_a_table_is_missing() -> None:
    report = check("## Launch plan\nWe will launch soon.\n", "product-launch")
    assert set(statuses(report).values()) == {"missing"}


def test_the_wordings_pattern_finds_what_a_plain_alternation_finds() -> None:
    """The mention pattern writes its wordings as a trie, for speed; a plain alternation of
    the same wordings, longest first, is the oracle: same place, same text, on real sentences."""
    import re
    from pathlib import Path

    import yaml

    from enforcer import engine
    from enforcer.vocabulary import vocabulary

    from enforcer import wordings as finder
    from enforcer.text import fold

    sentences = yaml.safe_load((Path(__file__).parents[2] / "benchmarks/sentences/sentences.yaml").read_text())
    texts = [item["text"] for item in sentences["sentences"]] + [
        "We roll-back the deploy", "rollback/001.sql", "Rollback’s done", "we’ll roll back, we'll", "ROLLBACK.sql and bugs/side effects",
        "I've tested it; we've verified it'", "pas d'impact ici", "問題があれば切り戻します", "İstanbul: we tested it in staging", "Il faut verifier la stabilité, pas d'impact",
    ]
    for requirement_id, mention in vocabulary().mentions:
        lists = [mention.words, mention.alone, mention.ticked, *(sense.words for sense in mention.senses)]
        for wordings in (tuple(w.lstrip("^") for w in words) for words in lists if words):
            # accents fold letter for letter on both sides: "régressions" is found as "regressions"
            phrases = sorted({fold(" ".join(engine._WORDING.split(p.lower())).strip()) for p in wordings} - {""}, key=len, reverse=True)
            spaced = [p for p in phrases if not finder.CJK.search(p)]
            unspaced = [p for p in phrases if finder.CJK.search(p)]
            flat = "|".join(r"[\s-]+".join(re.escape(w).replace("'", "['’]") for w in phrase.split()) for phrase in spaced) or "(?!)"
            cjk = "|".join(re.escape(p) for p in unspaced)
            oracle = re.compile(rf"(?i)(?<![\w./-])(?:{flat})(?![\w-]|\.\w|/(?![a-z]+\b(?![/.]\w)))" + (f"|{cjk}" if cjk else ""))
            pattern = engine._wording_pattern(wordings)
            for text in texts:
                folded = fold(text)
                found, expected = pattern.search(text), oracle.search(folded)
                assert (found and (found.start(), found.group())) == (expected and (expected.start(), text[expected.start() : expected.end()])), (requirement_id, text)
                assert [(f.start(), f.group()) for f in pattern.finditer(text)] == [(m.start(), text[m.start() : m.end()]) for m in oracle.finditer(folded)]
                found, expected = pattern.match(text, 0), oracle.match(folded, 0)
                assert (found and found.group()) == (expected and text[expected.start() : expected.end()]), (requirement_id, text)


def test_the_wordings_walk_gives_way_to_one_pattern_past_some_pages() -> None:
    """Past some pages of text, the one pattern pays for its compiling: the same answers."""
    from enforcer import wordings as finder

    walk = finder.Wordings(["roll back", "roll back the deploy", "we'll revert"])
    text = "Notes. " * 40_000 + "If it breaks we’ll revert, or roll-back the deploy."
    expected = [(f.start(), f.group()) for f in walk.finditer(text)]
    assert [g for _, g in expected] == ["we’ll revert", "roll-back the deploy"]
    assert walk._whole is not None  # the walk read past the threshold and compiled
    again = finder.Wordings(["roll back", "roll back the deploy", "we'll revert"])
    again._read = finder._COMPILE_AFTER + 1
    assert [(f.start(), f.group()) for f in again.finditer(text)] == expected


def test_french_written_without_accents_says_what_it_says_with_them() -> None:
    """Accents fold letter for letter, in headings and in the wordings found in prose, both
    ways: "Objectif:" and "verifier la stabilite" as much as "vérifier la stabilité"."""
    from enforcer import wordings as finder
    from enforcer.text import fold, normalize

    assert normalize("Résultat attendu") == normalize("Resultat attendu") == "resultat attendu"
    assert fold("Ça a été testé — 問題") == "Ca a ete teste — 問題"  # one letter for one, CJK kept
    walk = finder.Wordings(["vérifier que", "revenir en arrière"])
    for text in ("Il faut verifier que tout va bien.", "Il faut vérifier que tout va bien."):
        found = walk.search(text)
        assert found is not None and (found.start(), found.group()) == (8, text[8:20])
    plan = "# Plan\n\nObjectif:\n\n* deployer sans casser les clients existants\n\n## Execution\n\n1. deployer Core\n2. verifier stabilite des metriques et absence d'incident\n"
    report = check(plan, "handbook")
    assert statuses(report)["expectations"] == "ok"
    assert statuses(report)["validation"] == "ok"
    assert statuses(check(plan.replace("verifier stabilite", "regarder"), "handbook"))["validation"] == "missing"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # the author's "I will", the subject left out, plans a check
        ("Update Wordpress to version 7.0\n\nWill create backup and test in dev before deploying to staging and prod\n", "ok"),
        ("Update the kernel.\n\n- checked manually on a test VM that the reboot scheduling works correctly\n", "ok"),
        ("Upgrade node dependencies.\n\nNeed to test this once.\n", "missing"),  # a to-do, no plan
        # "I'm", "I've", "I'll" speak in the first person as "I" does
        ("Release.\n\nI'm going to push these commits to the staging server and diagnose them carefully.\n", "ok"),
        ("Python 3.13.\n\nRan the tests, read the upgrade notes and did some basic testing.\n", "ok"),
        # a ticked box written as a field ("label: value") is still a ticked box
        ("## Release Checklist\n\n- [x] build release: `python3 setup.py sdist`\n- [x] test publication: `twine upload --repository-url https://test.pypi.org/legacy/ dist/*`\n", "ok"),
        ("## Release Checklist\n\n- [ ] build release: `python3 setup.py sdist`\n- [ ] test publication: `twine upload --repository-url https://test.pypi.org/legacy/ dist/*`\n", "missing"),
        ("Deploying.\n\n4. Verify that you can log in, and that the API is responding.\n", "ok"),
        ("Deploying.\n\nVerify that your change is covered by tests.\n", "missing"),  # a template's box
        # a runbook's step after a clause of time that orders it
        ("Release 2.0.\n\nWhen all 2.0 issues are done, test on multiple internal environments before release.\n", "ok"),
        ("Release 2.0.\n\nWhen all 2.0 issues are done, we tag the release.\n", "missing"),
        ("Upgrade node dependencies.\n\nWill this break the login page for anyone?\n", "missing"),  # asked
        # the precaution a check is made for denies nothing
        ("Update to django 1.11.\n\nThe next thing I'll do is build a docker image and deploy it on staging to test in case there is anything I haven't spotted in dev.\n", "ok"),
        ("Update to django 1.11.\n\nI'll deploy it on staging, but I won't test it there.\n", "missing"),
        # a check denied through "be able to"
        ("Switch to Pages.\n\nThe DNS may take a day (and I won't be able to continuously check for it breaking).\n", "missing"),
        # a check told by what it does, where it was made
        ("Update to Django 3.2 in production.\n\nTesting Django 3.2 in staging (https://next.okfn.org)\n", "ok"),
        ("Update to Django 3.2 in production.\n\nTesting Django 3.2 is hard.\n", "missing"),
        ("Rename migrations.\n\nMigrating the DB runs OK locally.\n", "ok"),
        # an order is no question: "Do not merge until ..." says the check that gates it
        ("Backfill the table.\n\nDo not merge until the staged data is checked.\n", "ok"),
        ("Backfill the table.\n\nDo you merge until the staged data is checked\n", "missing"),
        # a runbook's check after a short label and a dash
        ("Resize the disk.\n\n- `lsblk` — confirm the device shows the new size\n", "ok"),
        ("Final checks.\n\nLastly - as also noted here - check the following features on the production website: login, search.\n", "ok"),
        ("Resize the disk.\n\n- `lsblk` — the device shows the new size\n", "missing"),
        # a wording that holds a word of qualifying is found without it, even where a word
        # of another wording stands in the sentence
        ("Increase the worker timeout.\n\nMy admittedly somewhat limited testing on a single instance suggests it will help.\n", "ok"),
    ],
)
def test_a_check_said_with_its_subject_left_out(text: str, status: str) -> None:
    # the wordings alone: what the learned model adds is tested in test_learned.py
    assert result(check(text, learned=False), "validation").status == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # an aside in parentheses vetoes nothing
        ("Rotate the certs.\n\n2. rerun the deploy script. There should be no downtime in the apis but a pair of expected errors (fixed by #1183)\n", "ok"),
        ("Rotate the certs.\n\nThis fixes the downtime we saw in the apis last week.\n", "missing"),
        # an outcome the author is unsure of
        ("Upgrade the database.\n\nIt's also possible that the new engine version will be rejected in environments on older minor versions.\n", "ok"),
        ("Review process.\n\nIt is possible that the incident could have been avoided with a review of the plan.\n", "missing"),
        ("Stage 08.\n\nNote that existing dev deployments may struggle with the realm renaming.\n", "ok"),
        ("Postgres 9.6.\n\nThis implies that the current data is going to be lost...\n", "ok"),
        # an unticked box that goes on in the author's own words
        ("## Deployment\n\n- [ ] Upgrade the stack. Rollbacks are supported, so I think the worst that would happen is a bit of downtime.\n", "ok"),
        ("## Checklist\n\n- [ ] Tested for compatibility. If there are breaking changes then they could cause downtime for users.\n", "missing"),
        ("Slurm upgrade.\n\n- slurmdbd upgrade can take an hour and needs to be run manually\n", "ok"),
        # a wait measured in time
        ("Server move.\n\nThis is hopefully fixed now, but DNS can take up to 24 hours to update.\n", "ok"),
        ("Recipe upgrades.\n\nMajor upgrades could take several days.\n", "ok"),
        ("Solr 9.\n\nFrom #6896 we found that a full reindex (in Solr 8) takes about 13 hours.\n", "ok"),
        ("Recipe upgrades.\n\nThe build can take up to the team to decide.\n", "missing"),
        # a known limitation said with what it ships
        ("Unhide the setting.\n\nIt is still marked experimental because there are some features missing, but it works well.\n", "ok"),
        ("Make the settings public.\n\nWhile the site settings are public, do note that the features are still under heavy development and are subjected to rapid changes.\n", "ok"),
        ("Make the settings public.\n\nThe settings were experimental in the last release and are now stable.\n", "missing"),
        # a paragraph that tells how things are before the change tells the problem
        ("Check the Terraform plan in CI.\n\nCurrently, the pipeline will apply Terraform changes no matter what they do. This can lead to costly mistakes, such as downtime.\n", "missing"),
        ("Check the Terraform plan in CI.\n\nWith this change the pipeline stops on a destroy. This can lead to a short outage while someone approves it.\n", "ok"),
        # harm said as harm: "many people could be harmed if a catastrophic change occurs"
        ("v2.0.0.\n\nAs the number of users increases, many people could be harmed if a catastrophic change occurs.\n", "ok"),
        # "discussed offline" is no service offline
        ("Foxy timeline.\n\nAs discussed offline, there's no official alpha release since we'd like to release the current state of packages ASAP.\n", "missing"),
        ("Move the server.\n\nThe site will be offline for about an hour on Sunday.\n", "ok"),
        # a manual step the change asks of those who run it
        ("Drop Xenial.\n\nThe user would need to manually update and fix the configuration file.\n", "ok"),
        ("Drop Xenial.\n\nIf needed, you will have to manually update the configuration file.\n", "missing"),
    ],
)
def test_risks_said_in_passing(text: str, status: str) -> None:
    assert result(check(text), "risks").status == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # the old version kept ready for going back is a way back
        ("Release a new version.\n\n4. Keep the old version on standby for rollback\n", "ok"),
        ("Release a new version.\n\n4. Keep the old version around for a week\n", "missing"),
        # a changelog's verb says what the change builds: no way back from it
        ("Automated rollback.\n\nWires release-manager, rollback-manager, and automated-rollback-manager so that a failed canary rolls back on its own.\n", "missing"),
    ],
)
def test_a_way_back_kept_ready(text: str, status: str) -> None:
    assert result(check(text), "rollback").status == status


def test_a_list_of_wordings_is_ruled_out_only_where_none_of_it_stands() -> None:
    """``may_occur`` rules a text out only where ``search`` finds nothing in it: on real
    sentences (the sentence benchmark's 441), with each part's wordings, as written and with
    curly apostrophes, accents and hyphens."""
    from pathlib import Path

    import yaml

    from enforcer import engine as checking
    from enforcer import wordings as finder
    from enforcer.vocabulary import vocabulary

    root = Path(__file__).resolve().parents[2]
    sentences = [s["text"] for s in yaml.safe_load((root / "benchmarks/sentences/sentences.yaml").read_text())["sentences"]]
    sentences += ["We’ll roll-back the deploy if it misbehaves.", "Il faut verifier la stabilite.", "we'll revert it", "Roll back"]
    lists = [checking._mention_pattern(m) for _, m in vocabulary().mentions]
    lists += [checking._qualified_pattern(m) for _, m in vocabulary().mentions]
    lists.append(finder.Wordings(["we", "we'll revert", "ll revert", "roll back the deploy", "vérifier la stabilité"]))
    found = ruled_out = 0
    for text in sentences:
        words = finder.words_in(text)
        for wordings in lists:
            if wordings.search(text) is not None:
                found += 1
                assert wordings.may_occur(text, words), (text, wordings._phrases[:3])
            elif not wordings.may_occur(text, words):
                ruled_out += 1
    assert found > 300 and ruled_out > 5000, (found, ruled_out)  # both ways are exercised


def test_ruling_out_first_changes_no_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``_MANY_BLOCKS`` prose blocks, or in a block longer than ``_LONG_BLOCK``, a check
    first rules out the parts whose wordings cannot stand in a block: on real descriptions,
    forced on, every report is the same."""
    from pathlib import Path

    from enforcer import engine as checking
    from enforcer import markdown

    root = Path(__file__).resolve().parents[2]
    documents = sorted((root / "benchmarks/corpus/docs").glob("*.md"))[::12]
    cfg = ruleset("handbook")

    def reports() -> list[list[tuple[str, str, str | None, int | None]]]:
        return [
            [(r.id, r.status, r.heading, r.line) for r in checking.check(markdown.parse(p.read_text(encoding="utf-8")), cfg, target=p.name).requirements]
            for p in documents
        ]

    plain = reports()
    monkeypatch.setattr(checking, "_MANY_BLOCKS", 0)
    monkeypatch.setattr(checking, "_LONG_BLOCK", 0)
    assert reports() == plain
    assert len(documents) > 100 and sum(s != "ok" for doc in plain for _, s, _, _ in doc) > 300


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("## Deploy\n\n### Rollbacks\n\nIn the case of a bad deploy, point the floating IP at the previous environment.\n", "ok"),
        ("## Notes\n\n**Risks**\n\nThe cache is cold for an hour after the switch.\n", "ok"),
        # a field's label is often a verb: git's "Reverts" says what the change does
        ("Reverts: mozilla/foundation#11020, which blocked the production deploys for a day.\n", "missing"),
    ],
)
def test_a_title_in_the_plural_names_the_part_of_its_singular(text: str, status: str) -> None:
    requirement = "risks" if "Risks" in text else "rollback"
    assert result(check(text, learned=False), requirement).status == status
