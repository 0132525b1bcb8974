"""What in a section is real content: the base of every requirement's status.

Never content: HTML comments; placeholder lines (see ``placeholders``); template prompts of
the ruleset, and lines wholly in italics that tell the author what to write ("*Describe how
to roll back.*"); lines copied unchanged from a description template (``--template``,
``templates:``); a bare "N/A" with no reason (and any "N/A" where ``allow_na`` is off);
empty list items and unticked empty boxes; GitLab quick actions (``/label ~bug``), "cc @team"
and "Closes #12" lines. Code is content: a rollback command in a code block counts, unless
it holds nothing but placeholders, prompts, quick actions or a name left to fill in
(``<feature-flag-name>``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from enforcer.checks import placeholders
from enforcer.checks.text import Phrases
from enforcer.model import Block


class Context(NamedTuple):
    """What the content rules need beyond the blocks: the phrases and template text."""

    phrases: Phrases = placeholders.DEFAULT_PHRASES
    prompts: Phrases | None = None
    template_lines: frozenset[str] = frozenset()
    allow_na: bool = True


def template_key(line: str) -> str:
    return " ".join(line.split())


def prompt_phrases(prompts: Iterable[str]) -> Phrases | None:
    found = Phrases(prompts)
    return found if found else None


# Why a line or block is not content, from the most to the least telling to the author.
NA_REFUSED = "na-refused"  # "N/A, because ..." where the requirement must be answered
BARE_NA = "bare-na"  # "N/A" with no reason
PROMPT = "prompt"  # the ruleset's prompts, or a line copied from the description template
PLACEHOLDER = "placeholder"  # TBD, Your text here, <describe ...>, [FILL_IN], ___ ...
EMPTY_BOX = "empty-box"  # an empty list item or an unticked empty box
COMMENT = "comment"  # an HTML comment
TRAILER = "trailer"  # a GitLab quick action (/label ~bug) or "Closes #12" below the plan
REASONS = (NA_REFUSED, BARE_NA, PROMPT, PLACEHOLDER, EMPTY_BOX, COMMENT, TRAILER)

# Lines that end a description and say nothing about the plan, though they sit in its last
# section: GitLab quick actions, "cc @team", and references to the issues the change closes.
# Kept as text, compiled by re when a line first looks like one (most never do).
_QUICK_ACTION = (
    r"/(?:approve|assign|assign_reviewer|award|cc|clone|close|confidential|copy_metadata|"
    r"create_merge_request|done|draft|due|duplicate|epic|estimate|health_status|iteration|"
    r"label|lock|merge|milestone|move|parent_epic|promote|rebase|relabel|relate|ready|"
    r"remove_due_date|remove_epic|remove_estimate|remove_milestone|reopen|request_review|"
    r"reviewer|shrug|spend|submit_review|subscribe|tableflip|target_branch|title|todo|"
    r"unapprove|unassign|unassign_reviewer|unlabel|unlock|unsubscribe|weight)"
    # and nothing after it but what quick actions take: ~labels, @people, %milestones,
    # "quoted", numbers and dates ("/due in 2 weeks"), "me"; not "/ready returns 200"
    r"""(?:\s+(?:[~@%]?"[^"]*"|[~@%#!'\d]\S*|in|me|on|at|to|from|weeks?|days?|months?|tomorrow|today))*\s*$"""
)
_MENTIONS = r"(?i)/?cc\b:?\s*(?:@\S+[\s,]*)+$"
_ISSUE = r"(?:\S*[#!]\d+|https?://\S+/(?:-/)?(?:issues|merge_requests|pull)/\d+\S*)"
_REFERENCE = (
    rf"(?i)(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?|relate[sd] to|part of)\b:?\s*{_ISSUE}"
    rf"(?:[\s,]+(?:and\s+)?{_ISSUE})*\W*$"
)
# "<feature-flag-name>", "<project_id>" in a command: a name to fill in. Not an XML element
# (<new-checkout-enabled>false</new-checkout-enabled>), nor a C++ type (unique_ptr<cache_entry>).
_NAME_TO_FILL = r"(?:^|[\s=:/'\"])<[A-Za-z][A-Za-z0-9]*[-_][A-Za-z0-9_-]*>(?!.*</)"


