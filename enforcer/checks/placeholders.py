"""Placeholders: text that stands where content should be, and is never content.

A line is a placeholder when nothing is left of it after removing template prompts,
placeholder phrases and punctuation: "Your text here", "TODO", "TBD", "Lorem ipsum",
"<describe the rollback>", "[FILL_IN]", "___", "...", "?" and the like. A line that starts
with TODO, TBD or FIXME is a placeholder whatever follows. A bare "N/A" (or "none", "not
applicable") with no reason is a placeholder; "N/A, because ..." with a reason counts where
the requirement allows it (``allow_na``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from enforcer.checks.text import Phrases, normalize

# Phrases removed from a line before we look for what is left (normalised form).
PHRASES: tuple[str, ...] = (
    "your text here",
    "add your text here",
    "enter text here",
    "text here",
    "lorem ipsum dolor sit amet",
    "lorem ipsum",
    "to be determined",
    "to be decided",
    "to be defined",
    "to be confirmed",
    "to be added",
    "to be announced",
    "fill in",
    "fill me in",
    "fill this in",
    "fill this out",
    "describe here",
    "add details here",
    "add details",
    "details here",
    "placeholder",
    "tbd",
    "tba",
    "tbc",
    "todo",
    "to do",
    "fixme",
    "xxx",
    "wip",
    "coming soon",
    # what authors write meaning "not yet": "Will fill in before merge", "To be filled"
    "to be filled",
    "to be filled in",
    "to be filled out",
    "to be written",
    "to be completed",
    "to be updated",
    "will fill in",
    "will fill",
    "will add",
    "will update",
    "will be added",
    "will be updated",
    "add later",
    "fill in later",
    "later",
    "before merge",
    "before merging",
    "not yet defined",
    "not defined yet",
    "not yet",
    "see below",
    "see above",
    "pending",
    # vague enough to say nothing: "Same as usual", "Nothing special"
    "nothing special",
    "same as usual",
    "same as always",
    "as usual",
    "as always",
    "the usual",
    "business as usual",
    # GitHub issue forms leave an unanswered field as "_No response_"
    "no response",
    # words that only surround a placeholder: "Please fill in", "Enter your text here"
    "please",
    "enter",
    "insert",
    "type",
    "your",
    "here",
)
# A line that starts with one of these is a placeholder whatever follows ("TODO: write it",
# "Lorem ipsum dolor sit amet, consectetur", "Your text here: describe the rollback").
_LEADING = re.compile(
    r"^\W*(?:todo|tbd|tba|fixme|xxx|lorem ipsum|your text here|(?:enter|add|insert) (?:your )?text here)\b",
    re.IGNORECASE,
)
# A short instruction that ends in "here": "Add rollback steps here", "Describe the plan here."
_INSTRUCTION_VERBS = frozenset("add describe enter insert list write put provide paste link".split())
_INSTRUCTION = r"(?i)^\W*\w+\b(?:\W+\w+){0,5}\W+here\W*$"  # compiled on first use
_BRACKETED = re.compile(r"^\s*(?:<[^<>]*>|\[[^\[\]]*\]|\{\{?[^{}]*\}?\}|_+|\.{2,}|…+|-+|\?+|\*+)\s*$")
_NA = re.compile(
    r"^\W*(?:n\s*/\s*a|n\.\s*a|na|none|nothing|not applicable|not needed|nope|no|nil|null)\b\W*(?P<reason>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_REASON_MIN_WORDS = 2


DEFAULT_PHRASES = Phrases(PHRASES)


def phrases(extra: Iterable[str] = ()) -> Phrases:
    extra = tuple(extra)
    return Phrases(PHRASES + extra) if extra else DEFAULT_PHRASES


def is_placeholder(line: str, known: Phrases = DEFAULT_PHRASES, prompts: Phrases | None = None) -> bool:
    """True when ``line`` carries nothing but placeholder text or template prompts."""
    if _BRACKETED.match(line) or _LEADING.match(line):
        return True
    words = normalize(line).split()
    if prompts is not None:
        words = prompts.remove(words)
    return not known.remove(words)


def is_instruction(line: str) -> bool:
    """A template's short instruction ending in "here" ("Add the rollback steps here"). Not
    asked of a line with a link: "Link to the runbook [here](...)" is an answer."""
    words = line.lower().split(None, 1)
    if not words or words[0].strip("*_-#>.:") not in _INSTRUCTION_VERBS or "here" not in line.lower():
        return False
    return re.match(_INSTRUCTION, line) is not None


def na_reason(line: str) -> str | None:
    """For "N/A ..." lines the reason given ("" when bare); None when the line is no N/A."""
    match = _NA.match(line.strip())
    if not match:
        return None
    reason = match.group("reason").strip()
    # "No schema change" is a statement, not an N/A: only N/A words standing alone count.
    if match.group(0).split()[0].lower().strip(".,:;-") in {"no", "nothing", "none"} and reason:
        return None
    return reason


def is_bare_na(line: str) -> bool:
    """An N/A without a reason: "N/A", "n/a.", and "n/a - not needed", whose "reason" is one
    more N/A."""
    reason = na_reason(line)
    if reason is None:
        return False
    if reason and na_reason(reason) is not None and is_bare_na(reason):
        return True
    return len(re.findall(r"[^\W_]+", reason)) < _REASON_MIN_WORDS
