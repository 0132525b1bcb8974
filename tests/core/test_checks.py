"""The content checks, each on small sections: pass and fail."""

from __future__ import annotations

import pytest
from core_support import parse

from enforcer import lines
from enforcer.checks import checklists, forbid, links, lists, words
from enforcer.model import ContentRules
from enforcer.text import normalize

CONTEXT = lines.context()


def content(body: str, context: lines.Context = CONTEXT):  # type: ignore[no-untyped-def]
    document = parse("## S\n" + body)
    return lines.answers(lines.read(document.content(1), context))


# --- normalisation --------------------------------------------------------------------------

NORMALIZE = [
    ("Rollback plan", "rollback plan"),
    ("🔙 Rollback", "rollback"),
    ("3. Rollback plan", "rollback plan"),
    ("3) Rollback plan", "rollback plan"),
    ("Step 2: Rollout steps", "rollout steps"),
    ("IV. Risks", "risks"),
    ("Rollback plan (required)", "rollback plan"),
    ("Rollback plan (Optional)", "rollback plan"),
    ("Back-out plan", "back out plan"),
    ("Risks & mitigations", "risks and mitigations"),
    ("What can go wrong?", "what can go wrong"),
    ("ＲＯＬＬＢＡＣＫ", "rollback"),  # full-width letters
    ("rollback_plan", "rollback plan"),
    ("  many   spaces  ", "many spaces"),
]


@pytest.mark.parametrize(("text", "expected"), NORMALIZE)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


# --- placeholders ---------------------------------------------------------------------------

PLACEHOLDER_LINES = [
    ("Your text here", True),
    ("your TEXT here.", True),
    ("TODO", True),
    ("TODO: explain", True),
    ("- TODO", True),
    ("FIXME later", True),
    ("TBD", True),
    ("To be determined", True),
    ("Lorem ipsum dolor sit amet", True),
    ("<describe the rollback>", True),
    ("[FILL_IN]", True),
    ("{{ rollback }}", True),
    ("___", True),
    ("...", True),
    ("…", True),
    ("???", True),
    ("Placeholder", True),
    ("Lorem ipsum dolor sit amet consectetur", True),
    ("Enter your text here", True),
    ("Please fill in", True),
    ("Your text here: describe the rollback", True),
    ("Insert text here", True),
    ("Will fill in before merge", True),
    ("To be filled", True),
    ("will add later", True),
    ("Will update", True),
    ("Not yet defined", True),
    ("See below", True),
    ("_No response_", True),
    ("Turn off the flag", False),
    ("Revert later if errors rise", False),
    ("Pending approval from SRE, the flag goes off", False),
    ("Add the index here and there, then revert", False),
    ("Please revert the MR if errors rise", False),
    ("Enter maintenance mode, then restore the backup", False),
    ("Todoist integration is rolled back by the flag", False),
    ("We fill in the form, then revert", False),
]


@pytest.mark.parametrize(("line", "expected"), PLACEHOLDER_LINES)
def test_is_placeholder(line: str, expected: bool) -> None:
    assert lines.is_placeholder(line, CONTEXT) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Add rollback steps here", True),
        ("Describe the rollback plan here.", True),
        ("Link the dashboard here", True),
        ("Add the old env var back and redeploy; the value is documented here.", False),
        ("Here is the plan", False),
    ],
)
def test_is_instruction(line: str, expected: bool) -> None:
    assert lines.is_instruction(line, CONTEXT) is expected


NA = [
    ("N/A", ""),
    ("n/a", ""),
    ("NA.", ""),
    ("Not applicable", ""),
    ("N/A, because no data changes", "because no data changes"),
    ("N/A - read-only change", "read-only change"),
    ("None", ""),
    ("No schema change", None),  # a statement, not an N/A
    ("Nothing to roll back: the flag is off", None),
    ("Revert the MR", None),
]


@pytest.mark.parametrize(("line", "reason"), NA)
def test_na_reason(line: str, reason: str | None) -> None:
    assert lines.na_reason(line) == reason


@pytest.mark.parametrize(
    ("line", "bare"),
    [
        ("N/A", True),
        ("N/A.", True),
        ("N/A: x", True),
        ("n/a - not needed", True),
        ("n.a.", True),
        ("N/A (not applicable)", True),
        ("N/A, because no data changes", False),
        ("N/A - not needed: the change is behind a flag nobody has", False),
        ("Revert", False),
    ],
)
def test_is_bare_na(line: str, bare: bool) -> None:
    assert lines.is_bare_na(line) is bare


# --- the checks -----------------------------------------------------------------------------