_CLOSING = frozenset(
    "close closes closed fix fixes fixed resolve resolves resolved relate relates related part".split()
)


def _is_trailer(line: str) -> bool:
    if line[0] == "/" and re.match(_QUICK_ACTION, line):
        return True
    first = line.split(None, 1)[0].lower().rstrip(":")
    if first in ("cc", "/cc") and re.match(_MENTIONS, line):
        return True
    return first in _CLOSING and re.match(_REFERENCE, line) is not None


def line_reason(line: str, context: Context, *, code: bool = False, linked: bool = False) -> str | None:
    """Why the stripped ``line`` is not content; None when it is. ``linked``: its block
    holds a link."""
    if template_key(line) in context.template_lines:
        return PROMPT
    if placeholders.is_placeholder(line, context.phrases, context.prompts):
        # which of the two, asked only of the few lines that are either
        if context.prompts is None or placeholders.is_placeholder(line, context.phrases):
            return PLACEHOLDER
        return PROMPT
    if code:  # a command is content whatever words it holds, but not a command to fill in,
        # nor a quick action: fenced, GitLab does not even run it, and it answers nothing
        if line[0] == "/" and re.match(_QUICK_ACTION, line):
            return TRAILER
        return PLACEHOLDER if "<" in line and re.search(_NAME_TO_FILL, line) else None
    if _is_trailer(line):
        return TRAILER
    if not linked and placeholders.is_instruction(line):
        return PROMPT
    if placeholders.na_reason(line) is not None:
        if placeholders.is_bare_na(line):
            return BARE_NA
        if not context.allow_na:
            return NA_REFUSED
    return None


def block_reasons(block: Block, context: Context) -> tuple[list[str], list[str]]:
    """(content lines, reasons the other lines are not content) of one block."""
    if block.kind == "comment":
        return [], [COMMENT]
    if block.kind == "prompt":
        return [], [PROMPT]
    if block.kind in ("task", "item") and not block.text.strip():
        return [], [EMPTY_BOX]
    kept: list[str] = []
    reasons: list[str] = []
    for line in block.text.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        reason = line_reason(stripped, context, code=block.kind == "code", linked=bool(block.links))
        if reason is None:
            kept.append(stripped)
        else:
            reasons.append(reason)
    if not kept and block.links and PROMPT not in reasons:
        # a link is an answer by itself: "Runbook: [here](https://runbooks.example.com/7)"
        kept = list(block.links)
    return kept, reasons


def content_lines(block: Block, context: Context) -> list[str]:
    """The lines of ``block`` that are real content (empty when none is)."""
    return block_reasons(block, context)[0]


def real_content(blocks: Sequence[Block], context: Context) -> list[tuple[Block, list[str]]]:
    """Each block that holds real content, with its content lines."""
    found = []
    for block in blocks:
        lines = content_lines(block, context)
        if lines:
            found.append((block, lines))
    return found


_WHY = {
    NA_REFUSED: "says N/A, but this part of the plan cannot be skipped: describe it",
    BARE_NA: 'says only "N/A": give the reason ("N/A, because ...") or describe it',
    PROMPT: "holds only the template's prompt",
    PLACEHOLDER: "holds only placeholder text (such as TBD or \"Your text here\")",
    EMPTY_BOX: "holds only empty list items or unticked empty boxes",
    COMMENT: "holds only HTML comments",
    TRAILER: "holds only quick actions or issue references",
}


def why_no_content(blocks: Sequence[Block], context: Context) -> str:
    """What a section without real content holds instead, as a phrase for the finding."""
    found: set[str] = set()
    for block in blocks:
        found.update(block_reasons(block, context)[1])
    reason = next((r for r in REASONS if r in found), PLACEHOLDER)
    return _WHY[reason]