CHECKS = [
    # (module, rules, body, message or None)
    (words, ContentRules(min_words=1), "Revert", None),
    (words, ContentRules(min_words=3), "Revert the MR", None),
    (words, ContentRules(min_words=4), "Revert the MR", "says too little: 3 words, at least 4 expected"),
    (words, ContentRules(min_words=2), "Revert", "says too little: 1 word, at least 2 expected"),
    (words, ContentRules(min_words=3), "```\ngit revert abc123\n```", None),  # code counts
    (words, ContentRules(min_words=2), "Revert\n\n<!-- more words in a comment -->", "says too little: 1 word, at least 2 expected"),
    (links, ContentRules(require_link=False), "no link", None),
    (links, ContentRules(require_link=True), "See [dashboard](https://grafana.example.com/d/1)", None),
    (links, ContentRules(require_link=True), "See https://grafana.example.com/d/1", None),
    (links, ContentRules(require_link=True), "See <https://grafana.example.com/d/1>", None),
    (links, ContentRules(require_link=True), "See the dashboard", "holds no link"),
    (links, ContentRules(require_link=True), "See [dashboard](#anchor)", "holds no link"),
    (links, ContentRules(require_link=True), "<!-- https://grafana.example.com -->\nsee above", "holds no link"),
    (links, ContentRules(require_link=True, link_hosts=("grafana.example.com",)), "[d](https://grafana.example.com/d/1)", None),
    (links, ContentRules(require_link=True, link_hosts=("example.com",)), "[d](https://grafana.example.com/d/1)", None),  # subdomain
    (links, ContentRules(require_link=True, link_hosts=("grafana.example.com", "sentry.io")), "https://sentry.io/x", None),
    (links, ContentRules(require_link=True, link_hosts=("grafana.example.com",)), "[d](https://evil-grafana.example.org/)", "links to none of grafana.example.com"),
    (links, ContentRules(require_link=True, link_hosts=("example.com",)), "https://notexample.com/x", "links to none of example.com"),
    (lists, ContentRules(require_list=True), "1. Enable for staff\n2. Enable for all", None),
    (lists, ContentRules(require_list=True), "- Enable for staff", None),
    (lists, ContentRules(require_list=True), "- [x] Enable for staff", None),
    (lists, ContentRules(require_list=True), "Enable for staff, then for all.", "gives no list of steps"),
    (lists, ContentRules(require_list=True), "Flip it.\n\n- \n- ", "gives no list of steps"),  # empty items
    (lists, ContentRules(require_list=False), "Enable for staff, then for all.", None),
    (checklists, ContentRules(all_boxes_ticked=True), "- [x] staging\n- [X] production", None),
    (checklists, ContentRules(all_boxes_ticked=True), "- [x] staging\n- [ ] production", "has 1 unticked box (line 3)"),
    # nothing ticked: no answer at all, so no content to check (the section is a placeholder)
    (checklists, ContentRules(all_boxes_ticked=True), "- [ ] staging\n- [ ] production", None),
    (checklists, ContentRules(all_boxes_ticked=True), "Both stages.\n\n- [ ] staging\n- [ ] production", "has 2 unticked boxes (line 4, 5)"),
    (checklists, ContentRules(all_boxes_ticked=True), "- [x] staging\n- [ ] ", None),  # an empty box is not a task
    (checklists, ContentRules(all_boxes_ticked=False), "- [ ] staging", None),
    (forbid, ContentRules(forbid=("same as above",)), "Same as above!", 'still holds "same as above"'),
    (forbid, ContentRules(forbid=("your text here",)), "Ana writes it. Your text here", 'still holds "your text here"'),
    (forbid, ContentRules(forbid=("same as above",)), "Different from above", None),
    (forbid, ContentRules(forbid=("tbd",)), "Outbdound is not a word match", None),
]


@pytest.mark.parametrize(("module", "rules", "body", "message"), CHECKS)
def test_check(module, rules: ContentRules, body: str, message: str | None) -> None:  # type: ignore[no-untyped-def]
    assert module.check(content(body), rules) == message


def test_real_content_drops_never_content() -> None:
    body = (
        "<!-- prompt -->\nYour text here\n\n- \n- [ ] \n- [ ] real box\n\nN/A\n\n"
        "TODO\n\nReal line\n\n```\ncode line\n```"
    )
    # an unticked box alone asserts nothing (issue 8): it comes only for all_boxes_ticked
    assert [(block.kind, lines) for block, lines in content(body)] == [
        ("task", []),
        ("paragraph", ["Real line"]),
        ("code", ["code line"]),
    ]


def test_prompts_are_removed_wherever_they_stand() -> None:
    context = lines.context(prompts=["Say how to undo the change."])
    document = parse("## S\nSay how to undo the change.\n\nSay how to undo the change. We revert it.")
    found = lines.answers(lines.read(document.content(1), context))
    assert [lines for _, lines in found] == [["Say how to undo the change. We revert it."]]
